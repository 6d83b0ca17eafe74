"""Everything the register holds about one or more persons, read once through current links.

Persons are always resolved through *current* links (``superseded_at IS NULL``):
events and legal facts belong to records, and a record belongs to whichever
person its current link points at. :func:`load_persons` reads every record,
event, legal fact and source of a set of persons in a few queries, so group
reports (hundreds of persons) cost the same handful of round trips as one
person. The items it returns are :mod:`habeas.trace.items`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.queries import show_date
from habeas.trace import statements as sql
from habeas.trace.items import (
    EventItem,
    LegalFactItem,
    PersonFacts,
    RecordItem,
    SourceRef,
    StoredFileRef,
    utc,
)

_CHUNK = 900


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def load_person(store: Store, person_id: int) -> PersonFacts:
    found = load_persons(store, [person_id])
    if person_id not in found:
        raise NotFound(
            f"No person {person_id}: no record is currently linked to that id "
            "(persons merged by linkage keep the id of the surviving person; "
            "try `habeas find NAME`)."
        )
    return found[person_id]


def load_persons(store: Store, person_ids: list[int]) -> dict[int, PersonFacts]:
    """Records, events, legal facts, sources and incident ids of each person."""
    with store.read() as s:
        return _load(s, sorted(set(person_ids)))


def _load(s: Session, person_ids: list[int]) -> dict[int, PersonFacts]:
    out: dict[int, PersonFacts] = {}
    owner: dict[int, int] = {}
    records: dict[int, Row[Any]] = {}
    conn = s.connection()
    for chunk in _chunks(person_ids):
        for rec in conn.execute(sql.RECORDS, {"ids": chunk}):
            owner[rec.id] = rec.person_id
            records[rec.id] = rec
            out.setdefault(rec.person_id, PersonFacts(rec.person_id))
    if not records:
        return out
    rids = sorted(records)
    mappings = {
        bid: mapping or {}
        for bid, mapping in conn.execute(
            sql.MAPPINGS, {"ids": sorted({r.import_id for r in records.values()})}
        )
    }

    def headers(rec: Row[Any]) -> dict[str, str]:
        columns = mappings.get(rec.import_id, {}).get(rec.sheet or "", {})
        return {f: h for h, f in columns.items() if isinstance(f, str)}

    idents: dict[int, list[dict[str, Any]]] = defaultdict(list)
    events: list[Row[Any]] = []
    facts: list[Row[Any]] = []
    victims: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(rids):
        for rid, id_type, raw, value, valid in conn.execute(sql.IDENTIFIERS, {"ids": chunk}):
            idents[rid].append({"type": id_type, "as_written": raw, "value": value, "valid": valid})
        events.extend(conn.execute(sql.EVENTS, {"ids": chunk}))
        facts.extend(conn.execute(sql.FACTS, {"ids": chunk}))
        for iid, rid in conn.execute(sql.VICTIMS, {"ids": chunk}):
            victims[owner[rid]].add(iid)
    source_ids = {rec.source_id for rec in records.values()}
    sources = _sources(s, source_ids)
    facility_ids = sorted({e.facility_id for e in events if e.facility_id is not None})
    facilities = (
        {
            fid: (name, auth)
            for fid, name, auth in conn.execute(sql.FACILITIES, {"ids": facility_ids})
        }
        if facility_ids
        else {}
    )
    unit_ids = sorted({e.unit_id for e in events if e.unit_id is not None})
    units = (
        {uid: name for uid, name in conn.execute(sql.UNITS, {"ids": unit_ids})} if unit_ids else {}
    )

    for rid, rec in records.items():
        p = out[rec.person_id]
        src = sources[rec.source_id]
        p.sources.setdefault(src.id, src)
        p.records.append(
            RecordItem(
                rec.id,
                rec.record_key,
                src.id,
                src.title,
                rec.row_number,
                rec.sheet,
                rec.full_name,
                list(rec.given_names or []),
                list(rec.surnames or []),
                show_date(rec.dob_earliest, rec.dob_latest, rec.dob_precision),
                rec.sex,
                rec.nationality,
                rec.country_of_birth,
                idents.get(rid, []),
                dict(rec.raw or {}),
                rec.method,
                rec.score,
                residence=dict(rec.residence) if rec.residence else None,
                headers=headers(rec),
            )
        )
    for ev in events:
        p = out[owner[ev.record_id]]
        src = (
            sources[ev.source_id]
            if ev.source_id in sources
            else _sources(s, {ev.source_id})[ev.source_id]
        )
        p.sources.setdefault(src.id, src)
        fac = facilities.get(ev.facility_id) if ev.facility_id else None
        if fac and fac[1]:
            p.facility_authority[ev.facility_id or 0] = fac[1]
        p.events.append(
            EventItem(
                ev.id,
                ev.event_type,
                show_date(ev.date_earliest, ev.date_latest, ev.date_precision),
                ev.date_earliest,
                ev.date_latest,
                ev.date_precision,
                ev.date_text,
                utc(ev.occurred_at),
                ev.time_text,
                ev.place,
                fac[0] if fac else ev.facility_text,
                ev.facility_id,
                units.get(ev.unit_id) if ev.unit_id else ev.unit_text,
                ev.flight,
                ev.authority,
                ev.notes,
                ev.record_id,
                records[ev.record_id].record_key,
                src.id,
                src.title,
                src.reliability,
            )
        )
    fact_types = sorted({f.fact_type for f in facts})
    labels = (
        {
            (vocabulary, code): (en, es)
            for vocabulary, code, en, es in conn.execute(sql.LABELS, {"ids": fact_types})
        }
        if fact_types
        else {}
    )
    for fact in facts:
        p = out[owner[fact.record_id]]
        src = (
            sources[fact.source_id]
            if fact.source_id in sources
            else _sources(s, {fact.source_id})[fact.source_id]
        )
        p.sources.setdefault(src.id, src)
        p.facts.append(
            LegalFactItem(
                fact.id,
                fact.fact_type,
                fact.value,
                fact.value_text,
                show_date(fact.date_earliest, fact.date_latest, fact.date_precision),
                fact.date_earliest,
                fact.date_latest,
                fact.date_precision,
                utc(fact.occurred_at),
                fact.time_text,
                fact.court,
                fact.case_number,
                fact.detail,
                fact.record_id,
                records[fact.record_id].record_key,
                src.id,
                src.title,
                src.reliability,
                labels.get((fact.fact_type, fact.value or "")),
            )
        )
    for pid, ids in victims.items():
        out[pid].incident_ids = sorted(ids)
    from habeas.document.legal_actions import actions_of_persons

    for pid, actions in actions_of_persons(s, list(out)).items():
        out[pid].actions = actions
    return out


def _sources(s: Session, ids: set[int]) -> dict[int, SourceRef]:
    found: dict[int, SourceRef] = {}
    conn = s.connection()
    wanted = sorted(ids)
    for sid, title, kind, reliability, publisher, published_on, url in conn.execute(
        sql.SOURCES, {"ids": wanted}
    ):
        found[sid] = SourceRef(sid, title, kind, reliability, publisher, published_on, url)
    for sid, sha, name in conn.execute(sql.SOURCE_FILES, {"ids": wanted}):
        found[sid].files.append(StoredFileRef(sha, name))
    return found
