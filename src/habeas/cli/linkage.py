"""``habeas link`` and ``habeas review``: turn records into persons; people decide the unsure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from habeas import linkage
from habeas.cli.common import WorkspaceOption, console, open_store, print_json, progress_bar

review_app = typer.Typer(help="The review queue: pairs the model is unsure of.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.add_typer(review_app, name="review")


def link(
    retrain: Annotated[bool, typer.Option("--retrain", help="Train the model again and "
                                          "re-link every record.")] = False,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Link records into persons: new records only, or everything with --retrain.

    Human review decisions always win. Prints persons, merges and pairs queued for review.

    Example: habeas link --retrain
    """
    store = open_store(workspace)
    with progress_bar(not as_json) as progress:
        report = linkage.link(store, retrain=retrain, progress=progress)
    if as_json:
        print_json(report.as_dict())
        return
    console.print(f"Linkage run {report.run_id} ({report.kind}"
                  f"{', trained' if report.trained else ''}): {report.records:,} records → "
                  f"{report.persons:,} persons; {report.merges:,} merges, {report.splits:,} "
                  f"splits; {report.pairs_scored:,} pairs scored, {report.queued:,} queued for "
                  f"review ({report.seconds:.1f} s).")
    if report.model_outgrown:
        console.print(f"The model was trained on {report.model_records:,} records and the "
                      f"register now holds {report.records:,}: run `habeas link --retrain` "
                      "to learn from all of them (review decisions are kept).")


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 20,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List queued pairs, the decision that resolves most first.

    Example: habeas review list --limit 10
    """
    rows = linkage.queue(open_store(workspace), limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} queued pairs")
    for column in ("pair", "record A", "record B", "born", "p", "reason"):
        table.add_column(column)
    for r in rows:
        a, b = r["a"], r["b"]
        table.add_row(str(r["pair_id"]), f"{a.get('name', '')}\n{a.get('source', '')}",
                      f"{b.get('name', '')}\n{b.get('source', '')}",
                      f"{a.get('dob', '')}\n{b.get('dob', '')}",
                      f"{r['match_probability']:.3f}", r["reason"] or "")
    console.print(table)


@review_app.command("show")
def review_show(
    pair_id: Annotated[int, typer.Argument(help="The pair id (from `habeas review list`).")],
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one pair side by side with the evidence of every field.

    Example: habeas review show 42
    """
    pair = linkage.show(open_store(workspace), pair_id)
    if as_json:
        print_json(pair)
        return
    table = Table(title=f"Pair {pair_id}: p = {pair['match_probability']:.3f} "
                        f"({pair['status']}{', ' + pair['reason'] if pair['reason'] else ''})")
    table.add_column("")
    table.add_column("A")
    table.add_column("B")
    for key in ("source", "record_id", "name", "dob", "person_id"):
        table.add_row(key, str(pair["a"].get(key, "")), str(pair["b"].get(key, "")))
    console.print(table)
    evidence = Table(title="Evidence (match weight, bits)")
    for column in ("field", "level", "weight"):
        evidence.add_column(column)
    for field, (level, weight) in pair["evidence"].items():
        evidence.add_row(field, level, f"{weight:+.2f}")
    console.print(evidence)


@review_app.command("decide")
def review_decide(
    pair_id: Annotated[int, typer.Argument(help="The pair id.")],
    decision: Annotated[str, typer.Argument(help="same, different or unsure.")],
    note: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Decide a pair: same, different or unsure. Applied at once; binds every later run.

    Example: habeas review decide 42 different --note "different mothers' names"
    """
    result = linkage.decide(open_store(workspace), pair_id, decision, note=note)
    console.print(f"Decision {result['decision_id']}: records {result['record_a']} and "
                  f"{result['record_b']} are {decision}; {len(result['merges'])} merge(s), "
                  f"{len(result['splits'])} split(s).")


@review_app.command("export")
def review_export(
    file: Annotated[Path, typer.Argument(help="CSV file to write.", dir_okay=False)],
    workspace: WorkspaceOption = None,
) -> None:
    """Write the queue and past decisions as CSV, to review in a spreadsheet.

    Fill the "decision" column (same / different / unsure), then `habeas review import`.

    Example: habeas review export queue.csv
    """
    n = linkage.export_decisions(open_store(workspace), file)
    console.print(f"Wrote {n:,} pairs to {file}.")


@review_app.command("import")
def review_import(
    file: Annotated[Path, typer.Argument(help="CSV written by `habeas review export`.",
                                         exists=True, dir_okay=False)],
    workspace: WorkspaceOption = None,
) -> None:
    """Apply the decisions filled in a review CSV (all rows or none).

    Example: habeas review import queue.csv
    """
    n = linkage.import_decisions(open_store(workspace), file)
    console.print(f"Applied {n:,} decisions from {file}.")
