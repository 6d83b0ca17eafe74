"""Entered records as a reader may see them: the intake result page, the correction form,
and which records of a person correct (or are corrected by) which.

A record above the reader's level is not found (:class:`NotFound`); a restricted one
without a purpose raises :class:`PurposeNeeded` (the web asks for the purpose, the CLI
says ``--purpose``); showing a restricted record is written to the read audit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select

from habeas.access import policy
from habeas.access.levels import levels_of
from habeas.access.reader import Reader
from habeas.audit.reads import log_read
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import Link, Record, RecordIdentifier, Source


class PurposeNeeded(policy.PermissionDenied):
    """The record is restricted and no purpose was stated."""


@dataclass(frozen=True)
class Correction:
    record_id: int  # the correcting record
    corrects_record_id: int
    source_title: str


@dataclass
class EnteredRecord:
    """One record with its source (how it came in) and where it is linked now."""

    id: int
    record_key: str
    sensitivity: str
    full_name: str | None
    values: dict[str, str]  # field → value as written (raw, without protected values)
    form: dict[str, str]  # field → value, to start a correction from
    source_id: int
    source_title: str
    source_kind: str
    channel: str | None
    taken_by: str | None
    taken_on: date | None
    person_id: int | None
    corrects_record_id: int | None
    corrected_by: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "record_key": self.record_key,
            "sensitivity": self.sensitivity,
            "full_name": self.full_name,
            "values": self.values,
            "source_id": self.source_id,
            "source_title": self.source_title,
            "source_kind": self.source_kind,
            "channel": self.channel,
            "taken_by": self.taken_by,
            "taken_on": self.taken_on.isoformat() if self.taken_on else None,
            "person_id": self.person_id,
            "corrects_record_id": self.corrects_record_id,
            "corrected_by": self.corrected_by,
        }


def _check(reader: Reader, level: str, record_id: int) -> None:
    reason = reader.why_not(level)
    if reason == "level":
        raise NotFound(f"No record {record_id}.")
    if reason == "purpose":
        raise PurposeNeeded(
            "read_identities",
            reader.role,
            "This record is restricted: state the purpose of this consultation to see it.",
        )


def _form(rec: Record, ids: list[tuple[str, str]]) -> dict[str, str]:
    """What a correction form starts from: the record's normalised values."""
    out: dict[str, str] = {}
    if rec.full_name:
        out["full_name"] = rec.full_name
    if rec.dob_earliest and rec.dob_earliest == rec.dob_latest:
        out["date_of_birth"] = rec.dob_earliest.strftime("%d/%m/%Y")
    for name in ("sex", "nationality", "country_of_birth"):
        if getattr(rec, name):
            out[name] = str(getattr(rec, name))
    for kind, raw in ids:
        target = {"a_number": "a_number", "passport": "passport"}.get(kind, "national_id")
        out.setdefault(target, raw)
    return out


def entered_record(store: Store, reader: Reader, record_id: int) -> EnteredRecord:
    """One record as ``reader`` may see it (see the module doc)."""
    policy.require(reader.role, "read_identities")
    with store.read() as s:
        rec = s.get(Record, record_id)
        if rec is None:
            raise NotFound(f"No record {record_id}.")
        _check(reader, rec.sensitivity, record_id)
        src = s.get(Source, rec.source_id)
        assert src is not None
        person = s.execute(
            select(Link.person_id).where(Link.record_id == record_id, Link.superseded_at.is_(None))
        ).scalar()
        ids = [
            (t, raw)
            for t, raw in s.execute(
                select(RecordIdentifier.id_type, RecordIdentifier.raw).where(
                    RecordIdentifier.record_id == record_id
                )
            )
        ]
        later = [
            rid
            for rid, level in s.execute(
                select(Record.id, Record.sensitivity).where(Record.corrects_record_id == record_id)
            )
            if reader.may(level)
        ]
    log_read(store, reader, "record", record_id, action="view", shown=Counter({rec.sensitivity: 1}))
    return EnteredRecord(
        id=int(rec.id),
        record_key=rec.record_key,
        sensitivity=rec.sensitivity,
        full_name=rec.full_name,
        values={str(k): str(v) for k, v in (rec.raw or {}).items() if str(v).strip()},
        form=_form(rec, ids),
        source_id=int(src.id),
        source_title=src.title,
        source_kind=src.kind,
        channel=src.channel,
        taken_by=src.taken_by,
        taken_on=src.taken_on,
        person_id=None if person is None else int(person),
        corrects_record_id=rec.corrects_record_id,
        corrected_by=sorted(later),
    )


def _corrections(touching: Any) -> Any:
    return (
        select(Record.id, Record.corrects_record_id, Record.sensitivity, Source.title)
        .join(Source, Source.id == Record.source_id)
        .where(Record.corrects_record_id.is_not(None), touching)
    )


# built once (every person page runs them): the corrections among records ``ids``, by
# the correcting record and by the corrected one
_CORRECTIONS = (
    _corrections(Record.id.in_(bindparam("ids", expanding=True))),
    _corrections(Record.corrects_record_id.in_(bindparam("ids", expanding=True))),
)


def corrections_among(store: Store, reader: Reader, record_ids: list[int]) -> list[Correction]:
    """The corrections touching ``record_ids`` (which correct one of them, or are corrected
    by one of them) that ``reader`` may see both ends of.

    Two lookups per chunk, each on an index (the primary key; the partial index
    ``ix_record_corrects``, migration 0016): one ``OR`` over both columns made SQLite
    read the whole record table for every person page."""
    if not record_ids:
        return []
    found: dict[int, tuple[int, str, str]] = {}  # correcting record → (corrected, level, title)
    with store.read() as s:
        conn = s.connection()
        for start in range(0, len(record_ids), 900):
            chunk = record_ids[start : start + 900]
            for statement in _CORRECTIONS:
                for rid, old, level, title in conn.execute(statement, {"ids": chunk}):
                    if old is not None:  # always, by the query
                        found[int(rid)] = (int(old), level, title)
        old_levels = levels_of(s, "record", {old for old, _, _ in found.values()})
    return [
        Correction(rid, old, title)
        for rid, (old, level, title) in sorted(found.items())
        if reader.may(level) and reader.may(old_levels[old])
    ]
