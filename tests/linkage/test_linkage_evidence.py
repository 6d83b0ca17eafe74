"""Per-field evidence of scored pairs: the level each weight is, and the weight shown."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from habeas.linkage import model as mdl

WEIGHTS = {
    "given": [(6.0, "Exact"), (3.5, "Nickname"), (1.0, "Typo"), (-4.0, "Else")],
    "dob": [(9.0, "Exact"), (0.0, "Same year"), (-8.0, "Else")],  # a level weighing 0
    "sex": [(0.3, "Exact"), (-1.2, "Else")],
}


def test_each_weight_is_named_by_its_nearest_level_with_the_term_frequency_added() -> None:
    pairs = pd.DataFrame(
        {
            "mw_given": [6.0, 3.5, -4.0, np.nan],
            "mw_tf_given": [1.25, np.nan, 0.0, np.nan],
            "mw_dob": [9.0, 0.0, np.nan, -8.0],
            "mw_sex": [0.3, 0.0, -1.2, 0.3],  # 0 on sex: missing on a side, left out
        }
    )
    rows = mdl.evidence_rows(pairs, WEIGHTS)
    assert rows[0] == {"given": ["Exact", 7.25], "dob": ["Exact", 9.0], "sex": ["Exact", 0.3]}
    assert rows[1] == {"given": ["Nickname", 3.5], "dob": ["Same year", 0.0]}
    assert rows[2] == {"given": ["Else", -4.0], "sex": ["Else", -1.2]}
    assert rows[3] == {"dob": ["Else", -8.0], "sex": ["Exact", 0.3]}


def test_one_row_and_many_rows_agree() -> None:
    rng = np.random.default_rng(5)
    levels = [w for w, _ in WEIGHTS["given"]]
    pairs = pd.DataFrame(
        {
            "mw_given": rng.choice(levels, 200),
            "mw_tf_given": rng.normal(0, 1, 200).round(4),
            "mw_sex": rng.choice([0.3, -1.2, np.nan], 200),
        }
    )
    many = mdl.evidence_rows(pairs, WEIGHTS)
    for i, row in enumerate(pairs.to_dict("records")):
        one = mdl.evidence_rows(pd.DataFrame([row]), WEIGHTS)[0]
        assert one == many[i]
        expected = row["mw_given"] + row["mw_tf_given"]
        assert math.isclose(one["given"][1], expected, abs_tol=5e-4 + 1e-9)  # shown to 3 places


def test_a_comparison_without_trained_levels_keeps_its_weight_unnamed() -> None:
    rows = mdl.evidence_rows(pd.DataFrame({"mw_address": [2.0]}), {})
    assert rows == [{"address": ["", 2.0]}]


def test_the_stored_text_is_what_json_dumps_writes() -> None:
    """The write path stores evidence_json's text; it must be json.dumps of evidence_rows."""
    import json

    rng = np.random.default_rng(11)
    weights = {**WEIGHTS, "surnames": [(5.0, "Ambos apellidos «exactos»"), (-3.0, "Otro")]}
    pairs = pd.DataFrame(
        {
            "mw_given": rng.choice([6.0, 3.5, 1.0, -4.0, np.nan], 300),
            "mw_tf_given": rng.normal(0, 1, 300).round(6),
            "mw_dob": rng.choice([9.0, 0.0, -8.0, np.nan], 300),
            "mw_sex": rng.choice([0.3, 0.0, -1.2], 300),
            "mw_surnames": rng.choice([5.0, -3.0, 1e-12, np.nan], 300),
            "mw_address": rng.normal(0, 3, 300),
        }
    )
    texts = mdl.evidence_json(pairs, weights)
    rows = mdl.evidence_rows(pairs, weights)
    assert texts == [json.dumps(row) for row in rows]
    assert mdl.evidence_json(pairs.iloc[:0], weights) == []
