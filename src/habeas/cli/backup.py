"""``habeas backup`` and ``habeas restore``: the whole register in one verified archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from habeas.cli.common import WorkspaceOption, console, open_store, progress_bar
from habeas.cli.passphrase import ask_passphrase
from habeas.evidence.backup import backup, restore


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


def backup_command(
    output: Annotated[Path, typer.Argument(help="The archive to write (.zip; must not exist).",
                                           dir_okay=False)],
    workspace: WorkspaceOption = None,
) -> None:
    """Write the database, the file store, their hashes and the log head to one archive.

    Works the same on SQLite and PostgreSQL. Note the printed backup digest somewhere
    else (not beside the archive): `habeas restore --expect-digest` checks it.

    Example: habeas backup /media/usb/registro-2025-04-01.zip
    """
    with progress_bar() as progress:
        result = backup(open_store(workspace), output, progress=progress)
    rows = sum(result.tables.values())
    console.print(f"Wrote {escape(str(result.path))}: {rows:,} rows in {len(result.tables)} "
                  f"tables, {result.files:,} files ({result.bytes:,} bytes).\n"
                  f"Backup digest (keep it apart from the archive): {result.manifest_sha256}\n"
                  f"Archive SHA-256: {result.sha256}\n"
                  f"Change-log head: entry {result.log_head_seq} {result.log_head_hash}",
                  highlight=False)


def restore_command(
    archive: Annotated[Path, typer.Argument(help="A backup written by `habeas backup`.",
                                            exists=True, dir_okay=False)],
    workspace: Annotated[Path, typer.Option(
        "--workspace", "-w", help="The NEW workspace folder (must not exist, or be empty). "
        "With HABEAS_DATABASE_URL the rows go to that (empty) database.", file_okay=False)],
    expect_head: Annotated[str | None, typer.Option(
        help="The change-log head hash `habeas backup` printed; refuse any other.")] = None,
    expect_digest: Annotated[str | None, typer.Option(
        help="The backup digest `habeas backup` printed; refuse a rewritten archive.")] = None,
) -> None:
    """Restore a backup into an empty workspace, verifying every hash before accepting it.

    Example: habeas restore registro-2025-04-01.zip --workspace ./registro-restaurado
    """
    with progress_bar() as progress:
        result = restore(archive, workspace, expect_head=expect_head,
                         expect_digest=expect_digest, progress=progress, prompt=ask_passphrase)
    rows = sum(result.tables.values())
    console.print(f"Restored {rows:,} rows and {result.files:,} files into "
                  f"{escape(str(result.workspace))}; every hash verified, change log verified up "
                  f"to entry {result.log_head_seq} {result.log_head_hash}, restore logged as "
                  f"entry {result.restore_entry_seq}.", highlight=False)
    if result.sealed_files:
        opened = result.sealed_files - result.plaintext_unchecked
        console.print(f"{result.sealed_files:,} sealed file(s): encrypted bytes checked; "
                      f"{opened:,} opened and their plaintext re-hashed"
                      + (f"; {result.plaintext_unchecked:,} NOT opened (no key: set "
                         "HABEAS_PASSPHRASE or HABEAS_KEY_FILE, then run `habeas evidence "
                         "verify`)." if result.plaintext_unchecked else "."), highlight=False)
