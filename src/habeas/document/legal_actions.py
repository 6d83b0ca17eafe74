"""Legal actions taken on a person's behalf: read them, list them, see what is due next.

A legal action is a habeas petition, an amparo, an asylum claim, a communication
to the UN Working Group on Enforced Disappearances, an urgent action of the
Committee on Enforced Disappearances (ICPPED art. 30), a request for IACHR
precautionary measures, or another action (vocabulary ``legal_action_kind``,
extendable by an admin) — with its court or body, case number, filing date,
parties (petitioner, respondent, counsel), status, next date and what is due then.

How it relates to a legal *fact*
--------------------------------
A :class:`habeas.trace.items.LegalFactItem` is what a source states ("the court
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
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.document.legal_action_model import (
    ENDED_STATUSES,
    FIELDS,
    KIND_VOCABULARY,
    OPEN_STATUSES,
    STATUSES,
    Change,
    LegalAction,
    actions_of_persons,
    load_actions,
    status_label,
)
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import VocabularyTerm

__all__ = [
    "ENDED_STATUSES",
    "FIELDS",
    "KIND_VOCABULARY",
    "OPEN_STATUSES",
    "STATUSES",
    "Change",
    "Deadline",
    "LegalAction",
    "actions_of_persons",
    "deadlines_of",
    "get_action",
    "kind_codes",
    "list_actions",
    "status_label",
    "upcoming",
]


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
        found = load_actions(s, [action_id])
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
            rows = load_actions(s)
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
