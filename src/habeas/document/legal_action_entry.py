"""Recording legal actions and their changes (roles with ``edit``): one change-log entry each.

:func:`add_action` writes the action as entered and its first history entry (its
status and next date); :func:`update_action` appends a change (status, next date,
case number, ...) — nothing is ever edited in place. Errors are
:class:`ActionError`: an English message id with its values and the field it is
about, so each face translates it and points at the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.access.reader import Reader
from habeas.document.legal_actions import FIELDS, KIND_VOCABULARY, STATUSES, get_action
from habeas.errors import FieldError, UsageError
from habeas.store.db import Store
from habeas.store.person_ids import resolve_in
from habeas.store.schema import VocabularyTerm
from habeas.store.schema_legal import LegalAction as ActionRow
from habeas.store.schema_legal import LegalActionChange


class ActionError(FieldError):
    """An action or change that cannot be recorded; ``field`` names what is wrong."""


@dataclass
class ActionSpec:
    kind: str
    person_id: int
    court: str
    case_number: str | None = None
    filed_on: date | None = None
    petitioner: str | None = None
    respondent: str | None = None
    counsel: str | None = None
    status: str = "draft"
    next_date: date | None = None
    next_due: str | None = None
    notes: str | None = None
    sensitivity: str = policy.INTERNAL


def _text(value: str | None) -> str | None:
    text = " ".join((value or "").split()) if value is not None else ""
    return text or None


def _status(value: str) -> str:
    code = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if code not in STATUSES:
        raise ActionError(
            "{value!r} is not a status of a legal action (known: {known}).",
            "status",
            value=value,
            known=", ".join(STATUSES),
        )
    return code


def _kind(s: Any, value: str) -> str:
    from habeas.store.vocabulary import VocabularyIndex

    terms = list(
        s.execute(
            select(VocabularyTerm).where(VocabularyTerm.vocabulary == KIND_VOCABULARY)
        ).scalars()
    )
    index = VocabularyIndex(terms)
    try:
        return index.require(KIND_VOCABULARY, value, "kind of legal action")
    except UsageError:
        raise ActionError(
            "{value!r} is not a kind of legal action (known: {known}).",
            "kind",
            value=value,
            known=", ".join(t.code for t in terms),
        ) from None


def _person(s: Any, person_id: int) -> int:
    where = resolve_in(s, person_id)
    if where.current:
        return person_id
    if where.survivor is not None:
        return where.survivor  # a retired id: the action is filed for the survivor
    if where.moved_to:
        raise ActionError(
            "Person {id} was split among persons {into}: choose one of them.",
            "person_id",
            id=person_id,
            into=", ".join(str(p) for p in where.moved_to),
        )
    raise ActionError("There is no person {id}.", "person_id", id=person_id)


def _check_dates(filed_on: date | None, next_date: date | None, status: str | None) -> None:
    if status in ("filed", "pending") and filed_on is None:
        raise ActionError("A filed action needs its filing date.", "filed_on")
    if filed_on and next_date and next_date < filed_on:
        raise ActionError(
            "The next date ({next}) is before the filing date ({filed}).",
            "next_date",
            next=next_date.isoformat(),
            filed=filed_on.isoformat(),
        )


def may_edit(reader: Reader) -> str:
    """The actor for the change log, once the one policy allows ``reader`` to record
    legal actions (documenters and lawyers)."""
    policy.require(reader.role, "legal_actions")
    return reader.user


def add_action(store: Store, reader: Reader, spec: ActionSpec) -> int:
    """Record one legal action (one change-log entry); returns its id."""
    actor = may_edit(reader)
    court = _text(spec.court)
    if court is None:
        raise ActionError("Name the court or body.", "court")
    status = _status(spec.status)
    level = policy.check_level(spec.sensitivity)
    if reader.why_not(level) == "level":
        raise ActionError(
            "You may not record an action at level {level}.", "sensitivity", level=level
        )
    if spec.next_due and spec.next_date is None:
        raise ActionError("Give the date of what is due next.", "next_date")
    _check_dates(spec.filed_on, spec.next_date, status)
    now = datetime.now(UTC)
    with store.write(actor) as op:
        s = op.session
        row = ActionRow(
            kind=_kind(s, spec.kind),
            person_id=_person(s, spec.person_id),
            court=court,
            case_number=_text(spec.case_number),
            filed_on=spec.filed_on,
            petitioner=_text(spec.petitioner),
            respondent=_text(spec.respondent),
            counsel=_text(spec.counsel),
            notes=(spec.notes or "").strip() or None,
            created_by=op.actor,
            created_at=now,
            sensitivity=level,
        )
        s.add(row)
        s.flush()
        s.add(
            LegalActionChange(
                action_id=row.id,
                at=now,
                actor=op.actor,
                status=status,
                next_date=spec.next_date,
                next_due=_text(spec.next_due) if spec.next_date else None,
                clears_next=False,
                fields={},
                note=None,
            )
        )
        op.log(
            "add",
            "legal_action",
            row.id,
            {
                "kind": row.kind,
                "person_id": row.person_id,
                "status": status,
                "next_date": spec.next_date.isoformat() if spec.next_date else None,
                "sensitivity": level,
            },
        )
        return int(row.id)


def update_action(
    store: Store,
    reader: Reader,
    action_id: int,
    *,
    status: str | None = None,
    next_date: date | None = None,
    next_due: str | None = None,
    clear_next: bool = False,
    fields: dict[str, Any] | None = None,
    note: str | None = None,
) -> int:
    """Append one change to action ``action_id`` (one change-log entry); returns its id.

    ``fields``: new values of :data:`habeas.document.legal_actions.FIELDS` (``filed_on``
    a date, ``person_id`` a person id). A change that changes nothing is refused."""
    actor = may_edit(reader)
    current = get_action(store, action_id, reader=reader)  # visible to this reader
    new_status = _status(status) if status else None
    if clear_next and next_date is not None:
        raise ActionError("Either set the next date or clear it, not both.", "next_date")
    if next_due and next_date is None:
        raise ActionError("Give the date of what is due next.", "next_date")
    changed: dict[str, Any] = {}
    for name, value in (fields or {}).items():
        if name not in FIELDS:
            raise ActionError("{name!r} cannot be changed.", name, name=name)
        if name == "court" and _text(value) is None:
            raise ActionError("Name the court or body.", "court")
        if name == "filed_on":
            if value is not None and not isinstance(value, date):
                raise ActionError("The filing date must be a date.", "filed_on")
            if value != current.filed_on:
                changed[name] = value.isoformat() if value else None
        elif name == "person_id":
            if value is not None and int(value) != current.person_id:
                changed[name] = int(value)
        elif _text(value) != getattr(current, name):
            changed[name] = _text(value)
    with store.write(actor) as op:
        s = op.session
        if "person_id" in changed:
            changed["person_id"] = _person(s, changed["person_id"])
        filed = (
            date.fromisoformat(changed["filed_on"])
            if changed.get("filed_on")
            else (None if "filed_on" in changed else current.filed_on)
        )
        _check_dates(
            filed,
            next_date or (None if clear_next else current.next_date),
            new_status or current.status,
        )
        same_next = next_date is None or (
            next_date == current.next_date and _text(next_due) == current.next_due
        )
        if (
            (new_status is None or new_status == current.status)
            and same_next
            and not (clear_next and current.next_date is not None)
            and not changed
            and not _text(note)
        ):
            raise ActionError("Nothing to change.")
        row = LegalActionChange(
            action_id=action_id,
            at=datetime.now(UTC),
            actor=op.actor,
            status=new_status if new_status != current.status else None,
            next_date=next_date,
            next_due=_text(next_due) if next_date else None,
            clears_next=clear_next,
            fields=changed,
            note=(note or "").strip() or None,
        )
        s.add(row)
        s.flush()
        op.log(
            "update",
            "legal_action",
            action_id,
            {
                "change_id": row.id,
                "status": row.status,
                "next_date": next_date.isoformat() if next_date else None,
                "clears_next": clear_next,
                "fields": sorted(changed),
            },
        )
        return int(row.id)
