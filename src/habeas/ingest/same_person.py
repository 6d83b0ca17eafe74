"""An import whose records the importer states are one known person (an entry made from a
person's page: a custody event, a legal fact, a correction).

The documenter asserts it, so it is recorded as a human review decision "same" between
each new record and a record of that person (which record linkage never overrides), and
the new records join that person at once, in the import's own transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from habeas.errors import UsageError
from habeas.linkage.apply import reassign
from habeas.store.bulk import bulk_insert
from habeas.store.schema import Link, Record
from habeas.store.schema_linkage import ReviewDecision


def check_anchor(session: Session, record_id: int) -> int:
    """The person record ``record_id`` belongs to now (:class:`UsageError` if none)."""
    person = session.execute(
        select(Link.person_id).where(Link.record_id == record_id, Link.superseded_at.is_(None))
    ).scalar()
    if person is None:
        raise UsageError(f"No record {record_id} linked to a person.")
    return int(person)


def join_import(
    session: Session, import_id: int, anchor: int, actor: str, now: datetime
) -> dict[str, Any]:
    """Decide "same" between every record of ``import_id`` and record ``anchor``, and move
    them to the anchor's person. Returns the person and the link changes."""
    person = check_anchor(session, anchor)
    new = list(session.execute(select(Record.id).where(Record.import_id == import_id)).scalars())
    bulk_insert(
        session.connection(),
        ReviewDecision.__table__,
        [
            {
                "record_a": min(anchor, rid),
                "record_b": max(anchor, rid),
                "decision": "same",
                "reviewer": actor,
                "note": f"entered as person {person}'s (record {anchor})",
                "decided_at": now,
                "superseded_at": None,
                "pair_id": None,
                "position": None,
            }
            for rid in new
        ],
    )
    members = sorted(
        set(
            session.execute(
                select(Link.record_id).where(Link.person_id == person, Link.superseded_at.is_(None))
            ).scalars()
        )
        | set(new)
    )
    current: dict[int, tuple[int | None, str]] = {
        r: (p, m)
        for r, p, m in session.execute(
            select(Link.record_id, Link.person_id, Link.method).where(
                Link.record_id.in_(members), Link.superseded_at.is_(None)
            )
        )
    }
    changes = reassign(
        session, [members], current, actor=actor, method="human", rewrite_methods=frozenset()
    )
    return {"person_id": changes.person_of.get(anchor, person), "records": new}
