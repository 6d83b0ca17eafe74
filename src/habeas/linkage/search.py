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
2. **Candidates** from the index (:mod:`habeas.linkage.search_index`): the
   query's compound keys (given+surname+birth year, given+both surnames,
   given+surname, both surnames, date of birth, identifier, lone surname for a
   surname-only query) are looked up; each posting list is read up to a cap
   (a longer one is marked *truncated*: "add a date of birth"). Records found
   by several keys come first; at most ``MAX_SCORED`` are scored.
3. If nothing scores well (a typo in a surname), the query's phonetic name keys
   are **expanded** to the keys one edit away that exist in the index's
   vocabulary, and step 2 runs again with them.
4. Records that are not in the index yet (imported since the last indexing) are
   **scanned** directly, up to ``SCAN_LIMIT``; :class:`SearchResult` says how
   many there are, so a query never silently misses them.
5. **Score** each candidate record (:mod:`habeas.linkage.search_score`), then
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

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from habeas.domain import identifiers as ids
from habeas.domain.countries import normalise_country
from habeas.domain.dates import AmbiguousDate, DateParseError, UncertainDate, parse_date
from habeas.domain.names import parse_full_name
from habeas.errors import UsageError
from habeas.linkage.search_index import (
    SEARCH_RECORD_COLUMNS,
    IndexedRecord,
    SearchStatus,
    all_given_keys,
    build_search_index,
    identifier_tokens,
    index_records,
    iter_indexed,
    key_hash,
    search_status,
    surname_keys,
    unindexed_ids,
)
from habeas.linkage.search_score import (
    QueryIdentifier,
    QueryScorer,
    Reason,
    Scored,
    SearchQuery,
)
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_search import SearchRecord

__all__ = [
    "Candidate", "MatchedRecord", "Reason", "SearchQuery", "SearchResult", "SearchStatus",
    "build_search_index", "find", "index_records", "parse_query", "search",
    "search_status",
]

#: posting-list caps by key family (a longer list is read up to the cap and reported)
CAPS = {"id": 200, "gsy": 1000, "gss": 1000, "gs": 1000, "ss": 1000, "d": 1000, "s": 1000}
#: how much a hit in each family says about a record, to pick which records to score
HIT_WEIGHT = {"id": 100.0, "gsy": 10.0, "gss": 8.0, "gs": 4.0, "ss": 4.0, "d": 3.0, "s": 1.0}
MAX_SCORED = 400
SCAN_LIMIT = 5000
MIN_SCORE = 0.3
EXPAND_BELOW = 0.7
_PHONETIC_LETTERS = "abdefgiklmnoprstuxy"


@dataclass(frozen=True, slots=True)
class MatchedRecord:
    """A record of a candidate person that matched the query."""

    record_id: int
    score: float
    source: str | None = None
    record_key: str | None = None
    name: str | None = None  # as the source wrote it

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "score": self.score, "source": self.source,
                "record_key": self.record_key, "name": self.name}


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
        return {"person_id": self.person_id, "score": self.score,
                "explanation": self.explanation,
                "reasons": [r.to_dict() for r in self.reasons],
                "records": [r.to_dict() for r in self.records]}


@dataclass(slots=True)
class SearchResult:
    """Candidates plus what the search could not do (``unindexed``, ``truncated``)."""

    query: SearchQuery
    candidates: list[Candidate]
    scored: int = 0
    unindexed: int = 0          # records not in the index
    scanned: int = 0            # of those, scanned directly
    truncated: list[str] = field(default_factory=list)  # key families cut at their cap
    expanded: bool = False      # typo expansion was used

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.unindexed > self.scanned:
            out.append(f"{self.unindexed - self.scanned:,} records are not in the search index "
                       "and were not searched: run `habeas index rebuild`.")
        elif self.unindexed:
            out.append(f"{self.unindexed:,} records are not in the search index yet; they "
                       "were scanned directly (run `habeas index rebuild` to speed this up).")
        if self.truncated:
            out.append("Very many records share this name; not all were compared. Add a date "
                       "of birth, a second surname or a document number.")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"candidates": [c.to_dict() for c in self.candidates], "scored": self.scored,
                "unindexed": self.unindexed, "scanned": self.scanned,
                "truncated": self.truncated, "expanded": self.expanded,
                "warnings": self.warnings}


# --------------------------------------------------------------------------- the query


def _read_identifier(raw: str) -> QueryIdentifier:
    readings: list[tuple[str, str]] = []
    for kind, fn in (("a_number", ids.normalise_a_number), ("cedula_ve", ids.normalise_cedula),
                     ("dui_sv", ids.normalise_dui), ("passport", ids.normalise_passport)):
        with contextlib.suppress(ValueError):
            readings.append((kind, fn(raw)))
    with contextlib.suppress(ValueError):
        readings.append(ids.classify_national_id(raw))
    tokens: set[str] = set()
    for _, value in readings:
        tokens |= identifier_tokens(value)
    if not tokens:
        raise UsageError(f"Cannot read {raw!r} as a document number: expected an A-number "
                         "(A-208-304-911), a cédula (V-12.345.678), a DUI (01234567-8) or a "
                         "passport number (5 or more letters and digits).")
    return QueryIdentifier(raw, tuple(dict.fromkeys(readings)), frozenset(tokens))


def parse_query(name: str | None = None, dob: str | None = None,
                nationality: str | None = None, identifier: str | None = None) -> SearchQuery:
    """Read the criteria as typed; :class:`UsageError` for none at all or unreadable ones."""
    name = (name or "").strip() or None
    dob = (dob or "").strip() or None
    nationality = (nationality or "").strip() or None
    identifier = (identifier or "").strip() or None
    if not (name or dob or identifier):
        raise UsageError("Say whom to look for: a name, a date of birth (--dob) or a document "
                         "number (--id); a nationality alone is not enough.")
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
            raise UsageError(f"Cannot read the date of birth {dob!r}: expected "
                             f"{exc.expected}.") from exc
    country = None
    if nationality:
        country = normalise_country(nationality)
        if country is None:
            raise UsageError(f"Unknown country {nationality!r}: use a name (Venezuela) or an "
                             "ISO code (VEN).")
    ident = _read_identifier(identifier) if identifier else None
    return SearchQuery(given=given, surnames=surnames, given_written=given_w,
                       surnames_written=surnames_w, dob=when, nationality=country,
                       identifier=ident, name=name)


# --------------------------------------------------------------------------- keys of a query


def _query_keys(q: SearchQuery, given_keys: set[str],
                surname_sets: list[set[str]]) -> list[tuple[str, str]]:
    """(family, key text) to probe, most selective first."""
    keys: list[tuple[str, str]] = []
    if q.identifier is not None:
        keys += [("id", f"id|{t}") for t in sorted(q.identifier.tokens)]
    all_s: set[str] = set().union(*surname_sets) if surname_sets else set()
    pairs = set()
    for a in range(len(surname_sets)):
        for b in range(a + 1, len(surname_sets)):
            for sa in surname_sets[a]:
                for sb in surname_sets[b]:
                    if sa != sb:
                        pairs.add((min(sa, sb), max(sa, sb)))
    for sa, sb in sorted(pairs):
        keys += [("gss", f"gss|{g}|{sa}|{sb}") for g in sorted(given_keys)]
    keys += [("gs", f"gs|{g}|{s}") for g in sorted(given_keys) for s in sorted(all_s)]
    keys += [("ss", f"ss|{sa}|{sb}") for sa, sb in sorted(pairs)]
    dob = q.dob
    if dob is not None:
        if dob.earliest.year == dob.latest.year:
            year = dob.earliest.year
            keys[:0] = [("gsy", f"gsy|{g}|{s}|{year}") for g in sorted(given_keys)
                        for s in sorted(all_s)]
        if dob.is_exact:
            keys.append(("d", f"d|{dob.earliest.isoformat()}"))
            swapped = dob.swapped()
            if swapped is not None:
                keys.append(("d", f"d|{swapped.earliest.isoformat()}"))
    if not given_keys and dob is None:
        keys += [("s", f"s|{s}") for s in sorted(all_s)]
    return keys


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _PHONETIC_LETTERS}
    out |= {a + c + b for a, b in splits for c in _PHONETIC_LETTERS}
    out.discard(word)
    return {w for w in out if len(w) >= 2}


_TERMS = text("SELECT term FROM search_term WHERE kind = :kind AND term IN :terms"
              ).bindparams(bindparam("terms", expanding=True))


def _existing_terms(session: Session, kind: str, words: Iterable[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(set(words))
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        found.update(session.execute(_TERMS, {"kind": kind, "terms": chunk}).scalars())
    return found


def _expanded_keys(session: Session, q: SearchQuery) -> tuple[set[str], list[set[str]]]:
    """Given and surname keys widened to the indexed keys one edit away."""
    given = set(all_given_keys(q.given))
    for g in list(given):
        if g.startswith("#") and len(g) >= 5:
            given |= {"#" + t for t in _existing_terms(session, "g", _edits1(g[1:]))}
    surname_sets = []
    for s in q.surnames:
        keys = set(surname_keys(s))
        for k in list(keys):
            if len(k) >= 4:
                keys |= _existing_terms(session, "s", _edits1(k))
        surname_sets.append(keys)
    return given, surname_sets


def _probe(session: Session, keys: Sequence[tuple[str, str]], seen: set[str],
           hits: dict[int, float], truncated: list[str]) -> None:
    """Read the posting lists of ``keys`` (each up to its family's cap) in one query."""
    todo = []
    for family, key_text in keys:
        if key_text not in seen:
            seen.add(key_text)
            todo.append((family, key_text))
    for start in range(0, len(todo), 200):
        part = todo[start:start + 200]
        arms = [f"SELECT {i} AS k, record_id FROM (SELECT record_id FROM search_key "
                f"WHERE key = :k{i} LIMIT {CAPS[family] + 1}) AS t{i}"
                for i, (family, _) in enumerate(part)]
        params = {f"k{i}": key_hash(key_text) for i, (_, key_text) in enumerate(part)}
        per_key: dict[int, list[int]] = {}
        for i, rid in session.execute(text(" UNION ALL ".join(arms)), params):
            per_key.setdefault(i, []).append(rid)
        for i, rows in per_key.items():
            family = part[i][0]
            cap = CAPS[family]
            if len(rows) > cap:
                rows = rows[:cap]
                if family not in truncated:
                    truncated.append(family)
            w = HIT_WEIGHT[family]
            for rid in rows:
                hits[rid] = hits.get(rid, 0.0) + w


_LOAD = select(*SEARCH_RECORD_COLUMNS).where(
    SearchRecord.record_id.in_(bindparam("ids", expanding=True)))
_PERSONS = select(Link.record_id, Link.person_id).where(
    Link.record_id.in_(bindparam("ids", expanding=True)), Link.superseded_at.is_(None))
_DESCRIBE = (select(Record.id, Source.title, Record.record_key, Record.full_name)
             .join(Source, Source.id == Record.source_id)
             .where(Record.id.in_(bindparam("ids", expanding=True))))


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def _load(session: Session, record_ids: Sequence[int]) -> list[IndexedRecord]:
    conn = session.connection()
    return [IndexedRecord.from_row(r) for chunk in _chunks(record_ids)
            for r in conn.execute(_LOAD, {"ids": chunk})]


def _current_persons(session: Session, record_ids: Sequence[int]) -> dict[int, int]:
    conn = session.connection()
    return {rid: pid for chunk in _chunks(record_ids)
            for rid, pid in conn.execute(_PERSONS, {"ids": chunk})}


def _describe(session: Session,
              record_ids: Sequence[int]) -> dict[int, tuple[str, str, str | None]]:
    conn = session.connection()
    return {rid: (title, key, name) for chunk in _chunks(record_ids)
            for rid, title, key, name in conn.execute(_DESCRIBE, {"ids": chunk})}


# --------------------------------------------------------------------------- search


def search(store: Store, *, name: str | None = None, dob: str | None = None,
           nationality: str | None = None, identifier: str | None = None,
           limit: int = 10, min_score: float = MIN_SCORE) -> SearchResult:
    """Ranked candidate persons with the search's own status (see the module doc)."""
    if limit < 1:
        raise UsageError("--limit must be at least 1.")
    q = parse_query(name, dob, nationality, identifier)
    with store.read() as session:
        result = SearchResult(query=q, candidates=[])
        scored: dict[int, Scored] = {}
        scorer = QueryScorer(q)

        def score_many(records: Iterable[IndexedRecord]) -> None:
            for rec in records:
                if rec.record_id not in scored:
                    scored[rec.record_id] = scorer.score(rec)

        hits: dict[int, float] = {}
        seen: set[str] = set()
        given_keys = all_given_keys(q.given)
        surname_sets = [set(surname_keys(s)) for s in q.surnames]
        _probe(session, _query_keys(q, given_keys, surname_sets), seen, hits,
               result.truncated)
        top = heapq.nlargest(MAX_SCORED, hits, key=hits.__getitem__)
        score_many(_load(session, top))
        best = max((s.score for s in scored.values()), default=0.0)
        if best < EXPAND_BELOW and (q.given or q.surnames):
            result.expanded = True
            g2, s2 = _expanded_keys(session, q)
            if g2 != given_keys or s2 != surname_sets:
                hits2: dict[int, float] = {}
                _probe(session, _query_keys(q, g2, s2), seen, hits2, result.truncated)
                for rid in scored:
                    hits2.pop(rid, None)
                score_many(_load(session, heapq.nlargest(MAX_SCORED, hits2,
                                                         key=hits2.__getitem__)))
        unindexed, total = unindexed_ids(session, limit=SCAN_LIMIT)
        result.unindexed, result.scanned = total, len(unindexed)
        if unindexed:
            score_many(iter_indexed(session, unindexed))
        result.scored = len(scored)

        good = [s for s in scored.values() if s.score >= min_score]
        persons = _current_persons(session, [s.record.record_id for s in good])
        by_person: dict[int, list[Scored]] = {}
        for s in good:
            pid = persons.get(s.record.record_id)
            if pid is not None:
                by_person.setdefault(pid, []).append(s)
        ranked = sorted(by_person.items(), key=lambda kv: (
            -max(s.score for s in kv[1]), -max(s.weight for s in kv[1]), kv[0]))[:limit]
        shown = [s.record.record_id for _, ss in ranked for s in ss]
        described = _describe(session, shown)
        for pid, ss in ranked:
            ss.sort(key=lambda s: (-s.score, -s.weight, s.record.record_id))
            best_s = ss[0]
            records = []
            for s in ss:
                title, key, written = described.get(s.record.record_id, (None, None, None))
                records.append(MatchedRecord(s.record.record_id, s.score, title, key, written))
            result.candidates.append(Candidate(pid, best_s.score, best_s.reasons, records))
    return result


def find(store: Store, *, name: str | None = None, dob: str | None = None,
         nationality: str | None = None, identifier: str | None = None,
         limit: int = 10) -> list[Candidate]:
    """Ranked candidate persons for any mix of name, date of birth, nationality and
    document number (see the module doc). Raises :class:`UsageError` for no criteria
    or an unreadable date, country or document number. Use :func:`search` to also
    learn whether the index was complete."""
    return search(store, name=name, dob=dob, nationality=nationality, identifier=identifier,
                  limit=limit).candidates
