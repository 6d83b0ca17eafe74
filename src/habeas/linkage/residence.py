"""Place-of-residence features: the columns the model's "address" and "locality" compare.

Built from ``record.residence`` (the address fields as written, see
:data:`habeas.ingest.fields.RESIDENCE_FIELDS`) with the keys of
:mod:`habeas.domain.addresses`; every column is null when the record does not
give that part of its address:

===========  ================================================================
column       meaning
===========  ================================================================
street       the street (``address``), folded, canonical words, compact
             (``"Av. Bolívar"`` → ``"avenidabolivar"``)
addr_no      the house number: the ``street_number`` column, else a number
             opening the street (``"12 Wattle St"``)
addr         ``street#addr_no`` — street and number together, compared
             exactly with a term-frequency adjustment (a shelter's or a
             detention centre's address is shared by many people); ``tf_addr``
addr2        the second address line (``address_line2``: urbanización,
             barrio, building), compact
locality     city, town, municipality or suburb, compact; ``tf_locality``
postcode     postcode (``"1010"``, ``"78501"``), only when it is one
region       state or province, compact
res_keys     blocking keys (:func:`residence_keys`): postcode or locality ×
             street, house number or second line; locality × postcode;
             second line × house number; first-surname key × region or ×
             locality (a surname in one state or town, where every other part
             may carry a typo); the postcode alone. None is shared by more
             than ``BLOCK_CAP`` records.
===========  ================================================================

Addresses are nearly unique per person, so parsing is per distinct stored
value and each part (street, locality, postcode) is memoised on its own.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from habeas.domain.addresses import locality_key, postcode_key, region_key, split_street

RESIDENCE_COLUMNS = ("street", "addr_no", "addr", "addr2", "locality", "postcode", "region")
#: Blocking key families: (tag, place column, part column); see ``res_keys`` above.
KEY_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("ps", "postcode", "street"),
    ("pn", "postcode", "addr_no"),
    ("pa", "postcode", "addr2"),
    ("ls", "locality", "street"),
    ("ln", "locality", "addr_no"),
    ("la", "locality", "addr2"),
    ("lp", "locality", "postcode"),
    ("an", "addr2", "addr_no"),
)
_EMPTY: tuple[Any, ...] = (None,) * len(RESIDENCE_COLUMNS)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@cache
def _street(address: str | None, number: str | None) -> tuple[str | None, str | None]:
    if address is None:
        return None, None
    return split_street(address, number)


def residence_row(stored: str) -> tuple[Any, ...]:
    """The residence columns (:data:`RESIDENCE_COLUMNS`) of one stored value (JSON text)."""
    fields = json.loads(stored)
    if not isinstance(fields, dict) or not fields:
        return _EMPTY
    street, house = _street(_text(fields.get("address")), _text(fields.get("street_number")))
    line2 = _text(fields.get("address_line2"))
    locality = _text(fields.get("locality"))
    postcode = _text(fields.get("postcode"))
    region = _text(fields.get("region"))
    return (
        street,
        house,
        f"{street}#{house or ''}" if street else None,
        _street(line2, None)[0] if line2 else None,
        locality_key(locality) if locality else None,
        postcode_key(postcode) if postcode else None,
        region_key(region) if region else None,
    )


def stored_text(value: Any) -> str | None:
    """A residence as JSON text, whichever way it came (database text, dict, None)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return None if value in ("", "null") else value
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if value else None


def residence_columns(values: pd.Series) -> dict[str, np.ndarray]:
    """The residence columns of every record, from stored residences (JSON text or dicts).

    Parsed once per distinct stored value; a register without residences costs
    one pass over the column.
    """
    n = len(values)
    texts = values.map(stored_text, na_action="ignore") if values.notna().any() else values
    if not texts.notna().any():
        return {name: np.full(n, None, dtype=object) for name in RESIDENCE_COLUMNS}
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    table = np.empty((len(uniques) + 1, len(RESIDENCE_COLUMNS)), dtype=object)
    for i, value in enumerate(uniques.tolist()):
        table[i, :] = residence_row(value)
    table[-1, :] = _EMPTY  # code -1: no residence
    return {name: table[codes, j] for j, name in enumerate(RESIDENCE_COLUMNS)}


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes of a column's values (-1 where missing) and how many there are."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64), len(uniques)


def residence_keys(
    columns: dict[str, np.ndarray], sk1: np.ndarray, cap: int
) -> list[list[int] | None]:
    """Each record's residence blocking keys (:data:`KEY_FAMILIES`, first-surname key
    ``sk1`` × region and × locality, the postcode alone), no key shared by more than
    ``cap`` records.

    A key stands for one (family, place, part) value, as an integer: a register of a
    million addresses has millions of keys, and integers are built, counted and
    joined far faster than strings. Every key is an equi-join on a place and a part
    of the address; with the cap a block holds at most ``cap`` records, so pairs grow
    linearly with the register (a shelter's or a big town's shared key is not used).
    A register without residences gets no keys at all, at the cost of one pass.
    """
    n = len(sk1)
    if not any(pd.notna(values).any() for values in columns.values()):
        return [None] * n
    coded = {name: _codes(values) for name, values in columns.items()}
    families = [(coded[a], coded[b]) for _tag, a, b in KEY_FAMILIES]
    surname = _codes(np.asarray(sk1, dtype=object))
    families.append((surname, coded["region"]))
    # A surname in one locality: both given names and the date may carry typos or be
    # missing, the street too ("Tom Chudleigh", Devon / "Thomas Chydleigh", Devon).
    families.append((surname, coded["locality"]))
    # A postcode on its own: where few records share one (a street or a building), it is
    # as selective as an address and meets records whose names were written every way.
    postcode, size = coded["postcode"]
    families.append(((np.where(postcode >= 0, 0, -1), 1), (postcode, size)))
    kept = np.full((n, len(families)), -1, dtype=np.int64)
    offset = 0
    for j, ((a, size_a), (b, size_b)) in enumerate(families):
        present = (a >= 0) & (b >= 0)
        key = offset + a * size_b + b
        offset += size_a * size_b
        if not present.any():
            continue
        _, inverse, counts = np.unique(key[present], return_inverse=True, return_counts=True)
        small = np.zeros(n, dtype=bool)
        small[present] = counts[inverse] <= cap
        kept[small, j] = key[small]
    out: list[list[int] | None] = [None] * n
    rows = np.flatnonzero((kept >= 0).any(axis=1))
    for i, row in zip(rows.tolist(), kept[rows].tolist(), strict=True):
        out[i] = [k for k in row if k >= 0]
    return out
