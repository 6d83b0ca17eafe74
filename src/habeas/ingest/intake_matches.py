"""The persons a record entered by hand could be: the find-a-person search
(:mod:`habeas.search`) on the record's own name, date of birth, nationality and first
document number, reader-scoped and read-audited, shown beside the new record so that
whoever took the call can see at once whom it may be about."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import Link, Record, RecordIdentifier


@dataclass(frozen=True)
class CandidateMatch:
    """A person the new record could be (from the find-a-person search)."""

    person_id: int
    score: float
    explanation: str
    names: list[str]
    is_linked: bool  # the person the record is linked to now
    reasons: list[dict[str, Any]] = field(default_factory=list)  # code, params, text

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "score": self.score,
            "explanation": self.explanation,
            "names": self.names,
            "is_linked": self.is_linked,
            "reasons": self.reasons,
        }


def candidate_matches(
    store: Store, reader: Reader, record_id: int, limit: int = 5
) -> list[CandidateMatch]:
    """The persons the record could be, from the find-a-person search on its own name,
    date of birth, nationality and first document number (reader-scoped, read-audited)."""
    from habeas.search import search

    with store.read() as s:
        rec = s.get(Record, record_id)
        if rec is None:
            raise NotFound(f"No record {record_id}.")
        ident = s.execute(
            select(RecordIdentifier.value).where(
                RecordIdentifier.record_id == record_id, RecordIdentifier.valid.is_(True)
            )
        ).scalar()
        own = s.execute(
            select(Link.person_id).where(Link.record_id == record_id, Link.superseded_at.is_(None))
        ).scalar()
    name = rec.full_name or " ".join([*rec.given_names, *rec.surnames]) or None
    dob = (
        rec.dob_earliest.isoformat()
        if rec.dob_earliest and rec.dob_earliest == rec.dob_latest
        else None
    )
    if not (name or ident):
        return []
    found = search(
        store,
        name=name,
        dob=dob,
        nationality=rec.nationality,
        identifier=ident,
        limit=limit + 1,
        reader=reader,
    )
    out = []
    for c in found.candidates:
        names = [r.name for r in c.records if r.record_id != record_id and r.name]
        if not names:  # only the new record itself matched
            continue
        out.append(
            CandidateMatch(
                c.person_id,
                round(c.score, 3),
                c.explanation,
                names,
                c.person_id == own,
                [r.to_dict() for r in c.reasons],
            )
        )
    return out[:limit]
