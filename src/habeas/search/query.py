"""Find a person: ranked candidate persons for a name, date of birth, nationality, id.

A relative asks "is my son on any list?" and types what they know — often
without accents, with a nickname, one surname, the surnames swapped, a typo, a
document number in whatever format they have it. :func:`find` answers with the
persons whose records could be him, best first, each with a score (0–1) and the
reasons in plain language.

How a query runs
----------------
1. **Parse** the query (:func:`parse_query`): the name is split into given names
   and surnames (:func:`habeas.domain.names.parse_full_name`), the date read as a
   possibly partial date, the country normalised, the identifier read as every
   document it could be (A-number, cédula, DUI, passport, …). Bad input raises
   :class:`habeas.errors.UsageError`.
2. **Candidates** from the index (:mod:`habeas.search.index`): the
   query's compound keys (given+surname+birth year, given+both surnames,
   given+surname, both surnames, date of birth, identifier, lone surname for a
   surname-only query) are looked up; each posting list is read up to a cap
   (a longer one is marked *truncated*: "add a date of birth"). Records found
   by several keys come first; at most ``MAX_SCORED`` are scored.
3. If nothing scores well (a typo in a surname), the query's phonetic name keys
   are **expanded** to the more frequent keys one edit away that exist in the
   index's vocabulary, one name position at a time, and step 2 runs again with
   them (:mod:`habeas.search.candidates`).
4. Records that are not in the index yet (imported since the last indexing) are
   **scanned** directly, up to ``SCAN_LIMIT``; :class:`SearchResult` says how
   many there are, so a query never silently misses them.
5. **Score** each candidate record (:mod:`habeas.search.score`), then
   group records into persons through their *current* links (linkage may have
   merged or split persons since indexing; the index is keyed by record). A
   person's score is its best record's; its reasons are that record's.
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from habeas.access.levels import keep_visible
from habeas.access.reader import Reader, Withheld
from habeas.audit.reads import log_search
from habeas.domain import identifiers as ids
from habeas.domain.countries import normalise_country
from habeas.domain.dates import AmbiguousDate, DateParseError, UncertainDate, parse_date
from habeas.domain.names import parse_full_name
from habeas.errors import UsageError
from habeas.search.candidates import driver_rows, probe, query_keys, typo_alternatives, typo_keys
from habeas.search.index import (
    SearchStatus,
    build_search_index,
    index_records,
    iter_indexed,
    search_status,
    unindexed_ids,
)
from habeas.search.keys import (
    SEARCH_RECORD_FIELDS,
    IndexedRecord,
    all_given_keys,
    identifier_tokens,
    surname_keys,
)
from habeas.search.reasons import Reason
from habeas.search.score import QueryIdentifier, QueryScorer, SearchQuery
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source

__all__ = [
    "Candidate",
    "MatchedRecord",
    "Reason",
    "SearchQuery",
    "SearchResult",
    "SearchStatus",
    "build_search_index",
    "find",
    "index_records",
    "parse_query",
    "search",
    "search_status",
]

MAX_SCORED = 400
SCAN_LIMIT = 5000
MIN_SCORE = 0.3
EXPAND_BELOW = 0.7


@dataclass(frozen=True, slots=True)
class MatchedRecord:
    """A record of a candidate person that matched the query."""

    record_id: int
    score: float
    source: str | None = None
    record_key: str | None = None
    name: str | None = None  # as the source wrote it

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "score": self.score,
            "source": self.source,
            "record_key": self.record_key,
            "name": self.name,
        }


@dataclass(slots=True)
class Candidate:
    """A person who could be the one sought: score (0–1), reasons, matching records."""

    person_id: int
    score: float
    reasons: list[Reason]
    records: list[MatchedRecord] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "score": self.score,
            "explanation": self.explanation,
            "reasons": [r.to_dict() for r in self.reasons],
            "records": [r.to_dict() for r in self.records],
        }


@dataclass(slots=True)
class SearchResult:
    """Candidates plus what the search could not do (``unindexed``, ``truncated``)."""

    query: SearchQuery
    candidates: list[Candidate]
    scored: int = 0
    unindexed: int = 0  # records not in the index
    scanned: int = 0  # of those, scanned directly
    truncated: list[str] = field(default_factory=list)  # key families cut at their cap
    expanded: bool = False  # typo expansion was used
    # records the reader would see by stating a purpose (nothing is said of higher levels)
    withheld: Withheld = field(default_factory=Withheld)

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.unindexed > self.scanned:
            out.append(
                f"{self.unindexed - self.scanned:,} records are not in the search index "
                "and were not searched: run `habeas index rebuild`."
            )
        elif self.unindexed:
            out.append(
                f"{self.unindexed:,} records are not in the search index yet; they "
                "were scanned directly (run `habeas index rebuild` to speed this up)."
            )
        if self.truncated:
            out.append(
                "Very many records share this name; not all were compared. Add a date "
                "of birth, a second surname or a document number."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidates": [c.to_dict() for c in self.candidates],
            "scored": self.scored,
            "unindexed": self.unindexed,
            "scanned": self.scanned,
            "truncated": self.truncated,
            "expanded": self.expanded,
            "warnings": self.warnings,
            "withheld": self.withheld.to_dict(),
        }


# --------------------------------------------------------------------------- the query


def _read_identifier(raw: str) -> QueryIdentifier:
    readings: list[tuple[str, str]] = []
    for kind, fn in (
        ("a_number", ids.normalise_a_number),
        ("cedula_ve", ids.normalise_cedula),
        ("dui_sv", ids.normalise_dui),
        ("passport", ids.normalise_passport),
    ):
        with contextlib.suppress(ValueError):
            readings.append((kind, fn(raw)))
    with contextlib.suppress(ValueError):
        readings.append(ids.classify_national_id(raw))
    tokens: set[str] = set()
    for _, value in readings:
        tokens |= identifier_tokens(value)
    if not tokens:
        raise UsageError(
            f"Cannot read {raw!r} as a document number: expected an A-number "
            "(A-208-304-911), a cédula (V-12.345.678), a DUI (01234567-8) or a "
            "passport number (5 or more letters and digits)."
        )
    return QueryIdentifier(raw, tuple(dict.fromkeys(readings)), frozenset(tokens))


def parse_query(
    name: str | None = None,
    dob: str | None = None,
    nationality: str | None = None,
    identifier: str | None = None,
) -> SearchQuery:
    """Read the criteria as typed; :class:`UsageError` for none at all or unreadable ones."""
    name = (name or "").strip() or None
    dob = (dob or "").strip() or None
    nationality = (nationality or "").strip() or None
    identifier = (identifier or "").strip() or None
    if not (name or dob or identifier):
        raise UsageError(
            "Say whom to look for: a name, a date of birth (--dob) or a document "
            "number (--id); a nationality alone is not enough."
        )
    given: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    given_w: tuple[str, ...] = ()
    surnames_w: tuple[str, ...] = ()
    if name:
        try:
            parsed = parse_full_name(name)
        except ValueError as exc:
            raise UsageError(f"No name in {name!r}: type a given name and/or a surname.") from exc
        given, surnames = parsed.given_names, parsed.surnames
        given_w, surnames_w = parsed.given_written, parsed.surnames_written
    when: UncertainDate | None = None
    if dob:
        try:
            when = parse_date(dob)
        except AmbiguousDate as exc:
            # day/month order unknown: read it day first; the scorer also accepts
            # the swapped date (and says so)
            when = UncertainDate.exact(exc.readings[0])
        except DateParseError as exc:
            raise UsageError(
                f"Cannot read the date of birth {dob!r}: expected {exc.expected}."
            ) from exc
    country = None
    if nationality:
        country = normalise_country(nationality)
        if country is None:
            raise UsageError(
                f"Unknown country {nationality!r}: use a name (Venezuela) or an ISO code (VEN)."
            )
    ident = _read_identifier(identifier) if identifier else None
    return SearchQuery(
        given=given,
        surnames=surnames,
        given_written=given_w,
        surnames_written=surnames_w,
        dob=when,
        nationality=country,
        identifier=ident,
        name=name,
    )


# --------------------------------------------------------------------------- reading


# the indexed records with their levels (their persons are read later, for the good ones
# only); the level rides along: the access check needs it for every record good enough to
# show, and one query per batch costs less than two
_LOAD_SQL = (
    "SELECT "
    + ", ".join(f"s.{name}" for name in SEARCH_RECORD_FIELDS)
    + ", r.sensitivity FROM search_record AS s LEFT OUTER JOIN record AS r"
    " ON r.id = s.record_id WHERE s.record_id IN ({})"
)
# each record's level (for records not read through _LOAD: those scanned unindexed)
_LEVELS = select(Record.id, Record.sensitivity).where(
    Record.id.in_(bindparam("ids", expanding=True))
)
# each record's current person (none: linked to nobody now)
_PERSONS = select(Link.record_id, Link.person_id).where(
    Link.superseded_at.is_(None), Link.record_id.in_(bindparam("ids", expanding=True))
)
# the records each person holds now
_HELD = select(Link.person_id, Link.record_id).where(
    Link.superseded_at.is_(None), Link.person_id.in_(bindparam("ids", expanding=True))
)
_DESCRIBE = (
    select(Record.id, Source.title, Record.record_key, Record.full_name)
    .join(Source, Source.id == Record.source_id)
    .where(Record.id.in_(bindparam("ids", expanding=True)))
)


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _rows(
    session: Session, record_ids: Sequence[int], levels: dict[int, str]
) -> list[Sequence[Any]]:
    """The index rows of ``record_ids`` (``SEARCH_RECORD_FIELDS``, then the level); their
    levels are added to ``levels``.

    Read on the driver (:func:`habeas.search.candidates.driver_rows`): a search reads hundreds
    of rows, and SQLAlchemy's processing of each cost more than SQLite's read of it. The
    rows are weighed as read (:meth:`QueryScorer.weigh_row`); only the records shown are
    made :class:`IndexedRecord` (:func:`_record`). The dates come as the driver gives them
    (ISO text on SQLite), which :meth:`IndexedRecord.from_row` reads."""
    out: list[Sequence[Any]] = []
    for chunk in _chunks(record_ids):
        sql = _LOAD_SQL.format(", ".join("?" * len(chunk)))
        for row in driver_rows(session, sql, chunk):
            if row[-1] is not None:
                levels[row[0]] = row[-1]
            out.append(row)
    return out


def _load(
    session: Session, record_ids: Sequence[int], levels: dict[int, str]
) -> list[IndexedRecord]:
    """The indexed records ``record_ids`` (:func:`_rows` made records); their levels are
    added to ``levels``."""
    return [_record(row) for row in _rows(session, record_ids, levels)]


def _record(read: IndexedRecord | Sequence[Any]) -> IndexedRecord:
    """The record of a row :func:`_rows` read (or of a record scanned unindexed)."""
    if isinstance(read, IndexedRecord):
        return read
    return IndexedRecord.from_row(read[: len(SEARCH_RECORD_FIELDS)])


def _levels(session: Session, record_ids: Sequence[int]) -> dict[int, str]:
    """record id → sensitivity, for ``record_ids``."""
    conn = session.connection()
    return {
        rid: level
        for chunk in _chunks(record_ids)
        for rid, level in conn.execute(_LEVELS, {"ids": chunk})
    }


#: a weighed record: (score, weight, record id), as :meth:`QueryScorer.score` would give them
Weighed = tuple[float, float, int]


def _top_persons(
    session: Session, good: Sequence[Weighed], limit: int
) -> list[tuple[int, list[Weighed]]]:
    """The best ``limit`` persons among the current persons of ``good`` (each with its
    records among ``good``), best first: by best score, then best weight, then id.

    Only the persons that can rank are looked up: records are taken best first, a batch
    at a time, until ``limit`` persons are found and the next record scores below the
    ``limit``-th person's best (no person not found yet can pass it); then every record
    of those persons. A search compares hundreds of namesakes and shows ten persons."""
    conn = session.connection()
    order = sorted(good, key=lambda s: (-s[0], -s[1], s[2]))
    best: dict[int, float] = {}  # person → best score (the first of its records seen)
    batch = max(3 * limit, 30)
    i = 0
    while i < len(order):
        chunk = order[i : i + batch]
        i += len(chunk)
        person_of: dict[int, int] = {
            rid: pid for rid, pid in conn.execute(_PERSONS, {"ids": [s[2] for s in chunk]})
        }
        for s in chunk:
            pid = person_of.get(s[2])
            if pid is not None and pid not in best:
                best[pid] = s[0]
        if (
            len(best) >= limit
            and i < len(order)
            and order[i][0] < sorted(best.values(), reverse=True)[limit - 1]
        ):
            break
    by_id = {s[2]: s for s in good}
    by_person: dict[int, list[Weighed]] = {}
    for chunk_ids in _chunks(best):
        for pid, rid in conn.execute(_HELD, {"ids": chunk_ids}):
            if rid in by_id:
                by_person.setdefault(pid, []).append(by_id[rid])
    ranked = sorted(
        by_person.items(),
        key=lambda kv: (-max(s[0] for s in kv[1]), -max(s[1] for s in kv[1]), kv[0]),
    )[:limit]
    return ranked


def _describe(
    session: Session, record_ids: Sequence[int]
) -> dict[int, tuple[str, str, str | None]]:
    conn = session.connection()
    return {
        rid: (title, key, name)
        for chunk in _chunks(record_ids)
        for rid, title, key, name in conn.execute(_DESCRIBE, {"ids": chunk})
    }


# --------------------------------------------------------------------------- search


def reachable_only(held: Withheld, reader: Reader) -> Withheld:
    """What a search may say it withheld: only the records the reader would see by
    stating a purpose. A reader must not learn that a name is in data above their
    clearance, so records at such levels are left out without a word."""
    said = Withheld()
    for level, n in held.levels.items():
        if reader.why_not(level) == "purpose":
            said.add("records", level, "purpose", n)
    return said


def search(
    store: Store,
    *,
    name: str | None = None,
    dob: str | None = None,
    nationality: str | None = None,
    identifier: str | None = None,
    limit: int = 10,
    min_score: float = MIN_SCORE,
    reader: Reader | None = None,
) -> SearchResult:
    """Ranked candidate persons with the search's own status (see the module doc).
    ``reader``: only records it may view are matched (the rest counted as withheld)."""
    if limit < 1:
        raise UsageError("--limit must be at least 1.")
    q = parse_query(name, dob, nationality, identifier)
    with store.read() as session:
        result = SearchResult(query=q, candidates=[])
        # record id → (score, weight, what was read: an index row or a scanned record)
        weighed: dict[int, tuple[float, float, Any]] = {}
        scorer = QueryScorer(q)
        known: dict[int, str] = {}  # record id → level, as read with the record

        def weigh_rows(rows: Iterable[Sequence[Any]]) -> None:
            for row in rows:
                if row[0] not in weighed:
                    weighed[row[0]] = (*scorer.weigh_row(row), row)

        def score_many(records: Iterable[IndexedRecord]) -> None:
            for rec in records:
                if rec.record_id not in weighed:
                    s = scorer.score(rec, explain=False)
                    weighed[rec.record_id] = (s.score, s.weight, rec)

        hits: dict[int, float] = {}
        seen: set[str] = set()
        given_keys = all_given_keys(q.given)
        surname_sets = [set(surname_keys(s)) for s in q.surnames]
        probe(session, query_keys(q, given_keys, surname_sets), seen, hits, result.truncated)
        top = heapq.nlargest(MAX_SCORED, hits, key=hits.__getitem__)
        weigh_rows(_rows(session, top, known))
        best = max((w[0] for w in weighed.values()), default=0.0)
        if best < EXPAND_BELOW and (q.given or q.surnames):
            alternatives = typo_alternatives(session, given_keys, surname_sets)
            if alternatives:
                result.expanded = True
                hits2: dict[int, float] = {}
                probe(
                    session,
                    typo_keys(q, given_keys, surname_sets, alternatives),
                    seen,
                    hits2,
                    result.truncated,
                )
                for rid in weighed:
                    hits2.pop(rid, None)
                again = heapq.nlargest(MAX_SCORED, hits2, key=hits2.__getitem__)
                weigh_rows(_rows(session, again, known))
        unindexed, total = unindexed_ids(session, limit=SCAN_LIMIT)
        result.unindexed, result.scanned = total, len(unindexed)
        if unindexed:
            score_many(iter_indexed(session, unindexed))
        result.scored = len(weighed)

        good: list[Weighed] = [(w[0], w[1], rid) for rid, w in weighed.items() if w[0] >= min_score]
        if reader is not None:  # the access boundary (habeas.access.reader)
            held = Withheld()
            # only the records good enough to be shown: a withheld count says what a
            # purpose would show, not what the search merely looked at
            good_ids = [g[2] for g in good]
            found = {rid: known[rid] for rid in good_ids if rid in known}
            found.update(_levels(session, [rid for rid in good_ids if rid not in known]))
            levels = keep_visible(found, reader, held)
            result.withheld = reachable_only(held, reader)
            good = [g for g in good if g[2] in levels]
        ranked = _top_persons(session, good, limit)
        shown = [g[2] for _, gs in ranked for g in gs]
        described = _describe(session, shown)
        for pid, records_weighed in ranked:
            # now with the reasons
            ss = [scorer.score(_record(weighed[g[2]][2])) for g in records_weighed]
            ss.sort(key=lambda s: (-s.score, -s.weight, s.record.record_id))
            best_s = ss[0]
            records = []
            for s in ss:
                title, key, written = described.get(s.record.record_id, (None, None, None))
                records.append(MatchedRecord(s.record.record_id, s.score, title, key, written))
            result.candidates.append(Candidate(pid, best_s.score, best_s.reasons, records))
    if reader is not None:
        log_search(
            store,
            reader,
            {"name": name, "dob": dob, "nationality": nationality, "identifier": identifier},
            {
                r.record_id: (c.person_id, levels[r.record_id])
                for c in result.candidates
                for r in c.records
            },
            result.withheld,
        )
    return result


def find(
    store: Store,
    *,
    name: str | None = None,
    dob: str | None = None,
    nationality: str | None = None,
    identifier: str | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """Ranked candidate persons for any mix of name, date of birth, nationality and
    document number (see the module doc). Raises :class:`UsageError` for no criteria
    or an unreadable date, country or document number. Use :func:`search` to also
    learn whether the index was complete."""
    return search(
        store, name=name, dob=dob, nationality=nationality, identifier=identifier, limit=limit
    ).candidates
