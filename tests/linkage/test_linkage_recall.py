"""Records of one person that blocking must bring together, and names that are not one name.

Blocking keys for what lists do to a name (a typo in the only surname on a record with
no date of birth, a name written alone, both names garbled but the date and the town
kept), and the nickname keys that must not make two brothers one name. Every name
here is invented or a common first name.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from test_linkage_families import _caution, _population

from habeas.linkage import model as mdl
from habeas.linkage import score_frame, training
from habeas.linkage.blocking_keys import consonant_key
from habeas.linkage.features import _given_keys, featurise_rows


def _row(uid: int, given: list[str], surnames: list[str], dob: date | None) -> tuple:
    exact = "exact" if dob else None
    return (uid, 1, False, None, "import", given, surnames, dob, dob, exact, None, None)


def _same_name(a: str, b: str) -> bool:
    return bool(set(_given_keys(a)) & set(_given_keys(b)))


def test_two_names_that_share_only_a_nickname_are_not_one_name() -> None:
    """The English nickname lists give Bill for Robert and for William: two brothers."""
    assert not _same_name("robert", "william")
    assert not _same_name("george", "georgina")  # a brother and a sister
    assert not _same_name("william", "wilma")
    for nickname, name in [("bob", "robert"), ("bill", "william"), ("bill", "robert")]:
        assert _same_name(nickname, name)
    for nickname, name in [("pepe", "jose"), ("moncho", "ramon"), ("chucho", "jesus")]:
        assert _same_name(nickname, name)  # the project's own list, whole
    assert _same_name("bob", "rob")  # two nicknames of one name


def test_one_name_in_another_language_is_the_same_name_of_the_same_sex_only() -> None:
    """A US list writes "John" for Juan, "Joseph" for José (Pepe); never Juana for John."""
    for a, b in [("juan", "john"), ("jose", "joseph"), ("pepe", "joseph"), ("pablo", "pawel")]:
        assert _same_name(a, b)
    for a, b in [("juana", "john"), ("andrea", "andres"), ("maria", "mario")]:
        assert not _same_name(a, b)


def test_a_surname_typo_meets_its_match_where_a_date_is_missing_only() -> None:
    """ "Kendall" / "Kendal" (no date on one side) are compared; "Schmitt" 1961 /
    "Schmidt" 1951, both dated, are not brought together by the typo keys."""
    rows = [
        _row(1, ["holliday"], ["kendall"], date(1844, 8, 2)),
        _row(2, ["holliday"], ["kendal"], None),
        _row(3, ["erika"], ["schmitt"], date(1961, 1, 14)),
        _row(4, ["erika"], ["schmidt"], date(1951, 1, 14)),
    ]
    frame = featurise_rows(rows, {})
    keys = [set(k or ()) for k in frame["typo_keys"]]
    assert keys[0] & keys[1] and keys[2] & keys[3]
    assert not set(frame.at[0, "name_keys"] or ()) & set(frame.at[1, "name_keys"] or ())
    pairs = mdl.predict(frame, training.default_model(4), threshold=1e-12)
    compared = set(zip(pairs["record_a"], pairs["record_b"], strict=True))
    assert (1, 2) in compared
    assert (3, 4) not in compared


def test_a_surname_spelt_with_other_vowels_meets_its_match_where_a_date_is_missing() -> None:
    """ "Barrie" / "Barry", "Wallis" / "Wallace": the Spanish sound key keeps the vowels
    apart, the surname's Soundex code does not. Only with the same given name (sound or
    variant) and where a record has no date; "Barry" and "Berry" with two different
    given names do not meet."""
    assert consonant_key("barrie") == consonant_key("barry") == "b600"
    assert consonant_key("wallis") == consonant_key("wallace") == "w420"
    assert consonant_key("stevenson") == consonant_key("stephenson")
    assert consonant_key("li") is None  # too short to say anything
    rows = [
        _row(1, ["thomas"], ["barrie"], None),
        _row(2, ["thomas"], ["barry"], date(1860, 3, 2)),
        _row(3, ["harry"], ["wallis"], None),
        _row(4, ["harry"], ["wallace"], date(1860, 1, 1)),
        _row(5, ["mary"], ["berry"], None),
    ]
    frame = featurise_rows(rows, {})
    keys = [set(k or ()) for k in frame["typo_keys"]]
    names = [set(k or ()) for k in frame["name_keys"]]
    assert not names[0] & names[1] and not names[2] & names[3]
    assert keys[0] & keys[1] and keys[2] & keys[3]
    assert not keys[1] & keys[4]
    pairs = mdl.predict(frame, training.default_model(5), threshold=1e-12)
    compared = set(zip(pairs["record_a"], pairs["record_b"], strict=True))
    assert {(1, 2), (3, 4)} <= compared
    assert (2, 5) not in compared


def test_one_name_beyond_the_seven_languages() -> None:
    """Ibrahim is Abraham, Yusuf José, Musa Moisés, Gwilym William, Seamus James; but a
    name these languages also give a brother or a son beside the other is not it (Iván,
    Evan and Sean beside John; Diego beside James), and Jacob is not James."""
    for a, b in [
        ("ibrahim", "abraham"),
        ("yusuf", "jose"),
        ("musa", "moises"),
        ("gwilym", "william"),
        ("seamus", "jaime"),
        ("maryam", "maria"),
        ("dafydd", "david"),
        ("yakub", "jacob"),
    ]:
        assert _same_name(a, b), (a, b)
    for a, b in [
        ("ivan", "juan"),
        ("evan", "john"),
        ("sean", "john"),
        ("diego", "jaime"),
        ("jacob", "james"),
        ("miriam", "maria"),
    ]:
        assert not _same_name(a, b), (a, b)


def test_a_name_written_alone_meets_the_surname_in_its_town() -> None:
    """ "Hamilton" alone in the given-name field, Belfast / "Jamie Hamilton", Belfast."""
    rows = [
        _row(1, ["hamilton"], [], None),
        _row(2, ["jamie"], ["hamilton"], date(1859, 1, 1)),
        _row(3, ["jamie"], ["hamilton"], None),
    ]
    homes = {1: {"locality": "Belfast"}, 2: {"locality": "Belfast"}, 3: {"locality": "Derry"}}
    frame = featurise_rows(rows, {}, residences=homes)
    keys = [set(k or ()) for k in frame["res_keys"]]
    assert keys[0] & keys[1]
    assert not keys[0] & keys[2]  # another town


def test_the_date_and_the_town_meet_when_both_names_are_garbled() -> None:
    rows = [
        _row(1, [], ["baronet"], date(1859, 3, 1)),
        _row(2, [], ["bt"], date(1859, 3, 1)),
        _row(3, [], ["bt"], date(1859, 3, 1)),
    ]
    homes = {1: {"locality": "Enfield"}, 2: {"locality": "Enfield"}, 3: {"locality": "Leeds"}}
    frame = featurise_rows(rows, {}, residences=homes)
    keys = [set(k or ()) for k in frame["dob_keys"]]
    assert keys[0] & keys[1]
    assert not keys[0] & keys[2]


def test_an_initial_of_the_second_given_name_is_not_a_different_name() -> None:
    """ "R. Vazquez" for Adam Ryan Vazquez (the name he goes by) is not cautioned as a
    different given name; "C." against "Lola C." (two initials) still is."""
    rows = _population()
    n = len(rows)
    extra = [
        ("r", "vazquez", "1990-03-14"),
        ("adam ryan", "vazquez", "1990-03-14"),
        ("c", "chavez", "1987-12-18"),
        ("lola c", "chavez", "1987-12-18"),
    ]
    frame = pd.DataFrame(
        rows
        + [
            {"unique_id": n + 1 + i, "given_names": g, "surnames": s, "dob": d}
            for i, (g, s, d) in enumerate(extra)
        ]
    ).drop(columns=["person"])
    pairs = score_frame(frame).pairs.set_index(["record_a", "record_b"])
    assert (n + 1, n + 2) in pairs.index
    assert _caution(pairs, n + 1, n + 2) is None
    assert _caution(pairs, n + 3, n + 4) in ("different given names", "not kept")
