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

import json
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, select

from habeas.domain.names import PARTICLES, TITLES
from habeas.domain.phonetic import spanish_key
from habeas.linkage.given_equivalents import given_keys
from habeas.linkage.residence import residence_columns, residence_keys, stored_text
from habeas.store.db import Store
from habeas.store.schema import Link, Record, RecordIdentifier, Source

MAIN_ID_TYPES = ("a_number", "cedula_ve", "dui_sv")
OTHER_ID_TYPES = ("cedula_co", "passport", "national_id")
ID_TYPES = MAIN_ID_TYPES + OTHER_ID_TYPES
TF_COLUMNS = ("given1", "sur1", "surset", "addr", "locality")
MIN_TF_VALUES = 200  # term frequencies are used only when estimated from this many values
BLOCK_CAP = 50  # records sharing one name blocking key at most (see cap_block_keys)
DELETION_MIN = 5  # letters a surname needs for its one-deletion blocking keys
WINDOW = 10  # records in one window of an oversized block (see cap_block_keys)
READ_BATCH = 100_000  # rows read from the store at a time (load_features)


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
    return given_keys(token)


@cache
def _name_key_candidates(
    given1: str | None, surnames: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(coarse keys, finer keys used where a coarse block is oversized) of one name.

    Coarse: ``p:`` the set of both surname keys (order-free; given names may
    differ: typos, variants) and ``s:`` one surname key × one given-name key
    (a missing or swapped second surname, "Delacruz" vs "Cruz"). Finer:
    ``g:`` the surname set × one given-name key, for records whose ``p:``
    block is too common ("González Rodríguez").
    """
    if not surnames:
        return (), ()
    skeys: set[str] = set()
    for s in surnames:
        for form in (_compact(s), _head(s)):
            k = _key(form)
            if k:
                skeys.add(k)
    # Keys of sound and of variant group only: the written form and a
    # nickname's canonical name each have a phonetic key already.
    gkeys = tuple(g for g in (_given_keys(given1) if given1 else ()) if g[0] in "#~")
    coarse = [f"s:{s}|{g}" for s in sorted(skeys) for g in gkeys]
    if given1:
        # A typo in the given name that changes its sound ("vaughan" / "vsughan"),
        # on a record with no date of birth: surname key × first letter.
        coarse += [f"i:{s}|{given1[0]}" for s in sorted(skeys)]
    finer: list[str] = []
    first_two = [k for s in surnames[:2] if (k := _key(_compact(s)))]
    if len(first_two) == 2:
        pair = "|".join(sorted(first_two))
        coarse.append(f"p:{pair}")
        finer = [f"g:{pair}|{g}" for g in gkeys]
    return tuple(coarse), tuple(finer)


@cache
def _typo_key_candidates(given1: str | None, surnames: tuple[str, ...]) -> tuple[str, ...]:
    """Keys for a typo in the only surname two records share that changes its sound
    ("Kendall" / "Kendal", "Beatson" / "Bestson"): the given name's sound × the first
    surname with any one letter deleted (a substitution, insertion or deletion leaves
    one such form in common). The model compares such pairs only where a record has no
    date of birth to the day (:data:`habeas.linkage.model.BLOCKING_RULES`): two dated
    records already meet on the date and a name, and "Schmidt" / "Schmitt" with dates a
    keystroke apart are two people as often as one.
    """
    if not given1 or len(given1) < 2 or not surnames:
        return ()
    own = _key(given1)
    if not own:
        return ()
    return tuple(f"{own}|{d}" for d in _deletions(_compact(surnames[0])))


@cache
def _deletions(surname: str) -> tuple[str, ...]:
    """The surname and every form of it with one letter deleted, for surnames of at least
    :data:`DELETION_MIN` letters (shorter ones would meet too many other names)."""
    if len(surname) < DELETION_MIN:
        return ()
    return tuple(sorted({surname} | {surname[:i] + surname[i + 1 :] for i in range(len(surname))}))


@cache
def _dob_key_candidates(
    dob: str | None,
    year: int | None,
    given1: str | None,
    surnames: tuple[str, ...],
    locality: str | None = None,
) -> tuple[str, ...]:
    """Date-of-birth blocking keys.

    The exact date × each surname key (first, second, without particles: a missing
    or extra surname still meets), × the given name's sound and variant keys, × the
    sorted initials of given name and first surname (a typo in both names' sounds,
    or the names written in each other's field). And the **year** × the key of
    every name, given or surname: a typo in the day or month, a date known only to
    the year, a name written in the other field.
    """
    keys: set[str] = set()
    if dob:
        keys |= {
            f"{dob}|s:{k}"
            for s in surnames
            for form in (_compact(s), _head(s))
            if (k := _key(form))
        }
        if given1:
            keys |= {f"{dob}|g:{g}" for g in _given_keys(given1) if g[0] in "#~"}
            first = _compact(surnames[0])[:1] if surnames else ""
            keys.add(f"{dob}|i:{''.join(sorted(given1[:1] + first))}")
        if isinstance(locality, str) and locality:
            # The date and the town: both names garbled or missing ("Baronet", "Bt").
            keys.add(f"{dob}|l:{locality}")
    if year is not None:
        names = [given1] if given1 and len(given1) > 1 else []
        keys |= {f"y{year}|n:{k}" for n in [*names, *surnames] if (k := _key(_compact(n)))}
    return tuple(sorted(keys))


def cap_block_keys(
    coarse: pd.Series,
    finer: pd.Series,
    cap: int,
    order: pd.Series | None = None,
    window: int = WINDOW,
) -> pd.Series:
    """Each record's blocking keys, no key shared by more than ``cap`` records.

    A record keeps its coarse keys whose block holds at most ``cap`` records;
    when any coarse key is oversized it also takes its finer keys (again only
    those within the cap). A block still oversized — a name as common as "José
    González" or "Gerd Hoffmann" — is **split, never dropped**: its records are
    sorted by ``order`` (the name, then the date of birth: see
    :func:`_sort_order`) and cut into overlapping windows of ``window`` records
    (``key#0``, ``key#1``, …; each record in two), so every record still meets
    its neighbours in that order — the sorted-neighbourhood method. Pairs per
    block are then at most ``cap²/2`` and the total grows about linearly with
    the number of records.
    """
    n = len(coarse)
    c, f = _exploded(coarse), _exploded(finer)
    c_pos, c_val = c.index.to_numpy(), c.to_numpy()
    f_pos, f_val = f.index.to_numpy(), f.to_numpy()
    # Keys as integer codes: block sizes are counted and looked up as arrays (a million
    # records hold tens of millions of key strings).
    codes, uniques = pd.factorize(np.concatenate([c_val, f_val]))
    counts = np.bincount(codes, minlength=len(uniques))
    c_ok = counts[codes[: len(c_val)]] <= cap
    f_small = counts[codes[len(c_val) :]] <= cap
    del codes, uniques, counts
    lost = np.zeros(n, dtype=bool)
    lost[c_pos[~c_ok]] = True
    in_lost = lost[f_pos]
    f_ok = f_small & in_lost
    f_over = ~f_small & in_lost
    over = pd.Series(
        np.concatenate([c_val[~c_ok], f_val[f_over]]),
        index=np.concatenate([c_pos[~c_ok], f_pos[f_over]]),
        dtype="object",
    )
    windows = _windows(over, order, window)
    # per record: coarse, finer, windows
    positions = np.concatenate([c_pos[c_ok], f_pos[f_ok], windows.index.to_numpy()])
    values = np.concatenate([c_val[c_ok], f_val[f_ok], windows.to_numpy()])
    return pd.Series(_lists(positions, values, n), dtype="object")


def _exploded(keys: pd.Series) -> pd.Series:
    """One row per (record position, key), the positions 0..n-1; records without keys left out."""
    out = keys.reset_index(drop=True).explode()
    out = out[out.notna()]
    return out if len(out) else pd.Series([], index=np.array([], dtype=np.int64), dtype="object")


def _windows(over: pd.Series, order: pd.Series | None, window: int) -> pd.Series:
    """Window keys (record position → ``key#k``) for oversized keys (see cap_block_keys)."""
    if not len(over):
        return pd.Series([], dtype="object")
    half = max(window // 2, 1)
    table = pd.DataFrame({"pos": over.index.to_numpy(), "key": over.to_numpy()})
    table["sort"] = (
        ""
        if order is None
        else order.reset_index(drop=True).reindex(table["pos"]).fillna("").to_numpy()
    )
    table = table.sort_values(["key", "sort", "pos"], kind="stable")
    step = table.groupby("key", sort=False).cumcount().to_numpy() // half
    pos = table["pos"].to_numpy()
    # One string per window, shared by its records (not one per record and key): at a
    # million records the window keys would otherwise be most of the frame's memory.
    codes, keys = pd.factorize(table["key"].astype(str))
    span = int(step.max()) + 1
    windows, inverse = np.unique(codes * span + step, return_inverse=True)
    names = np.array(
        [f"{keys[w // span]}#{w % span}" for w in windows.tolist()] or [""], dtype=object
    )
    first = pd.Series(names[inverse], index=pos, dtype="object")
    has_prev = step > 0
    # window w - 1 of a key exists whenever window w does (steps count up from 0)
    previous = np.searchsorted(windows, codes[has_prev] * span + step[has_prev] - 1)
    second = pd.Series(names[previous], index=pos[has_prev], dtype="object")
    return pd.concat([first, second])


def _sort_order(given1: Any, given2: Any, sur1: Any, sur2: Any, dob: Any) -> pd.Series:
    """Each record's place in an oversized block: names, then the date of birth."""
    parts = [pd.Series(x, dtype="object").fillna("~") for x in (given1, sur1, given2, sur2, dob)]
    out = parts[0]
    for part in parts[1:]:
        out = out + "|" + part
    return out


def _lists(positions: np.ndarray, values: np.ndarray, n: int) -> list[list[Any] | None]:
    """Gather ``values`` into one list per position ``0..n-1`` (None where there is none).

    Order within a list follows the input order (a stable sort by position).
    """
    order = np.argsort(positions, kind="stable")
    ordered = values[order].tolist()
    # each position's values are one slice of the sorted ones (no append per value)
    ends = np.cumsum(np.bincount(positions.astype(np.int64), minlength=n)[:n])
    starts = np.concatenate([[0], ends[:-1]]) if n else ends
    return [
        ordered[s:e] if e > s else None for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def _swap(iso: str) -> str | None:
    d = date.fromisoformat(iso)
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return date(d.year, d.day, d.month).isoformat()
    except ValueError:
        return None


#: Digits a scan or a typist puts in a name for the letter they resemble ("r0bert").
_DIGIT_LETTERS = str.maketrans("013458", "oleasb")


@cache
def _names(value: Any) -> tuple[str, ...]:
    """A stored name list (JSON text as read from the database, or a sequence) as a tuple.

    A digit inside a name is read as the letter it resembles (:func:`_letters`).
    """
    if value is None:
        return ()
    items = json.loads(value) if isinstance(value, str) else value
    return tuple(_letters(str(x)) for x in items if x)


def _letters(name: str) -> str:
    """Digits read as letters in a word of at least three letters ("r0bert", not "1st")."""
    if not any(c.isdigit() for c in name):
        return name
    return " ".join(
        w.translate(_DIGIT_LETTERS) if sum(c.isalpha() for c in w) >= 3 else w for w in name.split()
    )


def _without_titles(given: tuple[str, ...]) -> tuple[str, ...]:
    """Given names without forms of address ("sir", "sra", "rt"): every word of a
    name that is one is dropped ("brig gen" → nothing)."""
    out = []
    for name in given:
        words = [w for w in name.split() if w not in TITLES]
        if words:
            out.append(" ".join(words))
    return tuple(out)


@cache
def _given_row(given: tuple[str, ...]) -> tuple[Any, ...]:
    names = [g for g in _without_titles(given) if g]
    g1 = names[0] if names else None
    g2 = names[1] if len(names) > 1 else None
    keys = list(_given_keys(g1)) if g1 else None
    # An initial is not a name: two siblings with the middle initial "R" share nothing.
    all_keys = sorted({k for g in names if len(g) > 1 and (k := _key(g.replace(" ", "")))}) or None
    return g1, g2, keys, all_keys


@cache
def _surname_row(surnames: tuple[str, ...]) -> tuple[Any, ...]:
    s = [x for x in surnames if x]
    s1 = _compact(s[0]) if s else None
    s2 = _compact(s[1]) if len(s) > 1 else None
    surset = " ".join(sorted((s1, s2))) if s1 and s2 else None
    return s1, s2, (_key(s1) if s1 else None), (_key(s2) if s2 else None), surset


def _per_value(values: pd.Series, compute: Any, width: int) -> list[np.ndarray]:
    """``compute`` applied once per distinct value; ``width`` result columns, one per field.

    Names and dates repeat a lot: a million records hold a few hundred
    thousand distinct name lists, so the Python work is per distinct value and
    the spreading back to records is array indexing.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    table = np.empty((len(uniques), width), dtype=object)
    for i, value in enumerate(uniques):
        missing = value is None or (isinstance(value, float) and value != value)
        table[i, :] = compute(None if missing else value)
    return [table[codes, j] for j in range(width)]


def _dob_columns(lo: pd.Series, hi: pd.Series, precision: pd.Series) -> dict[str, Any]:
    """dob, dob_sw, dob_year, dob_lo, dob_hi from ISO date strings (see the module doc).

    A date of birth in the future ("2107-05-09", "5997-05-02": a mistyped year) is
    nobody's: it is compared as unknown, not as a date a generation away. The record
    keeps it as written.
    """
    future = lo.astype("object").fillna("").astype(str) > date.today().isoformat()
    lo = lo.astype("object").where(lo.notna() & hi.notna() & ~future, None)
    hi = hi.astype("object").where(lo.notna(), None)
    exact = lo.notna() & (precision == "exact") & (lo == hi)
    dob = lo.where(exact, None)
    (swapped,) = _per_value(dob, lambda v: (None if v is None else _swap(v),), 1)
    years_lo = pd.to_numeric(lo.str[:4], errors="coerce")
    years_hi = pd.to_numeric(hi.str[:4], errors="coerce")
    year = years_lo.where(years_lo == years_hi).astype("Int64")
    return {"dob": dob, "dob_sw": swapped, "dob_year": year, "dob_lo": lo, "dob_hi": hi}


def _identifier_columns(record_ids: pd.Series, identifiers: pd.DataFrame) -> dict[str, Any]:
    """One column per main identifier type, ``other_id`` and ``ids`` (sorted ``type:value``)."""
    ids = infer_types(identifiers[identifiers["record_id"].isin(record_ids)])
    first = ids.drop_duplicates(["record_id", "id_type"])
    out: dict[str, Any] = {}
    for id_type in MAIN_ID_TYPES:
        found = first[first["id_type"] == id_type].set_index("record_id")["value"]
        out[id_type] = (
            record_ids.map(found)
            .astype("object")
            .where(record_ids.isin(found.index), None)
            .to_numpy()
        )
    other = first[first["id_type"].isin(OTHER_ID_TYPES)].copy()
    other["rank"] = other["id_type"].map({t: i for i, t in enumerate(OTHER_ID_TYPES)})
    other = other.sort_values(["record_id", "rank"]).drop_duplicates("record_id")
    other_by = pd.Series(
        (other["id_type"] + ":" + other["value"]).to_numpy(),
        index=other["record_id"].to_numpy(),
        dtype="object",
    )
    out["other_id"] = (
        record_ids.map(other_by)
        .astype("object")
        .where(record_ids.isin(other_by.index), None)
        .to_numpy()
    )
    position = pd.Series(np.arange(len(record_ids)), index=record_ids.to_numpy())
    tagged = _lists(
        position[ids["record_id"]].to_numpy(),
        (ids["id_type"] + ":" + ids["value"]).to_numpy(),
        len(record_ids),
    )
    out["ids"] = [sorted(set(v)) if v else [] for v in tagged]
    return out


def infer_types(ids: pd.DataFrame) -> pd.DataFrame:
    """Identifiers with a bare number's type inferred from the other lists.

    A list without a nationality column writes a Venezuelan cédula as "12345678":
    the importer keeps it as a ``national_id`` (it does not guess), and it would
    never be compared with the same number stored as the cédula "V12345678" from
    another list. Here a ``national_id`` of digits only is read as a cédula when
    some record of the register holds that cédula (V or E), and as an A-number when
    some record holds that A-number (8 digits zero-padded to 9). The stored values
    are unchanged.
    """
    if not len(ids):
        return ids
    bare = ids["id_type"].eq("national_id") & ids["value"].str.fullmatch(r"\d{6,9}")
    if not bare.any():
        return ids
    ids = ids.copy()
    digits = ids.loc[bare, "value"].str.lstrip("0")
    cedulas = set(ids.loc[ids["id_type"].eq("cedula_ve"), "value"])
    a_numbers = set(ids.loc[ids["id_type"].eq("a_number"), "value"])
    for prefix in ("V", "E"):
        hit = (prefix + digits).isin(cedulas)
        ids.loc[hit[hit].index, "id_type"] = "cedula_ve"
        ids.loc[hit[hit].index, "value"] = prefix + digits[hit]
        digits = digits[~hit]
    padded = digits.str.zfill(9)
    hit = padded.isin(a_numbers)
    if hit.any():
        ids.loc[hit[hit].index, "id_type"] = "a_number"
        ids.loc[hit[hit].index, "value"] = padded[hit]
    return ids


def _surname_or_only_name(k1: Any, s1: Any, g1: Any, g2: Any) -> np.ndarray:
    """The first surname's key, or, on a record whose only name is one given name (a
    list that wrote "Hamilton" or "Gee" alone, in the given-name field), that name's key:
    the residence keys pair it with the town, where the other record's surname meets it."""
    out = np.asarray(k1, dtype=object).copy()
    only = (
        pd.isna(pd.Series(s1, dtype="object")).to_numpy()
        & pd.isna(pd.Series(g2, dtype="object")).to_numpy()
    )
    for i in np.flatnonzero(only & pd.notna(pd.Series(g1, dtype="object")).to_numpy()):
        name = g1[i]
        if len(name) > 1:
            out[i] = _key(name.replace(" ", ""))
    return out


def _initials(given1: pd.Series, sur1: pd.Series) -> pd.Series:
    """First letters of the first given name and first surname, sorted ("jr" for either
    José Rodríguez or Rodríguez José); a blocking key together with the date of birth."""
    g = given1.str[:1].fillna("")
    s = sur1.str[:1].fillna("")
    pair = g.where(g <= s, s) + s.where(g <= s, g)
    return pair.where(pair.str.len() > 0, None).astype("object")


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
    coarse, finer = _per_value(both, lambda v: _name_key_candidates(v[0], v[1] or ()), 2)
    (typo,) = _per_value(both, lambda v: (_typo_key_candidates(v[0], v[1] or ()),), 1)
    dobs = _dob_columns(raw["dob_lo"], raw["dob_hi"], raw["dob_precision"])
    years = [None if pd.isna(y) else int(y) for y in dobs["dob_year"]]
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
        shares = values.map(values.value_counts(normalize=True))
        frame[f"tf_{column}"] = shares.astype("float64")


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
