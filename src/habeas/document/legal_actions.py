"""Legal actions taken on a person's behalf: read them, list them, see what is due next.

A legal action is a habeas petition, an amparo, an asylum claim, a communication
to the UN Working Group on Enforced Disappearances, an urgent action of the
Committee on Enforced Disappearances (ICPPED art. 30), a request for IACHR
precautionary measures, or another action (vocabulary ``legal_action_kind``,
extendable by an admin) — with its court or body, case number, filing date,
parties (petitioner, respondent, counsel), status, next date and what is due then.

How it relates to a legal *fact*
--------------------------------
A :class:`habeas.trace.facts.LegalFactItem` is what a source states ("the court
filing list says a petition was filed on 20 March"); it is evidence, immutable,
and the due-process flags are computed from it. A legal action is what the
register's users do about it: it is not evidence and never changes a flag's
status. It is *cited*: a flag names the actions filed about it (rules name the
action kinds, ``actions = [...]`` in ``trace/rules/due_process.toml``) and a gap
names the actions that asked an authority for the missing information
(:data:`habeas.trace.gaps.GAP_ACTIONS`). :attr:`LegalAction.facts_case` lets a face
show the legal facts whose case number is the action's.

History, never edits
--------------------
The action as first entered is kept; each change of status, next date or field is
a new :class:`Change` (:mod:`habeas.document.legal_action_entry`), logged in the
change log. The current values are the first entry's, overlaid by each change in
order.

Following the person
--------------------
An action names the person id it was entered for. Person ids are never
renumbered (:mod:`habeas.store.person_ids`): when that person is merged into
another, the action follows to the survivor (``person_now``); when the person is
split, the id stays with the part holding most records and so does the action
(``split_since`` says records left after the action was entered: reassign it with
a change of ``person_id`` if it concerns the part that left).

Documents of an action (the petition, the court's order, the UN body's letter) are
attachments with target kind ``legal_action`` (:mod:`habeas.evidence.attachments`); this
module registers the check that the action exists and gives the attachment at least the
action's level.

Reads go through a :class:`habeas.access.reader.Reader`: an action above the
reader's clearance is answered as not existing; a restricted one needs a purpose;
reads of restricted actions are logged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from habeas import i18n
from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.person_ids import resolve_in
from habeas.store.schema import Link, VocabularyTerm
from habeas.store.schema_legal import LegalAction as ActionRow
from habeas.store.schema_legal import LegalActionChange


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


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
        from habeas.trace.facts import to_jsonable

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


def _load(s: Session, ids: Iterable[int] | None = None) -> list[LegalAction]:
    query = select(ActionRow).order_by(ActionRow.id)
    if ids is not None:
        query = query.where(ActionRow.id.in_(sorted(set(ids))))
    rows = list(s.execute(query).scalars())
    if not rows:
        return []
    changes: dict[int, list[LegalActionChange]] = {}
    for ch in s.execute(
        select(LegalActionChange)
        .where(LegalActionChange.action_id.in_([r.id for r in rows]))
        .order_by(LegalActionChange.action_id, LegalActionChange.id)
    ).scalars():
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
    persons = {int(v["person_id"]) for v in folded.values()}
    current = set(
        s.execute(
            select(Link.person_id)
            .where(Link.person_id.in_(sorted(persons)), Link.superseded_at.is_(None))
            .distinct()
        ).scalars()
    )
    out = []
    for r in rows:
        now = folded[r.id]
        pid = int(now["person_id"])
        where = resolve_in(s, pid)
        since = r.created_at.replace(tzinfo=None)
        split = [
            m.to_dict()
            for m in where.split_off
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
                person_now=(pid,) if pid in current else where.moved_to,
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


def actions_of_persons(s: Session, person_ids: Iterable[int]) -> dict[int, list[LegalAction]]:
    """Current person id → the actions that concern them now (every level: the caller
    filters by reader). An action whose person was merged counts for the survivor(s)."""
    wanted = set(person_ids)
    out: dict[int, list[LegalAction]] = {}
    for action in _load(s):
        for pid in action.person_now:
            if pid in wanted:
                out.setdefault(pid, []).append(action)
    return out


# --------------------------------------------------------------------------- reader-scoped


def _visible(
    actions: list[LegalAction], reader: Reader | None, withheld: Withheld, shown: Counter[str]
) -> list[LegalAction]:
    if reader is None:
        return actions
    out = []
    for a in actions:
        why = reader.why_not(a.sensitivity)
        if why is None:
            out.append(a)
            shown[a.sensitivity] += 1
        else:
            withheld.add("legal actions", a.sensitivity, why)
    return out


def _log(store: Store, reader: Reader | None, rows: list[LegalAction], shown: Counter[str]) -> None:
    if reader is None:
        return
    from habeas.audit.reads import log_read

    log_read(
        store,
        reader,
        "legal_action",
        rows[0].id if len(rows) == 1 else None,
        action="view",
        shown=shown,
        detail={"legal_actions": [r.id for r in rows][:500]},
    )


def get_action(store: Store, action_id: int, *, reader: Reader | None) -> LegalAction:
    """One action with its history. Above the reader's clearance it does not exist for
    them (:class:`NotFound`); restricted without a purpose: :class:`PurposeRequired`."""
    from habeas.audit.reads import PurposeRequired

    if reader is not None:
        policy.require(reader.role, "read_identities")
    with store.read() as s:
        found = _load(s, [action_id])
    if not found:
        raise NotFound(f"No legal action {action_id}.")
    action = found[0]
    if reader is not None:
        why = reader.why_not(action.sensitivity)
        if why == "level":
            raise NotFound(f"No legal action {action_id}.")
        if why == "purpose":
            raise PurposeRequired(
                f"Legal action {action_id} is {action.sensitivity}: state the purpose "
                "of this consultation to read it."
            )
    _log(store, reader, [action], Counter({action.sensitivity: 1}))
    return action


def _order(a: LegalAction) -> tuple[Any, ...]:
    """Deadlines first, soonest (most overdue) first; then the rest, newest filing first."""
    if a.has_deadline and a.next_date is not None:
        return (0, a.next_date.toordinal(), a.id)
    filed = a.filed_on.toordinal() if a.filed_on else 10**7
    return (1, -filed, -a.id)


def list_actions(
    store: Store,
    *,
    reader: Reader | None,
    person_id: int | None = None,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    withheld: Withheld | None = None,
    audit: bool = True,
) -> list[LegalAction]:
    """The actions (of one current person, of some kinds / statuses), deadlines first.
    What the reader may not see is counted in ``withheld``."""
    if reader is not None:
        policy.require(reader.role, "read_identities")
    with store.read() as s:
        if person_id is not None:
            rows = actions_of_persons(s, [person_id]).get(person_id, [])
        else:
            rows = _load(s)
    if kinds:
        rows = [a for a in rows if a.kind in kinds]
    if statuses:
        rows = [a for a in rows if a.status in statuses]
    shown: Counter[str] = Counter()
    rows = _visible(rows, reader, withheld if withheld is not None else Withheld(), shown)
    rows.sort(key=_order)
    if audit and rows:
        _log(store, reader, rows, shown)
    return rows


@dataclass(frozen=True)
class Deadline:
    action: LegalAction
    days_left: int
    overdue: bool


def upcoming(
    store: Store,
    reader: Reader | None,
    within_days: int = 30,
    *,
    today: date | None = None,
    withheld: Withheld | None = None,
) -> list[Deadline]:
    """The next dates due within ``within_days`` of ``today``, and every overdue one
    (a date passed with the action not closed or withdrawn), soonest first."""
    rows = list_actions(store, reader=reader, withheld=withheld)
    return deadlines_of(rows, within_days, today or date.today())


def deadlines_of(rows: list[LegalAction], within_days: int, today: date) -> list[Deadline]:
    """Of ``rows`` (listed, deadlines first), those due within ``within_days`` or overdue."""
    out = []
    for a in sorted(rows, key=_order):
        left = a.days_left(today)
        if left is not None and left <= within_days:
            out.append(Deadline(a, left, left < 0))
    return out


def kind_codes(store: Store) -> dict[str, tuple[str, str]]:
    """The kinds of action (vocabulary ``legal_action_kind``): code → (English, Spanish)."""
    with store.read() as s:
        return {
            code: (en, es)
            for code, en, es in s.execute(
                select(VocabularyTerm.code, VocabularyTerm.label_en, VocabularyTerm.label_es)
                .where(VocabularyTerm.vocabulary == KIND_VOCABULARY)
                .order_by(VocabularyTerm.id)
            )
        }


def _attachment_target(session: Session, ident: int) -> str | None:
    """The level of legal action ``ident`` (``None``: no such action), for attachments."""
    row = session.get(ActionRow, ident)
    return None if row is None else str(row.sensitivity)


def _register_attachments() -> None:
    from habeas.evidence.attachments import register_target

    register_target("legal_action", _attachment_target)


_register_attachments()
