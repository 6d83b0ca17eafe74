"""Whether a register's document numbers belong to one person each: what lets a shared
document outweigh a different given name.

Siblings share both surnames, households an address, twins a date of birth, and some
lists copy one document number onto every member of a household (a parent's number on a
child's form). :func:`habeas.linkage.model.with_cautions` therefore sends a pair with
completely different first given names to a reviewer unless it agrees on *both* the date
of birth and a document number. Lists also replace a given name outright (a name from
another row, a second name written first), and then a pair that shares its document
number and a date of birth one typo, a swap or one part away sits in review although no
relative fits it: a sibling with a copied number has a date of their own.

What that needs is a register where a shared number is not a household's.
:func:`document_sharing` measures it on the register itself: among the pairs of records
that share a valid document number and both carry a first given name and a date of birth,
the share that disagree on both completely (the given name: not equal, no nickname,
variant or sound in common, not one typo, not the same first three letters, not an
initial; the date: not equal, not one typo, not day and month swapped, and at most one of
day, month and year in common). Such a pair is two people holding one number far more
often than one person's record mangled twice. Where numbers are copied within households
that share is several percent; lists that only mistype get well under
:data:`SHARING_FLOOR`. Under it (and with :data:`MIN_PAIRS` pairs to tell), a shared
number with dates that differ only by such an error waives the caution. A pair with no
date on a side is measured apart (a list without dates may be the one that copies
numbers): among the undated pairs sharing a number, completely different given names must
be no commoner than the model allows one person's records (:data:`UNDATED_FLOOR`, the
ceiling of m for "different given names"); then a shared number waives the caution for an
undated pair too. Otherwise the caution stands.

A register whose numbers are one person's each can still hold pairs sharing a number that
differ on both the given name and the date: one person's record mangled twice (FEBRL
replaces a given name, and independently a date). Copies and mangling leave different
traces: a sibling holding a copied number differs on both *at once*, while a list's
errors strike the name and the date independently. :func:`errors_independent` compares
the pairs that differ on both with what independent errors make of the shares that
differ on each (``pairs × given share × date share``, a Poisson count): when they are no
more than that, none of them is evidence of a copy, and a shared number waives the
caution whatever the dates say. Undated pairs sharing a number then count as one
person's too when their given names differ no more often than the dated pairs' do.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import pandas as pd
from scipy.special import pdtrc

from habeas.linkage.priors import M_CEILINGS

#: Documents count as one person's each when under this share of the pairs sharing one
#: disagree on both the given name and the date of birth (see the module doc).
SHARING_FLOOR = 0.02
#: Undated pairs sharing a number may differ completely in given name this often at most:
#: the model's own ceiling for one person's records (priors.M_CEILINGS, "given").
UNDATED_FLOOR = M_CEILINGS["given"][-1]
#: Named pairs sharing a number needed before a share says anything.
MIN_PAIRS = 100
#: A count of pairs differing on both the given name and the date is one independent
#: errors make when at least this likely under them (a one-sided Poisson test).
INDEPENDENT_P = 0.05
#: A number on more records than this is a placeholder, not a person's (see
#: :func:`habeas.linkage.model.document_pairs`).
MAX_GROUP = 20
DOCUMENT_COLUMNS = ("a_number", "cedula_ve", "dui_sv", "other_id")


def one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance ≤ 1."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def different_given(a: str, keys_a: frozenset[str], b: str, keys_b: frozenset[str]) -> bool:
    """Completely different first given names, as the model's last "given" level reads them."""
    if a == b or keys_a & keys_b or a[:3] == b[:3] or len(a) == 1 or len(b) == 1:
        return False
    return not one_edit(a, b)


def different_dates(a: str, b: str) -> bool:
    """Two ISO dates that are not one person's date mistyped (see the module doc)."""
    if one_edit(a, b) or (a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]):
        return False
    return sum(x == y for x, y in ((a[:4], b[:4]), (a[5:7], b[5:7]), (a[8:10], b[8:10]))) < 2


class Sharing(NamedTuple):
    """What :func:`document_sharing` measured (the first two as it always returned)."""

    share: float  # the share that disagree on both (dated) or on the given name (undated)
    pairs: int
    given: float  # the share whose given names differ completely
    dates: float  # the share whose dates differ (0 for undated pairs)


def document_sharing(frame: pd.DataFrame, *, dated: bool = True) -> Sharing | None:
    """(share, pairs counted, given share, date share) over the named pairs sharing a
    document number; None under :data:`MIN_PAIRS` pairs.

    ``dated``: pairs where both records carry a date of birth, and the share that
    disagree on both the given name and the date. Otherwise pairs where a record has no
    date, and the share whose given names differ completely: a person's own records do
    that only when a list replaced the name (at most :data:`UNDATED_FLOOR` of them).
    """
    needed = ["given1", "given_keys", "dob"]
    if any(c not in frame for c in needed):
        return None
    pairs = shared = given = dates = 0
    for column in DOCUMENT_COLUMNS:
        if column not in frame:
            continue
        rows = frame.loc[frame[column].notna() & frame["given1"].notna()]
        sizes = rows.groupby(column)[column].transform("size")
        rows = rows[(sizes > 1) & (sizes <= MAX_GROUP)]
        # grouped in Python: pandas' per-group objects cost more than the pairs (FEBRL4)
        found = sorted(
            zip(rows[column], rows["given1"], rows["given_keys"], rows["dob"], strict=True),
            key=lambda row: row[0],
        )
        for _, group in itertools.groupby(found, key=lambda row: row[0]):
            people = [
                (str(g), frozenset(k) if k is not None else frozenset(), d) for _, g, k, d in group
            ]
            for (a, ka, da), (b, kb, db) in itertools.combinations(people, 2):
                both = isinstance(da, str) and isinstance(db, str)
                if both != dated:
                    continue
                pairs += 1
                apart = different_given(a, ka, b, kb)
                other_date = dated and different_dates(str(da), str(db))
                given += apart
                dates += other_date
                shared += apart and (not dated or other_date)
    if pairs < MIN_PAIRS:
        return None
    return Sharing(shared / pairs, pairs, given / pairs, dates / pairs)


def error_shares(dated: Sharing | None, undated: Sharing | None) -> dict[str, Any]:
    """The model fields :func:`errors_independent` reads (rounded as the others are)."""
    return {
        "habeas_document_given_share": None if dated is None else round(dated.given, 5),
        "habeas_document_date_share": None if dated is None else round(dated.dates, 5),
        "habeas_document_pairs_undated": 0 if undated is None else undated.pairs,
    }


def _poisson_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean) (SciPy's, exact for a large mean too: a sum started
    from ``exp(-mean)`` underflows past a mean of ~745 and would call any count likely)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    return float(pdtrc(k - 1, mean))


def errors_independent(model: dict[str, Any]) -> bool:
    """Whether the register's numbers are one person's each (:func:`documents_personal`)
    and its dated pairs sharing a number differ on both the given name and the date no
    more often than independent errors explain (module doc)."""
    if not documents_personal(model):
        return False
    pairs = model.get("habeas_document_pairs")
    given = model.get("habeas_document_given_share")
    dates = model.get("habeas_document_date_share")
    if not isinstance(pairs, int) or not isinstance(given, float | int):
        return False
    if not isinstance(dates, float | int):
        return False
    both = round(float(model["habeas_document_sharing"]) * pairs)
    return _poisson_tail(both, pairs * given * dates) >= INDEPENDENT_P


def documents_personal(model: dict[str, Any], *, dated: bool = True) -> bool:
    """Whether training found the register's document numbers to be one person's each
    (module doc): on dated pairs a share under :data:`SHARING_FLOOR`; on pairs with an
    undated record (``dated=False``) that and a share under :data:`UNDATED_FLOOR`, each
    measured on enough pairs."""
    share = model.get("habeas_document_sharing")
    if not (isinstance(share, (int, float)) and share < SHARING_FLOOR):
        return False
    if dated:
        return True
    undated = model.get("habeas_document_sharing_undated")
    if not isinstance(undated, (int, float)):
        return False
    if undated < UNDATED_FLOOR:
        return True
    # or no more often than the dated pairs, where the errors were found independent
    pairs = model.get("habeas_document_pairs_undated")
    given = model.get("habeas_document_given_share")
    if not isinstance(pairs, int) or not isinstance(given, float | int) or pairs <= 0:
        return False
    return (
        errors_independent(model)
        and _poisson_tail(round(undated * pairs), pairs * given) >= INDEPENDENT_P
    )
