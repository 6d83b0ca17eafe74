"""``habeas demo``: build the synthetic case and import every list, then summarise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from habeas.cli.common import WorkspaceOption, console, progress_bar, warn_loose
from habeas.cli.estimate import render_estimates
from habeas.cli.lang import _
from habeas.demo import build_demo, demo_estimate, demo_login, demo_reports
from habeas.errors import WorkspaceError
from habeas.store import queries
from habeas.store.db import Store
from habeas.workspace import Workspace, find_workspace, init_workspace, load_workspace

DEMO_DIR = "demo-workspace"


def activate_hint() -> str:
    """A first line for the "Next" commands when ``habeas`` is not on this shell's PATH (the
    usual case after ``make demo``, which installs into ``.venv``): how to make it so."""
    import shutil
    import sys

    here = Path(sys.executable).parent
    found = shutil.which("habeas")
    if found and Path(found).resolve().parent == here.resolve():
        return ""
    activate = here / "activate"
    if activate.exists():
        return f"  source {activate}    # once per shell: puts habeas on your PATH\n"
    return f"  export PATH={here}:$PATH    # once per shell: puts habeas on your PATH\n"


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def _demo_workspace(explicit: Path | None) -> tuple[Workspace, bool]:
    """The current workspace, else ``./demo-workspace`` (created if missing)."""
    try:
        return find_workspace(explicit), False
    except WorkspaceError:
        if explicit is not None or os.environ.get("HABEAS_WORKSPACE"):
            raise
    target = Path.cwd() / DEMO_DIR
    if (target / "habeas.toml").exists():
        return load_workspace(target), False
    return init_workspace(target, "habeas demo (synthetic case)"), True


def _write_files(persons: int, seed: int, explicit: Path | None) -> None:
    """Generate the synthetic lists and stop: the user imports them (the README's tour)."""
    from habeas.synth import generate_case

    try:
        root = find_workspace(explicit).root
    except WorkspaceError:
        if explicit is not None or os.environ.get("HABEAS_WORKSPACE"):
            raise
        root = Path.cwd()
    case_dir = root / "demo-files"
    if (case_dir / "case.json").exists():
        console.print(
            _("{folder} already holds a synthetic case; it was left as it is.").format(
                folder=case_dir
            ),
            highlight=False,
        )
    else:
        generate_case(case_dir, persons=persons, seed=seed)
        console.print(
            _(
                "Wrote the synthetic lists ({persons} fictional persons, seed {seed}) "
                "into {folder}; nothing was imported."
            ).format(persons=persons, seed=seed, folder=case_dir),
            highlight=False,
        )
    lists = sorted(p.name for p in (case_dir / "lists").iterdir())
    console.print(_("Lists: {names}").format(names=", ".join(lists)), highlight=False)
    console.print(
        _("Next: habeas import {folder}/lists/FILE --source-title TITLE --dry-run").format(
            folder=case_dir.name
        ),
        highlight=False,
    )


def demo(
    persons: Annotated[int, typer.Option(help="Size of the synthetic population.", min=10)] = 600,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same case).")] = 7,
    files_only: Annotated[
        bool,
        typer.Option(
            "--files-only",
            help="Only write the lists (demo-files/ in the workspace, or in the "
            "current folder when there is none) to import them yourself; import nothing.",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Build a synthetic CECOT-like case (fictional people only) and import every list.

    Into the current workspace, or a new ./demo-workspace when there is none.

    Example: habeas demo --persons 600 --seed 7

    Example (the lists only, as in the README's tour): habeas demo --files-only --persons 300
    """
    if files_only:
        _write_files(persons, seed, workspace)
        return
    ws, created = _demo_workspace(workspace)
    warn_loose(ws)
    store = Store.open(ws, create=created)
    case_dir = ws.root / "demo-files"
    console.print(
        f"Building the synthetic case ({persons} fictional persons, seed {seed}) in {case_dir} …"
    )
    with progress_bar() as progress:
        result = build_demo(store, case_dir, persons=persons, seed=seed, progress=progress)
    imports = Table(title="Lists imported")
    for column in ("source", "records", "events", "legal facts", "warnings", "status"):
        imports.add_column(column)
    for imp in result.imports:
        imports.add_row(
            imp.source_title,
            f"{imp.records:,}",
            f"{imp.events:,}",
            f"{imp.legal_facts:,}",
            str(len(imp.warnings)),
            "already imported" if imp.already_imported else "imported",
        )
    console.print(imports)
    if result.linkage is not None:
        lk = result.linkage
        console.print(
            f"[bold]Record linkage[/] ({lk.kind} run, {lk.seconds:.1f} s): {lk.records:,} records "
            f"→ {lk.persons:,} persons; {lk.auto_links:,} links made automatically, "
            f"{lk.queued:,} pairs wait for a human in the review queue."
        )
    estimate = demo_estimate(store, case_dir / "case.json", seed=seed)
    console.print(
        "[bold]How many Venezuelans in all, counting those no list names?[/] "
        f"Multiple systems estimation on {len(estimate.lists)} lists, after linkage:"
    )
    render_estimates(estimate.estimates, console)
    if estimate.true_total is not None:
        console.print(
            f"  The true number, known only because the case is synthetic: "
            f"{estimate.true_total:,}. Missed links make one person count as two "
            "and push estimates up: reviewing the queue (habeas review) brings "
            "them down."
        )
    reports = demo_reports(store, ws.root / "reports")
    console.print(
        f"[bold]Reports[/] (Spanish; `habeas report … --lang en` for English):\n"
        f"  situation report for CECOT: {reports.situation}\n"
        f"  dossier of person {reports.person_id} (the one on most lists): "
        f"{reports.dossier}"
    )
    counts = queries.summary(store)
    console.print(
        f"[bold]Register[/] {ws.root}\n"
        f"  sources {counts['sources']:,} · records {counts['records']:,} · "
        f"persons {counts['persons']:,} · events {counts['events']:,} · legal facts "
        f"{counts['legal_facts']:,} · facilities {counts['facilities']:,} "
        f"({counts['units']:,} units) · incidents {counts['incidents']:,}\n"
        f"  Ground truth (which records are the same person): {case_dir / 'ground_truth.csv'}\n"
        "[bold]Next[/]\n"
        f"{activate_hint()}"
        f"  cd {ws.root}\n"
        "  habeas sources                      # what was imported, with file hashes\n"
        "  habeas records --limit 20           # records with their normalised fields\n"
        "  habeas review list                  # pairs the model is unsure of: decide them\n"
        '  habeas find "Jose Gonzalez"         # find a person across every list\n'
        "  habeas export records records.xlsx  # everything, with record → person links\n"
        "  habeas log verify                   # the tamper-evident change log\n"
        "  habeas estimate --lists TITLE --lists TITLE ... --method all   # on your lists\n"
        "  habeas link --retrain               # re-train the linkage model on your decisions"
    )
    user, password = demo_login(store, ws.root)
    console.print(
        "[bold]The web application[/] (Spanish and English):\n"
        f"  habeas serve --workspace {ws.root}\n"
        f"  then open http://127.0.0.1:8000 and log in as [bold]{user}[/] with password "
        f"[bold]{password}[/] (kept in {ws.root / 'demo-login.txt'})"
    )
