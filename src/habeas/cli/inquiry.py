"""``habeas inquiry new|list|show|match|confirm|status|letter``: relatives' inquiries
(ICPPED art. 18) on the terminal, from :mod:`habeas.inquiry`.

The asker's name, relationship and contact are shown only to readers cleared for their
level (``witness_protected`` by default: the workspace's owner, or an admin account);
everyone else reads "asker withheld".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from habeas.access import policy
from habeas.access.reader import Withheld
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
from habeas.cli.inquiry_render import print_candidates, print_inquiries, print_inquiry, status_label
from habeas.cli.lang import _, current
from habeas.errors import UsageError
from habeas.inquiry import (
    Asker,
    InquiryError,
    InquirySpec,
    Sought,
    create_inquiry,
    get_inquiry,
    list_inquiries,
    set_status,
)

inquiry_app = typer.Typer(
    help="Relatives' inquiries under article 18: record, match, answer with a letter.\n\n"
    "Example: habeas inquiry new --asker 'Ana Pérez' --relationship madre "
    "--contact '+58 412 0000000' --name 'José Pérez' --dob 1990",
    no_args_is_help=True,
)

#: library field -> the option that sets it
OPTION_OF = {
    "asker_name": "--asker",
    "asker_relationship": "--relationship",
    "asker_contact": "--contact",
    "asker": "--asker-level",
    "sensitivity": "--asker-level",
    "sought_name": "--name",
    "sought_dob": "--dob",
    "sought_nationality": "--nationality",
    "sought_identifier": "--id",
    "sought_known": "--known",
    "language": "--answer-lang",
    "status": "STATUS",
    "person_id": "PERSON_ID",
}

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArgument = Annotated[int, typer.Argument(help="The inquiry's number.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")]


def register(app: typer.Typer) -> None:
    app.add_typer(inquiry_app, name="inquiry")


@contextmanager
def _said_in_options() -> Iterator[None]:
    """A library refusal, in the CLI's language, naming the option to fix."""
    try:
        yield
    except InquiryError as exc:
        text = exc.translated(_)
        where = OPTION_OF.get(exc.field or "")
        raise UsageError(f"{where}: {text}" if where else text) from None


#: The options describing the person sought, shared by ``new`` and ``correct``.
SoughtName = Annotated[str | None, typer.Option("--name", help="Name of the person sought.")]
SoughtDob = Annotated[str | None, typer.Option("--dob", help="Their date of birth.")]
SoughtNationality = Annotated[str | None, typer.Option("--nationality", help="Their nationality.")]
SoughtId = Annotated[str | None, typer.Option("--id", help="A document number of theirs.")]


@inquiry_app.command("new")
def new_command(
    asker: Annotated[str, typer.Option("--asker", help="Name of the person asking.")],
    relationship: Annotated[
        str, typer.Option("--relationship", help="Their relationship to the person sought.")
    ],
    contact: Annotated[str, typer.Option("--contact", help="How to reach them.")],
    name: SoughtName = None,
    dob: SoughtDob = None,
    nationality: SoughtNationality = None,
    identifier: SoughtId = None,
    known: Annotated[
        str | None, typer.Option("--known", help="What the asker knows (last seen, where).")
    ] = None,
    answer_lang: Annotated[
        str, typer.Option("--answer-lang", help="Language of the answer letter: es or en.")
    ] = "es",
    asker_level: Annotated[
        str,
        typer.Option(
            "--asker-level", help="Protection of the asker: witness_protected or restricted."
        ),
    ] = policy.WITNESS_PROTECTED,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Record a relative's inquiry (status: open).

    Example: habeas inquiry new --asker 'Ana Pérez' --relationship madre --contact
    '+58 412 0000000' --name 'José Pérez' --dob 1990 --known 'detenido en marzo de 2025'
    """
    store = open_store(workspace)
    spec = InquirySpec(
        Asker(asker, relationship, contact),
        Sought(name, dob, nationality, identifier, known),
        language=answer_lang,
        asker_sensitivity=asker_level,
    )
    with _said_in_options():
        inquiry_id = create_inquiry(store, spec, reader_for(store, as_user, purpose))
    console.print(_("Inquiry %(n)s recorded (open).") % {"n": inquiry_id}, highlight=False)


@inquiry_app.command("correct")
def correct_command(
    inquiry_id: IdArgument,
    name: SoughtName = None,
    dob: SoughtDob = None,
    nationality: SoughtNationality = None,
    identifier: SoughtId = None,
    known: Annotated[str | None, typer.Option("--known", help="What the asker knows.")] = None,
    answer_lang: Annotated[
        str | None, typer.Option("--answer-lang", help="Language of the answer letter.")
    ] = None,
    asker: Annotated[
        str | None, typer.Option("--asker", help="Restate the asker: name (all three).")
    ] = None,
    relationship: Annotated[
        str | None, typer.Option("--relationship", help="Restate the asker: relationship.")
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Restate the asker: contact.")
    ] = None,
    note: NoteOption = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Correct an inquiry's description (the previous one stays in its history); the
    options given replace those values, the others are kept.

    Example: habeas inquiry correct 1 --dob 1991 --note 'the mother corrected the year'
    """
    from dataclasses import replace

    from habeas.inquiry import describe_inquiry

    store = open_store(workspace)
    reader = reader_for(store, as_user, purpose)
    restated = (asker, relationship, contact)
    if any(v is not None for v in restated) and not all(v is not None for v in restated):
        raise UsageError(
            _("Restate the asker with --asker, --relationship and --contact together.")
        )
    current_view = get_inquiry(store, inquiry_id, reader)
    if current_view.sought is None:
        print_withheld(current_view.withheld, current())
        raise UsageError(_("State the purpose of this consultation (--purpose) to correct it."))
    changes = {
        k: v
        for k, v in {
            "name": name,
            "dob": dob,
            "nationality": nationality,
            "identifier": identifier,
            "known": known,
        }.items()
        if v is not None
    }
    new_asker = Asker(asker, relationship, contact) if asker and relationship and contact else None
    if not changes and new_asker is None and answer_lang is None:
        raise UsageError(_("Nothing to correct: give at least one option."))
    with _said_in_options():
        describe_inquiry(
            store,
            inquiry_id,
            reader,
            sought=replace(current_view.sought, **changes) if changes else None,
            asker=new_asker,
            language=answer_lang,
            note=note,
        )
    console.print(_("Inquiry %(n)s corrected.") % {"n": inquiry_id}, highlight=False)


@inquiry_app.command("list")
def list_command(
    status: Annotated[
        str | None,
        typer.Option(help="Only this status: open, information_found, answered, closed."),
    ] = None,
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """List the inquiries, newest first.

    Example: habeas inquiry list --status open
    """
    store = open_store(workspace)
    withheld = Withheld()
    with _said_in_options():
        rows = list_inquiries(
            store, reader_for(store, as_user, purpose), status=status, withheld=withheld
        )
    print_withheld(withheld, current())
    if as_json:
        print_json({"inquiries": [v.to_dict() for v in rows], "withheld": withheld.to_dict()})
        return
    print_inquiries(rows)


@inquiry_app.command("show")
def show_command(
    inquiry_id: IdArgument,
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Show one inquiry: who asks (if you may see it), whom they look for, status,
    candidates and history.

    Example: habeas inquiry show 1 --purpose relative_request
    """
    store = open_store(workspace)
    v = get_inquiry(store, inquiry_id, reader_for(store, as_user, purpose))
    print_withheld(v.withheld, current())
    if as_json:
        print_json(v.to_dict())
        return
    print_inquiry(v)


@inquiry_app.command("match")
def match_command(
    inquiry_id: IdArgument,
    limit: Annotated[int, typer.Option(help="At most this many candidates.")] = 10,
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Match the inquiry against the register (the candidates are kept in its history).

    Example: habeas inquiry match 1
    """
    from habeas.inquiry.matching import match_inquiry

    store = open_store(workspace)
    outcome = match_inquiry(store, inquiry_id, reader_for(store, as_user, purpose), limit=limit)
    print_withheld(outcome.withheld or None, current())
    if as_json:
        print_json({"candidates": outcome.candidates, "warnings": outcome.warnings})
        return
    print_candidates(outcome.candidates, None)
    if outcome.candidates:
        console.print(
            _("Confirm the person with: habeas inquiry confirm %(n)s PERSON_ID")
            % {"n": inquiry_id},
            highlight=False,
        )


@inquiry_app.command("confirm")
def confirm_command(
    inquiry_id: IdArgument,
    person_id: Annotated[
        int | None, typer.Argument(help="The person of the register the inquiry concerns.")
    ] = None,
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="Withdraw the confirmation instead.")
    ] = False,
    note: NoteOption = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Confirm which person of the register the inquiry concerns (or --withdraw).

    Example: habeas inquiry confirm 1 125 --note 'the A-number she gave matches'
    """
    from habeas.inquiry.matching import confirm_person

    if (person_id is None) is not withdraw:
        raise UsageError(_("Give a PERSON_ID, or --withdraw (not both)."))
    store = open_store(workspace)
    with _said_in_options():
        confirm_person(store, inquiry_id, person_id, reader_for(store, as_user, purpose), note)
    console.print(
        _("Person %(id)s confirmed.") % {"id": person_id}
        if person_id
        else _("Confirmation withdrawn."),
        highlight=False,
    )


@inquiry_app.command("status")
def status_command(
    inquiry_id: IdArgument,
    status: Annotated[str, typer.Argument(help="open, information_found, answered or closed.")],
    note: NoteOption = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Change an inquiry's status (kept in its history).

    Example: habeas inquiry status 1 answered --purpose relative_request
    """
    store = open_store(workspace)
    with _said_in_options():
        set_status(store, inquiry_id, status, reader_for(store, as_user, purpose), note)
    console.print(
        _("Inquiry %(n)s is now %(status)s.") % {"n": inquiry_id, "status": status_label(status)},
        highlight=False,
    )


@inquiry_app.command("letter")
def letter_command(
    inquiry_id: IdArgument,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="es or en (default: the language the asker chose)."),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="pdf or html.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here.", dir_okay=False),
    ] = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Write the answer letter: art. 18(1) a–g item by item, what the register holds
    (source, date) and what it does not know; recorded in the inquiry's history.

    Example: habeas inquiry letter 1 --lang es --format pdf -o carta.pdf --purpose relative_request
    """
    from habeas.inquiry.letter import write_letter

    store = open_store(workspace)
    fmt = (fmt or (output.suffix.lstrip(".") if output else "") or "pdf").lower()
    path = output or Path(f"inquiry-{inquiry_id}-{lang or 'letter'}.{fmt}")
    written, letter = write_letter(
        store, inquiry_id, path, reader_for(store, as_user, purpose), lang=lang, fmt=fmt
    )
    console.print(
        _("Letter written: %(path)s (%(known)s of 7 items with facts from the register).")
        % {"path": written, "known": sum(1 for i in letter.items if i.holds)},
        highlight=False,
    )
