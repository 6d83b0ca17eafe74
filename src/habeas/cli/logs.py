"""``habeas log verify`` and ``habeas log show``: the tamper-evident change log, which also
holds the audit of reads (who viewed or exported restricted data, when, why)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from habeas.audit.query import LogFilter, log_entries
from habeas.cli.common import WorkspaceOption, console, open_store, print_json
from habeas.errors import IntegrityError

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
    kind: Annotated[str | None, typer.Option(
        help="read (views and exports of restricted data, file views) or write.")] = None,
    user: Annotated[str | None, typer.Option(help="Only entries by this user.")] = None,
    person: Annotated[int | None, typer.Option(help="Only entries about this person.")] = None,
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day (YYYY-MM-DD).")] = None,
    purpose: Annotated[str | None, typer.Option(
        help="Only reads with this purpose (e.g. lawyer_request).")] = None,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the newest change-log entries, including the audit of reads.

    Examples: habeas log show --action import

      habeas log show --kind read --person 42 --since 2025-07-01
    """
    filters = LogFilter(kind=kind, user=user, person=person, since=since, until=until,
                        purpose=purpose, action=action)
    entries = log_entries(open_store(workspace), filters, limit)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    table = Table(title="change log (newest first)")
    for column in ("seq", "at (UTC)", "actor", "action", "entity", "purpose", "detail"):
        table.add_column(column)
    for e in entries:
        detail = json.dumps(e.detail, ensure_ascii=False)
        table.add_row(str(e.seq), e.at[:19], e.actor, e.action,
                      f"{e.entity} {e.entity_id or ''}", e.purpose or "", detail[:120])
    console.print(table)
