"""``habeas log verify`` and ``habeas log show``: the tamper-evident change log."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from habeas.cli.common import WorkspaceOption, console, open_store
from habeas.errors import IntegrityError
from habeas.store.schema import ChangeLogEntry

log_app = typer.Typer(help="The hash-chained change log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


@log_app.command("verify")
def verify(workspace: WorkspaceOption = None) -> None:
    """Recompute the hash chain; fails if any entry was edited, deleted or reordered.

    Example: habeas log verify
    """
    result = open_store(workspace).verify_log()
    if not result.ok:
        raise IntegrityError("The change log does NOT verify:\n  " + "\n  ".join(result.problems))
    console.print(f"Change log verified: {result.entries:,} entries, head "
                  f"{result.head_seq} {result.head_hash[:16]}…")


@log_app.command("show")
def show(
    limit: Annotated[int, typer.Option(help="The newest N entries.")] = 20,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. import.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Show the newest change-log entries.

    Example: habeas log show --action import
    """
    store = open_store(workspace)
    with store.read() as s:
        query = select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc()).limit(limit)
        if action:
            query = query.where(ChangeLogEntry.action == action)
        entries = list(s.execute(query).scalars())
    table = Table(title="change log (newest first)")
    for column in ("seq", "at (UTC)", "actor", "action", "entity", "detail"):
        table.add_column(column)
    for e in entries:
        detail = json.dumps(json.loads(e.detail), ensure_ascii=False)
        table.add_row(str(e.seq), e.at[:19], e.actor, e.action,
                      f"{e.entity} {e.entity_id or ''}", detail[:120])
    console.print(table)
