"""The find-a-person index: blocking keys with short posting lists, kept in the store.

Why an index
------------
A relative types "jose rodriguez" (no accents, one surname, maybe a nickname or a
typo). Comparing that with every record is far too slow at a million persons,
and an exact-match lookup (what ICE's locator does) misses most real queries.
So each record is indexed under a handful of **compound keys**, each of which a
noisy query still reproduces, and each of which is rare enough that its posting
list is short. A query computes its own keys, reads the postings, and only the
records found that way are scored (:mod:`habeas.search.score`).

The keys a record is indexed under, and how they are hashed, are
:mod:`habeas.search.keys`.

The vocabulary of phonetic keys (:class:`~habeas.store.schema_search.SearchTerm`)
lets a query with a typo ("Rodirguez") expand its surname key to the existing
keys one edit away before probing.

Maintenance: :func:`build_search_index` rebuilds everything (one logged write),
:func:`index_records` (re)indexes given records (the importer calls it after an
import). A record without a :class:`~habeas.store.schema_search.SearchRecord`
row is *unindexed*; :func:`search_status` counts those and the search scans them
directly, so a query never silently misses a new record.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from habeas.search.import_postings import SortedPostings, row_chunks, sorted_unique
from habeas.search.keys import (
    SEARCH_RECORD_FIELDS,
    IndexedRecord,
    fresh_digests,
    key_digests,
    make_indexed,
    name_terms,
    record_key_lists,
)
from habeas.store.bulk import insert_tuples, large_cache
from habeas.store.db import Store
from habeas.store.schema import Record, RecordIdentifier
from habeas.store.schema_search import SearchKey, SearchMeta, SearchRecord, SearchTerm

INDEX_VERSION = 1
Progress = Callable[[str, int, int], None]

_CHUNK = 20_000


# --------------------------------------------------------------------------- reading records


def iter_indexed(
    session: Session, record_ids: Sequence[int] | None = None, batch: int = _CHUNK
) -> Iterator[IndexedRecord]:
    """The records (all, ordered by id, or the given ids) as the index sees them."""
    if record_ids is not None:
        ids = sorted(set(record_ids))
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            if part[-1] - part[0] < 2 * len(part):  # dense (an import's new records):
                wanted = set(part)  # read the id range, no 500-value IN list
                for rec in _read_records(session, None, (part[0] - 1, part[-1] - part[0] + 1)):
                    if rec.record_id in wanted:
                        yield rec
            else:
                yield from _read_records(session, part, None)
        return
    last = 0
    while True:
        chunk = list(_read_records(session, None, (last, batch)))
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].record_id


def _read_records(
    session: Session, ids: list[int] | None, window: tuple[int, int] | None
) -> Iterator[IndexedRecord]:
    q = select(
        Record.id,
        Record.given_names,
        Record.surnames,
        Record.dob_earliest,
        Record.dob_latest,
        Record.dob_precision,
        Record.nationality,
    ).order_by(Record.id)
    if ids is not None:
        q = q.where(Record.id.in_(ids))
    else:
        assert window is not None
        q = q.where(Record.id > window[0]).limit(window[1])
    conn = session.connection()  # Core rows: no ORM layer on a million-row read
    rows = conn.execute(q).all()
    if not rows:
        return
    lo, hi = rows[0][0], rows[-1][0]
    idq = select(
        RecordIdentifier.record_id, RecordIdentifier.id_type, RecordIdentifier.value
    ).where(RecordIdentifier.value.is_not(None))
    if ids is not None:
        idq = idq.where(RecordIdentifier.record_id.in_(ids))
    else:
        idq = idq.where(RecordIdentifier.record_id.between(lo, hi))
    identifiers: dict[int, list[tuple[str, str | None]]] = {}
    for rid, id_type, value in conn.execute(idq):
        identifiers.setdefault(rid, []).append((id_type, value))
    for rid, given, surnames, de, dl, dp, nat in rows:
        yield make_indexed(
            rid, given or [], surnames or [], de, dl, dp, nat, identifiers.get(rid, [])
        )


# --------------------------------------------------------------------------- writing


class _Postings:
    """Postings gathered (8-byte digests and their records) until there are enough to
    write sorted in one pass: fewer passes over the clustered table."""

    def __init__(
        self,
        session: Session,
        flush_at: int = 0,
        sink: Callable[[Any, Any], None] | None = None,
    ) -> None:
        self.session, self.flush_at, self.written = session, flush_at, 0
        self.sink = sink  # takes them instead (an import's SortedPostings)
        self.digests, self.owners = bytearray(), array("q")

    def add(self, record_id: int, texts: set[str]) -> None:
        self.add_many([record_id], (list(texts), [len(texts)], [], [0]))

    def add_many(
        self,
        record_ids: Sequence[int],
        keys: tuple[list[str], list[int], list[str], list[int]],
    ) -> None:
        """Postings of many records, given as :func:`record_key_lists` of each in turn,
        joined: (common texts, their count per record, rare texts, their count)."""
        common, n_common, rare, n_rare = keys
        ids = np.asarray(record_ids, dtype=np.int64)
        self.digests += key_digests(common)
        self.digests += fresh_digests(rare)
        self.owners.frombytes(np.repeat(ids, n_common).tobytes())
        self.owners.frombytes(np.repeat(ids, n_rare).tobytes())
        if self.flush_at and len(self.owners) >= self.flush_at:
            self.flush()

    def flush(self) -> None:
        if self.owners:
            keys = np.frombuffer(self.digests, dtype=">i8").astype(np.int64)
            owners = np.frombuffer(self.owners, dtype=np.int64).copy()
            self.written += len(owners)
            self.digests, self.owners = bytearray(), array("q")
            if self.sink is not None:
                self.sink(keys, owners)
            else:
                _insert_postings(self.session, keys, owners)


def _insert_postings(session: Session, keys: Any, record_ids: Any) -> None:
    """Insert postings sorted by (key, record) -- B-tree friendly -- through the driver
    (35M rows through ORM dicts would take minutes)."""
    keys, record_ids = sorted_unique(keys, record_ids)
    conn = session.connection()
    for rows in row_chunks(keys, record_ids):
        # the driver's executemany on SQLite, COPY on PostgreSQL
        insert_tuples(conn, SearchKey.__table__, ("key", "record_id"), rows)


def _write_index(
    session: Session,
    records: Iterable[IndexedRecord],
    known_terms: set[tuple[str, str]] | None,
    progress: Progress | None,
    total: int,
    *,
    checked: set[tuple[str, str]] | None = None,
    postings: _Postings | None = None,
    new_terms_out: set[tuple[str, str]] | None = None,
) -> dict[str, int]:
    """Write the records' search rows, postings and new vocabulary terms.

    ``known_terms`` are terms known to be in the vocabulary already (an empty set on a
    rebuild, which starts from an empty vocabulary); ``None`` looks the records' terms
    up in the vocabulary once they are all read, except those in ``checked`` (terms
    already looked up or added in this transaction, which it then grows: an import
    indexing batch after batch asks about each distinct name once). Postings go to
    ``postings`` when given (the caller flushes them), else are written before returning.
    New terms go to ``new_terms_out`` when given (the caller writes them), else are
    written before returning."""
    conn = session.connection()
    n_records = 0
    batch_rows: list[tuple[Any, ...]] = []
    sink = postings if postings is not None else _Postings(session)
    before = sink.written + len(sink.owners)
    day = _date_converter(conn)
    givens: set[tuple[str, ...]] = set()
    surnames: set[str] = set()

    keys: tuple[list[str], list[int], list[str], list[int]] = ([], [], [], [])
    rids: list[int] = []
    for rec in records:
        rid = rec.record_id
        batch_rows.append(
            (
                rid,
                "|".join(rec.given),
                "|".join(rec.surnames),
                day(rec.dob_earliest),
                day(rec.dob_latest),
                rec.dob_precision,
                rec.nationality,
                "|".join([f"{t}={v}" for t, v in rec.identifiers]),
            )
        )
        common, rare = record_key_lists(rec)
        keys[0].extend(common)
        keys[1].append(len(common))
        keys[2].extend(rare)
        keys[3].append(len(rare))
        rids.append(rid)
        givens.add(rec.given)
        surnames.update(rec.surnames)
        n_records += 1
        if len(batch_rows) >= _CHUNK:
            insert_tuples(
                conn, SearchRecord.__table__, SEARCH_RECORD_FIELDS, batch_rows, ready=_DOB
            )
            sink.add_many(rids, keys)
            batch_rows.clear()
            keys, rids = ([], [], [], []), []
            if progress:
                progress("reading records", n_records, total)
    if batch_rows:
        insert_tuples(conn, SearchRecord.__table__, SEARCH_RECORD_FIELDS, batch_rows, ready=_DOB)
        sink.add_many(rids, keys)
    if progress:
        progress("reading records", n_records, total)
        progress("writing postings", 0, 1)
    n_keys = sink.written + len(sink.owners) - before
    if postings is None:
        sink.flush()
    terms = name_terms(givens, surnames)
    if progress:
        progress("writing postings", 1, 1)
    if checked is not None:
        terms -= checked
        checked.update(terms)
    known = _known_terms(session, terms) if known_terms is None else known_terms
    new_terms = sorted(terms - known)
    known.update(new_terms)
    if new_terms_out is not None:
        new_terms_out.update(new_terms)
    elif new_terms:
        insert_tuples(conn, SearchTerm.__table__, ("kind", "term"), new_terms)
    return {"records": n_records, "keys": n_keys, "new_terms": len(new_terms)}


_DOB = ("dob_earliest", "dob_latest")


def _date_converter(conn: Any) -> Callable[[date | None], Any]:
    """Dates of birth as the driver takes them, each distinct date processed once."""
    proc = SearchRecord.__table__.c.dob_earliest.type._cached_bind_processor(conn.dialect)
    memo: dict[date, Any] = {}

    def convert(value: date | None) -> Any:
        if value is None or proc is None:
            return value
        out = memo.get(value)
        if out is None:
            out = memo[value] = proc(value)
        return out

    return convert


def _known_terms(session: Session, terms: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``terms`` the vocabulary already has."""
    known: set[tuple[str, str]] = set()
    for kind in ("g", "s"):
        wanted = sorted(t for k, t in terms if k == kind)
        for start in range(0, len(wanted), 300):
            known.update(
                (kind, t)
                for t in session.execute(
                    select(SearchTerm.term).where(
                        SearchTerm.kind == kind, SearchTerm.term.in_(wanted[start : start + 300])
                    )
                ).scalars()
            )
    return known


def _unindexed_floor(session: Session, start: int) -> int:
    """The largest id ``w >= start`` such that every record with id <= w is indexed."""
    first_missing = session.execute(
        select(func.min(Record.id))
        .outerjoin(SearchRecord, SearchRecord.record_id == Record.id)
        .where(Record.id > start, SearchRecord.record_id.is_(None))
    ).scalar()
    if first_missing is None:
        return int(session.execute(select(func.max(Record.id))).scalar() or 0)
    return int(first_missing) - 1


def _set_meta(session: Session, *, indexed_through: int, actor: str | None, built: bool) -> None:
    meta = session.get(SearchMeta, 1)
    if meta is None:
        meta = SearchMeta(id=1, version=INDEX_VERSION, indexed_through=0)
        session.add(meta)
    meta.indexed_through = indexed_through
    if built:
        meta.version = INDEX_VERSION
        meta.built_at = datetime.now(UTC)
        meta.built_by = actor


#: Postings an import holds (16 bytes each) before writing them out.
IMPORT_POSTINGS = 2_500_000


class ImportIndexer:
    """Indexes an import's new records batch by batch, in the import's own transaction
    (so a list is searchable the moment it is committed, and a failed import leaves no
    postings behind). Records must be new: nothing is deleted first."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.checked: set[tuple[str, str]] = set()
        self.new_terms: set[tuple[str, str]] = set()
        self.counts = {"records": 0, "keys": 0, "new_terms": 0}
        # Keys are hashes: postings of new records fall all over the clustered table. On
        # SQLite they are sorted outside the database and inserted once, in key order, at
        # the end (habeas.search.import_postings). PostgreSQL takes them by COPY batch by
        # batch.
        conn = session.connection()
        self.sorted = SortedPostings(conn) if conn.dialect.name == "sqlite" else None
        sink = self.sorted.add if self.sorted is not None else None
        self.postings = _Postings(session, flush_at=IMPORT_POSTINGS, sink=sink)

    def add(self, records: Iterable[IndexedRecord]) -> None:
        counts = _write_index(
            self.session,
            records,
            None,
            None,
            0,
            checked=self.checked,
            postings=self.postings,
            new_terms_out=self.new_terms,
        )
        for name, n in counts.items():
            self.counts[name] += n

    def finish(self, actor: str) -> dict[str, int]:
        """Write the postings still held and move the index's floor past the new
        records; returns the counts written."""
        self.postings.flush()
        _add_terms(self.session.connection(), sorted(self.new_terms))
        if self.sorted is not None:
            self.sorted.write()
        meta = self.session.get(SearchMeta, 1)
        start_at = meta.indexed_through if meta is not None else 0
        floor = _unindexed_floor(self.session, start_at)
        _set_meta(self.session, indexed_through=floor, actor=actor, built=False)
        return dict(self.counts)

    def close(self) -> None:
        """Drop whatever is still held (the import failed, or :meth:`finish` ran)."""
        if self.sorted is not None:
            self.sorted.close()


def _add_terms(conn: Any, terms: list[tuple[str, str]]) -> None:
    """Add ``terms`` (sorted) to the vocabulary, once, at the end of an import.

    Another import may be adding the same names in its own open transaction
    (PostgreSQL): a term it adds first is skipped here, not an error, once it commits.
    One statement in sorted order, at the end, means two imports wait for each other's
    terms in one direction only, so they cannot deadlock."""
    if not terms:
        return
    rows = [{"kind": kind, "term": term} for kind, term in terms]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    conn.execute(dialect_insert(SearchTerm).on_conflict_do_nothing(), rows)


def build_search_index(
    store: Store, progress: Progress | None = None, *, actor: str | None = None
) -> dict[str, int]:
    """Rebuild the whole search index from the records (one logged write).

    Returns counts: ``records`` indexed, posting ``keys`` written, vocabulary
    ``new_terms``.
    """
    with store.read() as session:
        total = int(session.execute(select(func.count()).select_from(Record)).scalar() or 0)
    with store.write(actor) as op, large_cache(op.session.connection()):
        session = op.session
        for table in (SearchKey, SearchRecord, SearchTerm):
            session.execute(delete(table))
        counts = _write_index(session, iter_indexed(session), set(), progress, total)
        _set_meta(session, indexed_through=_unindexed_floor(session, 0), actor=op.actor, built=True)
        op.log("rebuild", "search_index", None, {**counts, "version": INDEX_VERSION})
    return counts


def index_records(
    store: Store, record_ids: Iterable[int], *, actor: str | None = None
) -> dict[str, int]:
    """(Re)index the given records; idempotent. Nothing is written for an empty list.

    The importer calls this after an import with the new record ids.
    """
    ids = sorted({int(r) for r in record_ids})
    if not ids:
        return {"records": 0, "keys": 0, "new_terms": 0}
    with store.write(actor) as op, large_cache(op.session.connection()):
        session = op.session
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            # Postings are keyed (key, record): finding a record's postings scans them all,
            # so only records indexed before (re-indexed) are looked for. New records, all
            # of an import, have none: without this, indexing a million new records
            # scanned the growing postings table two thousand times.
            indexed = list(
                session.execute(
                    select(SearchRecord.record_id).where(SearchRecord.record_id.in_(chunk))
                ).scalars()
            )
            if indexed:
                session.execute(delete(SearchKey).where(SearchKey.record_id.in_(indexed)))
                session.execute(delete(SearchRecord).where(SearchRecord.record_id.in_(indexed)))
        counts = _write_index(session, iter_indexed(session, ids), None, None, len(ids))
        meta = session.get(SearchMeta, 1)
        start_at = meta.indexed_through if meta is not None else 0
        _set_meta(
            session,
            indexed_through=_unindexed_floor(session, start_at),
            actor=op.actor,
            built=False,
        )
        op.log(
            "index",
            "search_index",
            None,
            {**counts, "first_record": ids[0], "last_record": ids[-1]},
        )
    return counts


# --------------------------------------------------------------------------- status


@dataclass(frozen=True, slots=True)
class SearchStatus:
    """How complete the index is: ``unindexed`` records are scanned, not looked up."""

    indexed_through: int
    unindexed: int
    built_at: datetime | None
    version: int | None

    @property
    def complete(self) -> bool:
        return self.unindexed == 0


def unindexed_ids(session: Session, limit: int | None = None) -> tuple[list[int], int]:
    """(Up to ``limit`` unindexed record ids, their total count)."""
    conn = session.connection()  # Core: every search asks this, the ORM's layer costs
    total = int(conn.execute(_UNINDEXED_COUNT).scalar() or 0)
    if total == 0:
        return [], 0
    q = _UNINDEXED.order_by(Record.id)
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).scalars()), total


# records past the indexed floor (search_meta's indexed_through; 0 without it) and not in
# the index
_UNINDEXED = (
    select(Record.id)
    .outerjoin(SearchRecord, SearchRecord.record_id == Record.id)
    .where(
        Record.id
        > func.coalesce(
            select(SearchMeta.indexed_through).where(SearchMeta.id == 1).scalar_subquery(), 0
        ),
        SearchRecord.record_id.is_(None),
    )
)
_UNINDEXED_COUNT = select(func.count()).select_from(_UNINDEXED.subquery())


def search_status(store: Store) -> SearchStatus:
    """Whether the index covers every record (and when it was built)."""
    with store.read() as session:
        meta = session.get(SearchMeta, 1)
        _, total = unindexed_ids(session, limit=0)
        return SearchStatus(
            indexed_through=meta.indexed_through if meta else 0,
            unindexed=total,
            built_at=meta.built_at if meta else None,
            version=meta.version if meta else None,
        )


def index_pending(store: Store, *, actor: str | None = None, batch: int = 50_000) -> int:
    """Index every record the search index does not cover yet; returns how many.

    Faces call this after an import (one logged operation per batch), so that
    ``find`` covers new lists without a full rebuild.
    """
    done = 0
    while True:
        with store.read() as session:
            ids, _total = unindexed_ids(session, limit=batch)
        if not ids:
            return done
        index_records(store, ids, actor=actor)
        done += len(ids)
