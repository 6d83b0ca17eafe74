"""``habeas log verify`` and ``habeas log show``: the tamper-evident change log, which also
holds the audit of reads (who viewed or exported restricted data, when, why)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table

from habeas import i18n
from habeas.audit.query import LogFilter, log_entries
from habeas.cli.common import WorkspaceOption, console, open_store, print_json
from habeas.cli.lang import current
from habeas.errors import IntegrityError, UsageError
from habeas.messages import MessageError, MessageUsageError
from habeas.store import logkey

typing_gettext = Callable[[str], str]
log_app = typer.Typer(help="The hash-chained change log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the messages: en or es (default: habeas --lang, "
        "HABEAS_LANG, the locale).",
    ),
]


@log_app.command("verify")
def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(
            help="A head digest noted earlier (printed by `habeas log verify` or `habeas backup`): "
            "fail unless the log still holds that entry, unchanged up to it."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    lang: LangOption = None,
) -> None:
    """Recompute the hash chain; fails if any entry was edited, deleted or reordered.

    Prints the head digest: note it somewhere apart from the workspace and check
    it later with --expect-head.

    Examples: habeas log verify

      habeas log verify --expect-head 3f9a…(the 64 hexadecimal digits you noted)
    """
    lang = i18n.check_language(lang or current())
    _ = i18n.gettext_for(lang)
    anchor = _digest(expect_head, _) if expect_head is not None else None
    result = open_store(workspace).verify_log(anchor=anchor)
    if not result.ok:
        raise IntegrityError(
            _("The change log does NOT verify:")
            + "\n  "
            + "\n  ".join(issue.text(lang) for issue in result.issues)
        )
    console.print(
        _("Change log verified: {entries} entries; newest entry {seq}.").format(
            entries=i18n.format_number(result.entries, lang), seq=result.head_seq
        ),
        highlight=False,
    )
    console.print(_("Head digest: {digest}").format(digest=result.head_hash), highlight=False)
    if result.keyed:
        console.print(
            _("The chain is keyed (log key {key_id}, from entry {since}).").format(
                key_id=result.key_id, since=result.keyed_since
            ),
            highlight=False,
        )
    else:
        console.print(
            _(
                "The chain is NOT keyed (a log made before habeas keyed it): whoever "
                "can write to the database can rewrite it unnoticed. Run `habeas log "
                "create-key` to key it from the next entry on."
            ),
            highlight=False,
        )
    if anchor is not None:
        console.print(
            _("The log still holds the head digest you noted, unchanged up to it."), highlight=False
        )
    else:
        console.print(
            _(
                "Note the head digest somewhere apart from the workspace; `habeas log "
                "verify --expect-head DIGEST` then proves the log up to it is "
                "unchanged."
            ),
            highlight=False,
        )


def _digest(value: str, _: typing_gettext) -> str:
    digest = value.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise UsageError(_("--expect-head takes the 64 hexadecimal digits of a head digest."))
    return digest


@log_app.command("create-key")
def create_key(workspace: WorkspaceOption = None, lang: LangOption = None) -> None:
    """Key an older workspace's change log (an HMAC chain under a key kept outside the database).

    The log must verify first. Entries from the next one on are keyed; the older
    ones still verify as before. New workspaces are keyed from their first entry.

    Example: habeas log create-key
    """
    lang = i18n.check_language(lang or current())
    _ = i18n.gettext_for(lang)
    store = open_store(workspace)
    try:
        adopted = logkey.adopt(store)
    except MessageUsageError as exc:
        raise UsageError(exc.text(lang)) from exc
    except MessageError as exc:
        raise IntegrityError(exc.text(lang)) from exc
    console.print(
        _(
            "The change log is keyed from entry {since} on (log key {key_id}, in "
            "{path}). Keep a copy of that file apart from the workspace and its "
            "backups: restoring a backup needs it."
        ).format(since=adopted.since, key_id=adopted.key_id, path=store.log_key_path),
        highlight=False,
    )


@log_app.command("show")
def show(
    limit: Annotated[int, typer.Option(help="The newest N entries.")] = 20,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. import.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="read (views and exports of restricted data, file views) or write."),
    ] = None,
    user: Annotated[str | None, typer.Option(help="Only entries by this user.")] = None,
    person: Annotated[int | None, typer.Option(help="Only entries about this person.")] = None,
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day (YYYY-MM-DD).")] = None,
    purpose: Annotated[
        str | None, typer.Option(help="Only reads with this purpose (e.g. lawyer_request).")
    ] = None,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the newest change-log entries, including the audit of reads.

    Examples: habeas log show --action import

      habeas log show --kind read --person 42 --since 2025-07-01
    """
    filters = LogFilter(
        kind=kind,
        user=user,
        person=person,
        since=since,
        until=until,
        purpose=purpose,
        action=action,
    )
    entries = log_entries(open_store(workspace), filters, limit)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    table = Table(title="change log (newest first)")
    for column in ("seq", "at (UTC)", "actor", "action", "entity", "purpose", "detail"):
        table.add_column(column)
    for e in entries:
        detail = json.dumps(e.detail, ensure_ascii=False)
        table.add_row(
            str(e.seq),
            e.at[:19],
            e.actor,
            e.action,
            f"{e.entity} {e.entity_id or ''}",
            e.purpose or "",
            detail[:120],
        )
    console.print(table)
