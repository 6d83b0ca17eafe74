"""``habeas backup`` and ``habeas restore``: the whole register in one verified archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from habeas import i18n
from habeas.cli.common import WorkspaceOption, console, open_store, progress_bar
from habeas.cli.lang import current
from habeas.cli.passphrase import ask_passphrase
from habeas.errors import HabeasError, IntegrityError, UsageError
from habeas.evidence.backup import backup
from habeas.evidence.backup_check import DigestNeeded, KeyNeeded
from habeas.evidence.restore import restore
from habeas.messages import MessageError, MessageUsageError


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the messages: en or es (default: habeas --lang, "
        "HABEAS_LANG, the locale).",
    ),
]


def _in_language(lang: str, exc: MessageError | MessageUsageError, fix: str | None) -> HabeasError:
    """A library refusal said in ``lang``, with how to fix it on the command line."""
    text = exc.text(lang) + (f" {fix}" if fix else "")
    return IntegrityError(text) if isinstance(exc, MessageError) else UsageError(text)


def backup_command(
    output: Annotated[
        Path, typer.Argument(help="The archive to write (.zip; must not exist).", dir_okay=False)
    ],
    workspace: WorkspaceOption = None,
    lang: LangOption = None,
) -> None:
    """Write the database, the file store, their hashes and the log head to one archive.

    Works the same on SQLite and PostgreSQL. The archive is signed with the workspace's
    log key (log.key). Note the printed backup digest somewhere else (not beside the
    archive): `habeas restore --expect-digest` checks it.

    Example: habeas backup /media/usb/registro-2025-04-01.zip
    """
    lang = i18n.check_language(lang or current())
    _ = i18n.gettext_for(lang)
    with progress_bar() as progress:
        result = backup(open_store(workspace), output, progress=progress)
    rows = sum(result.tables.values())
    console.print(
        _("Wrote {path}: {rows} rows in {tables} tables, {files} files ({bytes} bytes).").format(
            path=escape(str(result.path)),
            rows=i18n.format_number(rows, lang),
            tables=len(result.tables),
            files=i18n.format_number(result.files, lang),
            bytes=i18n.format_number(result.bytes, lang),
        ),
        highlight=False,
    )
    console.print(
        "[bold]"
        + _("Backup digest (write it down, apart from the archive): {digest}").format(
            digest=result.manifest_sha256
        )
        + "[/]",
        highlight=False,
    )
    console.print(_("Archive SHA-256: {digest}").format(digest=result.sha256), highlight=False)
    console.print(
        _("Change-log head: entry {seq} {digest}").format(
            seq=result.log_head_seq, digest=result.log_head_hash
        ),
        highlight=False,
    )
    if result.signed_by:
        console.print(
            _(
                "Signed with the log key {key_id}: restoring needs that key (the "
                "workspace's log.key; keep a copy apart from the archive)."
            ).format(key_id=result.signed_by),
            highlight=False,
        )
    else:
        console.print(
            "[bold yellow]"
            + _(
                "Not signed: this workspace has no log key (run `habeas log create-key`). "
                "Restoring needs the backup digest above (--expect-digest)."
            )
            + "[/]",
            highlight=False,
        )


def restore_command(
    archive: Annotated[
        Path,
        typer.Argument(help="A backup written by `habeas backup`.", exists=True, dir_okay=False),
    ],
    workspace: Annotated[
        Path,
        typer.Option(
            "--workspace",
            "-w",
            help="The NEW workspace folder (must not exist, or be empty). "
            "With HABEAS_DATABASE_URL the rows go to that (empty) database.",
            file_okay=False,
        ),
    ],
    expect_head: Annotated[
        str | None,
        typer.Option(help="The change-log head hash `habeas backup` printed; refuse any other."),
    ] = None,
    expect_digest: Annotated[
        str | None,
        typer.Option(
            help="The backup digest `habeas backup` printed; refuse a rewritten archive. "
            "Required for a backup that is not signed."
        ),
    ] = None,
    log_key: Annotated[
        Path | None,
        typer.Option(
            "--log-key",
            envvar="HABEAS_LOG_KEY",
            show_envvar=True,
            help="The log key (log.key) of the workspace the backup was made from: checks the "
            "backup's signature and keeps its change log verifiable.",
            dir_okay=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Restore a backup into an empty workspace, verifying every hash before accepting it.

    Example: habeas restore registro-2025-04-01.zip --workspace ./registro-restaurado
      --log-key /media/llave/registro-log.key
    """
    lang = i18n.check_language(lang or current())
    _ = i18n.gettext_for(lang)
    try:
        with progress_bar() as progress:
            result = restore(
                archive,
                workspace,
                expect_head=expect_head,
                expect_digest=expect_digest,
                log_key=log_key,
                progress=progress,
                prompt=ask_passphrase,
            )
    except KeyNeeded as exc:
        raise _in_language(
            lang,
            exc,
            _("Give --log-key with the log.key of the workspace the backup was made from."),
        ) from exc
    except DigestNeeded as exc:
        raise _in_language(
            lang, exc, _("Give --expect-digest with the backup digest noted when it was made.")
        ) from exc
    except MessageError as exc:
        raise _in_language(lang, exc, None) from exc
    rows = sum(result.tables.values())
    console.print(
        _(
            "Restored {rows} rows and {files} files into {path}; every hash verified, "
            "change log verified up to entry {seq} {digest}, restore logged as entry "
            "{entry}."
        ).format(
            rows=i18n.format_number(rows, lang),
            files=i18n.format_number(result.files, lang),
            path=escape(str(result.workspace)),
            seq=result.log_head_seq,
            digest=result.log_head_hash,
            entry=result.restore_entry_seq,
        ),
        highlight=False,
    )
    if result.sealed_files:
        opened = result.sealed_files - result.plaintext_unchecked
        said = (
            _(
                "{sealed} sealed file(s): encrypted bytes checked; {opened} opened and their "
                "plaintext re-hashed; {unopened} NOT opened (no key: set HABEAS_PASSPHRASE or "
                "HABEAS_KEY_FILE, then run `habeas evidence verify`)."
            )
            if result.plaintext_unchecked
            else _(
                "{sealed} sealed file(s): encrypted bytes checked; {opened} opened and their "
                "plaintext re-hashed."
            )
        )
        console.print(
            said.format(
                sealed=i18n.format_number(result.sealed_files, lang),
                opened=i18n.format_number(opened, lang),
                unopened=i18n.format_number(result.plaintext_unchecked, lang),
            ),
            highlight=False,
        )
