"""``habeas init``, ``habeas status``, ``habeas migrate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from habeas.cli.common import WorkspaceOption, console, open_store, print_json, warn_loose
from habeas.cli.lang import _
from habeas.store import migrate as migrations
from habeas.store import queries
from habeas.store.db import Store, make_engine
from habeas.workspace import find_workspace, init_workspace

#: What ``habeas status`` counts, as it is printed (English message ids).
_COUNTED = {
    "sources": "sources",
    "imports": "imports",
    "records": "records",
    "persons": "persons",
    "identifiers": "identifiers",
    "invalid_identifiers": "invalid identifiers",
    "events": "events",
    "legal_facts": "legal facts",
    "facilities": "facilities",
    "units": "units",
    "incidents": "incidents",
    "log_entries": "log entries",
}


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)
    app.command("migrate")(migrate)


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    name: Annotated[str | None, typer.Option(help="A name for the register.")] = None,
) -> None:
    """Create a workspace: config file, database and content-addressed file store.

    Example: habeas init ~/registro-cecot
    """
    workspace = init_workspace(directory, name)
    store = Store.open(workspace, create=True)
    store.close()
    where = (
        "PostgreSQL (HABEAS_DATABASE_URL)"
        if workspace.database_url.startswith("postgresql")
        else str(workspace.root / "habeas.db")
    )
    console.print(
        _(
            "Created workspace [bold]{name}[/] in {root}\nDatabase: {where}\n"
            "Next: cd {directory} && habeas import LIST.csv --source-title TITLE "
            "--source-kind list"
        ).format(name=workspace.name, root=workspace.root, where=where, directory=directory)
    )


def status(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts of what the register holds.

    Example: habeas status --json
    """
    store = open_store(workspace)
    counts = queries.summary(store)
    if as_json:
        print_json(counts)
        return
    table = Table(title=_("habeas register"), show_header=False)
    for key, value in counts.items():
        table.add_row(_(_COUNTED[key]) if key in _COUNTED else key.replace("_", " "), f"{value:,}")
    console.print(table)


def migrate(workspace: WorkspaceOption = None) -> None:
    """Bring the database schema up to this version of habeas (back up first).

    Example: habeas migrate
    """
    ws = find_workspace(workspace)
    warn_loose(ws)
    engine = make_engine(ws.database_url)
    before = migrations.current_revision(engine)
    engine.dispose()
    store = Store.open(ws, create=True)
    store.close()
    console.print(
        _("Schema at {head} (was {before}).").format(
            head=migrations.head_revision(), before=before or _("empty")
        )
    )
