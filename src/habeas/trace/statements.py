"""The statements of a person read (:func:`habeas.trace.facts.load_persons`), built once.

A statement built per call costs more Python (SQLAlchemy's construction and cache key)
than SQLite takes to run it, and a person page ran about a dozen of them. Each takes the
list ``ids`` (an expanding parameter)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from habeas.store.queries import CURRENT
from habeas.store.schema import (
    CustodyEvent,
    Facility,
    FacilityUnit,
    ImportBatch,
    IncidentVictim,
    LegalFact,
    Link,
    Record,
    RecordIdentifier,
    Source,
    SourceFile,
    VocabularyTerm,
)


def _in(name: str = "ids") -> Any:
    return bindparam(name, expanding=True)


RECORDS = (
    select(
        Record.id,
        Record.source_id,
        Record.import_id,
        Record.sheet,
        Record.row_number,
        Record.record_key,
        Record.raw,
        Record.full_name,
        Record.given_names,
        Record.surnames,
        Record.dob_earliest,
        Record.dob_latest,
        Record.dob_precision,
        Record.sex,
        Record.nationality,
        Record.country_of_birth,
        Record.residence,
        Link.person_id,
        Link.method,
        Link.score,
    )
    .join(Link, (Link.record_id == Record.id) & CURRENT)
    .where(Link.person_id.in_(_in()))
    .order_by(Record.id)
)
MAPPINGS = select(ImportBatch.id, ImportBatch.mapping).where(ImportBatch.id.in_(_in()))
IDENTIFIERS = (
    select(
        RecordIdentifier.record_id,
        RecordIdentifier.id_type,
        RecordIdentifier.raw,
        RecordIdentifier.value,
        RecordIdentifier.valid,
    )
    .where(RecordIdentifier.record_id.in_(_in()))
    .order_by(RecordIdentifier.id)
)
EVENTS = (
    select(CustodyEvent.__table__)
    .where(CustodyEvent.record_id.in_(_in()))
    .order_by(CustodyEvent.id)
)
FACTS = select(LegalFact.__table__).where(LegalFact.record_id.in_(_in())).order_by(LegalFact.id)
VICTIMS = select(IncidentVictim.incident_id, IncidentVictim.record_id).where(
    IncidentVictim.record_id.in_(_in())
)
FACILITIES = select(Facility.id, Facility.name, Facility.authority).where(Facility.id.in_(_in()))
UNITS = select(FacilityUnit.id, FacilityUnit.name).where(FacilityUnit.id.in_(_in()))
LABELS = select(
    VocabularyTerm.vocabulary, VocabularyTerm.code, VocabularyTerm.label_en, VocabularyTerm.label_es
).where(VocabularyTerm.vocabulary.in_(_in()))
SOURCES = select(
    Source.id,
    Source.title,
    Source.kind,
    Source.reliability,
    Source.publisher,
    Source.published_on,
    Source.url,
).where(Source.id.in_(_in()))
SOURCE_FILES = (
    select(SourceFile.source_id, SourceFile.sha256, SourceFile.filename)
    .where(SourceFile.source_id.in_(_in()))
    .order_by(SourceFile.added_at)
)
