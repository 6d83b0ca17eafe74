"""Blocking keys: which records the model compares (see :mod:`habeas.linkage.features`).

Every key is a string; records that share one are compared
(:data:`habeas.linkage.model.BLOCKING_RULES`). :func:`cap_block_keys` keeps every block
small: an oversized key is replaced by a finer one, and one still oversized is cut into
sorted windows (split, never dropped). The key families:

* name keys (:func:`_name_key_candidates`): surname sound × given-name sound or
  variant, both surnames, surname × given-name initial; finer, surname set × given name;
* typo keys (:func:`_typo_key_candidates`): the given name's sound × the first surname
  with one letter deleted, and the given name's keys × the first surname's Soundex code
  (:func:`consonant_key`); compared only where a record has no exact date of birth;
* date keys (:func:`_dob_key_candidates`): the date × a surname, the given name, the
  initials or the town; the year × any name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from habeas.domain.names import PARTICLES
from habeas.domain.phonetic import spanish_key
from habeas.linkage.given_equivalents import given_keys

BLOCK_CAP = 50  # records sharing one name blocking key at most (see cap_block_keys)
DELETION_MIN = 5  # letters a surname needs for its one-deletion blocking keys
WINDOW = 10  # records in one window of an oversized block (see cap_block_keys)


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
    """Keys for a misspelt surname, the only one two records share, where the Spanish
    sound key differs:

    * a typo ("Kendall" / "Kendal", "Beatson" / "Bestson"): the given name's sound × the
      first surname with any one letter deleted (a substitution, insertion or deletion
      leaves one such form in common);
    * another spelling of the same sounds ("Barrie" / "Barry", "Wallis" / "Wallace",
      "Kerr" / "Carr", "Osborn" / "Osborne"): the given name's sound and variant keys ×
      the first surname's consonant code (:func:`consonant_key`). The Spanish key keeps
      the vowels, which is right for Spanish spelling; English and other surnames vary
      mostly in their vowels, doubled letters and silent endings, which it keeps apart.

    The model compares such pairs only where a record has no date of birth to the day
    (:data:`habeas.linkage.model.BLOCKING_RULES`): two dated records already meet on the
    date and a name, and "Schmidt" / "Schmitt" with dates a keystroke apart are two
    people as often as one.
    """
    if not given1 or len(given1) < 2 or not surnames:
        return ()
    own = _key(given1)
    if not own:
        return ()
    first = _compact(surnames[0])
    keys = [f"{own}|{d}" for d in _deletions(first)]
    code = consonant_key(first)
    if code:
        gkeys = (g for g in _given_keys(given1) if g[0] in "#~")
        keys += [f"c:{code}|{g}" for g in gkeys]
    return tuple(keys)


#: Soundex's consonant classes (letters that sound alike in English spelling).
_CONSONANT_CLASS = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@cache
def consonant_key(surname: str) -> str | None:
    """The surname's Soundex code (Russell and Odell's, as the US census indexes
    surnames): its first letter and the classes of the next three consonant sounds,
    vowels dropped, doubled letters and letters of one class once ("Barrie" and "Barry"
    B600, "Wallis" and "Wallace" W420, "Stevenson" and "Stephenson" S315). Surnames of
    fewer than three letters get none (too many names share their code).
    """
    letters = [c for c in surname if "a" <= c <= "z"]
    if len(letters) < 3:
        return None
    out = letters[0]
    last = _CONSONANT_CLASS.get(letters[0], "")
    for c in letters[1:]:
        cls = _CONSONANT_CLASS.get(c, "")
        if cls and cls != last:
            out += cls
            if len(out) == 4:
                break
        if c not in "hw":  # h and w do not separate two letters of one class
            last = cls
    return (out + "000")[:4]


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
    codes, uniques = pd.factorize(table["key"].astype(str))
    keys = uniques.tolist()  # a list: an Index looked up per window costs a microsecond
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
