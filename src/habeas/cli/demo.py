"""``habeas demo``: build the synthetic case and import every list, then summarise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from habeas import i18n
from habeas.cli.common import WorkspaceOption, console, progress_bar, warn_loose
from habeas.cli.estimate_render import render_estimates
from habeas.cli.lang import _, current
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
    why = _("once per shell: puts habeas on your PATH")
    if activate.exists():
        return f"  source {activate}    # {why}\n"
    return f"  export PATH={here}:$PATH    # {why}\n"


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
        _(
            "Building the synthetic case ({persons} fictional persons, seed {seed}) in {folder} …"
        ).format(persons=persons, seed=seed, folder=case_dir),
        highlight=False,
    )
    with progress_bar() as progress:
        result = build_demo(store, case_dir, persons=persons, seed=seed, progress=progress)
    imports = Table(title=_("Lists imported"))
    newly = i18n.translator(current()).pgettext("list status", "imported")
    for column in (
        _("source"),
        _("records"),
        _("events"),
        _("legal facts"),
        _("warnings"),
        _("status"),
    ):
        imports.add_column(column)
    for imp in result.imports:
        imports.add_row(
            imp.source_title,
            f"{imp.records:,}",
            f"{imp.events:,}",
            f"{imp.legal_facts:,}",
            str(len(imp.warnings)),
            _("already imported") if imp.already_imported else newly,
        )
    console.print(imports)
    if result.linkage is not None:
        lk = result.linkage
        console.print(
            "[bold]"
            + _("Record linkage")
            + "[/] "
            + _(
                "({kind} run, {seconds} s): {records} records → {persons} persons; {auto} links "
                "made automatically, {queued} pairs wait for a human in the review queue."
            ).format(
                kind=lk.kind,
                seconds=f"{lk.seconds:.1f}",
                records=f"{lk.records:,}",
                persons=f"{lk.persons:,}",
                auto=f"{lk.auto_links:,}",
                queued=f"{lk.queued:,}",
            )
        )
    estimate = demo_estimate(store, case_dir / "case.json", seed=seed)
    console.print(
        "[bold]"
        + _("How many Venezuelans in all, counting those no list names?")
        + "[/] "
        + _("Multiple systems estimation on {n} lists, after linkage:").format(
            n=len(estimate.lists)
        )
    )
    render_estimates(estimate.estimates, console, current())
    if estimate.true_total is not None:
        console.print(
            "  "
            + _(
                "The true number, known only because the case is synthetic: {total}. Missed "
                "links make one person count as two and push estimates up: reviewing the "
                "queue (habeas review) brings them down."
            ).format(total=f"{estimate.true_total:,}")
        )
    reports = demo_reports(store, ws.root / "reports")
    console.print(
        "[bold]"
        + _("Reports")
        + "[/] "
        + _("(Spanish; `habeas report … --lang en` for English):")
        + "\n  "
        + _("situation report for CECOT: {path}").format(path=reports.situation)
        + "\n  "
        + _("dossier of person {id} (the one on most lists): {path}").format(
            id=reports.person_id, path=reports.dossier
        ),
        highlight=False,
    )
    console.print(_summary(ws.root, case_dir, queries.summary(store)), highlight=False)
    user, password = demo_login(store, ws.root)
    console.print(
        "[bold]"
        + _("The web application")
        + "[/] "
        + _("(Spanish and English):")
        + f"\n  habeas serve --workspace {ws.root}\n  "
        + _(
            "then open http://127.0.0.1:8000 and log in as {user} with password {password} "
            "(kept in {file})"
        ).format(
            user=f"[bold]{user}[/]",
            password=f"[bold]{password}[/]",
            file=ws.root / "demo-login.txt",
        ),
        highlight=False,
    )


def _next_steps() -> list[tuple[str, str]]:
    return [
        ("habeas sources", _("what was imported, with file hashes")),
        ("habeas records --limit 20", _("records with their normalised fields")),
        ("habeas review list", _("pairs the model is unsure of: decide them")),
        ('habeas find "Jose Gonzalez"', _("find a person across every list")),
        ("habeas export records records.xlsx", _("everything, with record → person links")),
        ("habeas log verify", _("the tamper-evident change log")),
        (
            "habeas estimate --lists TITLE --lists TITLE ... --method all",
            _("on your lists"),
        ),
        ("habeas link --retrain", _("re-train the linkage model on your decisions")),
    ]


def _summary(root: Path, case_dir: Path, counts: dict[str, int]) -> str:
    """The "Register" and "Next" blocks: what the register holds, what to run next."""
    figures = " · ".join(
        [
            _("sources {n}").format(n=f"{counts['sources']:,}"),
            _("records {n}").format(n=f"{counts['records']:,}"),
            _("persons {n}").format(n=f"{counts['persons']:,}"),
            _("events {n}").format(n=f"{counts['events']:,}"),
            _("legal facts {n}").format(n=f"{counts['legal_facts']:,}"),
            _("facilities {n} ({units} units)").format(
                n=f"{counts['facilities']:,}", units=f"{counts['units']:,}"
            ),
            _("incidents {n}").format(n=f"{counts['incidents']:,}"),
        ]
    )
    steps = "".join(
        f"  {command.ljust(36) if len(command) < 36 else command + '   '}# {comment}\n"
        for command, comment in _next_steps()
    )
    return (
        f"[bold]{_('Register')}[/] {root}\n  {figures}\n  "
        + _("Ground truth (which records are the same person): {path}").format(
            path=case_dir / "ground_truth.csv"
        )
        + f"\n[bold]{_('Next')}[/]\n{activate_hint()}  cd {root}\n"
        + steps.rstrip("\n")
    )
