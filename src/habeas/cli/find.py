"""``habeas find`` and ``habeas index``: look for a person; maintain the search index."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from habeas import search as search_lib
from habeas.cli.common import (
    AsOption,
    PurposeOption,
    WorkspaceOption,
    console,
    err_console,
    open_store,
    print_json,
    print_withheld,
    progress_bar,
    reader_for,
)
from habeas.cli.lang import _
from habeas.cli.notices import tr

index_app = typer.Typer(help="The find-a-person search index.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("find")(find)
    app.add_typer(index_app, name="index")


def find(
    name: Annotated[
        str | None,
        typer.Argument(
            help="The name as you know it (accents, order and nicknames do not matter)."
        ),
    ] = None,
    dob: Annotated[
        str | None, typer.Option("--dob", help="Date of birth: 1990-05-04, 04/05/1990, 1990 ...")
    ] = None,
    nationality: Annotated[
        str | None, typer.Option("--nationality", help="Nationality: a name or ISO code (VEN).")
    ] = None,
    identifier: Annotated[
        str | None,
        typer.Option(
            "--id", help="A document number in any format: A-number, cédula, DUI, passport."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many persons.")] = 10,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Find a person on every list: ranked candidates with a score and the reasons.

    Tolerates missing accents, typos, nicknames (Pepe = José), swapped or missing
    surnames, and document numbers written any way.

    Example: habeas find "José Luis Rodriguez" --dob 1990-05-04
    """
    store = open_store(workspace)
    result = search_lib.search(
        store,
        name=name,
        dob=dob,
        nationality=nationality,
        identifier=identifier,
        limit=limit,
        reader=reader_for(store, as_user, purpose),
    )
    withheld = print_withheld(result.withheld)  # first: never a bare "no match"
    if as_json:
        print_json(result.to_dict())
        return
    for warning in result.warnings:
        err_console.print(f"[yellow]{_('Warning:')}[/] {escape(warning)}", highlight=False)
    if not result.candidates:
        console.print(
            tr(
                "No one you may see matches; the records withheld above were "
                "searched but are not shown."
            )
            if withheld
            else tr(
                "No one in the register matches. Try fewer words, only the "
                "surnames, or a document number."
            ),
            highlight=False,
        )
        return
    table = Table(title=_("{n} candidate persons").format(n=len(result.candidates)))
    for column in ("person", "score", "why", "records (source: name as written)"):
        table.add_column(_(column))
    for c in result.candidates:
        records = "\n".join(f"{r.source}: {r.name or ''}" for r in c.records)
        table.add_row(
            str(c.person_id),
            f"{c.score:.2f}",
            escape("\n".join(r.text for r in c.reasons)),
            escape(records),
        )
    console.print(table)


@index_app.command("rebuild")
def rebuild(workspace: WorkspaceOption = None) -> None:
    """Rebuild the search index from every record (one logged change).

    Example: habeas index rebuild
    """
    store = open_store(workspace)
    with progress_bar() as progress:
        counts = search_lib.build_search_index(store, progress=progress)
    console.print(
        _("Indexed {records} records ({keys} keys).").format(
            records=f"{counts['records']:,}", keys=f"{counts['keys']:,}"
        )
    )


@index_app.command("status")
def status(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say whether every record is in the search index.

    Example: habeas index status
    """
    st = search_lib.search_status(open_store(workspace))
    data = {
        "built_at": st.built_at,
        "unindexed": st.unindexed,
        "indexed_through": st.indexed_through,
        "version": st.version,
    }
    if as_json:
        print_json(data)
        return
    if st.built_at is None:
        console.print(_("The search index has never been built: run `habeas index rebuild`."))
    elif st.unindexed:
        console.print(
            _("{n} records are not indexed yet (built {built}).").format(
                n=f"{st.unindexed:,}", built=st.built_at
            )
        )
    else:
        console.print(_("Every record is indexed (built {built}).").format(built=st.built_at))
