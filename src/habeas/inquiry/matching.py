"""Matching an inquiry against the register, and confirming the person it concerns.

The register's own search (:func:`habeas.search.search`, scoped to the reader who runs
it) answers the inquiry's description; its candidates are stored as a ``matched``
event (person, score, reasons, the records that matched), so the history shows
what the register offered at that moment even after linkage moves records. A
documenter then confirms which person the inquiry concerns (``confirmed``), or
withdraws a confirmation (``unconfirmed``); neither changes the register itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from habeas.access.reader import Reader
from habeas.errors import NotFound
from habeas.inquiry.model import _append, _clean, may_edit
from habeas.inquiry.read import load_state
from habeas.store.db import Store


@dataclass
class MatchOutcome:
    inquiry_id: int
    event_id: int
    candidates: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    withheld: dict[str, Any] = field(default_factory=dict)


def match_inquiry(
    store: Store, inquiry_id: int, reader: Reader | None, *, limit: int = 10
) -> MatchOutcome:
    """Search the register for the person the inquiry describes; store the candidates."""
    from habeas.search import search

    actor = may_edit(reader)
    state = load_state(store, inquiry_id)
    s = state.sought
    result = search(
        store,
        name=s.name,
        dob=s.dob,
        nationality=s.nationality,
        identifier=s.identifier,
        limit=limit,
        reader=reader,
    )
    candidates = [
        {
            "person_id": c.person_id,
            "score": round(c.score, 4),
            "reasons": [r.to_dict() for r in c.reasons],
            "records": [
                {
                    "record_id": r.record_id,
                    "source": r.source,
                    "record_key": r.record_key,
                    "name": r.name,
                    "score": round(r.score, 4),
                }
                for r in c.records
            ],
        }
        for c in result.candidates
    ]
    event_id = _append(
        store,
        inquiry_id,
        actor,
        "matched",
        {"candidates": candidates, "scored": result.scored, "warnings": result.warnings},
    )
    return MatchOutcome(
        inquiry_id,
        event_id,
        candidates,
        result.warnings,
        result.withheld.to_dict() if result.withheld else {},
    )


def confirm_person(
    store: Store,
    inquiry_id: int,
    person_id: int | None,
    reader: Reader | None,
    note: str | None = None,
) -> int:
    """Say which person of the register the inquiry concerns (``None``: withdraw it). The
    person must be one the reader may see (else: as if it did not exist)."""
    actor = may_edit(reader)
    state = load_state(store, inquiry_id)
    if person_id is None:
        if state.person_id is None:
            from habeas.inquiry.model import InquiryError
            from habeas.messages import N_

            raise InquiryError(N_("No person is confirmed for this inquiry."), "person_id")
        detail: dict[str, Any] = {"person_id": None, "was": state.person_id}
        return _append(
            store, inquiry_id, actor, "unconfirmed", {**detail, "note": _clean(note, "known")}
        )
    _check_person(store, person_id, reader)
    return _append(
        store,
        inquiry_id,
        actor,
        "confirmed",
        {"person_id": person_id, "note": _clean(note, "known")},
    )


def _check_person(store: Store, person_id: int, reader: Reader | None) -> None:
    from habeas.trace import load_person
    from habeas.trace.visible import restrict

    person = load_person(store, person_id)
    if not person.records:
        raise NotFound(f"No person {person_id} (or no record is linked to them now).")
    if reader is not None and not restrict(store, person, reader).person.records:
        raise NotFound(f"No person {person_id} (or no record is linked to them now).")
