"""``habeas link`` and ``habeas review``: turn records into persons; people decide the unsure."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from habeas import linkage
from habeas.access.reader import Withheld
from habeas.cli.common import (
    AsOption,
    PurposeOption,
    WorkspaceOption,
    console,
    err_console,
    open_store,
    print_json,
    progress_bar,
    reader_for,
)
from habeas.cli.lang import _, ngettext
from habeas.linkage.backend import BackendUnavailable
from habeas.linkage.review_access import PairWithheld


class Backend(StrEnum):
    """The engine Splink runs on (:mod:`habeas.linkage.backend`)."""

    duckdb = "duckdb"
    spark = "spark"


review_app = typer.Typer(
    help="The review queue: pairs the model is unsure of.", no_args_is_help=True
)


def _are(decision: str) -> str:
    """``are same`` / ``are different`` / ``are unsure``, in the CLI's language."""
    return {"same": _("are same"), "different": _("are different"), "unsure": _("are unsure")}.get(
        decision, "are " + decision
    )


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.add_typer(review_app, name="review")


def _backend_missing(exc: BackendUnavailable) -> typer.Exit:
    """Say what the Spark backend lacks and how to get it; exit code 2."""
    if exc.missing == "pyspark":
        text = _(
            "The Spark backend needs the pyspark package, which is not installed. "
            "Install it with: pip install 'habeas[spark]' — or link with --backend duckdb."
        )
    elif exc.missing == "jar":
        text = _(
            "The Spark session lacks Splink's similarity functions (jaro_winkler). Pass "
            "Splink's jar to spark-submit with --jars (see docs/deploy.md) — or link with "
            "--backend duckdb."
        )
    else:
        text = _(
            "The Spark backend could not start Java (Spark needs Java 17 or newer). "
            "Install it (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME "
            "— or link with --backend duckdb."
        )
    err_console.print(f"[bold red]{_('Error:')}[/] {escape(text)}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def link(
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Train the model again and re-link every record.")
    ] = False,
    backend: Annotated[
        Backend,
        typer.Option(
            "--backend",
            help="Where Splink runs: duckdb (in this process) or spark (a local Spark, or the "
            "cluster HABEAS_SPARK_MASTER names; see docs/deploy.md). Same model, same links.",
        ),
    ] = Backend.duckdb,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Link records into persons: new records only, or everything with --retrain.

    Human review decisions always win. Prints persons, merges and pairs queued for review.

    Example: habeas link --retrain
    """
    store = open_store(workspace)
    try:
        with progress_bar(not as_json) as progress:
            report = linkage.link(store, retrain=retrain, backend=backend.value, progress=progress)
    except BackendUnavailable as exc:
        raise _backend_missing(exc) from None
    if as_json:
        print_json(report.as_dict())
        return
    console.print(
        _(
            "Linkage run {run} ({kind}{trained}): {records} records → {persons} "
            "persons; {merges} merges, {splits} splits; {scored} pairs scored, "
            "{queued} queued for review ({seconds} s)."
        ).format(
            run=report.run_id,
            kind=_(report.kind),
            trained=_(", trained") if report.trained else "",
            records=f"{report.records:,}",
            persons=f"{report.persons:,}",
            merges=f"{report.merges:,}",
            splits=f"{report.splits:,}",
            scored=f"{report.pairs_scored:,}",
            queued=f"{report.queued:,}",
            seconds=f"{report.seconds:.1f}",
        )
    )
    if report.model_outgrown:
        console.print(
            _(
                "The model was trained on {trained} records and the register now "
                "holds {records}: run `habeas link --retrain` to learn from all of "
                "them (review decisions are kept)."
            ).format(trained=f"{report.model_records:,}", records=f"{report.records:,}")
        )


def _print_pairs_withheld(withheld: Withheld) -> None:
    """Say on stderr how many pairs were kept back and how to see them."""
    if not withheld:
        return
    n = withheld.total
    text = ngettext(
        "{n} pair withheld: a record is at a sensitivity you may not see.",
        "{n} pairs withheld: a record is at a sensitivity you may not see.",
        n,
    ).format(n=f"{n:,}")
    if withheld.for_purpose:
        text += " " + _("{n} would be shown with --purpose (e.g. --purpose documentation).").format(
            n=f"{withheld.for_purpose:,}"
        )
    if withheld.for_purpose < n:
        text += " " + _("The others need an account cleared for their level: ask an administrator.")
    err_console.print(f"[yellow]{text}[/]", highlight=False, soft_wrap=True)


def _refused(exc: PairWithheld) -> typer.Exit:
    how = (
        _("To see or decide it, give --purpose (e.g. --purpose documentation).")
        if exc.reason == "purpose"
        else _(
            "To see or decide it, ask an administrator (your role is not cleared for that level)."
        )
    )
    why = (
        _(
            "Records {a} and {b} include one at sensitivity {level}; showing or deciding the "
            "pair needs a stated purpose."
        )
        if exc.reason == "purpose"
        else _(
            "Records {a} and {b} include one at sensitivity {level}; showing or deciding the "
            "pair needs a role cleared for that level."
        )
    ).format(a=exc.record_a, b=exc.record_b, level=exc.level)
    err_console.print(f"[red]{why} {how}[/]", highlight=False, soft_wrap=True)
    return typer.Exit(1)


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 20,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List queued pairs you may see, the decision that resolves most first.

    Pairs with a record you may not see are counted, not shown.

    Example: habeas review list --limit 10 --purpose documentation
    """
    store = open_store(workspace)
    result = linkage.queue(store, limit, reader=reader_for(store, as_user, purpose))
    rows = result.pairs
    _print_pairs_withheld(result.withheld)
    if as_json:
        print_json(rows)
        return
    table = Table(
        title=_("{shown} of {count} queued pairs").format(shown=len(rows), count=result.count)
    )
    for column in ("pair", "record A", "record B", "born", "p", "reason"):
        table.add_column(_(column))
    for r in rows:
        a, b = r["a"], r["b"]
        table.add_row(
            str(r["pair_id"]),
            f"{a.get('name', '')}\n{a.get('source', '')}",
            f"{b.get('name', '')}\n{b.get('source', '')}",
            f"{a.get('dob', '')}\n{b.get('dob', '')}",
            f"{r['match_probability']:.3f}",
            r["reason"] or "",
        )
    console.print(table)


@review_app.command("show")
def review_show(
    pair_id: Annotated[int, typer.Argument(help="The pair id (from `habeas review list`).")],
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one pair side by side with the evidence of every field.

    Example: habeas review show 42 --purpose documentation
    """
    store = open_store(workspace)
    try:
        pair = linkage.show(store, pair_id, reader=reader_for(store, as_user, purpose))
    except PairWithheld as exc:
        raise _refused(exc) from None
    if as_json:
        print_json(pair)
        return
    table = Table(
        title=_("Pair {pair}: p = {p} ({status})").format(
            pair=pair_id,
            p=f"{pair['match_probability']:.3f}",
            status=_(pair["status"]) + (", " + pair["reason"] if pair["reason"] else ""),
        )
    )
    table.add_column("")
    table.add_column("A")
    table.add_column("B")
    for key in ("source", "record_id", "name", "dob", "person_id"):
        table.add_row(_(key), str(pair["a"].get(key, "")), str(pair["b"].get(key, "")))
    console.print(table)
    evidence = Table(title=_("Evidence (match weight, bits)"))
    for column in ("field", "level", "weight"):
        evidence.add_column(_(column))
    for field, (level, weight) in pair["evidence"].items():
        evidence.add_row(field, level, f"{weight:+.2f}")
    console.print(evidence)


@review_app.command("decide")
def review_decide(
    pair_id: Annotated[int, typer.Argument(help="The pair id.")],
    decision: Annotated[
        str, typer.Argument(help="same (misma), different (distinta) or unsure (dudosa).")
    ],
    note: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Decide a pair: same / misma, different / distinta, unsure / dudosa.

    Applied at once; binds every later run. Prints the decision's number: `habeas review
    undo NUMBER` reverses it.

    Example: habeas review decide 42 distinta --note "different mothers' names"
    """
    store = open_store(workspace)
    try:
        result = linkage.decide(
            store, pair_id, decision, note=note, reader=reader_for(store, as_user, purpose)
        )
    except PairWithheld as exc:
        raise _refused(exc) from None
    a, b = result["a"], result["b"]
    console.print(
        _(
            "Decision {id}: {a} ({source_a}) and {b} ({source_b}) {are}; "
            "{merges} merge(s), {splits} split(s). To reverse it: habeas review undo "
            "{id}"
        ).format(
            id=result["decision_id"],
            a=a.get("name") or result["record_a"],
            source_a=a.get("source", ""),
            b=b.get("name") or result["record_b"],
            source_b=b.get("source", ""),
            are=_are(result["decision"]),
            merges=len(result["merges"]),
            splits=len(result["splits"]),
        ),
        highlight=False,
    )


@review_app.command("undo")
def review_undo(
    decision_id: Annotated[
        int, typer.Argument(help="The decision's number (printed by `habeas review decide`).")
    ],
    note: Annotated[str | None, typer.Option(help="Why (kept with the undo).")] = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Reverse a decision: the pair goes back to the queue and binds no later run.

    The records it merged or split are re-grouped as the model and the other decisions
    say. The undo is itself a decision, kept in the change log.

    Example: habeas review undo 17 --note "pressed Enter by mistake"
    """
    store = open_store(workspace)
    try:
        result = linkage.undo(
            store, decision_id, note=note, reader=reader_for(store, as_user, purpose)
        )
    except PairWithheld as exc:
        raise _refused(exc) from None
    a, b = result["a"], result["b"]
    console.print(
        _(
            "Decision {id} ({was}) on {a} ({source_a}) and {b} ({source_b}) undone; "
            "{merges} merge(s), {splits} split(s); the pair is back in the queue."
        ).format(
            id=result["undoes"],
            was=_(result["was"]),
            a=a.get("name") or result["record_a"],
            source_a=a.get("source", ""),
            b=b.get("name") or result["record_b"],
            source_b=b.get("source", ""),
            merges=len(result["merges"]),
            splits=len(result["splits"]),
        ),
        highlight=False,
    )


@review_app.command("export")
def review_export(
    file: Annotated[Path, typer.Argument(help="CSV file to write.", dir_okay=False)],
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Write the queue and past decisions you may export as CSV, to review in a spreadsheet.

    Fill the "decision" column (same / different / unsure, or misma / distinta / dudosa),
    then `habeas review import`. Pairs with a record you may not export are left out and
    counted.

    Example: habeas review export queue.csv --purpose documentation
    """
    store = open_store(workspace)
    result = linkage.export_decisions(store, file, reader=reader_for(store, as_user, purpose))
    console.print(_("Wrote {n} pairs to {file}.").format(n=f"{result.rows:,}", file=file))
    _print_pairs_withheld(result.withheld)


@review_app.command("import")
def review_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV written by `habeas review export`.", exists=True, dir_okay=False),
    ],
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Apply the decisions filled in a review CSV (all rows or none).

    Example: habeas review import queue.csv --purpose documentation
    """
    store = open_store(workspace)
    n = linkage.import_decisions(store, file, reader=reader_for(store, as_user, purpose))
    console.print(_("Applied {n} decisions from {file}.").format(n=f"{n:,}", file=file))
