"""``habeas encryption``: turn on encryption at rest, change its passphrase, see its state."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from habeas import i18n
from habeas.cli.common import WorkspaceOption, console, open_store, print_json, progress_bar
from habeas.cli.lang import _, current
from habeas.cli.passphrase import ask_new_passphrase
from habeas.crypto.keyring import ENV_KEY_FILE, ENV_PASSPHRASE
from habeas.crypto.material import write_key_file
from habeas.crypto.notice import confirm_question, loss_warning
from habeas.encryption import (
    EncryptionStatus,
    change_key,
    enable,
    encryption_status,
    seal_protected,
    seal_protected_fields,
)
from habeas.errors import UsageError, WorkspaceError
from habeas.messages import MessageUsageError
from habeas.workspace import find_workspace

ENV_NEW_PASSPHRASE = "HABEAS_NEW_PASSPHRASE"

encryption_app = typer.Typer(
    help="Encryption at rest of restricted and witness-protected data.", no_args_is_help=True
)

KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Use a 32-byte key file supplied by the deployment instead of a "
        "passphrase (`habeas encryption new-key-file` writes one).",
        dir_okay=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(encryption_app, name="encryption")


def _new_secret(key_file: Path | None, env: str) -> tuple[str | None, Path | None]:
    if key_file is not None:
        return None, key_file
    return os.environ.get(env) or ask_new_passphrase(), None


@encryption_app.command("enable")
def enable_command(
    key_file: KeyFileOption = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help="Do not ask for confirmation (for scripts; read docs/encryption.md first).",
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the warning: en or es (default: habeas --lang, "
            "HABEAS_LANG, the locale).",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Encrypt restricted and witness-protected files and fields from now on.

    Explains what losing the passphrase means, asks for confirmation, then seals
    the protected files already stored. The passphrase comes from HABEAS_PASSPHRASE
    or is asked twice on the terminal; never put it in habeas.toml.

    Example: habeas encryption enable --lang es
    """
    lang = i18n.check_language(lang or current())
    store = open_store(workspace)
    if store.keyring.enabled:
        raise UsageError("Encryption is already enabled on this workspace.")
    console.print(escape(loss_warning(lang)) + "\n", highlight=False)
    if not yes and not typer.confirm(confirm_question(lang)):
        raise typer.Exit(1)
    passphrase, path = _new_secret(key_file, ENV_PASSPHRASE)
    with progress_bar() as progress:
        result = enable(store, passphrase=passphrase, key_file=path, progress=progress)
    how = f"the key file {path}" if path else "your passphrase"
    console.print(
        f"Encryption enabled (logged as entry {result.log_seq}); "
        f"{result.sealed_files} stored file(s) and {result.sealed_fields} protected "
        "value(s) sealed. From now on habeas needs "
        f"{escape(how)}: set {ENV_KEY_FILE if path else ENV_PASSPHRASE} or answer "
        "the prompt.",
        highlight=False,
    )


@encryption_app.command("status")
def status_command(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Whether encryption is enabled, how the key is derived, and what is sealed.

    Example: habeas encryption status
    """
    status = encryption_status(open_store(workspace))
    if as_json:
        print_json(status.to_dict())
        return
    if not status.enabled:
        console.print(
            f"Encryption is not enabled. {status.plain_protected_files} restricted or "
            "witness-protected file(s) are stored plain. See `habeas encryption "
            "enable --help`."
        )
        return
    kdf = ", ".join(f"{k}={v}" for k, v in status.kdf.items())
    console.print(
        f"Encryption is enabled ({status.kind}; {kdf}), since {status.created}, key "
        f"last changed {status.changed}.\nKey material (no key in it): "
        f"{escape(status.key_material or '')}\n{status.sealed_files} file(s) sealed; "
        f"{status.plain_protected_files} protected file(s) and "
        f"{status.plain_protected_fields} protected value(s) still plain"
        + (
            " (run `habeas encryption seal`)."
            if status.plain_protected_files or status.plain_protected_fields
            else "."
        ),
        highlight=False,
    )
    _print_not_encrypted(status)


def _print_not_encrypted(status: EncryptionStatus) -> None:
    """Say plainly what encryption at rest does not cover."""
    console.print(
        _(
            "Not encrypted, readable by anyone holding the database file, its WAL or "
            "a backup (for {n} restricted or witness-protected records too); protect "
            "them with full-disk encryption (docs/encryption.md):"
        ).format(n=status.protected_records_in_clear),
        highlight=False,
    )
    for item in status.not_encrypted:
        console.print(f"  - {_(item)}", highlight=False)


@encryption_app.command("change-passphrase")
def change_command(
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="Switch to this deployment key file instead of a new passphrase.",
            dir_okay=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Change the passphrase (or key file) without re-encrypting anything.

    The current passphrase comes from HABEAS_PASSPHRASE (or HABEAS_KEY_FILE) or the
    prompt; the new one from HABEAS_NEW_PASSPHRASE or the prompt (typed twice).

    Example: habeas encryption change-passphrase
    """
    store = open_store(workspace)
    store.keyring.data_key()  # ask for the current passphrase before the new one
    passphrase, path = _new_secret(key_file, ENV_NEW_PASSPHRASE)
    seq = change_key(store, passphrase=passphrase, key_file=path)
    console.print(
        f"Key changed (logged as entry {seq}); every protected file and field stays "
        "readable with the new one only. The old passphrase no longer opens this "
        "workspace — but older backups still open with the passphrase they were made "
        "with.",
        highlight=False,
    )


@encryption_app.command("seal")
def seal_command(workspace: WorkspaceOption = None) -> None:
    """Seal every restricted or witness-protected file, and every relative's or witness's
    identity, still stored plain.

    Needed after an interrupted `enable`, or after files were made restricted.

    Example: habeas encryption seal
    """
    store = open_store(workspace)
    if not store.keyring.enabled:
        raise UsageError(
            "Encryption is not enabled on this workspace (`habeas encryption enable`)."
        )
    with progress_bar() as progress:
        count = seal_protected(store, progress=progress)
        fields = seal_protected_fields(store, progress=progress)
    console.print(f"{count} file(s) and {fields} protected value(s) sealed.")


@encryption_app.command("new-key-file")
def new_key_file_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="Where to write the key (must not exist); keep it OUTSIDE the workspace.",
            dir_okay=False,
        ),
    ],
    workspace: WorkspaceOption = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the messages: en or es (default: habeas --lang, "
            "HABEAS_LANG, the locale).",
        ),
    ] = None,
) -> None:
    """Write a new random 32-byte key (hexadecimal, readable by its owner only).

    Refuses a place inside a workspace folder (the current one, --workspace, or any
    folder holding a habeas.toml).

    Example: habeas encryption new-key-file /etc/habeas/registro.key
    """
    lang = i18n.check_language(lang or current())
    _ = i18n.gettext_for(lang)
    if path.exists():
        raise UsageError(
            _("{path} already exists; a key file is never overwritten.").format(path=path)
        )
    try:
        root: Path | None = find_workspace(workspace).root
    except WorkspaceError:
        root = None  # not run in a workspace: only folders holding a habeas.toml are refused
    try:
        write_key_file(path, root)
    except MessageUsageError as exc:
        raise UsageError(exc.text(lang)) from exc
    console.print(
        _(
            "Wrote a new key to {path} (readable by you only). Keep a copy somewhere "
            "safe, apart from the workspace and its backups: losing it loses the "
            "protected data."
        ).format(path=escape(str(path))),
        highlight=False,
    )
