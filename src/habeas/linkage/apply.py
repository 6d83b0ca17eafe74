"""Write a clustering to the store: links superseded, persons kept or created, pairs.

Which person id a cluster gets (the stable rule)
------------------------------------------------
Clusters are visited in order of (most records from one existing person, then
cluster size, then lowest record id). Each takes the existing person that
holds the most of its records (ties: the lowest person id) unless an earlier
cluster took it; then the next one; a cluster with no free existing person gets
a new person. So when persons merge, the one with the most records keeps its
id; when a person splits, the part with most of its records keeps it. A run
that changes nothing keeps every id.

A person id once given is never given to anyone else, and a retired one still
leads somewhere: every move of records between persons is written to
``person_change`` (``merged``: the old person kept none of its records, its id
is retired; ``split``: it kept its id and lost some records), which
:mod:`habeas.store.person_ids` follows when a retired id is asked for.

Links are superseded, never edited: a record whose person changes (or whose
link still says ``import``) gets its current link closed (``superseded_at``)
and a new link with ``method`` ``model`` (or ``human`` for a review decision).

Everything here runs inside the caller's ``store.write`` operation, so one run
or one decision is one transaction and one change-log entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.orm import Session

from habeas.store.bulk import (
    LINK_COLUMNS,
    allocate_ids,
    driver_value,
    id_table,
    insert_tuples,
)
from habeas.store.schema import Link, Person
from habeas.store.schema_linkage import PersonChange

CHUNK = 900
BULK_FROM = 20 * CHUNK  # links to close from which one set-based UPDATE does it


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Changes:
    """What a reassignment did: merges (persons folded into one) and splits."""

    merges: list[dict[str, Any]] = field(default_factory=list)
    splits: list[dict[str, Any]] = field(default_factory=list)
    links_written: int = 0
    persons_created: int = 0
    person_of: dict[int, int] = field(default_factory=dict)  # record → person after

    def detail(self) -> dict[str, Any]:
        return {
            "merges": self.merges,
            "splits": self.splits,
            "links_written": self.links_written,
            "persons_created": self.persons_created,
        }


def assign_persons(
    clusters: Iterable[list[int]], current: dict[int, int | None]
) -> list[tuple[list[int], int | None]]:
    """Pair each cluster with the existing person id it keeps (None = new person).

    ``current`` maps record → current person. Rule in the module doc.
    """
    prepared = []
    for members in clusters:
        if len(members) == 1:  # most clusters: no counting, no sorting
            p = current.get(members[0])
            ranked = [] if p is None else [(p, 1)]
        else:
            counts = Counter(p for r in members if (p := current.get(r)) is not None)
            ranked = (
                sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                if len(counts) > 1
                else list(counts.items())
            )
        top = ranked[0][1] if ranked else 0
        prepared.append((-top, -len(members), min(members), members, ranked))
    prepared.sort(key=lambda t: (t[0], t[1], t[2]))
    taken: set[int] = set()
    result: list[tuple[list[int], int | None]] = []
    for *_, members, ranked in prepared:
        chosen = next((p for p, _ in ranked if p not in taken), None)
        if chosen is not None:
            taken.add(chosen)
        result.append((members, chosen))
    return result


def reassign(
    session: Session,
    clusters: Iterable[list[int]],
    current: dict[int, tuple[int | None, str]],
    *,
    actor: str,
    method: str,
    scores: dict[int, float] | None = None,
    rewrite_methods: frozenset[str] = frozenset({"import"}),
) -> Changes:
    """Make the store's current links follow ``clusters``.

    ``current``: record → (current person, current link method). A record is
    re-linked when its person changes or its method is in ``rewrite_methods``.
    """
    at = now()
    person_now = {r: p for r, (p, _) in current.items()}
    plan = assign_persons(clusters, person_now)
    conn = session.connection()
    at_db = driver_value(conn, Link.__table__, "decided_at", at)
    new_ids = allocate_ids(conn, "person", sum(1 for _, pid in plan if pid is None))
    insert_tuples(
        conn,
        Person.__table__,
        ("id", "created_by", "created_at"),
        [(pid, actor, at_db) for pid in new_ids],
        ready={"created_at"},
    )
    changes = Changes(persons_created=len(new_ids))
    new_iter = iter(new_ids)
    to_close: list[int] = []
    to_add: list[tuple[Any, ...]] = []
    # old person → the first person its records went to, and every one only where
    # there are several (a split): not a set per person of a million
    went_to: dict[int, int] = {}
    split_into: dict[int, set[int]] = {}
    score_of = scores or {}
    for members, kept in plan:
        pid = kept if kept is not None else next(new_iter)
        if (
            len(members) > 1
            and len(olds := sorted({p for r in members if (p := person_now.get(r)) is not None}))
            > 1
        ):
            changes.merges.append(
                {"into": pid, "from": [p for p in olds if p != pid], "records": len(members)}
            )
        for r in members:
            old_pid, old_method = current.get(r, (None, ""))
            changes.person_of[r] = pid
            if old_pid is not None and went_to.setdefault(old_pid, pid) != pid:
                split_into.setdefault(old_pid, {went_to[old_pid]}).add(pid)
            if old_pid != pid or old_method in rewrite_methods:
                if old_pid is not None:
                    to_close.append(r)
                to_add.append((r, pid, method, score_of.get(r), actor, at_db, None))
    for old_pid, now_in in sorted(split_into.items()):
        changes.splits.append({"person": old_pid, "into": sorted(now_in)})
    _record_moves(
        session,
        current,
        changes.person_of,
        {pid for _, pid in plan if pid is not None},
        actor=actor,
        at=at,
    )
    _close_links(session, to_close, at)
    # ready: the floats are Python floats already, the instant processed once
    insert_tuples(conn, Link.__table__, LINK_COLUMNS, to_add, ready={"decided_at", "score"})
    changes.links_written = len(to_add)
    return changes


def _close_links(session: Session, records: list[int], at: datetime) -> None:
    """Supersede the current link of each of ``records`` (one statement for many)."""
    if len(records) <= BULK_FROM:
        for start in range(0, len(records), CHUNK):
            session.execute(
                update(Link)
                .where(
                    Link.record_id.in_(records[start : start + CHUNK]), Link.superseded_at.is_(None)
                )
                .values(superseded_at=at)
            )
        return
    conn = session.connection()
    with id_table(conn, "habeas_closing", records) as ids:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    f"UPDATE link SET superseded_at = :at FROM {ids} "
                    f"WHERE link.record_id = {ids}.id AND link.superseded_at IS NULL"
                ).bindparams(bindparam("at", type_=Link.__table__.c.superseded_at.type)),
                {"at": at},
            )
        else:
            conn.execute(
                text(
                    "UPDATE link SET superseded_at = :at WHERE superseded_at IS NULL "
                    f"AND record_id IN (SELECT id FROM {ids})"
                ).bindparams(bindparam("at", type_=Link.__table__.c.superseded_at.type)),
                {"at": at},
            )


def _record_moves(
    session: Session,
    current: dict[int, tuple[int | None, str]],
    person_of: dict[int, int],
    kept: set[int],
    *,
    actor: str,
    at: datetime,
) -> None:
    """One ``person_change`` row per (old person, new person) that records moved between."""
    moved: Counter[tuple[int, int]] = Counter()
    for r, new_pid in person_of.items():
        old_pid = current.get(r, (None, ""))[0]
        if old_pid is not None and old_pid != new_pid:
            moved[(old_pid, new_pid)] += 1
    conn = session.connection()
    at_db = driver_value(conn, PersonChange.__table__, "at", at)
    insert_tuples(
        conn,
        PersonChange.__table__,
        ("person_id", "into_id", "records", "at", "actor", "kind"),
        [
            (old, new, n, at_db, actor, "split" if old in kept else "merged")
            for (old, new), n in sorted(moved.items())
        ],
        ready={"at"},
    )
