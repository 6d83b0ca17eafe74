"""``habeas intake``, ``habeas correct``, ``habeas attach`` and ``habeas attachments``:
enter a record from a conversation or document, correct a record, attach files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from habeas.cli.common import (
    AsOption,
    PurposeOption,
    WorkspaceOption,
    console,
    err_console,
    open_store,
    print_json,
    print_withheld,
    reader_for,
)
from habeas.cli.lang import _, current
from habeas.errors import UsageError
from habeas.evidence.attachments import (
    TARGET_KINDS,
    AttachmentError,
    attach,
    list_attachments,
    open_attachment,
)
from habeas.ingest.intake import Intake, IntakeFailed, IntakeResult, enter_record, person_anchor

ValuesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="The person's values as FIELD=VALUE (fields as in `habeas import`: "
        "full_name, date_of_birth, nationality, a_number, event_type, event_date, "
        "facility, legal_basis, hearing, reporter_name, ...).",
        show_default=False,
    ),
]
ChannelOption = Annotated[
    str | None,
    typer.Option(
        "--channel",
        help="How it came in: phone, in_person, video_call, message, email, document.",
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="The day it was taken (YYYY-MM-DD); default: today."),
]
KindOption = Annotated[
    str,
    typer.Option("--kind", help="The kind of source (testimony, document, court_filing, ...)."),
]
TakenByOption = Annotated[
    str | None, typer.Option("--taken-by", help="Who took it (default: you).", show_default=False)
]
TitleOption = Annotated[
    str | None,
    typer.Option("--title", help="The new source's title (default: day, channel, who)."),
]
SensitivityOption = Annotated[
    str | None,
    typer.Option(
        "--sensitivity",
        help="public, internal, restricted or witness_protected (default: by kind).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    app.command("intake")(intake)
    app.command("correct")(correct)
    app.command("attach")(attach_file)
    app.command("attachments")(attachments)


def _values(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(_("Write each value as FIELD=VALUE, not {pair!r}.").format(pair=pair))
        out[key.strip()] = value
    return out


def _failed(exc: IntakeFailed) -> None:
    for p in exc.problems:
        where = p.field or _("entry")
        text = p.translated(_) or _(p.message)
        err_console.print(f"[bold red]{escape(where)}[/]: {escape(text)}", highlight=False)
    raise typer.Exit(1)


def _today(day: str | None) -> str:
    from datetime import UTC, datetime

    return day or datetime.now(UTC).date().isoformat()


def _conversation(
    channel: str,
    taken_on: str | None,
    kind: str,
    taken_by: str | None,
    title: str | None,
    sensitivity: str | None,
) -> Intake:
    """The source a typed-in record comes from (the CLI's options, the date defaulting to today)."""
    return Intake(
        channel=channel,
        taken_on=_today(taken_on),
        kind=kind,
        taken_by=taken_by,
        title=title,
        sensitivity=sensitivity,
        title_language=current(),
    )


def _report(result: IntakeResult, as_json: bool) -> None:
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        _("Record {record} entered in source {source} ({title}).").format(
            record=result.record_id, source=result.source_id, title=escape(result.source_title)
        ),
        highlight=False,
    )
    if result.corrects_record_id:
        console.print(
            _("It corrects record {record}.").format(record=result.corrects_record_id),
            highlight=False,
        )
    if result.linked_with:
        console.print(
            _("Linked to person {person}, with {n} other record(s).").format(
                person=result.person_id, n=result.linked_with
            ),
            highlight=False,
        )
    else:
        console.print(
            _("Person {person}: no other record is linked to it.").format(person=result.person_id),
            highlight=False,
        )
    if result.link_note:
        err_console.print(f"[yellow]{escape(_(result.link_note))}[/]", highlight=False)
    if result.queued_pairs:
        console.print(
            _("{n} pair(s) with this record wait in the review queue (habeas review).").format(
                n=len(result.queued_pairs)
            )
        )
    for c in result.candidates:
        mark = _(" (linked)") if c.is_linked else ""
        console.print(
            _("candidate: person {person}{mark}, score {score:.2f}: {names}").format(
                person=c.person_id, mark=mark, score=c.score, names=escape("; ".join(c.names))
            ),
            highlight=False,
        )
    for w in result.warnings:
        err_console.print(
            f"[yellow]{escape(w.field or '')}: {escape(_(w.message))}[/]", highlight=False
        )


def intake(
    values: ValuesArg = None,
    channel: ChannelOption = None,
    taken_on: DateOption = None,
    kind: KindOption = "testimony",
    taken_by: TakenByOption = None,
    title: TitleOption = None,
    sensitivity: SensitivityOption = None,
    source: Annotated[
        int | None,
        typer.Option("--source", help="Add to this earlier intake source (same conversation)."),
    ] = None,
    person: Annotated[
        int | None,
        typer.Option(
            "--person",
            help="The entry is about this person (a custody event, a legal fact): "
            "it joins them at once.",
        ),
    ] = None,
    no_link: Annotated[
        bool, typer.Option("--no-link", help="Do not run record linkage afterwards.")
    ] = False,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enter a person's record from a conversation or a document (a source of its own).

    The values are checked and normalised like a row of an imported list; then record
    linkage runs for the new record and its candidate matches are listed.

    Example: habeas intake --channel phone --date 2026-11-30 full_name="Ana Ficticia"
    date_of_birth=04/05/1990 reporter_name="Su hermana" event_type=sighting
    """
    store = open_store(workspace)
    reader = reader_for(store, as_user, purpose)
    conversation = None
    if source is None:
        if channel is None:
            raise UsageError(_("Say how it came in with --channel (phone, in_person, ...)."))
        conversation = _conversation(channel, taken_on, kind, taken_by, title, sensitivity)
    try:
        anchor = person_anchor(store, reader, person) if person is not None else None
        result = enter_record(
            store,
            reader,
            conversation,
            _values(values),
            source_id=source,
            person_record=anchor,
            link=not no_link,
        )
    except IntakeFailed as exc:
        _failed(exc)
        return
    _report(result, as_json)


def correct(
    record: Annotated[int, typer.Argument(help="The record to correct (its id).")],
    values: ValuesArg = None,
    channel: ChannelOption = None,
    taken_on: DateOption = None,
    kind: KindOption = "document",
    taken_by: TakenByOption = None,
    title: TitleOption = None,
    sensitivity: SensitivityOption = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a record: a new record, in a source of its own, that cites the old one.

    Nothing is edited in place: give the record as it should read (every value it
    should hold), and where the correction comes from (--channel, --kind, --date).

    Example: habeas correct 17 --channel document full_name="Ana Ficticia"
    date_of_birth=04/05/1991
    """
    store = open_store(workspace)
    reader = reader_for(store, as_user, purpose)
    if channel is None:
        raise UsageError(_("Say where the correction comes from with --channel."))
    conversation = _conversation(channel, taken_on, kind, taken_by, title, sensitivity)
    try:
        result = enter_record(store, reader, conversation, _values(values), corrects_record=record)
    except IntakeFailed as exc:
        _failed(exc)
        return
    _report(result, as_json)


def attach_file(
    target_kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(TARGET_KINDS)}.")],
    target_id: Annotated[int, typer.Argument(help="Its id.")],
    path: Annotated[Path, typer.Argument(help="The file (a photo, a scan, a court paper).")],
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What the file is.")
    ] = None,
    sensitivity: Annotated[
        str, typer.Option("--sensitivity", help="The attachment's level.")
    ] = "restricted",
    source: Annotated[
        int | None, typer.Option("--source", help="The source the file came with.")
    ] = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Attach a file to a person, record, custody event, incident, legal action or inquiry.

    The file is kept in the content-addressed store with its chain of custody (sealed
    when the workspace encrypts and the level is restricted or above).

    Example: habeas attach person 12 cedula.jpg -d "Cédula, photo sent by her sister"
    """
    store = open_store(workspace)
    reader = reader_for(store, as_user, None)
    try:
        item = attach(
            store,
            reader,
            path,
            target_kind,
            target_id,
            description=description,
            sensitivity=sensitivity,
            source_id=source,
        )
    except AttachmentError as exc:
        raise UsageError(exc.translated(_)) from None
    if as_json:
        print_json(item.to_dict())
        return
    console.print(
        _("Attachment {id}: {file} ({sha}) attached to {kind} {target}, {level}.").format(
            id=item.id,
            file=escape(item.filename),
            sha=item.sha256[:12],
            kind=target_kind,
            target=target_id,
            level=item.sensitivity,
        ),
        highlight=False,
    )


def attachments(
    target_kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(TARGET_KINDS)}.")],
    target_id: Annotated[int, typer.Argument(help="Its id.")],
    save: Annotated[
        int | None, typer.Option("--save", help="Write this attachment's file out (logged).")
    ] = None,
    to: Annotated[Path | None, typer.Option("--to", help="Where to write it.")] = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the files attached to a person, record, event or incident (or save one of them).

    Example: habeas attachments person 12 --save 3 --to cedula.jpg
    """
    store = open_store(workspace)
    reader = reader_for(store, as_user, purpose)
    if save is not None:
        item, data = open_attachment(store, reader, save)
        target = to or Path(Path(item.filename).name)
        if target.exists():
            raise UsageError(_("{path} exists; choose another --to.").format(path=target))
        target.write_bytes(data)
        console.print(
            _("Wrote {path} ({n} bytes); the reading is logged.").format(path=target, n=len(data))
        )
        return
    try:
        listed = list_attachments(store, reader, target_kind, target_id)
    except AttachmentError as exc:
        raise UsageError(exc.translated(_)) from None
    if as_json:
        print_json(listed.to_dict())
        return
    print_withheld(listed.withheld)
    if not listed.items:
        console.print(_("No attachments."))
    for i in listed.items:
        console.print(
            f"{i.id}  {escape(i.filename)}  {i.size:,} B  {i.sensitivity}  {i.sha256[:12]}  "
            f"{escape(i.description or '')}",
            highlight=False,
        )
