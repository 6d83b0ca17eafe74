"""The comparisons of the linkage model: one function per compared field, its levels.

Used by :func:`habeas.linkage.model.settings`. Columns are those of
:mod:`habeas.linkage.features` (and :mod:`habeas.linkage.residence`).

* **given** (first given name): exact (term-frequency adjusted, so "José" is
  weaker evidence than "Yeferson") / same name by nickname, spelling variant or
  sound (``given_keys`` intersect: Pepe = José, Jhon = John, Yeferson =
  Jefferson) / near spellings of names of the other sex (Peter / Petra, Juan /
  Juana: :mod:`habeas.linkage.given_sex`) / typo (Jaro-Winkler ≥ 0.88) /
  given name and first surname written in each other's field / a record's only
  name (no surname) is the other's first surname / one given name shared in
  another position
  ("José Ramón" vs "Ramón") / one side gives only an initial, and it agrees /
  one side gives only an initial, and it is the other's second given name's
  ("R. Vazquez" / Adam Ryan Vazquez: the name a person goes by) /
  the same first three letters (a short form) /
  else (completely different first given names: a caution, see
  :data:`habeas.linkage.model.CAUTIONS`).
* **given2** (second given name or middle initial): same / initial agrees /
  same by keys / different — a different second name separates the many
  namesakes "José Luis" vs "José Ramón"; absent on either side = null.
* **surnames** compared as a pair: both the same (either order) / one surname
  each, the same / both the same by sound (either order) / one side has a single
  surname found in the other's pair (the second surname was dropped) / one
  surname the same and the other a near-spelling / one surname in common, the
  other different (siblings, cousins) / first surnames a near-spelling / else;
  given name and first surname swapped is no evidence here (counted in
  **given**). Shared surnames are term-frequency adjusted.
* **dob**: exact / day and month swapped / one typo (Damerau-Levenshtein 1 on
  the ISO string) / two of day, month and year agree (the third replaced; years
  under 12 apart) / same year / uncertain ranges overlap / another date within 12
  years / a generation apart (12 years or more: a caution).
* **a_number, cedula_ve, dui_sv, other_id**: exact / one typo / different;
  null when absent on either side. A different valid document number gets a
  strongly negative weight (and the clustering constraints forbid the merge).
  "One typo" (here and for dates) is Damerau-Levenshtein ≤ 1 behind a cheap
  Hamming / length pre-check (:func:`_one_typo`).
* **address** (place of residence, :mod:`habeas.linkage.residence`): same
  home and a surname in common (a household: its u is the share of
  same-surname non-matching pairs that share a home, so siblings, parents and
  children at one address are not counted as the same person twice over) / same
  street and house number (term-frequency adjusted: a shelter's or a detention
  centre's address, shared by many, is weak evidence) / street a near spelling
  (Jaro-Winkler ≥ 0.9 on the folded, compact street), same house number / same
  street, another or no house number / an address line in common (the second
  line — urbanización, barrio, building — or the two lines written in each
  other's column) / else; null when either side has neither street nor second
  line.
* **locality**: locality (near spelling) and postcode / same locality, the
  postcode missing or one typo (term-frequency adjusted: the same big city is
  weak evidence) / locality a near spelling, postcode missing or one typo / same
  postcode, another locality / same state or province only / else; null when
  either side gives none of locality, postcode and region.
* **sex**, **nationality**: weak evidence (exact / different).

Custom SQL levels are written in DuckDB SQL and declared so
(``base_dialect_str="duckdb"``); Splink translates them with sqlglot for
other backends (Spark, later).
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl


def _custom(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


def _when(cheap: str, costly: str) -> str:
    """``costly`` only where ``cheap`` holds (false elsewhere, and where either is null).

    DuckDB evaluates a CASE branch only on the rows that reach it, but an ``AND``
    inside a level's condition may compute both sides on every pair: a nested
    CASE is what makes a cheap test spare a string distance.
    """
    return f"(CASE WHEN {cheap} THEN {costly} ELSE false END)"


def _shares_any(column: str) -> str:
    """The two records' lists in ``column`` have an element in common. DuckDB's
    ``list_has_any`` stops at the first; Splink's array-intersect level builds the whole
    intersection to count it (twice the time, on the comparison most pairs reach)."""
    return f"list_has_any({column}_l, {column}_r)"


def _either(first: str, second: str) -> str:
    """``first OR second``, ``second`` computed only where ``first`` does not hold."""
    return f"(CASE WHEN {first} THEN true ELSE {second} END)"


# A name written in the wrong order ("QUINTERO, RAMIRO" read as given "Quintero",
# surname "Ramiro"): each side's first given name is the other's first surname.
_SWAPPED = _when(
    "jaro_winkler_similarity(given1_l, sur1_r) >= 0.88",
    "jaro_winkler_similarity(sur1_l, given1_r) >= 0.88",
)


# The two cases exclude each other: one CASE computes at most one distance, and none where
# both records have a surname (nearly every pair).
_LONE_NAME = (
    "(CASE WHEN sur1_l IS NULL AND sur1_r IS NOT NULL "
    "THEN jaro_winkler_similarity(given1_l, sur1_r) >= 0.88 "
    "WHEN sur1_r IS NULL AND sur1_l IS NOT NULL "
    "THEN jaro_winkler_similarity(given1_r, sur1_l) >= 0.88 ELSE false END)"
)


def given() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given",
        comparison_description="First given name: exact / nickname, variant or sound / "
        "typo / shared in another position",
        comparison_levels=[
            cll.NullLevel("given1"),
            cll.ExactMatchLevel("given1").configure(
                tf_adjustment_column="given1", tf_adjustment_weight=1.0
            ),
            _custom(_shares_any("given_keys"), "Nickname, variant or same sound"),
            # Peter / Petra, Uwe / Ute, Juan / Juana: near spellings, but names of a
            # brother and a sister; a level of its own (weighed by the register, its m held
            # under priors.M_CEILINGS), not "one typo". After the nickname level: Tony for
            # Antonia is still the same name. Names far apart stay in the last level.
            _custom(
                _when(
                    "gsex_l <> gsex_r",
                    "jaro_winkler_similarity(given1_l, given1_r) >= 0.88 OR left(given1_l, 3) = "
                    f"left(given1_r, 3) OR {_one_typo_sql('given1_l', 'given1_r')}",
                ),
                "Names of the other sex",
            ),
            # A typo: Jaro-Winkler catches long names; short ones ("lois" / "luis",
            # "liis" / "luis") need the edit distance.
            _custom(
                _either(
                    "jaro_winkler_similarity(given1_l, given1_r) >= 0.88",
                    _one_typo_sql("given1_l", "given1_r"),
                ),
                "One typo",
            ),
            _custom(_SWAPPED, "Given name and surname swapped"),
            # A list with one name column, or one name only: "Watts" alone, read as a given
            # name, is the other record's surname (counted here once: with no surname on
            # one side the surnames comparison is null).
            _custom(_LONE_NAME, "The only name is the other's surname"),
            _custom(_shares_any("given_all"), "A given name shared in another position"),
            _custom(
                _when(
                    "left(given1_l, 1) = left(given1_r, 1)",
                    "length(given1_l) = 1 OR length(given1_r) = 1",
                ),
                "Initial agrees",
            ),
            # "R. Vazquez" for Adam Ryan Vazquez: a list that wrote the initial of the name
            # the person goes by, the second (José Luis → "L."). Weak evidence, but not a
            # completely different given name. Against a written second name only: two
            # initials ("C" / "Lola C.") say nothing.
            _custom(
                "(length(given1_l) = 1 AND length(given2_r) > 1 AND left(given2_r, 1) = given1_l)"
                " OR "
                "(length(given1_r) = 1 AND length(given2_l) > 1 AND left(given2_l, 1) = given1_r)",
                "Initial agrees with the other's second given name",
            ),
            # A short form the nickname lists lack ("artie" / "arthur", "merry" /
            # "meredith"): weak evidence, but not "a different given name".
            _custom("left(given1_l, 3) = left(given1_r, 3)", "Same first three letters"),
            cll.ElseLevel(),
        ],
    )


def given2() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given2",
        comparison_description="Second given name or middle initial",
        comparison_levels=[
            cll.NullLevel("given2"),
            cll.ExactMatchLevel("given2"),
            _custom(
                "(length(given2_l) = 1 OR length(given2_r) = 1) AND "
                "substr(given2_l, 1, 1) = substr(given2_r, 1, 1)",
                "Initial agrees",
            ),
            cll.JaroWinklerLevel("given2", 0.88),
            cll.ElseLevel(),
        ],
    )


_SHARED_SURNAME = "sk1_l = sk1_r OR sk1_l = sk2_r OR sk2_l = sk1_r OR sk2_l = sk2_r"


def surnames() -> cl.CustomComparison:
    """Surnames as a pair (module doc). Three things matter for families and namesakes:

    * every level where a surname is shared is **term-frequency adjusted**: on both
      surnames when both sides give two ("González Rodríguez" is weaker evidence than
      "Colmenares Urdaneta"), on the single surname otherwise ("Williams", "García");
    * a list with one surname per person (most non-Hispanic lists) gets its own level
      "one surname each, the same", not the level for a dropped second surname;
    * "given name and surname swapped" is counted once, in :func:`given`: here it is a
      null level (no evidence either way), or one swap would score twice.
    """
    one_found = (
        "(sur2_l IS NULL OR sur2_r IS NULL) AND (sk1_l = sk1_r OR sk1_l = sk2_r OR sk2_l = sk1_r)"
    )
    levels: list[Any] = [
        cll.NullLevel("sur1"),
        cll.ExactMatchLevel("surset").configure(
            tf_adjustment_column="surset", label_for_charts="Both surnames (either order)"
        ),
        _custom(
            "sur2_l IS NULL AND sur2_r IS NULL AND sur1_l = sur1_r", "One surname each, the same"
        ).configure(tf_adjustment_column="sur1", disable_tf_exact_match_detection=True),
        _custom(
            "(sk1_l = sk1_r AND sk2_l = sk2_r) OR (sk1_l = sk2_r AND sk2_l = sk1_r)",
            "Both surnames sound the same",
        ),
        _custom(one_found, "One side has one surname, found in the other").configure(
            tf_adjustment_column="sur1", disable_tf_exact_match_detection=True
        ),
        _custom(
            f"{_when('sk1_l = sk1_r', 'jaro_winkler_similarity(sur2_l, sur2_r) >= 0.85')} OR "
            f"{_when('sk2_l = sk2_r', 'jaro_winkler_similarity(sur1_l, sur1_r) >= 0.85')}",
            "One surname the same, the other a near spelling",
        ),
        _custom(_SHARED_SURNAME, "One surname in common, the other different"),
        # Jaro-Winkler catches a typo in a long surname; a short one ("koch" / "kowh",
        # "kuhn" / "kutn") needs the edit distance, as for given names.
        _custom(
            _either(
                "jaro_winkler_similarity(sur1_l, sur1_r) >= 0.88",
                _one_typo_sql("sur1_l", "sur1_r"),
            ),
            "First surnames a near spelling",
        ),
        _custom(_SWAPPED, "Given name and surname swapped").configure(is_null_level=True),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="surnames",
        comparison_levels=levels,
        comparison_description="Surnames as a pair",
    )


# Two of year, month and day agree: the same year and month, or the same year and day, or
# the same day and month under 12 years apart. Written as one test of the year, then what
# else is needed on each side of it (a third fewer substrings on pairs that differ).
_TWO_PARTS = (
    "(CASE WHEN substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
    "THEN substr(dob_l, 6, 2) = substr(dob_r, 6, 2) OR substr(dob_l, 9, 2) = substr(dob_r, 9, 2) "
    "ELSE substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND "
    "abs(CAST(substr(dob_l, 1, 4) AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER)) < 12 END)"
)


def dob() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob_lo"),
            cll.ExactMatchLevel("dob"),
            _custom("dob_l = dob_sw_r", "Day and month swapped"),
            _one_typo("dob"),
            # One part of the date replaced or mistyped beyond one character ("08" for
            # "15", "1959" for "1956"), the other two kept: day and month, year and month,
            # or year and day (years under 12 apart; the same birthday a generation apart
            # has its own level below).
            _custom(_TWO_PARTS, "Two of day, month and year agree"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="Same year"),
            _custom("dob_lo_l <= dob_hi_r AND dob_lo_r <= dob_hi_l", "Uncertain dates overlap"),
            _custom(
                "abs(CAST(substr(dob_lo_l, 1, 4) AS INTEGER) - "
                "CAST(substr(dob_lo_r, 1, 4) AS INTEGER)) < 12",
                "Another date, within 12 years",
            ),
            # The same day and month, 12 years or more apart: a year replaced ("1981" for
            # "2008") far more often than a son sharing his father's birthday (1 in 365),
            # but still a caution: a human decides.
            _custom(
                "substr(dob_l, 6, 5) = substr(dob_r, 6, 5)",
                "Same day and month, a generation apart",
            ),
            # A generation apart: a father and the son who carries his name (a caution,
            # see habeas.linkage.model.with_cautions).
            cll.ElseLevel().configure(label_for_charts="Dates a generation apart"),
        ],
    )


#: Necessary for one letter inserted or deleted (lengths one apart): the first letters agree
#: (the change is not at the start), or the last ones do (it is at the start, and the
#: shorter string goes on), or the shorter string is empty.
_ENDS_AGREE = (
    "left({a}, 1) = left({b}, 1) OR right({a}, 1) = right({b}, 1) OR "
    "least(length({a}), length({b})) = 0"
)


def _one_typo_sql(a: str, b: str) -> str:
    """Damerau-Levenshtein ≤ 1 between two columns, behind a cheap necessary condition."""
    return (
        f"(CASE WHEN length({a}) = length({b}) AND length({a}) > 0 "
        f"THEN {_when(f'hamming({a}, {b}) <= 2', f'damerau_levenshtein({a}, {b}) <= 1')} "
        f"WHEN abs(length({a}) - length({b})) = 1 "
        f"THEN {_when(_ENDS_AGREE.format(a=a, b=b), f'damerau_levenshtein({a}, {b}) <= 1')} "
        "ELSE false END)"
    )


def _one_typo(column: str) -> cll.CustomLevel:
    """Damerau-Levenshtein distance ≤ 1 (one substitution, transposition, insertion or
    deletion), with a cheap necessary condition first.

    DuckDB's ``damerau_levenshtein`` is 10-50× slower than ``hamming``; most
    compared pairs (all of them when u is sampled) differ widely, and one typo
    implies equal lengths with at most two differing positions, or lengths one
    apart. The condition is exactly Damerau-Levenshtein ≤ 1, only cheaper.
    """
    return _custom(_one_typo_sql(f"{column}_l", f"{column}_r"), "One typo")


def identifier(column: str) -> cl.CustomComparison:
    levels: list[Any] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column),
        _one_typo(column),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=levels,
        comparison_description=f"{column}: exact / one typo / different",
    )


def _jw(a: str, b: str, threshold: float = 0.9) -> str:
    return f"jaro_winkler_similarity({a}, {b}) >= {threshold}"


# Splink writes a comparison's levels as one CASE: a level is tested only on the pairs
# no earlier level took, and most pairs (all those the u sampling draws at random)
# reach the last. Cheap equalities guard the string distances (:func:`_when`), so such
# a pair costs one Jaro-Winkler on the street, one on the second line, one on the
# locality.
def address() -> cl.CustomComparison:
    """Street, house number and second address line (:mod:`habeas.linkage.residence`)."""
    same_number = "coalesce(addr_no_l, '') = coalesce(addr_no_r, '')"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address: street and house number / near spelling / same "
        "street, another number / an address line in common",
        comparison_levels=[
            _custom(
                "(street_l IS NULL AND addr2_l IS NULL) OR (street_r IS NULL AND addr2_r IS NULL)",
                "Null",
            ).configure(is_null_level=True),
            # A family shares a home and its surnames: given a shared surname, the same
            # home is weak evidence (its u is conditional, see training.household_share).
            _custom(f"addr_l = addr_r AND ({_SHARED_SURNAME})", "Same home, a surname in common"),
            cll.ExactMatchLevel("addr").configure(
                tf_adjustment_column="addr", label_for_charts="Same street and house number"
            ),
            _custom(
                _when(same_number, _jw("street_l", "street_r")),
                "Street a near spelling, same house number",
            ),
            _custom(_jw("street_l", "street_r"), "Same street, another house number"),
            # The second line, or the two lines written in each other's column (their
            # first letters agree: a cheap test before the distance).
            _custom(
                f"{_jw('addr2_l', 'addr2_r')} OR "
                f"{_when('left(street_l, 1) = left(addr2_r, 1)', _jw('street_l', 'addr2_r'))}"
                f" OR "
                f"{_when('left(addr2_l, 1) = left(street_r, 1)', _jw('addr2_l', 'street_r'))}",
                "An address line in common",
            ),
            cll.ElseLevel(),
        ],
    )


# Postcodes that agree, are missing on a side, or differ by one typo.
_POSTCODE_OPEN = (
    f"(postcode_l IS NULL OR postcode_r IS NULL OR {_one_typo_sql('postcode_l', 'postcode_r')})"
)


def locality() -> cl.CustomComparison:
    """Locality (city, municipality, suburb), postcode and region together."""
    return cl.CustomComparison(
        output_column_name="locality",
        comparison_description="Locality and postcode / locality / postcode / region",
        comparison_levels=[
            _custom(
                "(locality_l IS NULL AND postcode_l IS NULL AND region_l IS NULL) OR "
                "(locality_r IS NULL AND postcode_r IS NULL AND region_r IS NULL)",
                "Null",
            ).configure(is_null_level=True),
            _custom(
                _when("postcode_l = postcode_r", _jw("locality_l", "locality_r")),
                "Same locality and postcode",
            ),
            # Term-frequency adjusted: the same big city is weaker evidence than the
            # same village. Its own u is the baseline (not an exact-match level's).
            _custom(_when("locality_l = locality_r", _POSTCODE_OPEN), "Same locality").configure(
                tf_adjustment_column="locality", disable_tf_exact_match_detection=True
            ),
            _custom(
                _when(_POSTCODE_OPEN, _jw("locality_l", "locality_r")), "Locality a near spelling"
            ),
            _custom("postcode_l = postcode_r", "Same postcode, another locality"),
            _custom("region_l = region_r", "Same region only"),
            cll.ElseLevel(),
        ],
    )


def weak(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=f"{column} (weak evidence)",
        comparison_levels=[cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()],
    )
