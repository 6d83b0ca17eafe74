"""``habeas sources`` and ``habeas records``: look at what the register holds."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from habeas.cli.common import (
    AsOption,
    PurposeOption,
    WorkspaceOption,
    console,
    open_store,
    print_json,
    print_withheld,
    reader_for,
)
from habeas.cli.lang import _
from habeas.read.records import list_records
from habeas.read.sources import visible_sources


def register(app: typer.Typer) -> None:
    app.command("sources")(sources)
    app.command("records")(records)


def sources(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """List the sources, how many records each holds and their files (with hashes).

    Example: habeas sources
    """
    store = open_store(workspace)
    found = visible_sources(store, reader=reader_for(store, as_user, purpose))
    rows = [r.to_dict() for r in found.rows]
    print_withheld(found.withheld)
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("{n} sources").format(n=len(rows)))
    for column in ("id", "title", "kind", "reliability", "date", "records", "files"):
        table.add_column(_(column))
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["title"],
            r["kind"],
            r["reliability"] or "",
            str(r["published_on"] or ""),
            f"{r['records']:,}",
            "\n".join(r["files"]),
        )
    console.print(table)


def records(
    source: Annotated[str | None, typer.Option(help="Only this source (its title).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many records.")] = 50,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """List records with their person, source, row and normalised fields.

    Example: habeas records --source "Flight manifest" --limit 20
    """
    store = open_store(workspace)
    found = list_records(
        store, reader=reader_for(store, as_user, purpose), source_title=source, limit=limit
    )
    rows = found.rows
    print_withheld(found.withheld)
    if as_json:
        print_json(rows)
        return
    table = Table(
        title=(_("{n} records of {source!r}") if source else _("{n} records")).format(
            n=len(rows), source=source
        )
    )
    for column in (
        "record",
        "person",
        "source",
        "row",
        "name as written",
        "surnames",
        "born",
        "ids",
    ):
        table.add_column(_(column))
    for r in rows:
        ids = ", ".join(f"{k[3:]}={v}" for k, v in r.items() if k.startswith("id_"))
        table.add_row(
            str(r["record"]),
            str(r["person_id"]),
            r["source"],
            str(r["row"]),
            r["full_name"] or "",
            r["surnames"],
            r["date_of_birth"],
            ids,
        )
    console.print(table)
