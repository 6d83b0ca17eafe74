"""The comparisons' SQL is cheaper than its plain form and decides exactly as it does
(:mod:`habeas.linkage.comparisons`), checked in DuckDB on many string pairs."""

from __future__ import annotations

import itertools
import random

import duckdb
import pandas as pd

from habeas.linkage import comparisons as cmp


def _edits(word: str, letters: str) -> set[str]:
    """Every string one insertion, deletion, substitution or adjacent swap from ``word``."""
    out = set()
    for i in range(len(word) + 1):
        for c in letters:
            out.add(word[:i] + c + word[i:])
        if i < len(word):
            out.add(word[:i] + word[i + 1 :])
            out.update(word[:i] + c + word[i + 1 :] for c in letters)
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return out


def _string_pairs() -> pd.DataFrame:
    """Names and their one-edit neighbours (the change at the start, inside and at the end),
    random strings of every nearby length, accented letters, empty strings and nulls."""
    rng = random.Random(5)
    letters = "abeé"
    words = ["", "a", "ab", "jose", "ana", "luis", "lois", "koch", "kowh", "josé", "élan"]
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(0, 6))) for _ in range(60)]
    pairs = [(w, e) for w in words for e in _edits(w, letters)]
    pairs += list(itertools.product(words, repeat=2))
    pairs += [(None, "ana"), ("ana", None), (None, None)]
    return pd.DataFrame(pairs, columns=["a", "b"], dtype="object")


def test_one_typo_is_exactly_damerau_levenshtein_at_most_one() -> None:
    """The cheap conditions in front of the edit distance never turn away a pair one edit
    apart, with the change anywhere, including at the first and the last letter. (Two empty
    strings are not a typo: equal lengths must hold a letter.)"""
    pairs = _string_pairs()
    con = duckdb.connect()
    con.register("pairs", pairs)
    rows = con.execute(
        f"SELECT a, b, coalesce({cmp._one_typo_sql('a', 'b')}, false), "
        "coalesce(damerau_levenshtein(a, b) <= 1 AND NOT (a = '' AND b = ''), false) FROM pairs"
    ).fetchall()
    assert len(rows) > 2000
    assert sum(plain for *_, plain in rows) > 1000  # many pairs are one edit apart
    wrong = [(a, b, got, plain) for a, b, got, plain in rows if got != plain]
    assert wrong == []


def _name_pairs() -> pd.DataFrame:
    rng = random.Random(3)
    names = ["jose", "josé", "maria", "garcia", "ana", "luis", "lois", "p", None]
    keys = [None, [], ["#jse", "jose"], ["#jse"], ["=juan", "juan"], ["ana"], ["x", "ana"]]
    rows = []
    for _ in range(3000):
        rows.append(
            {
                "given1_l": rng.choice(names),
                "given1_r": rng.choice(names),
                "sur1_l": rng.choice(names),
                "sur1_r": rng.choice(names),
                "given_keys_l": rng.choice(keys),
                "given_keys_r": rng.choice(keys),
            }
        )
    return pd.DataFrame(rows)


def test_guarded_name_levels_decide_as_their_plain_forms() -> None:
    """Swapped names, a lone name and shared keys: the CASE forms that compute a distance
    only where it can matter take exactly the pairs the plain AND / OR forms take."""
    plain = {
        cmp._SWAPPED: "jaro_winkler_similarity(given1_l, sur1_r) >= 0.88 AND "
        "jaro_winkler_similarity(sur1_l, given1_r) >= 0.88",
        cmp._LONE_NAME: "(sur1_l IS NULL AND sur1_r IS NOT NULL AND "
        "jaro_winkler_similarity(given1_l, sur1_r) >= 0.88) OR (sur1_r IS NULL AND "
        "sur1_l IS NOT NULL AND jaro_winkler_similarity(given1_r, sur1_l) >= 0.88)",
        cmp._shares_any("given_keys"): "array_length(list_intersect(given_keys_l, given_keys_r))"
        " >= 1",
        cmp._either("given1_l = sur1_r", "given1_r = sur1_l"): "given1_l = sur1_r OR "
        "given1_r = sur1_l",
    }
    con = duckdb.connect()
    con.register("pairs", _name_pairs())
    for fast, reference in plain.items():
        got, want, taken = con.execute(
            f"SELECT list(coalesce({fast}, false)), list(coalesce({reference}, false)), "
            f"count(*) FILTER (WHERE {reference}) FROM pairs"
        ).fetchone()
        assert got == want, fast
        assert 0 < taken < len(got), reference  # the pairs exercise both outcomes


def test_two_parts_of_a_date_agree_as_the_three_plain_tests_say() -> None:
    """Same year and month, or same year and day, or same day and month under 12 years
    apart: the one-test-of-the-year form takes exactly these pairs of dates."""
    years, months, days = ("1950", "1951", "1962", "1963"), ("01", "02", "12"), ("01", "12")
    dates = [f"{y}-{m}-{d}" for y in years for m in months for d in days] + [None]
    pairs = pd.DataFrame(itertools.product(dates, repeat=2), columns=["dob_l", "dob_r"])
    plain = (
        "substr(dob_l, 1, 7) = substr(dob_r, 1, 7) OR "
        "(substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 9, 2) = substr(dob_r, 9, 2))"
        " OR (substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND "
        "abs(CAST(substr(dob_l, 1, 4) AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER)) < 12)"
    )
    con = duckdb.connect()
    con.register("pairs", pairs)
    got, want, taken = con.execute(
        f"SELECT list(coalesce({cmp._TWO_PARTS}, false)), list(coalesce({plain}, false)), "
        f"count(*) FILTER (WHERE {plain}) FROM pairs"
    ).fetchone()
    assert got == want
    assert 0 < taken < len(got)
