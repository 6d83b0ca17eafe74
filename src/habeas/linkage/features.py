"""Records → one row of matching features each (a pandas DataFrame Splink reads).

What the model compares is decided here, once, in Python, so that the SQL the
linkage model runs stays simple equalities, array intersections and string
distances. Every name feature is derived from the folded ``given_names`` /
``surnames`` lists the importer stored (:mod:`habeas.domain.names`):

===================  ===========================================================
column               meaning
===================  ===========================================================
unique_id            the record id
source_id            the record's source; ``rpp`` = the source is declared
                     "one row per person" (a manifest)
person_id, method    the record's current link (person, ``import``/``model``/…)
given1               first given name (``"jose"``); ``tf_given1`` its relative
                     frequency among all records (Splink's term-frequency
                     adjustment reads this hard-coded column)
given2               second given name or middle initial (``"g"``)
given_keys           every key the first given name can stand for: itself,
                     canonical names of a nickname, its variant group,
                     phonetic keys (:func:`habeas.domain.nicknames.given_name_keys`)
given_all            phonetic keys of every given name
sur1, sur2           first and second surname, compact ("de la cruz" →
                     "delacruz"; a hyphenated pair was split by the parser);
                     ``tf_sur1`` the frequency of ``sur1``
sk1, sk2             Spanish phonetic keys of sur1 / sur2
name_keys            blocking keys: every (surname key × given-name key) pair,
                     surname keys taken with and without particles, so a
                     missing second surname, swapped surnames, "Delacruz" vs
                     "Cruz" and nicknames still meet in one block
dob                  ISO date of birth when known to the day
dob_sw               the same date with day and month swapped (null when the
                     swap is not a valid, different date)
dob_year             the year when the uncertain date lies within one year
dob_lo, dob_hi       the uncertain date's range (ISO), for an overlap level
sex, nationality     as stored (nationality ISO-3)
a_number, cedula_ve, dui_sv
                     the first *valid* normalised identifier of that type
other_id             ``type:value`` of the first valid cedula_co / passport /
                     national_id
ids                  every valid ``type:value`` (used by the constraints)
name_only            the record has no valid identifier and no date of birth
===================  ===========================================================

Speed: names repeat a lot, so every per-token function is memoised
(``functools.cache``); the rest is column arithmetic. One million records
featurise in seconds; the database read dominates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

import pandas as pd
from sqlalchemy import select

from habeas.domain.names import PARTICLES
from habeas.domain.nicknames import given_name_keys
from habeas.domain.phonetic import spanish_key
from habeas.store.db import Store
from habeas.store.schema import Link, Record, RecordIdentifier, Source

MAIN_ID_TYPES = ("a_number", "cedula_ve", "dui_sv")
OTHER_ID_TYPES = ("cedula_co", "passport", "national_id")
ID_TYPES = MAIN_ID_TYPES + OTHER_ID_TYPES


@cache
def _compact(surname: str) -> str:
    return surname.replace(" ", "")


@cache
def _head(surname: str) -> str:
    """The surname without leading particles: "de la cruz" → "cruz"."""
    words = [w for w in surname.split() if w not in PARTICLES]
    return "".join(words) if words else surname.replace(" ", "")


@cache
def _key(token: str) -> str | None:
    return spanish_key(token) or None


@cache
def _given_keys(token: str) -> tuple[str, ...]:
    return tuple(sorted(given_name_keys(token)))


@cache
def _name_keys(given1: str | None, surnames: tuple[str, ...]) -> tuple[str, ...]:
    if not surnames:
        return ()
    skeys: set[str] = set()
    for s in surnames:
        for form in (_compact(s), _head(s)):
            k = _key(form)
            if k:
                skeys.add(k)
    gkeys = _given_keys(given1) if given1 else ("",)
    # Canonical names and phonetic keys only (the written form is one of them).
    gkeys = tuple(g for g in gkeys if not g.startswith("~")) or gkeys
    return tuple(sorted(f"{s}|{g}" for s in skeys for g in gkeys))


def _swap(d: date) -> str | None:
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return date(d.year, d.day, d.month).isoformat()
    except ValueError:
        return None


def _given_row(given: list[str]) -> tuple[Any, ...]:
    names = [g for g in given if g]
    g1 = names[0] if names else None
    g2 = names[1] if len(names) > 1 else None
    keys = list(_given_keys(g1)) if g1 else None
    all_keys = sorted({k for g in names if (k := _key(g.replace(" ", "")))}) or None
    return g1, g2, keys, all_keys


def _surname_row(surnames: list[str]) -> tuple[Any, ...]:
    s = [x for x in surnames if x]
    s1 = _compact(s[0]) if s else None
    s2 = _compact(s[1]) if len(s) > 1 else None
    return s1, s2, (_key(s1) if s1 else None), (_key(s2) if s2 else None)


def _dob_row(lo: date | None, hi: date | None, precision: str | None) -> tuple[Any, ...]:
    if lo is None or hi is None:
        return None, None, None, None, None
    exact = precision == "exact" and lo == hi
    return (lo.isoformat() if exact else None, _swap(lo) if exact else None,
            lo.year if lo.year == hi.year else None, lo.isoformat(), hi.isoformat())


COLUMNS = ["unique_id", "source_id", "rpp", "person_id", "method",
           "given1", "given2", "given_keys", "given_all", "sur1", "sur2", "sk1", "sk2",
           "name_keys", "dob", "dob_sw", "dob_year", "dob_lo", "dob_hi", "sex",
           "nationality", *MAIN_ID_TYPES, "other_id", "ids", "name_only"]


def featurise_rows(rows: Iterable[tuple[Any, ...]],
                   identifiers: dict[int, list[tuple[str, str]]]) -> pd.DataFrame:
    """Build the feature frame from raw tuples (the pure core of :func:`load_features`).

    Each row: ``(record_id, source_id, one_row_per_person, person_id, method,
    given_names, surnames, dob_earliest, dob_latest, dob_precision, sex,
    nationality)``; ``identifiers`` maps a record id to ``(id_type, value)``
    pairs of *valid* identifiers. Usable without a store (benchmarks, tests).
    """
    out: list[tuple[Any, ...]] = []
    for (rid, sid, rpp, pid, method, given, surnames, lo, hi, prec, sex, nat) in rows:
        g1, g2, gkeys, gall = _given_row(list(given or []))
        s1, s2, k1, k2 = _surname_row(list(surnames or []))
        nkeys = list(_name_keys(g1, tuple(x for x in (surnames or []) if x))) or None
        dob, dob_sw, year, dlo, dhi = _dob_row(lo, hi, prec)
        by_type: dict[str, str] = {}
        all_ids: list[str] = []
        for id_type, value in identifiers.get(rid, ()):
            by_type.setdefault(id_type, value)
            all_ids.append(f"{id_type}:{value}")
        other = next((f"{t}:{by_type[t]}" for t in OTHER_ID_TYPES if t in by_type), None)
        name_only = not all_ids and dlo is None
        out.append((rid, sid, bool(rpp), pid, method, g1, g2, gkeys, gall, s1, s2, k1, k2,
                    nkeys, dob, dob_sw, year, dlo, dhi, sex or None, nat or None,
                    *(by_type.get(t) for t in MAIN_ID_TYPES), other,
                    sorted(set(all_ids)), name_only))
    frame = pd.DataFrame.from_records(out, columns=COLUMNS)
    frame["dob_year"] = frame["dob_year"].astype("Int64")
    frame["person_id"] = frame["person_id"].astype("Int64")
    add_term_frequencies(frame)
    return frame


def add_term_frequencies(frame: pd.DataFrame) -> None:
    """Add ``tf_given1`` and ``tf_sur1``: each value's share of the non-null values.

    Splink uses a hard-coded ``tf_<column>`` when the input has one, so the
    same frequencies serve training, ``predict`` and ``predict_between``.
    """
    for column in ("given1", "sur1"):
        values = frame[column]
        shares = values.map(values.value_counts(normalize=True))
        frame[f"tf_{column}"] = shares.astype("float64")


def load_features(store: Store, record_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every record of the store (or those listed) with its current link, featurised.

    Term frequencies are computed over the records loaded.
    """
    wanted = None if record_ids is None else sorted(set(record_ids))
    query = (select(Record.id, Record.source_id, Source.one_row_per_person, Link.person_id,
                    Link.method, Record.given_names, Record.surnames, Record.dob_earliest,
                    Record.dob_latest, Record.dob_precision, Record.sex, Record.nationality)
             .join(Source, Source.id == Record.source_id)
             .join(Link, (Link.record_id == Record.id) & Link.superseded_at.is_(None))
             .order_by(Record.id))
    id_query = (select(RecordIdentifier.record_id, RecordIdentifier.id_type,
                       RecordIdentifier.value)
                .where(RecordIdentifier.valid.is_(True), RecordIdentifier.value.is_not(None))
                .order_by(RecordIdentifier.id))
    rows: list[tuple[Any, ...]] = []
    identifiers: dict[int, list[tuple[str, str]]] = {}
    chunks: list[list[int] | None] = [None] if wanted is None else [
        wanted[i:i + 900] for i in range(0, len(wanted), 900)]
    with store.read() as s:
        for chunk in chunks:
            q, iq = query, id_query
            if chunk is not None:
                q = q.where(Record.id.in_(chunk))
                iq = iq.where(RecordIdentifier.record_id.in_(chunk))
            rows.extend(tuple(r) for r in s.execute(q))
            for rid, id_type, value in s.execute(iq):
                identifiers.setdefault(rid, []).append((id_type, str(value)))
    return featurise_rows(rows, identifiers)
