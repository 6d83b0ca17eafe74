"""Families, names and documents the model must read right (issue 12).

Siblings share both surnames, twins a date of birth, households an address and
sometimes a copied document number; a son may carry his father's full name. None
of that may merge two people. And the name features must not call "different"
what is one name: a title, a digit for a letter, a short name's typo, a cédula
written without its V. Every name here is invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from habeas.linkage import score_frame
from habeas.linkage.features import featurise_rows, infer_types

GIVEN = [
    "ana",
    "luis",
    "carmen",
    "pedro",
    "rosa",
    "jesus",
    "elena",
    "mario",
    "isabel",
    "tomas",
    "lucia",
    "andres",
    "sofia",
    "ramon",
    "teresa",
    "hugo",
    "marta",
    "julio",
    "ines",
    "raul",
    "diego",
    "paula",
    "sergio",
    "laura",
    "victor",
    "nora",
]
SURNAMES = [
    "acosta",
    "bermudez",
    "castillo",
    "duarte",
    "escalona",
    "fuenmayor",
    "guerrero",
    "herrera",
    "infante",
    "jimenez",
    "lozada",
    "montilla",
    "navas",
    "ortega",
    "pineda",
    "quintero",
    "rondon",
    "salazar",
    "toro",
    "urdaneta",
    "villegas",
    "zambrano",
    "alvarado",
    "benitez",
    "cordero",
    "delgado",
]


def _population(seed: int = 3, people: int = 220) -> list[dict]:
    """``people`` invented persons, each listed twice (the second time with a typo or a
    dropped second surname now and then), each at a home of their own."""
    rng = random.Random(seed)
    rows: list[dict] = []
    uid = 1
    for i in range(people):
        given = rng.choice(GIVEN)
        s1, s2 = rng.sample(SURNAMES, 2)
        dob = date(1960, 1, 1) + timedelta(days=rng.randrange(15000))
        home = {
            "street_number": str(rng.randrange(1, 200)),
            "address": f"calle {i + 3}",
            "locality": "maracaibo",
        }
        for copy in range(2):
            surnames = f"{s1} {s2}" if copy == 0 or rng.random() < 0.7 else s1
            rows.append(
                {
                    "unique_id": uid,
                    "given_names": given,
                    "surnames": surnames,
                    "dob": dob.isoformat(),
                    "person": f"p{i}",
                    **home,
                }
            )
            uid += 1
    return rows


def _family(start: int) -> list[dict]:
    home = {"street_number": "21", "address": "calle 7", "locality": "maracaibo"}
    twins = date(2001, 4, 3).isoformat()
    people = [
        ("carla", "rivera soto", twins, "twin-1"),
        ("lucia", "rivera soto", twins, "twin-2"),
        ("pedro", "rivera soto", "1961-08-19", "father"),
        ("pedro", "rivera soto", "1988-02-11", "son"),
        ("ramon", "rivera soto", None, "brother"),
        ("ines", "rivera soto", None, "sister"),
    ]
    return [
        {"unique_id": start + i, "given_names": g, "surnames": s, "dob": d, "person": who, **home}
        for i, (g, s, d, who) in enumerate(people)
    ]


def test_a_family_at_one_home_stays_six_people() -> None:
    rows = _population()
    family = _family(len(rows) + 1)
    frame = pd.DataFrame(rows + family)
    result = score_frame(frame.drop(columns=["person"]))
    person_of = dict(zip(frame["unique_id"], frame["person"], strict=True))
    clusters = {person_of[u]: result.clusters[u] for u in (r["unique_id"] for r in family)}
    assert len(set(clusters.values())) == 6, clusters
    # and the population's own duplicates are still found
    joined = sum(
        result.clusters[r["unique_id"]] == result.clusters[r["unique_id"] + 1] for r in rows[::2]
    )
    assert joined >= 0.9 * len(rows) // 2


def test_different_given_names_are_cautioned_but_variants_are_not() -> None:
    rows = _population()
    n = len(rows)
    extra = [
        {
            "unique_id": n + 1,
            "given_names": "luis",
            "surnames": "vargas gonzalez",
            "dob": "2000-01-04",
            "cedula_ve": "V25877646",
        },
        {
            "unique_id": n + 2,
            "given_names": "lois",
            "surnames": "vargas gonzalez",
            "dob": None,
            "cedula_ve": "V25877646",
        },  # a typo in a short name
        {"unique_id": n + 3, "given_names": "sir raul", "surnames": "pereira", "dob": "1950-02-02"},
        {
            "unique_id": n + 4,
            "given_names": "raul",
            "surnames": "pereira",
            "dob": "1950-02-02",
        },  # a title is not a name
        {
            "unique_id": n + 5,
            "given_names": "marta",
            "surnames": "pereira",
            "dob": "1950-02-02",
        },  # a sister born the same day
    ]
    frame = pd.DataFrame(rows + extra).drop(columns=["person"])
    result = score_frame(frame)
    pairs = result.pairs.set_index(["record_a", "record_b"])
    assert _caution(pairs, n + 1, n + 2) is None
    assert result.clusters[n + 1] == result.clusters[n + 2]
    assert result.clusters[n + 3] == result.clusters[n + 4]
    # the sister: cautioned, or scored too low to be a candidate at all
    assert _caution(pairs, n + 4, n + 5) in ("different given names", "not kept")
    assert result.clusters[n + 5] != result.clusters[n + 4]


def test_titles_and_digits_in_names() -> None:
    rows = [
        (1, 1, False, None, "import", ["sir", "francis"], ["vane"], None, None, None, None, None),
        (2, 1, False, None, "import", ["r0bert"], ["l0wth"], None, None, None, None, None),
        (3, 1, False, None, "import", ["brig", "gen"], ["grogan"], None, None, None, None, None),
    ]
    frame = featurise_rows(rows, {}).set_index("unique_id")
    assert frame.at[1, "given1"] == "francis"
    assert (frame.at[2, "given1"], frame.at[2, "sur1"]) == ("robert", "lowth")
    assert frame.at[3, "given1"] is None  # only titles: no given name at all


def test_a_bare_number_takes_the_type_other_lists_give_it() -> None:
    ids = pd.DataFrame(
        {
            "record_id": [1, 2, 3, 4, 5, 6],
            "id_type": [
                "cedula_ve",
                "national_id",
                "a_number",
                "national_id",
                "national_id",
                "national_id",
            ],
            "value": ["V12345678", "12345678", "020830491", "20830491", "99887766", "A1B2"],
        }
    )
    out = infer_types(ids).set_index("record_id")
    assert tuple(out.loc[2]) == ("cedula_ve", "V12345678")
    assert tuple(out.loc[4]) == ("a_number", "020830491")  # 8 digits, zero-padded to 9
    assert tuple(out.loc[5]) == ("national_id", "99887766")  # nobody holds it: unchanged
    assert tuple(out.loc[6]) == ("national_id", "A1B2")


def _row(
    rid: int, given: list[str], surnames: list[str], lo: date, hi: date, precision: str
) -> tuple[object, ...]:
    """A record as :func:`featurise_rows` reads it from the store: its own person, from an
    import, with a name and a date of birth between ``lo`` and ``hi``, and nothing else."""
    return (rid, rid, False, None, "import", given, surnames, lo, hi, precision, None, None)


def test_a_date_known_to_the_year_still_meets_its_match() -> None:
    """Year × name keys: "1546-11-01" and a year-only "1546" with one surname missing."""
    rows = [
        _row(1, ["ulpian"], ["fulwell"], date(1546, 11, 1), date(1546, 11, 1), "exact"),
        _row(2, ["ulpian"], [], date(1546, 1, 1), date(1546, 12, 31), "year"),
    ]
    frame = featurise_rows(rows, {})
    keys = [set(k or ()) for k in frame["dob_keys"]]
    assert keys[0] & keys[1]


def test_a_document_copied_within_a_household_does_not_join_two_siblings() -> None:
    """The same A-number on a brother's and a sister's record (copied on a form), other
    given names and other dates: two people, the pair for a reviewer."""
    rows = _population()
    n = len(rows)
    home = {"street_number": "4", "address": "calle 90", "locality": "maracaibo"}
    extra = [
        {
            "unique_id": n + 1,
            "given_names": "julio",
            "surnames": "soto rivera",
            "dob": "1990-03-01",
            "a_number": "208304911",
            **home,
        },
        {
            "unique_id": n + 2,
            "given_names": "nora",
            "surnames": "soto rivera",
            "dob": "1994-07-12",
            "a_number": "208304911",
            **home,
        },
    ]
    frame = pd.DataFrame(rows + extra).drop(columns=["person"])
    result = score_frame(frame)
    assert result.clusters[n + 1] != result.clusters[n + 2]
    pairs = result.pairs.set_index(["record_a", "record_b"])
    assert _caution(pairs, n + 1, n + 2) in ("different given names", "not kept")


def _caution(pairs: pd.DataFrame, a: int, b: int) -> str | None:
    """The pair's caution; "not kept" when it scored under the review band (records with
    dates or documents: clustering does not read such pairs)."""
    if (a, b) not in pairs.index:
        return "not kept"
    value = pairs.loc[(a, b), "caution"]
    return value if isinstance(value, str) else None


def test_a_date_of_birth_in_the_future_is_compared_as_unknown() -> None:
    """ "2107-05-09" is a mistyped year, not a person born a century from now: it must not
    make one person's two records "a generation apart"."""
    rows = [
        _row(1, ["veronica"], ["pereyra"], date(2005, 5, 9), date(2005, 5, 9), "exact"),
        _row(2, ["veronica"], ["pereyra"], date(2107, 5, 9), date(2107, 5, 9), "exact"),
    ]
    frame = featurise_rows(rows, {}).set_index("unique_id")
    assert frame.at[1, "dob"] == "2005-05-09"
    assert frame.at[2, "dob"] is None and frame.at[2, "dob_lo"] is None


def test_every_level_and_caution_has_words_on_the_review_page() -> None:
    """A reviewer reads each level and each reason in their language, never a code."""
    from habeas.linkage.model import CAUTION_REASONS, settings
    from habeas.web.pages.review import LEVELS, QUEUE_REASONS, level_text

    def unexplained(label: str) -> bool:
        return level_text(label, lambda s: s) == label and label not in LEVELS

    model = settings().get_settings("duckdb").as_dict()
    labels = [
        lv.get("label_for_charts") or ""
        for c in model["comparisons"]
        for lv in c["comparison_levels"]
        if not lv.get("is_null_level")
    ]
    assert not [label for label in labels if unexplained(label)]
    assert set(QUEUE_REASONS) >= CAUTION_REASONS


def test_names_of_the_other_sex_are_not_a_typo() -> None:
    """Juan and Juana, Mario and María are one letter apart, but the names of a brother
    and a sister: they are not scored as a typo of one name (Luis / Lois, same sex), and
    weigh less, all else equal."""
    rows = _population()
    n = len(rows)
    family = [
        ("juan", "rivera soto"),
        ("juana", "rivera soto"),
        ("mario", "lozada pineda"),
        ("maria", "lozada pineda"),
        ("luis", "ortega toro"),
        ("lois", "ortega toro"),
    ]
    extra = [
        {"unique_id": n + 1 + i, "given_names": g, "surnames": s, "dob": None}
        for i, (g, s) in enumerate(family)
    ]
    frame = pd.DataFrame(rows + extra).drop(columns=["person"])
    pairs = score_frame(frame).pairs.set_index(["record_a", "record_b"])
    typo = pairs.loc[(n + 5, n + 6), "mw_given"]
    for brother in (n + 1, n + 3):
        assert (brother, brother + 1) not in pairs.index or (
            pairs.loc[(brother, brother + 1), "mw_given"] < typo
        )


def test_the_sex_of_a_given_name_is_known_only_where_it_is_clear() -> None:
    from habeas.linkage.given_sex import sex_of

    names = ["peter", "petra", "juan", "juana", "andrea", "kim", "j", None, "zzxqy"]
    assert sex_of(names) == ["m", "f", "m", "f", None, None, None, None, None]
