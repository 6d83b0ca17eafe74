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

Key families (``record_keys``; ``G`` = given-name keys, ``S`` = surname keys)
---------------------------------------------------------------------------
Given-name keys of one name are the phonetic (``#``) and variant-group (``~``)
keys of :func:`habeas.domain.nicknames.given_name_keys`, so "Pepe" carries
``#yose`` (José) and "Jhon"/"John"/"Jon" share ``#yon``. Every given name of the
record counts (a relative may use the second one), and a compound given name
also gets the keys of the whole ("José María" ← "Chema", "José Gregorio" ←
"Goyo"). Surname keys are :func:`habeas.domain.phonetic.spanish_key` of the
surname's head word ("de la cruz" → "cruz") and of its compact form
("delacruz"), so "Rodrigues", "RODRÍGUEZ" and "Rodriguez" share one key.

==========  ==========================================  ==============================
family      key                                         finds the record when the query
==========  ==========================================  ==============================
``gs``      one given key + one surname key              has a given name and either
                                                         surname, in any order
``gss``     one given key + both surname keys (sorted)   has the full name (short list
                                                         even for "José González Pérez")
``ss``      both surname keys (sorted)                   has both surnames, given name
                                                         mistyped or different
``gsy``     one given key + one surname key + birth      has a name and a date of birth
            year                                         (short list even for the most
                                                         common names)
``d``       exact date of birth                          has a date of birth, and a name
                                                         mistyped anywhere; probed with
                                                         day and month swapped too
``s``       one surname key alone                        has only a surname ("Carrasquero")
``id``      an identifier's digits (leading zeros        has a document number, in any
            dropped), or its letters+digits              format
==========  ==========================================  ==============================

Keys are hashed to signed 64-bit integers (BLAKE2b) so the posting table is two
integer columns (a clustered ``WITHOUT ROWID`` table on SQLite). A collision only
adds a candidate, which the scorer then rejects.

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

import hashlib
import itertools
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from habeas.domain.names import PARTICLES
from habeas.domain.nicknames import given_name_keys
from habeas.domain.phonetic import spanish_key
from habeas.search.import_postings import SortedPostings, row_chunks, sorted_unique
from habeas.store.bulk import insert_tuples, large_cache
from habeas.store.db import Store
from habeas.store.schema import Record, RecordIdentifier
from habeas.store.schema_search import SearchKey, SearchMeta, SearchRecord, SearchTerm

INDEX_VERSION = 1
Progress = Callable[[str, int, int], None]

_CHUNK = 20_000


# --------------------------------------------------------------------------- keys


def key_hash(text: str) -> int:
    """The posting key of a compound key text: a signed 64-bit BLAKE2b hash."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_DIGESTS: dict[str, bytes] = {}
#: Key texts whose digest is remembered: most recur from record to record (a given name
#: with a surname, a date of birth), so hashing each once saves most of the hashing.
_DIGEST_CACHE = 400_000


def key_digests(texts: Iterable[str]) -> bytes:
    """:func:`key_hash` of many texts at once, as big-endian 8-byte digests one after
    the other (read them with ``numpy.frombuffer(..., ">i8")``): no Python int per key.

    Digests are remembered (the texts of names recur): when all are, they are looked up
    at once (``map`` runs in C)."""
    cache = _DIGESTS
    texts = texts if isinstance(texts, list) else list(texts)
    found = list(map(cache.get, texts))
    if None not in found:
        return b"".join(found)  # type: ignore[arg-type]
    out = []
    for t, d in zip(texts, found, strict=True):
        if d is None:
            d = cache.get(t)  # an earlier text of this call
            if d is None:
                if len(cache) >= _DIGEST_CACHE:
                    cache.clear()
                d = cache[t] = hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest()
        out.append(d)
    return b"".join(out)


def fresh_digests(texts: list[str]) -> bytes:
    """:func:`key_digests` of texts that nearly never recur: hashed, not remembered."""
    blake2b = hashlib.blake2b
    return b"".join([blake2b(t.encode("utf-8"), digest_size=8).digest() for t in texts])


@lru_cache(maxsize=65536)
def given_keys(name: str) -> frozenset[str]:
    """Phonetic and variant-group keys of one folded given name (``#…``, ``~…``)."""
    return frozenset(k for k in given_name_keys(name) if k[0] in "#~")


@lru_cache(maxsize=65536)
def surname_keys(surname: str) -> frozenset[str]:
    """Phonetic keys of one folded surname: of its head word and of its compact form."""
    words = surname.split()
    content = [w for w in words if w not in PARTICLES] or words
    keys = {spanish_key(content[-1])} if content else set()
    compact = spanish_key("".join(words))
    if compact:
        keys.add(compact)
    if len(content) > 1:  # "Pérez García" written in one surname field
        keys.update(spanish_key(w) for w in content)
    keys.discard("")
    return frozenset(keys)


def all_given_keys(given: Sequence[str]) -> set[str]:
    """Keys of every given name, plus those of the compound name as a whole."""
    keys: set[str] = set()
    for g in given:
        keys |= given_keys(g)
    if len(given) > 1:
        keys |= given_keys(" ".join(given))
    return keys


_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_NOT_DIGIT = re.compile(r"[^0-9]")


def identifier_tokens(value: str) -> set[str]:
    """Index/query tokens of a normalised identifier: its digits without leading zeros
    (so "V12345678", "12.345.678" and "012345678" meet), and its letters and digits
    when it has letters (passports)."""
    if value.isascii():  # the usual case, by regular expression (same result, faster)
        alnum = _NOT_ALNUM.sub("", value.upper())
        digits = _NOT_DIGIT.sub("", alnum).lstrip("0")
    else:
        alnum = "".join(ch for ch in value.upper() if ch.isalnum())
        digits = "".join(ch for ch in alnum if ch.isdigit()).lstrip("0")
    tokens = set()
    if len(digits) >= 5:
        tokens.add(digits)
    if alnum and not alnum.isdigit() and len(alnum) >= 5:
        tokens.add(alnum)
    return tokens


@dataclass(frozen=True, slots=True)
class IndexedRecord:
    """What the index keeps of a record (also the scorer's input)."""

    record_id: int
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    dob_earliest: date | None
    dob_latest: date | None
    dob_precision: str | None
    nationality: str | None
    identifiers: tuple[tuple[str, str], ...]  # (id_type, normalised value)

    @property
    def dob_exact(self) -> date | None:
        if self.dob_earliest is not None and self.dob_earliest == self.dob_latest:
            return self.dob_earliest
        return None

    @property
    def birth_year(self) -> int | None:
        e, lt = self.dob_earliest, self.dob_latest
        if e is not None and lt is not None and e.year == lt.year:
            return e.year
        return None

    def to_row(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "given": "|".join(self.given),
            "surnames": "|".join(self.surnames),
            "dob_earliest": self.dob_earliest,
            "dob_latest": self.dob_latest,
            "dob_precision": self.dob_precision,
            "nationality": self.nationality,
            "identifiers": "|".join(f"{t}={v}" for t, v in self.identifiers),
        }

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> IndexedRecord:
        rid, given, surnames, de, dl, dp, nat, ids = row
        return cls(
            record_id=rid,
            given=split_field(given),
            surnames=split_field(surnames),
            dob_earliest=_as_date(de),
            dob_latest=_as_date(dl),
            dob_precision=dp,
            nationality=nat,
            identifiers=tuple(_pair(p) for p in ids.split("|")) if ids else (),
        )


def split_field(text: str | None) -> tuple[str, ...]:
    """A name field of the index as stored (``"maria|jose"``) → its tokens."""
    return tuple(text.split("|")) if text else ()


def _pair(text: str) -> tuple[str, str]:
    kind, _, value = text.partition("=")
    return kind, value


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


SEARCH_RECORD_FIELDS = (
    "record_id",
    "given",
    "surnames",
    "dob_earliest",
    "dob_latest",
    "dob_precision",
    "nationality",
    "identifiers",
)

SEARCH_RECORD_COLUMNS = (
    SearchRecord.record_id,
    SearchRecord.given,
    SearchRecord.surnames,
    SearchRecord.dob_earliest,
    SearchRecord.dob_latest,
    SearchRecord.dob_precision,
    SearchRecord.nationality,
    SearchRecord.identifiers,
)


def _clean(parts: Iterable[Any]) -> tuple[str, ...]:
    if type(parts) is tuple:  # a parsed name's (an import's): each distinct one cleaned once
        return _clean_tuple(parts)
    return tuple(str(p).replace("|", " ").strip() for p in parts if p and str(p).strip())


@lru_cache(maxsize=65536)
def _clean_tuple(parts: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(p).replace("|", " ").strip() for p in parts if p and str(p).strip())


def make_indexed(
    record_id: int,
    given: Iterable[Any],
    surnames: Iterable[Any],
    dob_earliest: date | None,
    dob_latest: date | None,
    dob_precision: str | None,
    nationality: str | None,
    identifiers: Iterable[tuple[str, str | None]],
) -> IndexedRecord:
    ids = tuple(sorted({(t, v.replace("|", "").replace("=", "")) for t, v in identifiers if v}))
    return IndexedRecord(
        record_id,
        _clean(given),
        _clean(surnames),
        _as_date(dob_earliest),
        _as_date(dob_latest),
        dob_precision,
        nationality,
        ids,
    )


def record_key_texts(rec: IndexedRecord) -> set[str]:
    """Every compound key text of a record (families in the module doc)."""
    return set(record_key_list(rec))


@lru_cache(maxsize=65536)
def _given_part(given: tuple[str, ...]) -> tuple[str, ...]:
    """The given-name keys of a record's given names (:func:`all_given_keys`), remembered:
    a list's given names repeat far more than its whole names do."""
    return tuple(sorted(all_given_keys(given)))


@lru_cache(maxsize=65536)
def _surname_part(
    surnames: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Of a record's surnames: their keys, their pairs of keys of two different surnames
    (``"a|b"``, sorted within and between pairs), and the keys of the families made of
    surnames alone (``s``, ``ss``), remembered."""
    per_surname = [surname_keys(s) for s in surnames]
    s_keys: set[str] = set().union(*per_surname) if per_surname else set()
    pairs: set[tuple[str, str]] = set()
    for a, b in itertools.combinations(range(len(per_surname)), 2):
        for sa, sb in itertools.product(per_surname[a], per_surname[b]):
            if sa != sb:
                pairs.add((min(sa, sb), max(sa, sb)))
    joined = tuple(f"{sa}|{sb}" for sa, sb in sorted(pairs))
    alone = (*[f"s|{s}" for s in sorted(s_keys)], *[f"ss|{p}" for p in joined])
    return tuple(sorted(s_keys)), joined, alone


def record_key_list(rec: IndexedRecord) -> list[str]:
    """:func:`record_key_texts` as a list, each key once."""
    common, rare = record_key_lists(rec)
    return common + rare


def record_key_lists(rec: IndexedRecord) -> tuple[list[str], list[str]]:
    """A record's key texts, each once (the families' prefixes differ, and within a family
    only identifier tokens can repeat), in two lists: the keys of its names alone and of
    its date of birth (``s``, ``ss``, ``gs``, ``d``), which recur from record to record,
    and those that also hold a second surname, a birth year or a document number
    (``gss``, ``gsy``, ``id``), which nearly never do (their digests are not worth
    remembering)."""
    g_keys = _given_part(rec.given)
    s_keys, pairs, alone = _surname_part(rec.surnames)
    gs = [f"{g}|{s}" for g in g_keys for s in s_keys]
    common = [*alone, *["gs|" + k for k in gs]]
    rare = [f"gss|{g}|{p}" for g in g_keys for p in pairs] if pairs else []
    e, lt = rec.dob_earliest, rec.dob_latest
    if e is not None and lt is not None:
        if e.year == lt.year:
            year = f"|{e.year}"
            rare += ["gsy|" + k + year for k in gs]
        if e == lt:
            common.append(f"d|{e.isoformat()}")
    if rec.identifiers:
        tokens: set[str] = set()
        for _, value in rec.identifiers:
            tokens |= identifier_tokens(value)
        rare += ["id|" + t for t in tokens]
    return common, rare


def record_terms(rec: IndexedRecord) -> set[tuple[str, str]]:
    """The vocabulary entries of a record: (``g``, given key) and (``s``, surname key)."""
    return _terms({rec.given}, set(rec.surnames))


def _terms(givens: Iterable[Sequence[str]], surnames: Iterable[str]) -> set[tuple[str, str]]:
    """The vocabulary entries of records with these given names (each record's, as a
    whole) and surnames: each distinct name is looked at once, not once per record."""
    terms = {("g", k[1:]) for given in givens for k in all_given_keys(given) if k.startswith("#")}
    for s in surnames:
        terms.update(("s", k) for k in surname_keys(s))
    return {t for t in terms if len(t[1]) <= 128}


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
    terms = _terms(givens, surnames)
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
