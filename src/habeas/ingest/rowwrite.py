"""Writing prepared rows: records, their persons and import links, identifiers, events,
legal facts, and the "same" decisions that tie a correction to what it corrects.

Rows arrive in bounded batches from :func:`habeas.ingest.importer.import_file`, inside
its one transaction; primary keys are reserved per batch so the driver's
``executemany`` can insert without RETURNING.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from habeas.domain.text import fold
from habeas.ingest.normalise import PreparedRecord
from habeas.ingest.sensitivity import split_protected
from habeas.store.bulk import allocate_ids, bulk_insert
from habeas.store.schema import CustodyEvent, LegalFact, Link, Person, Record, RecordIdentifier
from habeas.store.schema_linkage import ReviewDecision


def correction_links(session: Any, import_id: int, actor: str, now: datetime) -> int:
    """A correction and the record it corrects are the same person: a human must-link.

    The documenter who imports a correction list asserts it, so it is recorded as
    a review decision "same" (which record linkage never overrides).
    """
    pairs = session.execute(
        select(Record.corrects_record_id, Record.id).where(
            Record.import_id == import_id, Record.corrects_record_id.is_not(None)
        )
    ).all()
    bulk_insert(
        session.connection(),
        ReviewDecision.__table__,
        [
            {
                "record_a": min(old, new),
                "record_b": max(old, new),
                "decision": "same",
                "reviewer": actor,
                "note": f"correction: record {new} corrects record {old}",
                "decided_at": now,
                "superseded_at": None,
                "pair_id": None,
                "position": None,
            }
            for old, new in pairs
        ],
    )
    return len(pairs)


@dataclass
class RowTarget:
    """Where a batch of prepared rows goes, and how."""

    source_id: int
    import_id: int
    actor: str
    now: datetime
    level: str  # the source's sensitivity, given to every record
    protect: dict[str | None, dict[str, str]]  # sheet → header → protected field
    seal: Callable[[dict[str, Any]], str]  # seals the protected values of one row
    facilities: dict[str, int]
    units: dict[tuple[int, str], int]


def new_counts() -> dict[str, int]:
    return {"persons": 0, "identifiers": 0, "events": 0, "legal_facts": 0, "protected": 0}


def insert_rows(
    session: Any,
    target: RowTarget,
    chunk: Sequence[PreparedRecord],
    corrects: dict[str, int],
    counts: dict[str, int],
) -> None:
    """Bulk-insert one batch of records and everything hanging off them; adds to ``counts``.

    Reporter and witness columns (``target.protect``) leave ``raw`` for ``protected``,
    sealed by ``target.seal``."""
    conn = session.connection()
    source_id, import_id, actor, now = (
        target.source_id,
        target.import_id,
        target.actor,
        target.now,
    )
    level, protect, seal = target.level, target.protect, target.seal
    facilities, units = target.facilities, target.units
    if chunk:
        person_ids = allocate_ids(conn, "person", len(chunk))
        bulk_insert(
            conn,
            Person.__table__,
            [{"id": pid, "created_by": actor, "created_at": now} for pid in person_ids],
        )
        record_ids = allocate_ids(conn, "record", len(chunk))
        split = [split_protected(r.raw, protect.get(r.sheet, {})) for r in chunk]
        counts["protected"] += sum(1 for _, values in split if values)
        record_rows = [
            {
                "id": rid,
                "source_id": source_id,
                "import_id": import_id,
                "sheet": r.sheet,
                "row_number": r.row_number,
                "record_key": r.record_key,
                "raw": raw,
                "sensitivity": level,
                "protected": seal(values) if values else None,
                "full_name": r.full_name,
                "given_names": list(r.name.given_names) if r.name else [],
                "surnames": list(r.name.surnames) if r.name else [],
                "dob_earliest": r.dob.earliest if r.dob else None,
                "dob_latest": r.dob.latest if r.dob else None,
                "dob_precision": r.dob.precision if r.dob else None,
                "sex": r.sex,
                "nationality": r.nationality,
                "country_of_birth": r.country_of_birth,
                "residence": r.residence,
                "corrects_record_id": corrects.get(r.record_key),
                "created_at": now,
            }
            for r, rid, (raw, values) in zip(chunk, record_ids, split, strict=True)
        ]
        bulk_insert(conn, Record.__table__, record_rows)
        links: list[dict[str, Any]] = []
        identifiers: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        legal: list[dict[str, Any]] = []
        for rec, rid, pid in zip(chunk, record_ids, person_ids, strict=True):
            links.append(
                {
                    "record_id": rid,
                    "person_id": pid,
                    "method": "import",
                    "score": None,
                    "decided_by": actor,
                    "decided_at": now,
                    "superseded_at": None,
                }
            )
            identifiers.extend(
                {"record_id": rid, "id_type": t, "raw": raw, "value": v, "valid": ok}
                for t, raw, v, ok in rec.identifiers
            )
            for ev in rec.events:
                fid = facilities.get(fold(ev.facility)) if ev.facility else None
                uid = units.get((fid, fold(ev.unit))) if fid and ev.unit else None
                events.append(
                    {
                        "record_id": rid,
                        "source_id": source_id,
                        "event_type": ev.event_type,
                        "date_earliest": ev.when.earliest if ev.when else None,
                        "date_latest": ev.when.latest if ev.when else None,
                        "date_precision": ev.when.precision if ev.when else None,
                        "date_text": ev.date_text,
                        "place": ev.place,
                        "facility_id": fid,
                        "facility_text": ev.facility,
                        "unit_id": uid,
                        "unit_text": ev.unit,
                        "flight": ev.flight,
                        "authority": ev.authority,
                        "notes": None,
                        "occurred_at": ev.occurred_at,
                        "time_text": ev.time_text,
                    }
                )
            legal.extend(
                {
                    "record_id": rid,
                    "source_id": source_id,
                    "fact_type": f.fact_type,
                    "value": f.value,
                    "value_text": f.value_text,
                    "date_earliest": f.when.earliest if f.when else None,
                    "date_latest": f.when.latest if f.when else None,
                    "date_precision": f.when.precision if f.when else None,
                    "court": f.court,
                    "case_number": None,
                    "detail": None,
                    "occurred_at": f.occurred_at,
                    "time_text": f.time_text,
                }
                for f in rec.legal_facts
            )
        bulk_insert(conn, Link.__table__, links)
        for table, rows in (
            (RecordIdentifier, identifiers),
            (CustodyEvent, events),
            (LegalFact, legal),
        ):
            bulk_insert(conn, table.__table__, rows)
        counts["persons"] += len(chunk)
        counts["identifiers"] += len(identifiers)
        counts["events"] += len(events)
        counts["legal_facts"] += len(legal)
