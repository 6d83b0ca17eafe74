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
given_all            phonetic keys of every given name (initials left out)
sur1, sur2           first and second surname, compact ("de la cruz" →
                     "delacruz"; a hyphenated pair was split by the parser);
                     ``tf_sur1`` the frequency of ``sur1``
sk1, sk2             Spanish phonetic keys of sur1 / sur2
surset               both surnames, sorted ("gonzalez rodriguez"), when there are
                     two; ``tf_surset`` its frequency (order-free, so the same
                     frequency serves "same order" and "swapped")
name_keys            name blocking keys (:func:`cap_block_keys`): the set of both
                     surname keys, and surname key × given-name key (sound and
                     variant group), so a missing second surname, swapped
                     surnames, "Delacruz" vs "Cruz" and nicknames still meet in
                     one block; ``i:`` surname key × given-name initial; a key held
                     by more than ``BLOCK_CAP`` (50) records is replaced by a finer
                     one (surname set × given-name key), and one still oversized
                     is cut into sorted windows (:func:`cap_block_keys`)
typo_keys            the first given name's sound × the first surname with one
                     letter deleted (:func:`_typo_key_candidates`), capped like
                     ``name_keys``; compared only where a record has no exact date
dob                  ISO date of birth when known to the day
dob_sw               the same date with day and month swapped (null when the
                     swap is not a valid, different date)
dob_year             the year when the uncertain date lies within one year
dob_lo, dob_hi       the uncertain date's range (ISO), for an overlap level
initials             first letters of given1 and sur1, sorted
dob_keys             date-of-birth blocking keys: the date × each surname key,
                     × the given name's keys, × the initials; the year × each
                     name's key (:func:`_dob_key_candidates`), capped like
                     ``name_keys``
sex, nationality     as stored (nationality ISO-3)
a_number, cedula_ve, dui_sv
                     the first *valid* normalised identifier of that type
other_id             ``type:value`` of the first valid cedula_co / passport /
                     national_id
ids                  every valid ``type:value`` (used by the constraints)
name_only            the record has no valid identifier and no date of birth
street, addr_no,     place of residence (``record.residence``): street, house
addr, addr2,         number, both together, second address line, locality,
locality, postcode,  postcode, region; ``res_keys`` its capped blocking keys
region, res_keys     (:mod:`habeas.linkage.residence`); ``tf_addr``,
                     ``tf_locality`` term frequencies
===================  ===========================================================

Speed: names repeat a lot, so every per-token function is memoised
(``functools.cache``); the rest is column arithmetic. One million records
featurise in seconds; the database read dominates.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, select

from habeas.linkage.blocking_keys import (
    BLOCK_CAP,
    _dob_key_candidates,
    _given_keys,
    _lists,
    _name_key_candidates,
    _sort_order,
    _typo_key_candidates,
    cap_block_keys,
)
from habeas.linkage.record_columns import (
    ID_TYPES,
    MAIN_ID_TYPES,
    OTHER_ID_TYPES,
    _dob_columns,
    _given_row,
    _identifier_columns,
    _initials,
    _names,
    _per_value,
    _surname_or_only_name,
    _surname_row,
    infer_types,
)
from habeas.linkage.residence import residence_columns, residence_keys, stored_text
from habeas.store.db import Store
from habeas.store.schema import Link, Record, RecordIdentifier, Source

# Re-exported: callers and tests import these from here.
__all__ = [
    "BLOCK_CAP",
    "ID_TYPES",
    "MAIN_ID_TYPES",
    "OTHER_ID_TYPES",
    "_given_keys",
    "_lists",
    "cap_block_keys",
    "featurise",
    "featurise_rows",
    "infer_types",
    "load_features",
]

TF_COLUMNS = ("given1", "sur1", "surset", "addr", "locality")
MIN_TF_VALUES = 200  # term frequencies are used only when estimated from this many values
READ_BATCH = 100_000  # rows read from the store at a time (load_features)


RAW_COLUMNS = [
    "unique_id",
    "source_id",
    "rpp",
    "person_id",
    "method",
    "given_names",
    "surnames",
    "dob_lo",
    "dob_hi",
    "dob_precision",
    "sex",
    "nationality",
]
#: What :func:`load_features` reads: :data:`RAW_COLUMNS` and the residence (JSON text).
STORE_COLUMNS = [*RAW_COLUMNS, "residence"]
ID_COLUMNS = ["record_id", "id_type", "value"]


SHARED_DOB_COLUMNS = ("dob", "dob_lo", "dob_hi")


def _shared(values: Any) -> np.ndarray:
    """``values`` (strings, None where missing) with one object per distinct string.

    The database hands back a new string per row: a million records' dates,
    nationalities and methods would each hold a million copies of a few thousand values.
    """
    codes, uniques = pd.factorize(pd.Series(values, dtype="object"), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[: len(uniques)] = np.asarray(uniques, dtype=object)
    table[-1] = None  # code -1: missing
    return table[codes]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block (and resumed after it, if it ran).

    Featurising allocates a few small containers per record and per distinct name (key
    lists, name tuples, rows read from the store), nearly none of them in a reference
    cycle (about a hundred cyclic objects for 10,000 records), so the collector finds
    nothing there; but each of its passes walks every object the process holds, memoised
    names included, and a full pass was 0.2 CPU s of a 2 s link (FEBRL4, in a process that
    had linked before).
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


@collector_paused()
def featurise(
    raw: pd.DataFrame, identifiers: pd.DataFrame, *, block_cap: int = BLOCK_CAP
) -> pd.DataFrame:
    """The feature frame (module doc) from raw record columns and valid identifiers.

    ``raw``: :data:`RAW_COLUMNS`; ``given_names``/``surnames`` as stored (JSON
    text or a sequence of folded names), dates as ISO strings (or None);
    optionally ``residence`` (JSON text or a dict, as stored; absent = none).
    ``identifiers``: :data:`ID_COLUMNS`, valid normalised values only, in the
    order they were stored (the first of a type is the one compared).
    """
    raw = raw.reset_index(drop=True)
    record_ids = raw["unique_id"].astype("int64")
    given_values = raw["given_names"].map(_names, na_action="ignore")
    surname_values = raw["surnames"].map(_names, na_action="ignore")
    g1, g2, gkeys, gall = _per_value(given_values, lambda v: _given_row(v or ()), 4)
    s1, s2, k1, k2, surset = _per_value(surname_values, lambda v: _surname_row(v or ()), 5)
    both = pd.Series(list(zip(g1, surname_values, strict=True)), dtype="object")
    coarse, finer, typo = _per_value(
        both,
        lambda v: (
            *_name_key_candidates(v[0], v[1] or ()),
            _typo_key_candidates(v[0], v[1] or ()),
        ),
        3,
    )
    dobs = _dob_columns(raw["dob_lo"], raw["dob_hi"], raw["dob_precision"])
    years = np.full(len(raw), None, dtype=object)  # Python ints, None where unknown
    known = dobs["dob_year"].notna().to_numpy()
    years[known] = dobs["dob_year"][known].astype("int64").tolist()
    residence = (
        raw["residence"] if "residence" in raw else pd.Series(None, index=raw.index, dtype="object")
    )
    places = residence_columns(residence)
    with_dob = pd.Series(
        list(zip(dobs["dob"], years, g1, surname_values, places["locality"], strict=True)),
        dtype="object",
    )
    (dob_candidates,) = _per_value(
        with_dob, lambda v: (_dob_key_candidates(v[0], v[1], v[2], v[3] or (), v[4]),), 1
    )
    docs = _identifier_columns(record_ids, identifiers)
    order = _sort_order(g1, g2, s1, s2, dobs["dob"])
    frame = pd.DataFrame(
        {
            "unique_id": record_ids,
            "source_id": raw["source_id"],
            "rpp": raw["rpp"].fillna(False).astype(bool),
            "person_id": raw["person_id"].astype("Int64"),
            "method": _shared(raw["method"]),
            "given1": g1,
            "given2": g2,
            "given_keys": gkeys,
            "given_all": gall,
            "sur1": s1,
            "sur2": s2,
            "sk1": k1,
            "sk2": k2,
            "surset": surset,
            "name_keys": cap_block_keys(pd.Series(coarse), pd.Series(finer), block_cap, order),
            "typo_keys": cap_block_keys(
                pd.Series(typo),
                pd.Series([()] * len(raw), dtype="object"),
                block_cap,
                order,
            ),
            **{k: _shared(v) if k in SHARED_DOB_COLUMNS else v for k, v in dobs.items()},
            "dob_keys": cap_block_keys(
                pd.Series(dob_candidates),
                pd.Series([()] * len(raw), dtype="object"),
                block_cap,
                order,
            ),
            "sex": _shared(
                raw["sex"].astype("object").where(raw["sex"].notna() & (raw["sex"] != ""), None)
            ),
            "nationality": _shared(
                raw["nationality"]
                .astype("object")
                .where(raw["nationality"].notna() & (raw["nationality"] != ""), None)
            ),
            **{t: docs[t] for t in MAIN_ID_TYPES},
            "other_id": docs["other_id"],
            "ids": docs["ids"],
            **places,
            "res_keys": pd.Series(
                residence_keys(places, _surname_or_only_name(k1, s1, g1, g2), block_cap),
                dtype="object",
            ),
        }
    )
    frame["initials"] = _shared(_initials(frame["given1"], frame["sur1"]))
    frame["name_only"] = (frame["ids"].map(len) == 0) & frame["dob_lo"].isna()
    add_term_frequencies(frame)
    return frame


@collector_paused()
def featurise_rows(
    rows: Iterable[tuple[Any, ...]],
    identifiers: dict[int, list[tuple[str, str]]],
    *,
    residences: dict[int, dict[str, str]] | None = None,
    block_cap: int = BLOCK_CAP,
) -> pd.DataFrame:
    """Build the feature frame from raw tuples (for callers without a store).

    Each row: ``(record_id, source_id, one_row_per_person, person_id, method,
    given_names, surnames, dob_earliest, dob_latest, dob_precision, sex,
    nationality)`` with dates as ``datetime.date``; ``identifiers`` maps a
    record id to ``(id_type, value)`` pairs of *valid* identifiers; ``residences``
    a record id to its residence fields as written (``record.residence``).
    """
    raw = pd.DataFrame.from_records(list(rows), columns=RAW_COLUMNS)
    if residences:
        raw["residence"] = raw["unique_id"].map(lambda rid: stored_text(residences.get(int(rid))))
    for column in ("dob_lo", "dob_hi"):
        raw[column] = raw[column].map(lambda d: None if d is None else d.isoformat())
    for column in ("given_names", "surnames"):
        raw[column] = raw[column].map(lambda v: tuple(v or ()))
    ids = pd.DataFrame(
        [(rid, t, v) for rid, pairs in identifiers.items() for t, v in pairs], columns=ID_COLUMNS
    )
    return featurise(raw, ids, block_cap=block_cap)


def add_term_frequencies(frame: pd.DataFrame) -> None:
    """Add ``tf_<column>`` for :data:`TF_COLUMNS`: each value's share of the non-null values.

    Splink uses a hard-coded ``tf_<column>`` when the input has one, so the
    same frequencies serve training, ``predict`` and ``predict_between``. With
    fewer than ``MIN_TF_VALUES`` values the column is left empty (no adjustment).
    """
    for column in TF_COLUMNS:
        values = frame[column]
        if values.notna().sum() < MIN_TF_VALUES:
            # A share among a handful of records is noise (two records of one
            # person already make a name "common"): no adjustment at all.
            frame[f"tf_{column}"] = pd.Series(float("nan"), index=frame.index, dtype="float64")
            continue
        codes, _uniques = pd.factorize(values)  # -1: missing
        known = codes >= 0
        counts = np.bincount(codes[known])
        shares = np.full(len(values), np.nan)
        shares[known] = counts[codes[known]] / known.sum()
        frame[f"tf_{column}"] = pd.Series(shares, index=frame.index, dtype="float64")


@collector_paused()
def load_features(store: Store, record_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every record of the store (or those listed) with its current link, featurised.

    Only the columns the model needs are read, as plain text (names as their
    stored JSON, dates as ISO strings): the decoding happens once per distinct
    value in :func:`featurise`, not once per row in the database layer. Term
    frequencies are computed over the records loaded.
    """
    wanted = None if record_ids is None else sorted(set(record_ids))
    query = (
        select(
            Record.id,
            Record.source_id,
            Source.one_row_per_person,
            Link.person_id,
            Link.method,
            cast(Record.given_names, Text),
            cast(Record.surnames, Text),
            cast(Record.dob_earliest, Text),
            cast(Record.dob_latest, Text),
            Record.dob_precision,
            Record.sex,
            Record.nationality,
            cast(Record.residence, Text),
        )
        .join(Source, Source.id == Record.source_id)
        .join(Link, (Link.record_id == Record.id) & Link.superseded_at.is_(None))
        .order_by(Record.id)
    )
    id_query = (
        select(RecordIdentifier.record_id, RecordIdentifier.id_type, RecordIdentifier.value)
        .where(RecordIdentifier.valid.is_(True), RecordIdentifier.value.is_not(None))
        .order_by(RecordIdentifier.id)
    )
    raw_parts: list[pd.DataFrame] = []
    id_parts: list[pd.DataFrame] = []
    chunks: list[list[int] | None] = (
        [None] if wanted is None else [wanted[i : i + 900] for i in range(0, len(wanted), 900)]
    )
    with store.read() as s:
        connection = s.connection()
        for chunk in chunks:
            q, iq = query, id_query
            if chunk is not None:
                q = q.where(Record.id.in_(chunk))
                iq = iq.where(RecordIdentifier.record_id.in_(chunk))
            # In batches: a million rows held as row objects cost more than their columns.
            for rows in connection.execute(q).partitions(READ_BATCH):
                raw_parts.append(pd.DataFrame(rows, columns=STORE_COLUMNS))
            for id_rows in connection.execute(iq).partitions(READ_BATCH):
                id_parts.append(pd.DataFrame(id_rows, columns=ID_COLUMNS))
    raw = _concat(raw_parts, STORE_COLUMNS)
    ids = _concat(id_parts, ID_COLUMNS)
    del raw_parts, id_parts
    ids["value"] = ids["value"].astype(str)
    return featurise(raw, ids)


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    parts.clear()
    return out
