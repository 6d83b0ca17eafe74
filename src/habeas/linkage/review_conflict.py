"""Which records a queued "conflict" pair would wrongly join, for the reviewer.

A pair is queued with reason ``conflict: …`` when linking it would put into one
person records that must stay apart (:meth:`habeas.linkage.union_find.UnionFind.conflict`):
two different numbers of one document type, two rows of a one-row-per-person
source, a pair a reviewer decided different, or (through a name-only record) a
member the model scored as clearly different. :func:`conflict_records` finds
those records among the two persons the pair would join, so the review page can
name them — only those the reader may see; the others are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from habeas.access import policy
from habeas.access.levels import levels_of
from habeas.access.reader import Reader
from habeas.linkage.cluster import UNLIKE
from habeas.store.schema import Link, Record, RecordIdentifier, Source
from habeas.store.schema_linkage import ReviewDecision, ScoredPair

#: At most this many pairs of records are named.
MAX_PAIRS = 3


@dataclass
class Conflict:
    """Pairs of records (each ``{"record", "record_id", "source", "name"}``) that may not be
    joined; ``kind``: the conflict (``different a_number``, ``decided different``, ...);
    ``hidden``: records involved that the reader may not see (not named)."""

    kind: str
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    hidden: int = 0
    shown_levels: dict[int, str] = field(default_factory=dict)  # record named -> level


def _members(s: Session, record: int) -> list[int]:
    person = s.execute(
        select(Link.person_id).where(Link.record_id == record, Link.superseded_at.is_(None))
    ).scalar_one_or_none()
    if person is None:
        return [record]
    return list(
        s.execute(
            select(Link.record_id).where(Link.person_id == person, Link.superseded_at.is_(None))
        ).scalars()
    )


def _candidates(s: Session, kind: str, left: list[int], right: list[int]) -> list[tuple[int, int]]:
    if kind.startswith("different "):
        id_type = kind.removeprefix("different ")
        values: dict[int, set[str]] = {}
        for rid, value in s.execute(
            select(RecordIdentifier.record_id, RecordIdentifier.value).where(
                RecordIdentifier.record_id.in_(left + right),
                RecordIdentifier.id_type == id_type,
                RecordIdentifier.valid.is_(True),
            )
        ):
            values.setdefault(rid, set()).add(str(value))
        return [
            (x, y)
            for x in left
            for y in right
            if values.get(x) and values.get(y) and not values[x] & values[y]
        ]
    if kind == "one-row-per-person source":
        source = dict(
            s.execute(
                select(Record.id, Record.source_id)
                .join(Source, Source.id == Record.source_id)
                .where(Record.id.in_(left + right), Source.one_row_per_person.is_(True))
            ).all()
        )
        return [(x, y) for x in left for y in right if x in source and source[x] == source.get(y)]
    if kind == "decided different":
        rows = s.execute(
            select(ReviewDecision.record_a, ReviewDecision.record_b).where(
                ReviewDecision.superseded_at.is_(None),
                ReviewDecision.decision == "different",
                ReviewDecision.record_a.in_(left + right),
                ReviewDecision.record_b.in_(left + right),
            )
        ).all()
        return [(x, y) for x, y in rows if (x in left) != (y in left)]
    if kind == "unlike a member":
        rows = s.execute(
            select(ScoredPair.record_a, ScoredPair.record_b)
            .where(
                ScoredPair.record_a.in_(left + right),
                ScoredPair.record_b.in_(left + right),
                ScoredPair.match_probability < UNLIKE,
            )
            .order_by(ScoredPair.match_probability)
        ).all()
        return [(x, y) for x, y in rows if (x in left) != (y in left)]
    return []


def conflict_records(
    s: Session, reader: Reader, record_a: int, record_b: int, reason: str | None
) -> Conflict | None:
    """The records the pair's ``conflict: …`` reason is about (None for other reasons)."""
    if not reason or not reason.startswith("conflict:"):
        return None
    kind = reason.partition(":")[2].strip()
    left = _members(s, record_a)
    right = [r for r in _members(s, record_b) if r not in left]
    if not right:
        right = [record_b]
        left = [r for r in left if r != record_b]
    found = _candidates(s, kind, left, right)
    involved = sorted({r for pair in found for r in pair})
    levels = levels_of(s, "record", involved)
    visible = {r for r in involved if reader.may(levels.get(r, policy.RESTRICTED), "view")}
    info = (
        {
            rid: {"record": rid, "record_id": key, "name": name or "", "source": title}
            for rid, key, name, title in s.execute(
                select(Record.id, Record.record_key, Record.full_name, Source.title)
                .join(Source, Source.id == Record.source_id)
                .where(Record.id.in_(sorted(visible)))
            )
        }
        if visible
        else {}
    )
    out = Conflict(kind, hidden=len(set(involved) - visible))
    for x, y in found:
        if x in visible and y in visible and len(out.pairs) < MAX_PAIRS:
            out.pairs.append((info[x], info[y]))
            out.shown_levels.update({r: levels.get(r, policy.RESTRICTED) for r in (x, y)})
    return out
