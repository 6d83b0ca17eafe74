"""``habeas export``: records, persons, links, events or legal facts to CSV, JSON or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from habeas.cli.common import (
    AsOption,
    PurposeOption,
    WorkspaceOption,
    console,
    open_store,
    print_withheld,
    reader_for,
)
from habeas.cli.lang import _
from habeas.cli.notices import tr
from habeas.evidence.export import write_sidecar_manifest
from habeas.report.export import TABLES, export


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)


def export_command(
    what: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    output: Annotated[
        Path, typer.Argument(help="File to write (.csv, .json or .xlsx).", dir_okay=False)
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, json or xlsx (default: from the file name)."),
    ] = None,
    manifest: Annotated[
        bool,
        typer.Option(
            "--manifest", help="Also write FILE.sha256 (sha256sum format) next to the export."
        ),
    ] = False,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Export a table; every row carries its record → person link.

    Only rows at levels your role may export are written (restricted ones need
    --purpose); the export is logged. Reporters' and witnesses' identities are never
    exported.

    Examples:

      habeas export records registros.xlsx

      habeas export links links.csv --manifest
    """
    store = open_store(workspace)
    result = export(store, what, output, fmt, reader=reader_for(store, as_user, purpose))
    if print_withheld(result.withheld):  # first, then what was written
        console.print(
            tr(
                "Wrote %(n)s %(what)s to %(path)s; %(w)s more were withheld from "
                "this export (see above).",
                n=f"{result.rows:,}",
                what=_(what),
                path=output,
                w=f"{result.withheld.total:,}",
            ),
            highlight=False,
        )
    else:
        console.print(
            _("Wrote {n} {what} to {path}").format(n=f"{result.rows:,}", what=_(what), path=output),
            highlight=False,
        )
    if manifest:
        console.print(
            _("Wrote {path}").format(path=write_sidecar_manifest(output)), highlight=False
        )
