"""Per-record columns of the feature frame: parsed names, dates and identifiers.

Used by :func:`habeas.linkage.features.featurise` (see its module doc for the columns).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from habeas.domain.names import TITLES
from habeas.linkage.blocking_keys import _compact, _given_keys, _key, _lists

MAIN_ID_TYPES = ("a_number", "cedula_ve", "dui_sv")
OTHER_ID_TYPES = ("cedula_co", "passport", "national_id")
ID_TYPES = MAIN_ID_TYPES + OTHER_ID_TYPES


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
    # most records hold one number: a one-item list is already sorted and distinct
    out["ids"] = [(v if len(v) == 1 else sorted(set(v))) if v else [] for v in tagged]
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
