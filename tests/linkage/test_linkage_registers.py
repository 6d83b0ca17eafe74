"""Errors lists make that are not relatives, and what the register says about its numbers.

A short surname with one typo, a date with one part replaced, a given name replaced on a
record that keeps its document number: one person each time. A son born on his father's
birthday a generation later is still for a reviewer. Every name here is invented.
"""

from __future__ import annotations

import pandas as pd
from test_linkage_families import _caution, _population

from habeas.linkage import score_frame
from habeas.linkage.model import level_weights


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
