"""The keys of the find-a-person index: what a record is filed under, and their hashes.

Each record is indexed (:mod:`habeas.search.index`) under a handful of compound keys
that a noisy query still reproduces, each rare enough that its posting list is short;
a query computes its own keys the same way (:mod:`habeas.search.query`).

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
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from habeas.domain.names import PARTICLES
from habeas.domain.nicknames import given_name_keys
from habeas.domain.phonetic import spanish_key


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
    return name_terms({rec.given}, set(rec.surnames))


def name_terms(givens: Iterable[Sequence[str]], surnames: Iterable[str]) -> set[tuple[str, str]]:
    """The vocabulary entries of records with these given names (each record's, as a
    whole) and surnames: each distinct name is looked at once, not once per record."""
    terms = {("g", k[1:]) for given in givens for k in all_given_keys(given) if k.startswith("#")}
    for s in surnames:
        terms.update(("s", k) for k in surname_keys(s))
    return {t for t in terms if len(t[1]) <= 128}
