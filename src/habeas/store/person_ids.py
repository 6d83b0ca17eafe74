"""Person ids that stay citable: where a merged person went, what a split person lost.

Linkage never renumbers a person (:mod:`habeas.linkage.apply`): when persons
merge, the one with the most records keeps its id and the others' ids are
retired; when a person splits, the id stays with the part holding most of its
records. A court filing citing a retired id must still lead to the person, so
:func:`resolve` answers, for any id:

* ``current`` — the id has records linked to it now (``moved_to`` is empty);
  ``split_off`` lists the records that left it for other persons, and when;
* retired — ``moved_to`` names the person(s) its records belong to now, following
  later merges too (87 → 91 → 95 answers 95), each step with its date.

Where a retired id leads is read from the links: the persons that hold now the
records it held when it was retired (so a later split or merge is followed).
How it got there, with dates, is read from ``person_change`` (written by every
run and review decision since revision 0012; for older merges the links' dates). Only
person ids and counts are read here: the faces still read the survivor's data
through a :class:`habeas.access.reader.Reader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from habeas.store.db import Store
from habeas.store.schema import Link
from habeas.store.schema_linkage import PersonChange

_MAX_STEPS = 50  # a chain of merges longer than this is not followed further


@dataclass(frozen=True)
class Move:
    """``records`` records of person ``person_id`` went to ``into_id`` on ``at``."""

    person_id: int
    into_id: int
    records: int
    at: datetime | None  # None: merged before person_change was kept (date unknown)
    kind: str  # merged or split

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "into_id": self.into_id,
            "records": self.records,
            "at": self.at.isoformat() if self.at else None,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class PersonId:
    """What an asked-for person id stands for now (see the module doc)."""

    asked: int
    current: bool
    moved_to: tuple[int, ...] = ()  # the persons holding the retired id's records now
    path: tuple[Move, ...] = ()  # the merges followed from ``asked`` to ``moved_to``
    split_off: tuple[Move, ...] = field(default=())  # records that left a current id

    @property
    def known(self) -> bool:
        """The id is current or leads to current persons."""
        return self.current or bool(self.moved_to)

    @property
    def survivor(self) -> int | None:
        """The one person a retired id now leads to (``None``: current, unknown, or its
        records went to several persons)."""
        return self.moved_to[0] if len(self.moved_to) == 1 else None

    @property
    def merged_at(self) -> datetime | None:
        """When the asked id was retired (its first merge)."""
        first = [m.at for m in self.path if m.person_id == self.asked and m.at is not None]
        return min(first) if first else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.asked,
            "current": self.current,
            "moved_to": list(self.moved_to),
            "survivor": self.survivor,
            "merged_at": self.merged_at.isoformat() if self.merged_at else None,
            "path": [m.to_dict() for m in self.path],
            "split_off": [m.to_dict() for m in self.split_off],
        }


def resolve(store: Store, person_id: int) -> PersonId:
    """Where ``person_id`` stands now (current, merged into others, or unknown)."""
    with store.read() as s:
        return resolve_in(s, person_id)


def resolve_in(s: Session, person_id: int) -> PersonId:
    if not 0 < person_id < 2**63:  # no such id (and PostgreSQL's bigint would refuse it)
        return PersonId(person_id, False)
    if _is_current(s, person_id):
        return PersonId(person_id, True, split_off=tuple(_moves(s, person_id, "split")))
    holders = _holders_now(s, person_id)
    if not holders:
        return PersonId(person_id, False)
    path: list[Move] = []
    frontier, seen = [person_id], {person_id}
    while frontier and len(seen) <= _MAX_STEPS:
        pid = frontier.pop(0)
        if pid != person_id and _is_current(s, pid):
            continue
        for m in _moves(s, pid, "merged"):
            path.append(m)
            if m.into_id not in seen:
                seen.add(m.into_id)
                frontier.append(m.into_id)
    if not path:  # merged before person_change was kept: the links say when and where
        path = [Move(person_id, p, n, at, "merged") for p, (n, at) in sorted(holders.items())]
    return PersonId(person_id, False, tuple(sorted(holders)), tuple(path))


def _holders_now(s: Session, person_id: int) -> dict[int, tuple[int, datetime]]:
    """The persons holding now the records ``person_id`` held when it was retired
    (its links superseded last): person → (records, when retired)."""
    retired_at = s.execute(
        select(func.max(Link.superseded_at)).where(Link.person_id == person_id)
    ).scalar()
    if retired_at is None:
        return {}
    held = (
        select(Link.record_id)
        .where(Link.person_id == person_id, Link.superseded_at == retired_at)
        .subquery()
    )
    rows = s.execute(
        select(Link.person_id, func.count())
        .join(held, held.c.record_id == Link.record_id)
        .where(Link.superseded_at.is_(None))
        .group_by(Link.person_id)
    ).all()
    return {int(p): (int(n), retired_at) for p, n in rows}


def _is_current(s: Session, person_id: int) -> bool:
    return (
        s.execute(
            select(Link.id)
            .where(Link.person_id == person_id, Link.superseded_at.is_(None))
            .limit(1)
        ).first()
        is not None
    )


def _moves(s: Session, person_id: int, kind: str) -> list[Move]:
    rows = s.execute(
        select(PersonChange)
        .where(PersonChange.person_id == person_id, PersonChange.kind == kind)
        .order_by(PersonChange.at, PersonChange.id)
    ).scalars()
    return [Move(r.person_id, r.into_id, r.records, r.at, r.kind) for r in rows]
