"""A relative's inquiry: who asks, about whom, what they know; its status and its history.

An inquiry (ICPPED art. 18; an ICRC tracing request) is written as a series of
events, never edited: ``created`` and ``described`` (the description of the person
sought and, when stated, the asker), ``status`` (open → information found →
answered → closed, see :data:`TRANSITIONS`), ``matched`` (candidates from the
register, :mod:`habeas.inquiry.matching`), ``confirmed`` / ``unconfirmed`` (the
person the inquiry concerns) and ``letter`` (an answer letter produced,
:mod:`habeas.inquiry.letter`). Each event is one row and one change-log entry,
which never holds the asker's identity nor the description.

The asker's name, relationship and contact are ``witness_protected`` by default
(art. 18(2): people who ask must be protected): they are sealed in the database
when the workspace encrypts, and a reader not cleared for their level gets
``asker_withheld`` (never a blank that reads as nobody). The description of the
person sought is ``restricted`` by default: reading it needs a stated purpose.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from habeas.access import policy
from habeas.access.reader import Reader
from habeas.errors import FieldError, NotFound, UsageError
from habeas.messages import N_
from habeas.store.db import Store
from habeas.store.schema_inquiry import Inquiry, InquiryEvent

STATUSES: tuple[str, ...] = ("open", "information_found", "answered", "closed")
STATUS_LABELS: dict[str, str] = {
    "open": N_("open"),
    "information_found": N_("information found"),
    "answered": N_("answered"),
    "closed": N_("closed"),
}
#: status -> the statuses it may change to.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"information_found", "answered", "closed"}),
    "information_found": frozenset({"open", "answered", "closed"}),
    "answered": frozenset({"open", "closed"}),
    "closed": frozenset({"open"}),
}
#: The levels an inquiry and its asker may have (never below restricted).
LEVELS: tuple[str, ...] = (policy.RESTRICTED, policy.WITNESS_PROTECTED)
LANGUAGES: tuple[str, ...] = ("es", "en")
ASKER_CONTEXT = "inquiry.asker"
ASKER_WITHHELD = N_("asker withheld")
KINDS: dict[str, str] = {
    "created": N_("inquiry received"),
    "described": N_("description corrected"),
    "status": N_("status changed"),
    "matched": N_("matched against the register"),
    "confirmed": N_("person confirmed"),
    "unconfirmed": N_("confirmation withdrawn"),
    "letter": N_("answer letter produced"),
}
MAX_TEXT = 4000


class InquiryError(FieldError):
    """Input that cannot be recorded; ``field`` names the form field (``None``: the whole)."""

    @staticmethod
    def fill(template: str, values: dict[str, Any]) -> str:
        return template % values if values else template


@dataclass(frozen=True)
class Asker:
    """Who asks (witness_protected): name, relationship to the person sought, contact."""

    name: str
    relationship: str
    contact: str


@dataclass(frozen=True)
class Sought:
    """Whom they look for and what they know."""

    name: str | None = None
    dob: str | None = None  # as the asker gave it
    nationality: str | None = None
    identifier: str | None = None
    known: str | None = None  # what they know: last seen, where, by whom, ...


@dataclass(frozen=True)
class InquirySpec:
    asker: Asker
    sought: Sought
    language: str = "es"  # of the answer letter
    sensitivity: str = policy.RESTRICTED
    asker_sensitivity: str = policy.WITNESS_PROTECTED


# --------------------------------------------------------------------------- validation


def _clean(value: str | None, field_name: str) -> str | None:
    text = " ".join((value or "").split()) if field_name != "known" else (value or "").strip()
    if len(text) > MAX_TEXT:
        raise InquiryError(
            N_("Keep this under %(n)s characters."), f"sought_{field_name}", n=MAX_TEXT
        )
    return text or None


def check_asker(asker: Asker) -> Asker:
    name = " ".join(asker.name.split())
    relationship = " ".join(asker.relationship.split())
    contact = " ".join(asker.contact.split())
    if not name:
        raise InquiryError(N_("The name of the person asking is missing."), "asker_name")
    if not relationship:
        raise InquiryError(
            N_("Say how the person asking is related to the person sought."), "asker_relationship"
        )
    if not contact:
        raise InquiryError(
            N_("Give a way to reach the person asking (telephone, address, e-mail)."),
            "asker_contact",
        )
    for value, where in ((name, "asker_name"), (relationship, "asker_relationship")):
        if len(value) > 300:
            raise InquiryError(N_("Keep this under %(n)s characters."), where, n=300)
    if len(contact) > 1000:
        raise InquiryError(N_("Keep this under %(n)s characters."), "asker_contact", n=1000)
    return Asker(name, relationship, contact)


def check_sought(sought: Sought) -> Sought:
    """Cleaned, and readable by the register's search (each part on its own)."""
    from habeas.search import parse_query

    s = Sought(
        _clean(sought.name, "name"),
        _clean(sought.dob, "dob"),
        _clean(sought.nationality, "nationality"),
        _clean(sought.identifier, "identifier"),
        _clean(sought.known, "known"),
    )
    if not (s.name or s.dob or s.identifier):
        raise InquiryError(
            N_(
                "Say whom they look for: a name, a date of birth or a document number "
                "(a nationality alone is not enough)."
            ),
            "sought_name",
        )
    parts = (
        ("sought_name", {"name": s.name}),
        ("sought_dob", {"dob": s.dob}),
        ("sought_nationality", {"name": "x", "nationality": s.nationality}),
        ("sought_identifier", {"identifier": s.identifier}),
    )
    for where, kwargs in parts:
        if not any(v for k, v in kwargs.items() if k != "name" or where == "sought_name"):
            continue
        try:
            parse_query(**kwargs)
        except UsageError as exc:
            raise InquiryError(str(exc), where) from None
    return s


def check_spec(spec: InquirySpec) -> InquirySpec:
    if spec.language not in LANGUAGES:
        raise InquiryError(N_("Choose the language of the answer: es or en."), "language")
    for level, where in ((spec.sensitivity, "sensitivity"), (spec.asker_sensitivity, "asker")):
        if level not in LEVELS:
            raise InquiryError(
                N_("An inquiry and its asker are restricted or witness_protected."), where
            )
    return replace(
        spec,
        asker=check_asker(spec.asker),
        sought=check_sought(spec.sought),
        asker_sensitivity=policy.highest(spec.sensitivity, spec.asker_sensitivity),
    )


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise InquiryError(
            N_("Unknown status %(status)r; statuses are: %(all)s."),
            "status",
            status=status,
            all=", ".join(STATUSES),
        )
    return status


# --------------------------------------------------------------------------- writing


def may_edit(reader: Reader | None) -> str:
    """The actor for the change log, once the one policy allows ``reader`` to edit."""
    if reader is None:
        from habeas.store.db import default_actor

        return default_actor()
    policy.require(reader.role, "edit")
    return reader.user


def _now() -> datetime:
    return datetime.now(UTC)


def _event(
    inquiry_id: int,
    actor: str,
    kind: str,
    detail: dict[str, Any],
    status: str | None = None,
    asker: str | None = None,
) -> InquiryEvent:
    return InquiryEvent(
        inquiry_id=inquiry_id,
        at=_now(),
        actor=actor,
        kind=kind,
        status=status,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        asker=asker,
    )


def create_inquiry(store: Store, spec: InquirySpec, reader: Reader | None) -> int:
    """Record a new inquiry (status ``open``); returns its id."""
    from habeas.crypto.fields import seal_json

    actor = may_edit(reader)
    spec = check_spec(spec)
    sealed = seal_json(store, asdict(spec.asker), context=ASKER_CONTEXT)
    with store.write(actor) as op:
        row = Inquiry(
            created_at=_now(),
            created_by=actor,
            sensitivity=spec.sensitivity,
            asker_sensitivity=spec.asker_sensitivity,
        )
        op.session.add(row)
        op.session.flush()
        detail = {"sought": asdict(spec.sought), "language": spec.language}
        op.session.add(_event(row.id, actor, "created", detail, "open", sealed))
        op.log(
            "inquiry_create",
            "inquiry",
            row.id,
            {
                "status": "open",
                "sensitivity": spec.sensitivity,
                "asker_sensitivity": spec.asker_sensitivity,
            },
        )
        return int(row.id)


def describe_inquiry(
    store: Store,
    inquiry_id: int,
    reader: Reader | None,
    *,
    sought: Sought | None = None,
    asker: Asker | None = None,
    language: str | None = None,
    note: str | None = None,
) -> int:
    """Correct the description (a new ``described`` event; the old one stays in the history).
    The asker may only be restated by a reader who may see the asker."""
    from habeas.crypto.fields import seal_json

    actor = may_edit(reader)
    from habeas.inquiry.read import load_state

    state = load_state(store, inquiry_id)
    if asker is not None and reader is not None and not reader.may(state.asker_sensitivity):
        raise policy.PermissionDenied(
            "read_identities",
            reader.role,
            "Only a reader cleared to see the asker may change the asker's details.",
        )
    new_sought = check_sought(sought) if sought is not None else state.sought
    new_language = language or state.language
    if new_language not in LANGUAGES:
        raise InquiryError(N_("Choose the language of the answer: es or en."), "language")
    sealed = seal_json(store, asdict(check_asker(asker)), context=ASKER_CONTEXT) if asker else None
    detail = {
        "sought": asdict(new_sought),
        "language": new_language,
        "note": _clean(note, "known"),
    }
    return _append(
        store,
        inquiry_id,
        actor,
        "described",
        detail,
        asker=sealed,
        log={"asker_restated": sealed is not None},
    )


def set_status(
    store: Store, inquiry_id: int, status: str, reader: Reader | None, note: str | None = None
) -> int:
    """Change the status along :data:`TRANSITIONS`. ``information_found`` needs a confirmed
    person; ``answered`` needs an answer letter produced."""
    actor = may_edit(reader)
    status = check_status(status)
    from habeas.inquiry.read import load_state

    state = load_state(store, inquiry_id)
    if status == state.status:
        raise InquiryError(N_("The inquiry is already %(status)s."), "status", status=status)
    if status not in TRANSITIONS[state.status]:
        raise InquiryError(
            N_("An inquiry that is %(from)s cannot become %(to)s."),
            "status",
            **{"from": state.status, "to": status},
        )
    if status == "information_found" and state.person_id is None:
        raise InquiryError(
            N_("Confirm which person of the register the inquiry concerns first."), "status"
        )
    if status == "answered" and not state.letters:
        raise InquiryError(N_("Produce the answer letter first."), "status")
    detail = {"from": state.status, "to": status, "note": _clean(note, "known")}
    return _append(store, inquiry_id, actor, "status", detail, status=status)


def _append(
    store: Store,
    inquiry_id: int,
    actor: str,
    kind: str,
    detail: dict[str, Any],
    *,
    status: str | None = None,
    asker: str | None = None,
    log: dict[str, Any] | None = None,
) -> int:
    """One event and its change-log entry (ids and codes only: no personal data)."""
    with store.write(actor) as op:
        if op.session.get(Inquiry, inquiry_id) is None:
            raise NotFound(f"No inquiry {inquiry_id}.")
        event = _event(inquiry_id, actor, kind, detail, status, asker)
        op.session.add(event)
        op.session.flush()
        entry: dict[str, Any] = {"event": event.id, "kind": kind}
        if status is not None:
            entry["status"] = status
        for key in ("from", "to", "person_id", "language", "candidates"):
            if key in detail and not isinstance(detail[key], list | dict):
                entry[key] = detail[key]
        if isinstance(detail.get("candidates"), list):
            entry["candidates"] = [c["person_id"] for c in detail["candidates"]]
        entry.update(log or {})
        op.log(f"inquiry_{kind}", "inquiry", inquiry_id, entry)
        return int(event.id)


def _attachment_target(session: Any, inquiry_id: int) -> str | None:
    """For :mod:`habeas.evidence.attachments`: an inquiry's level (``None``: no such inquiry),
    so a file attached to an inquiry is at least as protected as its content."""
    row = session.get(Inquiry, inquiry_id)
    return None if row is None else str(row.sensitivity)


def _register_attachments() -> None:
    from habeas.evidence.attachments import register_target

    register_target("inquiry", _attachment_target)


_register_attachments()
