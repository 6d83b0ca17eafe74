"""Read-only queries shared by every face (CLI, web, API, reports).

Persistence only: the row iterators that carry personal data take ``levels``, the
sensitivity levels to include (``None``: all, for the library's own use). Faces do
not call them with a level list; they go through :mod:`habeas.read` or
:func:`habeas.report.export.export`, which derive the levels from a
:class:`habeas.access.reader.Reader`, count what was withheld
(:func:`records_by_level`) and write the read audit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from habeas.domain.dates import UncertainDate
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import (
    ChangeLogEntry,
    CustodyEvent,
    Facility,
    FacilityUnit,
    ImportBatch,
    Incident,
    LegalFact,
    Link,
    Person,
    Record,
    RecordIdentifier,
    Source,
    SourceFile,
    StoredFile,
)

CURRENT = Link.superseded_at.is_(None)
Levels = Collection[str] | None


def show_date(earliest: Any, latest: Any, precision: str | None) -> str:
    if earliest is None or latest is None or precision is None:
        return ""
    return UncertainDate(earliest, latest, precision).display()


def summary(store: Store) -> dict[str, int]:
    with store.read() as s:

        def count(query: Any) -> int:
            return int(s.execute(query).scalar() or 0)

        return {
            "sources": count(select(func.count()).select_from(Source)),
            "imports": count(select(func.count()).select_from(ImportBatch)),
            "records": count(select(func.count()).select_from(Record)),
            "persons": count(select(func.count(func.distinct(Link.person_id))).where(CURRENT)),
            "identifiers": count(select(func.count()).select_from(RecordIdentifier)),
            "invalid_identifiers": count(
                select(func.count())
                .select_from(RecordIdentifier)
                .where(RecordIdentifier.valid.is_(False))
            ),
            "events": count(select(func.count()).select_from(CustodyEvent)),
            "legal_facts": count(select(func.count()).select_from(LegalFact)),
            "facilities": count(select(func.count()).select_from(Facility)),
            "units": count(select(func.count()).select_from(FacilityUnit)),
            "incidents": count(select(func.count()).select_from(Incident)),
            "log_entries": count(select(func.count()).select_from(ChangeLogEntry)),
        }


def list_sources(
    store: Store, levels: Levels = None, file_levels: Levels = None
) -> list[dict[str, Any]]:
    """Every source (of ``levels``) with its record count and files (of ``file_levels``)."""
    with store.read() as s:
        records: dict[int, int] = {
            sid: n
            for sid, n in s.execute(
                select(Record.source_id, func.count()).group_by(Record.source_id)
            )
        }
        files: dict[int, list[str]] = {}
        query = select(SourceFile.source_id, SourceFile.sha256, SourceFile.filename).join(
            StoredFile, StoredFile.sha256 == SourceFile.sha256
        )
        if file_levels is not None:
            query = query.where(StoredFile.sensitivity.in_(file_levels))
        for sid, sha, name in s.execute(query):
            files.setdefault(sid, []).append(f"{name} ({sha[:12]})")
        sources = select(Source).order_by(Source.id)
        if levels is not None:
            sources = sources.where(Source.sensitivity.in_(levels))
        return [
            {
                "id": src.id,
                "title": src.title,
                "kind": src.kind,
                "reliability": src.reliability,
                "publisher": src.publisher,
                "published_on": src.published_on,
                "language": src.language,
                "one_row_per_person": src.one_row_per_person,
                "sensitivity": src.sensitivity,
                "records": records.get(src.id, 0),
                "files": files.get(src.id, []),
            }
            for src in s.execute(sources).scalars()
        ]


def records_by_level(store: Store, table: str = "records") -> Counter[str]:
    """How many rows of an export table (records, persons, links, events, legal-facts)
    each level holds (a person counts once per level of their records)."""
    with store.read() as s:
        if table == "persons":
            query = select(Record.sensitivity, func.count(func.distinct(Link.person_id))).join(
                Link, (Link.record_id == Record.id) & CURRENT
            )
        elif table == "events":
            query = select(Record.sensitivity, func.count()).join(
                CustodyEvent, CustodyEvent.record_id == Record.id
            )
        elif table == "legal-facts":
            query = select(Record.sensitivity, func.count()).join(
                LegalFact, LegalFact.record_id == Record.id
            )
        else:
            query = select(Record.sensitivity, func.count()).join(
                Link, (Link.record_id == Record.id) & CURRENT
            )
        return Counter(dict(s.execute(query.group_by(Record.sensitivity)).all()))


def source_by_title(session: Session, title: str) -> Source:
    source = session.execute(select(Source).where(Source.title == title)).scalar_one_or_none()
    if source is None:
        titles = session.execute(select(Source.title).order_by(Source.id)).scalars().all()
        raise NotFound(
            f"No source titled {title!r}. Sources: {'; '.join(titles) if titles else '(none yet)'}"
        )
    return source


def _identifiers(s: Session, record_ids: list[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(record_ids), 900):
        chunk = record_ids[start : start + 900]
        for rid, kind, raw, value in s.execute(
            select(
                RecordIdentifier.record_id,
                RecordIdentifier.id_type,
                RecordIdentifier.raw,
                RecordIdentifier.value,
            ).where(RecordIdentifier.record_id.in_(chunk))
        ):
            found.setdefault(rid, {})[kind] = value or f"(invalid) {raw}"
    return found


def iter_records(
    store: Store,
    source_title: str | None = None,
    limit: int | None = None,
    batch: int = 5000,
    levels: Levels = None,
) -> Iterator[dict[str, Any]]:
    """Records (of ``levels``) with their current person, source and identifiers."""
    with store.read() as s:
        query = (
            select(Record, Source.title, Link.person_id)
            .join(Source, Source.id == Record.source_id)
            .join(Link, (Link.record_id == Record.id) & CURRENT)
            .order_by(Record.id)
        )
        if source_title is not None:
            query = query.where(Record.source_id == source_by_title(s, source_title).id)
        if levels is not None:
            query = query.where(Record.sensitivity.in_(levels))
        if limit is not None:
            query = query.limit(limit)
        last = 0
        while True:
            rows = s.execute(
                query.where(Record.id > last).limit(batch if limit is None else min(batch, limit))
            ).all()
            if not rows:
                return
            ids = _identifiers(s, [r.Record.id for r in rows])
            for rec, title, person_id in rows:
                yield {
                    "record": rec.id,
                    "source": title,
                    "record_id": rec.record_key,
                    "row": rec.row_number,
                    "sheet": rec.sheet,
                    "person_id": person_id,
                    "full_name": rec.full_name,
                    "given_names": " ".join(rec.given_names),
                    "surnames": " | ".join(rec.surnames),
                    "date_of_birth": show_date(rec.dob_earliest, rec.dob_latest, rec.dob_precision),
                    "sex": rec.sex,
                    "nationality": rec.nationality,
                    **{f"id_{k}": v for k, v in sorted(ids.get(rec.id, {}).items())},
                }
            last = rows[-1].Record.id
            if limit is not None:
                return


def iter_links(store: Store, levels: Levels = None) -> Iterator[dict[str, Any]]:
    with store.read() as s:
        query = (
            select(Source.title, Record.record_key, Link.person_id, Link.method, Link.score)
            .join(Record, Record.source_id == Source.id)
            .join(Link, (Link.record_id == Record.id) & CURRENT)
            .order_by(Record.id)
        )
        if levels is not None:
            query = query.where(Record.sensitivity.in_(levels))
        for title, key, pid, method, score in s.execute(query):
            yield {
                "source": title,
                "record_id": key,
                "person_id": pid,
                "method": method,
                "score": score,
            }


def iter_persons(store: Store, levels: Levels = None) -> Iterator[dict[str, Any]]:
    """Persons with the names, sources and dates of birth of their records (of ``levels``)."""
    with store.read() as s:
        query = (
            select(
                Link.person_id,
                Record.full_name,
                Source.title,
                Record.dob_earliest,
                Record.dob_latest,
                Record.dob_precision,
            )
            .join(Record, Record.id == Link.record_id)
            .join(Source, Source.id == Record.source_id)
            .where(CURRENT)
            .order_by(Link.person_id, Record.id)
        )
        if levels is not None:
            query = query.where(Record.sensitivity.in_(levels))
        current: dict[str, Any] | None = None
        for pid, name, title, early, late, precision in s.execute(query):
            if current is None or current["person_id"] != pid:
                if current is not None:
                    yield _finish_person(current)
                current = {
                    "person_id": pid,
                    "records": 0,
                    "names": [],
                    "sources": [],
                    "dates_of_birth": [],
                }
            current["records"] += 1
            for key, value in (
                ("names", name),
                ("sources", title),
                ("dates_of_birth", show_date(early, late, precision)),
            ):
                if value and value not in current[key]:
                    current[key].append(value)
        if current is not None:
            yield _finish_person(current)


def _finish_person(p: dict[str, Any]) -> dict[str, Any]:
    return {
        **p,
        "names": " | ".join(p["names"]),
        "sources": " | ".join(p["sources"]),
        "dates_of_birth": " | ".join(p["dates_of_birth"]),
    }


def iter_events(store: Store, levels: Levels = None) -> Iterator[dict[str, Any]]:
    with store.read() as s:
        query = (
            select(
                CustodyEvent,
                Link.person_id,
                Record.record_key,
                Source.title,
                Facility.name,
                FacilityUnit.name,
            )
            .join(Record, Record.id == CustodyEvent.record_id)
            .join(Link, (Link.record_id == Record.id) & CURRENT)
            .join(Source, Source.id == CustodyEvent.source_id)
            .outerjoin(Facility, Facility.id == CustodyEvent.facility_id)
            .outerjoin(FacilityUnit, FacilityUnit.id == CustodyEvent.unit_id)
            .order_by(CustodyEvent.id)
        )
        if levels is not None:
            query = query.where(Record.sensitivity.in_(levels))
        for ev, pid, key, title, facility, unit in s.execute(query):
            yield {
                "event": ev.id,
                "person_id": pid,
                "source": title,
                "record_id": key,
                "event_type": ev.event_type,
                "date": show_date(ev.date_earliest, ev.date_latest, ev.date_precision),
                "date_earliest": ev.date_earliest,
                "date_latest": ev.date_latest,
                "date_precision": ev.date_precision,
                "date_as_written": ev.date_text,
                "place": ev.place,
                "facility": facility or ev.facility_text,
                "unit": unit or ev.unit_text,
                "flight": ev.flight,
            }


def iter_legal_facts(store: Store, levels: Levels = None) -> Iterator[dict[str, Any]]:
    with store.read() as s:
        query = (
            select(LegalFact, Link.person_id, Record.record_key, Source.title)
            .join(Record, Record.id == LegalFact.record_id)
            .join(Link, (Link.record_id == Record.id) & CURRENT)
            .join(Source, Source.id == LegalFact.source_id)
            .order_by(LegalFact.id)
        )
        if levels is not None:
            query = query.where(Record.sensitivity.in_(levels))
        for fact, pid, key, title in s.execute(query):
            yield {
                "legal_fact": fact.id,
                "person_id": pid,
                "source": title,
                "record_id": key,
                "fact_type": fact.fact_type,
                "value": fact.value,
                "value_as_written": fact.value_text,
            }


def person_count(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(Person)).scalar() or 0)
