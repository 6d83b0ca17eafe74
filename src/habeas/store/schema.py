"""The register's tables (SQLAlchemy 2 declarative), identical on SQLite and PostgreSQL.

Design rules, so the next maintainer can keep them:

* **Sources, stored files and records are immutable.** A correction is a new
  record (or fact) in a new source that cites what it corrects; nothing is
  updated in place. Only *links* (record → person) change over time, and they
  change by superseding: the old link row gets ``superseded_at`` and a new row
  is written, so every past state can be reconstructed.
* **Every fact is tied to a record and a source.** Custody events and legal
  facts point at the record they were read from; the person they concern is
  found through the record's current link. When linkage merges or splits
  persons, events move with their records and nothing has to be rewritten.
* **Uncertain dates** are three columns: ``*_earliest``, ``*_latest`` and
  ``*_precision`` (exact, estimate, month, year, range), plus the text as the
  source wrote it.
* **Vocabularies are data** (:class:`VocabularyTerm`); columns that hold a term
  store its ``code``.
* Every write appends one entry to :class:`ChangeLogEntry`, a hash chain
  (see :mod:`habeas.store.changelog`).
* **Sensitivity.** Sources, stored files, records and incidents carry a
  ``sensitivity`` level (:data:`habeas.access.policy.SENSITIVITY_LEVELS`); who
  may see which level is :mod:`habeas.access.policy`. The identities of the
  people who report or witness (relatives, witnesses) are not in ``record.raw``
  but in ``record.protected`` (witness_protected; sealed by :mod:`habeas.crypto`
  when the workspace encrypts).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Integer primary keys: BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class VocabularyTerm(Base):
    """One term of a controlled vocabulary, translatable and extendable by an admin."""

    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label_en: Mapped[str] = mapped_column(String(255))
    label_es: Mapped[str] = mapped_column(String(255))
    synonyms: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoredFile(Base):
    """A file in the content-addressed store: written once, never modified."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(128))
    original_filename: Mapped[str] = mapped_column(String(512))
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sensitivity: Mapped[str] = mapped_column(
        String(32), default="internal", server_default="internal"
    )
    # SHA-256 of the sealed (encrypted) bytes when the file is kept sealed (habeas.crypto):
    # integrity can be checked without the key. NULL: the file is kept plain.
    sealed_sha256: Mapped[str | None] = mapped_column(String(64))


class Source(Base):
    """A list, document, testimony, court filing, news report or official statement."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(512), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    publisher: Mapped[str | None] = mapped_column(String(512))
    author: Mapped[str | None] = mapped_column(String(512))
    published_on: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    reliability: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    one_row_per_person: Mapped[bool] = mapped_column(Boolean, default=False)
    # A correction list cites the source it corrects; its rows cite the records.
    corrects_source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sensitivity: Mapped[str] = mapped_column(
        String(32), default="internal", server_default="internal"
    )
    # A conversation or document entered by hand (habeas.ingest.intake): how it reached
    # the register (a ``channel`` term: phone, in_person, ...), who took it and when.
    channel: Mapped[str | None] = mapped_column(String(64))
    taken_by: Mapped[str | None] = mapped_column(String(128))
    taken_on: Mapped[date | None] = mapped_column(Date)


class SourceFile(Base):
    """A stored file that belongs to a source (a source may have several)."""

    __tablename__ = "source_file"

    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(512))
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportBatch(Base):
    """One import of one file into one source; (source, file hash) is unique."""

    __tablename__ = "import_batch"
    __table_args__ = (UniqueConstraint("source_id", "file_sha256"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    row_count: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Record(Base):
    """One row (entry) of a source describing one person; immutable.

    ``raw`` holds every value exactly as the source wrote it, keyed by the
    source's own column header (mapped and unmapped columns alike) — except the
    columns that identify whoever reported or witnessed (reporter, witness):
    those are in ``protected`` (JSON text, sealed; read it only through
    :func:`habeas.crypto.fields.open_json`). ``sensitivity`` is the source's
    level unless the record was raised above it. ``residence`` is the person's
    place of residence as the source wrote it (trimmed), by field —
    ``street_number``, ``address``, ``address_line2``, ``locality``,
    ``postcode``, ``region`` (:data:`habeas.ingest.fields.RESIDENCE_FIELDS`),
    only those given — or NULL; the same values are also in ``raw``.
    """

    __tablename__ = "record"
    __table_args__ = (
        UniqueConstraint("source_id", "record_key"),
        Index("ix_record_import_row", "import_id", "row_number"),
        # the corrections touching a person's records (only corrections are indexed)
        Index(
            "ix_record_corrects",
            "corrects_record_id",
            sqlite_where=text("corrects_record_id IS NOT NULL"),
            postgresql_where=text("corrects_record_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    sheet: Mapped[str | None] = mapped_column(String(255))
    row_number: Mapped[int] = mapped_column(Integer)
    record_key: Mapped[str] = mapped_column(String(255))
    raw: Mapped[dict[str, Any]] = mapped_column()
    full_name: Mapped[str | None] = mapped_column(Text)
    given_names: Mapped[list[Any]] = mapped_column(default=list)
    surnames: Mapped[list[Any]] = mapped_column(default=list)
    dob_earliest: Mapped[date | None] = mapped_column(Date)
    dob_latest: Mapped[date | None] = mapped_column(Date)
    dob_precision: Mapped[str | None] = mapped_column(String(16))
    sex: Mapped[str | None] = mapped_column(String(64))
    nationality: Mapped[str | None] = mapped_column(String(3))
    country_of_birth: Mapped[str | None] = mapped_column(String(3))
    residence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The record this one corrects (same record id in the corrected source), if any.
    corrects_record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sensitivity: Mapped[str] = mapped_column(
        String(32), default="internal", server_default="internal"
    )
    protected: Mapped[str | None] = mapped_column(Text)


class RecordIdentifier(Base):
    """An identity document number on a record: as written, and normalised if valid."""

    __tablename__ = "record_identifier"
    __table_args__ = (Index("ix_record_identifier_value", "id_type", "value"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    id_type: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(String(255))
    value: Mapped[str | None] = mapped_column(String(64))
    valid: Mapped[bool] = mapped_column(Boolean)


class Person(Base):
    """A resolved identity; its records are those whose current link points here."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Link(Base):
    """Record → person. Superseded, never edited: the current link has no ``superseded_at``."""

    __tablename__ = "link"
    __table_args__ = (Index("ix_link_current", "record_id", "superseded_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # "import", "model" or "human"
    score: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Facility(Base):
    """A place of deprivation of liberty (prison, detention or staging centre, ...)."""

    __tablename__ = "facility"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(3))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    official_capacity: Mapped[int | None] = mapped_column(Integer)
    authority: Mapped[str | None] = mapped_column(String(512))
    notes: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FacilityUnit(Base):
    """A building, module or cell of a facility."""

    __tablename__ = "facility_unit"
    __table_args__ = (UniqueConstraint("facility_id", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    building: Mapped[str | None] = mapped_column(String(255))
    area_m2: Mapped[float | None] = mapped_column(Float)
    design_capacity: Mapped[int | None] = mapped_column(Integer)


class FacilityFigure(Base):
    """A figure about a facility or unit as one source states it (figures conflict: keep all)."""

    __tablename__ = "facility_figure"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("facility_unit.id"))
    kind: Mapped[str] = mapped_column(String(64))  # official_capacity, design_capacity, area_m2
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))


class OccupancyObservation(Base):
    """The population of a facility (or one unit) on a date, as a source states it."""

    __tablename__ = "occupancy_observation"
    __table_args__ = (Index("ix_occupancy_facility_date", "facility_id", "observed_on"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("facility_unit.id"))
    observed_on: Mapped[date] = mapped_column(Date)
    population: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))


class CustodyEvent(Base):
    """Something that happened to a person in custody, as one record states it."""

    __tablename__ = "custody_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    date_earliest: Mapped[date | None] = mapped_column(Date)
    date_latest: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    date_text: Mapped[str | None] = mapped_column(String(255))
    place: Mapped[str | None] = mapped_column(Text)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facility.id"))
    facility_text: Mapped[str | None] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("facility_unit.id"))
    unit_text: Mapped[str | None] = mapped_column(String(255))
    flight: Mapped[str | None] = mapped_column(String(64))
    authority: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)
    # The instant (UTC) when the source gives a time of day, and the time as written.
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_text: Mapped[str | None] = mapped_column(String(64))


class LegalFact(Base):
    """A legal fact about a person's detention or removal, as one record states it.

    ``fact_type`` is one of: legal_basis, hearing, notice, criminal_record,
    court_order, counsel, asylum_claim. ``value`` is a vocabulary code where the
    fact type has a vocabulary (legal_basis, hearing, criminal_record).
    """

    __tablename__ = "legal_fact"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    fact_type: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(String(255))
    value_text: Mapped[str | None] = mapped_column(Text)
    date_earliest: Mapped[date | None] = mapped_column(Date)
    date_latest: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    court: Mapped[str | None] = mapped_column(String(255))
    case_number: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[str | None] = mapped_column(Text)
    # The instant (UTC) when the source gives a time of day, and the time as written.
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_text: Mapped[str | None] = mapped_column(String(64))


class Incident(Base):
    """An act (torture, beating, death in custody, ...) classified with the ESF vocabulary."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    act_type: Mapped[str] = mapped_column(String(64), index=True)
    date_earliest: Mapped[date | None] = mapped_column(Date)
    date_latest: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    date_text: Mapped[str | None] = mapped_column(String(255))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facility.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("facility_unit.id"))
    description: Mapped[str | None] = mapped_column(Text)
    verification_status: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sensitivity: Mapped[str] = mapped_column(
        String(32), default="restricted", server_default="restricted"
    )


class IncidentSource(Base):
    __tablename__ = "incident_source"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), primary_key=True)


class IncidentVictim(Base):
    """A victim of an incident, identified by the record that names them."""

    __tablename__ = "incident_victim"
    # a person page asks "which incidents name these records?"
    __table_args__ = (Index("ix_incident_victim_record", "record_id"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), primary_key=True)


class IncidentPerpetrator(Base):
    __tablename__ = "incident_perpetrator"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    unit: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(64))
    involvement: Mapped[str | None] = mapped_column(String(64))


class ChangeLogEntry(Base):
    """One entry of the append-only, hash-chained change log (one per operation)."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, hashed as text
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as text
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# Tables of other concerns share this metadata (imported last: they import Base from here).
from habeas.store import (  # noqa: E402, F401
    schema_access,
    schema_attachment,
    schema_inquiry,
    schema_legal,
    schema_linkage,
    schema_pages,
    schema_search,
)
