"""The array paths a million-record run takes give what the plain ones give.

Document pairs found with NumPy (:func:`habeas.linkage.run.document_pair_keys`) are
:func:`habeas.linkage.model.document_pairs`; the scored pairs merged column by column
(:func:`habeas.linkage.run._merge_strongest_first`) are a concatenation sorted
strongest first; clustering's nodes without empty tables decide as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from habeas.linkage import model as mdl
from habeas.linkage.cluster import cluster
from habeas.linkage.features import _lists
from habeas.linkage.run import _merge_strongest_first, document_pair_keys


def _documents() -> pd.DataFrame:
    """Records sharing A-numbers, cédulas and DUIs: pairs, threes, a number on 25 records
    (a placeholder: pairs nobody), records with several numbers, ids out of order."""
    rng = np.random.default_rng(7)
    n = 400
    ids = rng.permutation(np.arange(10, 10 + n) * 3)
    frame = pd.DataFrame({"unique_id": ids})
    for column, values in (("a_number", 60), ("cedula_ve", 120), ("dui_sv", 200)):
        numbers = rng.integers(0, values, n).astype(str)
        numbers = np.where(rng.random(n) < 0.3, None, numbers)
        frame[column] = pd.Series(numbers, dtype="object")
    # one number on 25 records, which share no other
    frame.loc[frame.index[:25], ["a_number", "cedula_ve"]] = None
    frame.loc[frame.index[:25], "dui_sv"] = "000000000"
    return frame


def test_document_pair_keys_are_the_document_pairs() -> None:
    frame = _documents()
    span = int(frame["unique_id"].max()) + 1
    keys = document_pair_keys(frame, span)
    expected = mdl.document_pairs(frame)
    assert len(expected) > 100
    assert {(int(k // span), int(k % span)) for k in keys.tolist()} == expected
    assert len(keys) == len(expected)  # each pair once
    assert np.all(np.diff(keys) > 0)
    # a number held by more than max_group (20) records pairs nobody
    placeholder = sorted(int(i) for i in frame["unique_id"][:25])
    assert (placeholder[0], placeholder[1]) not in expected
    assert document_pair_keys(frame.iloc[:0], span).size == 0


def _scored(rng: np.random.Generator, n: int, extra_column: str | None = None) -> pd.DataFrame:
    pairs = pd.DataFrame(
        {
            "record_a": rng.integers(0, 60, n),
            "record_b": rng.integers(60, 120, n),
            "match_weight": rng.choice([4.5, 1.0, 0.0, -2.25, -9.0], n),
            "match_probability": rng.random(n),
            "mw_given": rng.choice([3.0, -1.0], n),
            "caution": rng.choice(np.array([None, "different given names"], dtype=object), n),
        }
    ).drop_duplicates(["record_a", "record_b"])
    if extra_column:
        pairs[extra_column] = 1.5
    return mdl._strongest_first(pairs)


def test_merged_pairs_are_the_concatenation_sorted_strongest_first() -> None:
    rng = np.random.default_rng(3)
    pairs = _scored(rng, 2000)
    extra = _scored(rng, 200, extra_column="mw_other")  # a column only one side has
    seen = pd.MultiIndex.from_frame(pairs[["record_a", "record_b"]])
    extra = extra[~pd.MultiIndex.from_frame(extra[["record_a", "record_b"]]).isin(seen)]
    extra = extra.reset_index(drop=True)
    expected = (
        pd.concat([pairs, extra], ignore_index=True)
        .sort_values(
            ["match_weight", "record_a", "record_b"], ascending=[False, True, True], kind="stable"
        )
        .reset_index(drop=True)
    )
    merged = _merge_strongest_first(pairs.copy(), extra)
    pd.testing.assert_frame_equal(merged, expected)


def test_lists_gather_values_by_position_in_input_order() -> None:
    positions = np.array([3, 0, 3, 1, 3, 0])
    values = np.array(["a", "b", "c", "d", "e", "f"], dtype=object)
    assert _lists(positions, values, 5) == [["b", "f"], ["d"], None, ["a", "c", "e"], None]
    assert _lists(np.array([], dtype=np.int64), np.array([], dtype=object), 2) == [None, None]


def test_clustering_keeps_document_and_one_row_per_person_constraints() -> None:
    records = pd.DataFrame(
        {
            "unique_id": [1, 2, 3, 4, 5],
            "source_id": [1, 1, 2, 2, 3],
            "rpp": [True, True, False, False, False],
            "ids": [["a_number:111111111"], None, ["a_number:222222222"], [], None],
            "name_only": [False, False, False, False, False],
        }
    )
    pairs = pd.DataFrame(
        {
            "record_a": [1, 1, 3, 4],
            "record_b": [2, 3, 4, 5],
            "match_weight": [9.0, 8.0, 7.0, 6.0],
            "match_probability": [0.99, 0.98, 0.97, 0.96],
        }
    )
    result = cluster(records, pairs, threshold=0.5, review_low=0.2)
    # 1–2: one row per person (source 1); 1–3: two A-numbers; 3–4 and 4–5 join
    assert result.status == ["queued", "queued", "linked", "linked"]
    assert result.reason[:2] == [
        "conflict: one-row-per-person source",
        "conflict: different a_number",
    ]
    assert result.cluster_of[3] == result.cluster_of[4] == result.cluster_of[5]
    assert len({result.cluster_of[1], result.cluster_of[2], result.cluster_of[3]}) == 3


def test_a_conflict_of_several_documents_names_the_first_type() -> None:
    """Which of two differing document types a refused join names does not depend on
    the process (string hashing orders a set of types differently in each)."""
    records = pd.DataFrame(
        {
            "unique_id": [1, 2],
            "source_id": [1, 2],
            "rpp": [False, False],
            "ids": [
                ["dui_sv:012345678", "cedula_ve:V1234567", "a_number:111111111"],
                ["a_number:999999999", "dui_sv:098765432", "cedula_ve:V7654321"],
            ],
            "name_only": [False, False],
        }
    )
    pairs = pd.DataFrame(
        {"record_a": [1], "record_b": [2], "match_weight": [9.0], "match_probability": [0.99]}
    )
    result = cluster(records, pairs, threshold=0.5, review_low=0.2)
    assert result.reason == ["conflict: different a_number"]
