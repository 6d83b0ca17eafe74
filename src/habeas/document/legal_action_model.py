"""What a legal action is (:class:`LegalAction`, its :class:`Change` history, the statuses)
and how it is read back from the store: the action as entered, overlaid by each change,
and the person it concerns now (see :mod:`habeas.document.legal_actions`, the module the
faces use, for the whole story). Rows of every level are read here: the caller filters
by reader."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from habeas import i18n
from habeas.messages import N_
from habeas.store.person_ids import Move, resolve_in
from habeas.store.schema import Link, VocabularyTerm
from habeas.store.schema_legal import LegalAction as ActionRow
from habeas.store.schema_legal import LegalActionChange
from habeas.store.schema_linkage import PersonChange

_CHUNK = 900


KIND_VOCABULARY = "legal_action_kind"

#: Statuses of an action, in the order of its life; English ids, translated where shown.
STATUSES: dict[str, str] = {
    "draft": N_("draft"),
    "filed": N_("filed"),
    "pending": N_("pending"),
    "granted": N_("granted"),
    "partly_granted": N_("partly granted"),
    "denied": N_("denied"),
    "dismissed": N_("dismissed"),
    "withdrawn": N_("withdrawn"),
    "closed": N_("closed"),
}
#: Filed and not yet decided.
OPEN_STATUSES = frozenset({"filed", "pending"})
#: Over: a next date of such an action is no longer a deadline.
ENDED_STATUSES = frozenset({"withdrawn", "closed"})
#: Fields a change may set (besides status and next date).
FIELDS = ("case_number", "filed_on", "court", "petitioner", "respondent", "counsel", "person_id")


def status_label(status: str, lang: str) -> str:
    return str(i18n.translator(lang).gettext(STATUSES.get(status, status)))


@dataclass(frozen=True)
class Change:
    """One entry of an action's history (the first is its creation)."""

    id: int
    at: datetime
    actor: str
    status: str | None  # None: unchanged
    next_date: date | None
    next_due: str | None
    clears_next: bool
    fields: dict[str, Any]
    note: str | None


@dataclass
class LegalAction:
    id: int
    kind: str
    kind_label_en: str
    kind_label_es: str
    person_id: int  # the id it is filed under now (as entered, or as reassigned)
    person_now: tuple[int, ...]  # the current person(s) that id leads to
    court: str
    case_number: str | None
    filed_on: date | None
    petitioner: str | None
    respondent: str | None
    counsel: str | None
    notes: str | None
    status: str
    next_date: date | None
    next_due: str | None
    sensitivity: str
    created_by: str
    created_at: datetime
    history: list[Change] = field(default_factory=list)
    split_since: list[dict[str, Any]] = field(default_factory=list)

    def kind_label(self, lang: str) -> str:
        return i18n.label(self, lang, "kind_label")

    def status_label(self, lang: str) -> str:
        return status_label(self.status, lang)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_deadline(self) -> bool:
        return self.next_date is not None and self.status not in ENDED_STATUSES

    def days_left(self, today: date) -> int | None:
        return (
            None
            if not self.has_deadline or self.next_date is None
            else (self.next_date - today).days
        )

    def overdue(self, today: date) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0

    def describe(self, lang: str = "en") -> str:
        """``habeas corpus petition 25-cv-0766 before the District Court, filed 20 Mar
        2025 (pending; next: hearing on 2 Apr 2025)`` in ``lang``."""
        _ = i18n.translator(lang).gettext
        text = self.kind_label(lang)
        if self.case_number:
            text += f" {self.case_number}"
        text += " " + _("before %(court)s") % {"court": self.court}
        if self.filed_on:
            text += ", " + _("filed %(date)s") % {"date": i18n.format_date(self.filed_on, lang)}
        else:
            text += ", " + _("not filed yet")
        state = self.status_label(lang)
        if self.has_deadline and self.next_date is not None:
            state += "; " + _("next: %(what)s on %(date)s") % {
                "what": self.next_due or _("next date"),
                "date": i18n.format_date(self.next_date, lang),
            }
        return f"{text} ({state})"

    def to_dict(self) -> dict[str, Any]:
        from habeas.trace.items import to_jsonable

        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


# --------------------------------------------------------------------------- loading


def _fold(row: ActionRow, changes: list[LegalActionChange]) -> dict[str, Any]:
    """The current values: the action as entered, overlaid by each change in order."""
    now: dict[str, Any] = {name: getattr(row, name) for name in FIELDS}
    now.update(status="draft", next_date=None, next_due=None)
    for ch in changes:
        if ch.status:
            now["status"] = ch.status
        if ch.clears_next:
            now["next_date"] = now["next_due"] = None
        if ch.next_date is not None:
            now["next_date"], now["next_due"] = ch.next_date, ch.next_due
        for name, value in (ch.fields or {}).items():
            if name in FIELDS:
                now[name] = date.fromisoformat(value) if name == "filed_on" and value else value
    return now


def load_actions(s: Session, ids: Iterable[int] | None = None) -> list[LegalAction]:
    wanted = None if ids is None else sorted(set(ids))
    few = wanted is not None and len(wanted) <= _CHUNK  # else: read all, keep the wanted
    query = select(ActionRow).order_by(ActionRow.id)
    if few and wanted is not None:
        query = query.where(ActionRow.id.in_(wanted))
    rows = list(s.execute(query).scalars())
    if wanted is not None and not few:
        keep = set(wanted)
        rows = [r for r in rows if r.id in keep]
    if not rows:
        return []
    changes: dict[int, list[LegalActionChange]] = {}
    query_changes = select(LegalActionChange).order_by(
        LegalActionChange.action_id, LegalActionChange.id
    )
    if few:
        query_changes = query_changes.where(LegalActionChange.action_id.in_([r.id for r in rows]))
    for ch in s.execute(query_changes).scalars():
        changes.setdefault(ch.action_id, []).append(ch)
    labels = {
        code: (en, es)
        for code, en, es in s.execute(
            select(VocabularyTerm.code, VocabularyTerm.label_en, VocabularyTerm.label_es).where(
                VocabularyTerm.vocabulary == KIND_VOCABULARY
            )
        )
    }
    folded = {r.id: _fold(r, changes.get(r.id, [])) for r in rows}
    persons = sorted({int(v["person_id"]) for v in folded.values()})
    current: set[int] = set()
    splits: dict[int, list[Move]] = {}
    for chunk in _chunks(persons):
        current.update(
            s.execute(
                select(Link.person_id)
                .where(Link.person_id.in_(chunk), Link.superseded_at.is_(None))
                .distinct()
            ).scalars()
        )
        for pc in s.execute(
            select(PersonChange)
            .where(PersonChange.person_id.in_(chunk), PersonChange.kind == "split")
            .order_by(PersonChange.at, PersonChange.id)
        ).scalars():
            splits.setdefault(pc.person_id, []).append(
                Move(pc.person_id, pc.into_id, pc.records, pc.at, pc.kind)
            )
    out = []
    for r in rows:
        now = folded[r.id]
        pid = int(now["person_id"])
        # a current id: itself (and the records that left it since); a retired one: resolve
        person_now = (pid,) if pid in current else resolve_in(s, pid).moved_to
        since = r.created_at.replace(tzinfo=None)
        split = [
            m.to_dict()
            for m in splits.get(pid, [])
            if m.at is not None and m.at.replace(tzinfo=None) > since
        ]
        en, es = labels.get(r.kind, (r.kind, r.kind))
        out.append(
            LegalAction(
                id=r.id,
                kind=r.kind,
                kind_label_en=en,
                kind_label_es=es,
                person_id=pid,
                person_now=person_now,
                court=now["court"],
                case_number=now["case_number"],
                filed_on=now["filed_on"],
                petitioner=now["petitioner"],
                respondent=now["respondent"],
                counsel=now["counsel"],
                notes=r.notes,
                status=now["status"],
                next_date=now["next_date"],
                next_due=now["next_due"],
                sensitivity=r.sensitivity,
                created_by=r.created_by,
                created_at=r.created_at,
                history=[
                    Change(
                        c.id,
                        c.at,
                        c.actor,
                        c.status,
                        c.next_date,
                        c.next_due,
                        bool(c.clears_next),
                        dict(c.fields or {}),
                        c.note,
                    )
                    for c in changes.get(r.id, [])
                ],
                split_since=split,
            )
        )
    return out


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _candidates(s: Session, person_ids: list[int]) -> set[int]:
    """The actions that may concern ``person_ids`` now: entered for one of them, moved by
    hand (a change of ``person_id``), or entered for a person id no longer current
    (merged: they follow the survivor). The others cannot, and are not read."""
    ids: set[int] = set()
    for chunk in _chunks(person_ids):
        ids.update(s.execute(select(ActionRow.id).where(ActionRow.person_id.in_(chunk))).scalars())
    held = select(Link.id).where(
        Link.person_id == ActionRow.person_id, Link.superseded_at.is_(None)
    )
    ids.update(s.execute(select(ActionRow.id).where(~held.exists())).scalars())
    for aid, fields in s.execute(select(LegalActionChange.action_id, LegalActionChange.fields)):
        if fields and "person_id" in fields:
            ids.add(aid)
    return ids


def actions_of_persons(s: Session, person_ids: Iterable[int]) -> dict[int, list[LegalAction]]:
    """Current person id → the actions that concern them now (every level: the caller
    filters by reader). An action whose person was merged counts for the survivor(s)."""
    wanted = set(person_ids)
    out: dict[int, list[LegalAction]] = {}
    for action in load_actions(s, _candidates(s, sorted(wanted))):
        for pid in action.person_now:
            if pid in wanted:
                out.setdefault(pid, []).append(action)
    return out


def _attachment_target(session: Session, ident: int) -> str | None:
    """The level of legal action ``ident`` (``None``: no such action), for attachments."""
    row = session.get(ActionRow, ident)
    return None if row is None else str(row.sensitivity)


def _register_attachments() -> None:
    from habeas.evidence.attachments import register_target

    register_target("legal_action", _attachment_target, permission="legal_actions")


_register_attachments()
