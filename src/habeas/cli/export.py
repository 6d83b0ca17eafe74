"""``habeas export``: records, persons, links, events or legal facts to CSV, JSON or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from habeas.cli.common import WorkspaceOption, console, open_store
from habeas.evidence.export import write_sidecar_manifest
from habeas.report.export import TABLES, export


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)


def export_command(
    what: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    output: Annotated[Path, typer.Argument(help="File to write (.csv, .json or .xlsx).",
                                           dir_okay=False)],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, json or xlsx "
                                            "(default: from the file name).")] = None,
    manifest: Annotated[bool, typer.Option(
        "--manifest", help="Also write FILE.sha256 (sha256sum format) next to the export.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Export a table; every row carries its record → person link.

    Examples:

      habeas export records registros.xlsx

      habeas export links links.csv --manifest
    """
    count = export(open_store(workspace), what, output, fmt)
    console.print(f"Wrote {count:,} {what} to {output}")
    if manifest:
        console.print(f"Wrote {write_sidecar_manifest(output)}")
