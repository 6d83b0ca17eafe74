"""Writing prepared rows: records, their persons and import links, identifiers, events,
legal facts, and the "same" decisions that tie a correction to what it corrects.

Rows arrive in bounded batches from :func:`habeas.ingest.importer.import_file`, inside
its one transaction; primary keys are reserved per batch so the driver's
``executemany`` can insert without RETURNING.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from habeas.domain.text import fold
from habeas.ingest.prepared import PreparedRecord
from habeas.ingest.sensitivity import split_protected
from habeas.search.keys import IndexedRecord, make_indexed
from habeas.store.bulk import LINK_COLUMNS, allocate_ids, bulk_insert, driver_value, insert_tuples
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


RECORD_COLUMNS = (
    "id",
    "source_id",
    "import_id",
    "sheet",
    "row_number",
    "record_key",
    "raw",
    "sensitivity",
    "protected",
    "full_name",
    "given_names",
    "surnames",
    "dob_earliest",
    "dob_latest",
    "dob_precision",
    "sex",
    "nationality",
    "country_of_birth",
    "residence",
    "corrects_record_id",
    "created_at",
)
JSON_COLUMNS = ("raw", "given_names", "surnames", "residence")
IDENTIFIER_COLUMNS = ("record_id", "id_type", "raw", "value", "valid")
EVENT_COLUMNS = (
    "record_id",
    "source_id",
    "event_type",
    "date_earliest",
    "date_latest",
    "date_precision",
    "date_text",
    "place",
    "facility_id",
    "facility_text",
    "unit_id",
    "unit_text",
    "flight",
    "authority",
    "notes",
    "occurred_at",
    "time_text",
)
LEGAL_COLUMNS = (
    "record_id",
    "source_id",
    "fact_type",
    "value",
    "value_text",
    "date_earliest",
    "date_latest",
    "date_precision",
    "court",
    "case_number",
    "detail",
    "occurred_at",
    "time_text",
)


def _converter(conn: Any, table: Any, column: str) -> Callable[[Any], Any]:
    """The column's bind processor, remembered per distinct value (dates, times, flags
    repeat across rows), so that whole rows go to the driver as they are built."""
    proc = table.c[column].type._cached_bind_processor(conn.dialect)
    if proc is None:
        return _same
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        out = memo.get(value)
        if out is None:
            if len(memo) >= 100_000:
                memo.clear()
            out = memo[value] = proc(value)
        return out

    return convert


def _json_as_text(conn: Any) -> bool:
    """Whether the driver takes a JSON column's value as :func:`json.dumps` text (SQLite):
    the rows' JSON is then serialised here, without a bind processor call per value."""
    sample = {"a": ["é", 1, None]}
    return bool(driver_value(conn, Record.__table__, "raw", sample) == json.dumps(sample))


def json_text() -> Callable[[Any], str]:
    """:func:`json.dumps` with its default settings, its C encoder made once instead of for
    every value (a row's cells, a million times): the same text in about half the time.
    For the acyclic values rows hold (cells, names, places), as json.dumps would write them."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return json.dumps
    default = json.JSONEncoder().default
    ascii_text = encoder.encode_basestring_ascii
    encode = make(None, default, ascii_text, None, ": ", ", ", False, False, True)

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


def insert_rows(
    session: Any,
    target: RowTarget,
    chunk: Sequence[PreparedRecord],
    corrects: dict[str, int],
    counts: dict[str, int],
) -> list[int]:
    """Bulk-insert one batch of records and everything hanging off them; adds to ``counts``
    and returns the new records' ids, in the order of ``chunk``.

    Reporter and witness columns (``target.protect``) leave ``raw`` for ``protected``,
    sealed by ``target.seal``. Rows are built as the tuples the driver takes; values
    repeated on every row (the time, the actor) go through their bind processor once."""
    if not chunk:
        return []
    conn = session.connection()
    source_id, import_id, actor = target.source_id, target.import_id, target.actor
    level, protect, seal = target.level, target.protect, target.seal
    facilities, units = target.facilities, target.units
    now = driver_value(conn, Record.__table__, "created_at", target.now)
    n = len(chunk)
    person_ids = allocate_ids(conn, "person", n)
    insert_tuples(
        conn,
        Person.__table__,
        ("id", "created_by", "created_at"),
        [(pid, actor, now) for pid in person_ids],
        ready=("created_at",),
    )
    record_ids = allocate_ids(conn, "record", n)
    as_text = _json_as_text(conn)
    dumps: Callable[[Any], Any] = json_text() if as_text else _same
    dob = _converter(conn, Record.__table__, "dob_earliest")
    names = _names_json(dumps)
    record_rows = []
    protected = 0
    for r, rid in zip(chunk, record_ids, strict=True):
        headers = protect.get(r.sheet)
        raw, values = split_protected(r.raw, headers) if headers else (r.raw, None)
        if values:
            protected += 1
        name, born = r.name, r.dob
        record_rows.append(
            (
                rid,
                source_id,
                import_id,
                r.sheet,
                r.row_number,
                r.record_key,
                dumps(raw),
                level,
                seal(values) if values else None,
                r.full_name,
                names(name.given_names if name else ()),
                names(name.surnames if name else ()),
                dob(born.earliest) if born else None,
                dob(born.latest) if born else None,
                born.precision if born else None,
                r.sex,
                r.nationality,
                r.country_of_birth,
                None if r.residence is None else dumps(r.residence),
                corrects.get(r.record_key),
                now,
            )
        )
    counts["protected"] += protected
    insert_tuples(
        conn,
        Record.__table__,
        RECORD_COLUMNS,
        record_rows,
        ready=("created_at", "dob_earliest", "dob_latest", *(JSON_COLUMNS if as_text else ())),
    )
    del record_rows
    links = [
        (rid, pid, "import", None, actor, now, None)
        for rid, pid in zip(record_ids, person_ids, strict=True)
    ]
    valid = _converter(conn, RecordIdentifier.__table__, "valid")
    day = _converter(conn, CustodyEvent.__table__, "date_earliest")
    instant = _converter(conn, CustodyEvent.__table__, "occurred_at")
    identifiers: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    legal: list[tuple[Any, ...]] = []
    for rec, rid in zip(chunk, record_ids, strict=True):
        if rec.identifiers:
            identifiers.extend((rid, t, raw, v, valid(ok)) for t, raw, v, ok in rec.identifiers)
        for ev in rec.events:
            fid = facilities.get(fold(ev.facility)) if ev.facility else None
            uid = units.get((fid, fold(ev.unit))) if fid and ev.unit else None
            when = ev.when
            events.append(
                (
                    rid,
                    source_id,
                    ev.event_type,
                    day(when.earliest) if when else None,
                    day(when.latest) if when else None,
                    when.precision if when else None,
                    ev.date_text,
                    ev.place,
                    fid,
                    ev.facility,
                    uid,
                    ev.unit,
                    ev.flight,
                    ev.authority,
                    None,
                    instant(ev.occurred_at),
                    ev.time_text,
                )
            )
        legal.extend(
            (
                rid,
                source_id,
                f.fact_type,
                f.value,
                f.value_text,
                day(f.when.earliest) if f.when else None,
                day(f.when.latest) if f.when else None,
                f.when.precision if f.when else None,
                f.court,
                None,
                None,
                instant(f.occurred_at),
                f.time_text,
            )
            for f in rec.legal_facts
        )
    # score and superseded_at are None (NULL) on every new link
    ready_link = ("score", "decided_at", "superseded_at")
    insert_tuples(conn, Link.__table__, LINK_COLUMNS, links, ready=ready_link)
    insert_tuples(
        conn, RecordIdentifier.__table__, IDENTIFIER_COLUMNS, identifiers, ready=("valid",)
    )
    dated = ("date_earliest", "date_latest", "occurred_at")
    insert_tuples(conn, CustodyEvent.__table__, EVENT_COLUMNS, events, ready=dated)
    insert_tuples(conn, LegalFact.__table__, LEGAL_COLUMNS, legal, ready=dated)
    counts["persons"] += n
    counts["identifiers"] += len(identifiers)
    counts["events"] += len(events)
    counts["legal_facts"] += len(legal)
    return record_ids


def search_entries(
    chunk: Sequence[PreparedRecord], record_ids: Sequence[int]
) -> Iterator[IndexedRecord]:
    """The new records as the search index sees them: what
    :func:`habeas.search.index.iter_indexed` would read back from the rows just written
    (given names and surnames as stored, the date of birth, the identifiers with a value)."""
    for r, rid in zip(chunk, record_ids, strict=True):
        name, born = r.name, r.dob
        yield make_indexed(
            rid,
            name.given_names if name else (),
            name.surnames if name else (),
            born.earliest if born else None,
            born.latest if born else None,
            born.precision if born else None,
            r.nationality,
            [(t, v) for t, _raw, v, _ok in r.identifiers if v is not None],
        )


def _names_json(dumps: Callable[[Any], Any]) -> Callable[[tuple[str, ...]], Any]:
    """A record's given names or surnames as their JSON column takes them (a list), each
    distinct tuple serialised once: names repeat from row to row."""
    memo: dict[tuple[str, ...], Any] = {}

    def convert(names: tuple[str, ...]) -> Any:
        out = memo.get(names)
        if out is None:
            if len(memo) >= 100_000:
                memo.clear()
            out = memo[names] = dumps(list(names))
        return out

    return convert


def _same(value: Any) -> Any:
    return value
