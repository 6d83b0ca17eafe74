"""Errors lists make that are not relatives, and what the register says about its numbers.

A short surname with one typo, a date with one part replaced, a given name replaced on a
record that keeps its document number: one person each time. A son born on his father's
birthday a generation later is still for a reviewer. Every name here is invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pandas as pd
from test_linkage_families import GIVEN, SURNAMES, _caution, _population

from habeas.linkage import score_frame, training
from habeas.linkage.households import (
    SHARING_FLOOR,
    different_dates,
    document_sharing,
    documents_personal,
)
from habeas.linkage.model import DIFFERENT_GIVEN_NAMES, level_weights, with_cautions


def _score(extra: list[dict]) -> tuple[dict[int, int], pd.DataFrame, dict]:
    rows = _population()
    frame = pd.DataFrame(rows + extra).drop(columns=["person"], errors="ignore")
    result = score_frame(frame)
    return result.clusters, result.pairs.set_index(["record_a", "record_b"]), result.model


def _level(pairs: pd.DataFrame, model: dict, a: int, b: int, comparison: str) -> str:
    """The label of the level a pair fell in (nearest trained weight)."""
    weight = float(pairs.loc[(a, b), f"mw_{comparison}"])
    levels = level_weights(model)[comparison]
    return min(levels, key=lambda level: abs(level[0] - weight))[1]


def test_a_short_surname_with_one_typo_is_one_person() -> None:
    """ "koch" / "kowh": Jaro-Winkler misses a typo in a four-letter surname."""
    n = len(_population())
    clusters, pairs, model = _score(
        [
            {"unique_id": n + 1, "given_names": "inge", "surnames": "koch", "dob": "1936-04-21"},
            {"unique_id": n + 2, "given_names": "inge", "surnames": "kowh", "dob": "1936-04-21"},
        ]
    )
    assert _level(pairs, model, n + 1, n + 2, "surnames") == "First surnames a near spelling"
    assert clusters[n + 1] == clusters[n + 2]


def test_a_date_with_one_part_replaced_is_one_person() -> None:
    """Year and month kept, the day replaced (not one typo): the same person."""
    n = len(_population())
    person = {"given_names": "herbert", "surnames": "albrecht villegas"}
    clusters, pairs, model = _score(
        [
            {"unique_id": n + 1, **person, "dob": "1985-12-08"},
            {"unique_id": n + 2, **person, "dob": "1985-12-15"},
        ]
    )
    assert _level(pairs, model, n + 1, n + 2, "dob") == "Two of day, month and year agree"
    assert clusters[n + 1] == clusters[n + 2]
    assert _caution(pairs, n + 1, n + 2) is None


def test_the_same_birthday_a_generation_apart_is_for_a_reviewer() -> None:
    """A son named after his father and born on his birthday: its own level (a year
    replaced is likelier than that birthday), but never linked without a human."""
    n = len(_population())
    person = {"given_names": "pedro", "surnames": "rivera soto"}
    clusters, pairs, model = _score(
        [
            {"unique_id": n + 1, **person, "dob": "1961-08-19"},
            {"unique_id": n + 2, **person, "dob": "1988-08-19"},
        ]
    )
    assert _level(pairs, model, n + 1, n + 2, "dob") == "Same day and month, a generation apart"
    assert clusters[n + 1] != clusters[n + 2]
    assert _caution(pairs, n + 1, n + 2) == "dates of birth a generation apart"


def test_dates_that_are_one_person_mistyped() -> None:
    assert not different_dates("1985-12-08", "1985-12-15")  # one part
    assert not different_dates("1985-12-08", "1985-08-12")  # day and month swapped
    assert not different_dates("1985-12-08", "1895-12-08")  # one transposition
    assert different_dates("1985-12-08", "1990-03-08")
    assert different_dates("1985-12-08", "1961-02-19")


def _documented(people: int, copied: int, seed: int = 5) -> pd.DataFrame:
    """``people`` persons listed twice with their own document number; ``copied`` more
    pairs of siblings whose form carries one number for both (other name, other date)."""
    rng = random.Random(seed)
    rows = []
    uid = 1
    for i in range(people + copied):
        number = f"2{i:08d}"
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(15000))
        names = [rng.choice(GIVEN)] * 2
        dates = [born, born]
        if i >= people:  # a sibling with the same number
            names[1] = next(g for g in GIVEN if g[:3] != names[0][:3])
            dates[1] = born + timedelta(days=900 + rng.randrange(3000))
        surnames = " ".join(rng.sample(SURNAMES, 2))
        for g, d in zip(names, dates, strict=True):
            rows.append(
                {
                    "unique_id": uid,
                    "given_names": g,
                    "surnames": surnames,
                    "dob": d.isoformat(),
                    "a_number": number,
                }
            )
            uid += 1
    return pd.DataFrame(rows)


def _features(frame: pd.DataFrame) -> pd.DataFrame:
    from habeas.linkage.features import featurise_rows
    from habeas.linkage.score import _frame

    rows, ids, homes = _frame(frame, 1, False)
    return featurise_rows(rows, ids, residences=homes)


def test_the_register_says_whether_numbers_are_one_persons() -> None:
    own = document_sharing(_features(_documented(200, 0)))
    assert own is not None and own[0] == 0.0 and own[1] == 200
    copied = document_sharing(_features(_documented(200, 12)))
    assert copied is not None and copied[0] >= SHARING_FLOOR
    assert document_sharing(_features(_documented(20, 0))) is None  # too few to tell
    assert documents_personal({"habeas_document_sharing": 0.0})
    assert not documents_personal({"habeas_document_sharing": 0.05})
    assert not documents_personal({})  # never measured: the caution stands
    # undated pairs are measured apart: a list without dates may copy numbers
    assert not documents_personal({"habeas_document_sharing": 0.0}, dated=False)
    both = {"habeas_document_sharing": 0.0, "habeas_document_sharing_undated": 0.01}
    assert documents_personal(both, dated=False)
    copied_undated = {**both, "habeas_document_sharing_undated": 0.2}
    assert not documents_personal(copied_undated, dated=False)
    undated = _documented(200, 30).assign(dob=lambda f: [None, *f["dob"][1:]])
    measured = document_sharing(_features(undated.iloc[::1]), dated=False)
    assert measured is None  # one undated record: too few pairs


def test_a_shared_number_outweighs_a_replaced_given_name_only_where_numbers_are_personal() -> None:
    """Different first given names, the same A-number, dates one part apart: cautioned
    unless training found the register's numbers to be one person's each; with no date
    on a side, or a date a generation away, cautioned whatever the register says."""
    model = training.default_model()
    # As in a trained model, no dob level weighs exactly 0 (the null level's weight): the
    # default's "uncertain dates overlap" has m = u.
    overlap = [
        lv for lv in model["comparisons"][3]["comparison_levels"] if not lv.get("is_null_level")
    ]
    assert model["comparisons"][3]["output_column_name"] == "dob"
    overlap[5]["u_probability"] = 0.01
    weights = level_weights(model)
    pair = pd.DataFrame(
        {
            "record_a": [1],
            "record_b": [2],
            "match_weight": [10.0],
            "match_probability": [0.999],
            "mw_given": [weights["given"][-1][0]],
            "mw_a_number": [weights["a_number"][0][0]],
            "mw_dob": [weights["dob"][3][0]],  # two of day, month and year agree
        }
    )
    assert weights["dob"][3][1] == "Two of day, month and year agree"
    assert with_cautions(pair, model)["caution"][0] == DIFFERENT_GIVEN_NAMES
    personal = {**model, "habeas_document_sharing": 0.0}
    assert with_cautions(pair, personal)["caution"][0] is None
    undated = pair.assign(mw_dob=[0.0])
    assert with_cautions(undated, personal)["caution"][0] == DIFFERENT_GIVEN_NAMES
    both = {**personal, "habeas_document_sharing_undated": 0.0}
    assert with_cautions(undated, both)["caution"][0] is None
    # a date a generation away disputes the number: still cautioned
    disputed = pair.assign(mw_dob=[weights["dob"][-1][0]])
    assert with_cautions(disputed, personal)["caution"][0] == DIFFERENT_GIVEN_NAMES
    assert not np.isnan(weights["given"][-1][0])


def test_a_lone_name_is_compared_with_the_other_records_surname() -> None:
    """ "Watts", the only name a list gave (read as a given name), is William Watts's
    surname: not "a different given name", and counted once."""
    n = len(_population())
    _clusters, pairs, model = _score(
        [
            {
                "unique_id": n + 1,
                "given_names": "william",
                "surnames": "watts",
                "dob": "1860-06-07",
            },
            {"unique_id": n + 2, "given_names": "watts", "surnames": None, "dob": "1860-06-07"},
        ]
    )
    assert _level(pairs, model, n + 1, n + 2, "given") == "The only name is the other's surname"
    assert _caution(pairs, n + 1, n + 2) is None
    assert float(pairs.loc[(n + 1, n + 2), "mw_surnames"]) == 0.0
