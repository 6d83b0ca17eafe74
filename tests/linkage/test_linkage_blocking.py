"""Name blocking keys stay bounded (cap_block_keys) and the queue puts likely merges first."""

from __future__ import annotations

import pandas as pd

from habeas.linkage.cluster import Clustering, priorities
from habeas.linkage.features import cap_block_keys


def test_an_oversized_coarse_key_is_replaced_by_the_finer_keys_and_split_in_windows() -> None:
    coarse = pd.Series([("s:gonzalez|~jose", "p:gonzalez|rodriguez")] * 3 + [("s:gonzalez|~jose",)])
    finer = pd.Series(
        [("g:gonzalez|rodriguez|~jose",)] * 2 + [("g:gonzalez|rodriguez|#luis",)] + [()]
    )
    keys = cap_block_keys(coarse, finer, cap=3, window=4)
    # "s:gonzalez|~jose" is held by 4 records (> 3): finer keys are added, and the
    # oversized block itself is cut into windows of 4 records (steps of 2), never dropped.
    assert keys[0] == ["p:gonzalez|rodriguez", "g:gonzalez|rodriguez|~jose", "s:gonzalez|~jose#0"]
    assert keys[2] == [
        "p:gonzalez|rodriguez",
        "g:gonzalez|rodriguez|#luis",
        "s:gonzalez|~jose#1",
        "s:gonzalez|~jose#0",
    ]
    assert keys[3] == ["s:gonzalez|~jose#1", "s:gonzalez|~jose#0"]


def test_an_oversized_block_is_split_so_that_neighbours_in_name_order_still_meet() -> None:
    """120 records of one common name key: windows of 10 in name order; each record
    meets the records next to it, a record with a one-letter typo still meets its twin."""
    names = [f"name{i:03d}" for i in range(120)]
    names[61] = names[60] + "x"  # a typo: sorts next to its original
    coarse = pd.Series([("s:common|g",)] * 120)
    finer = pd.Series([()] * 120)
    order = pd.Series(names)
    keys = cap_block_keys(coarse, finer, cap=50, order=order, window=10)
    counts = keys.explode().value_counts()
    assert counts.max() <= 10
    assert set(keys[60]) & set(keys[61])  # neighbours in order share a window
    assert not set(keys[0]) & set(keys[119])  # the block is split
    assert all(keys[i] for i in range(120))  # nobody is dropped


def test_no_key_is_shared_by_more_records_than_the_cap() -> None:
    coarse = pd.Series([(f"s:k{i % 7}|g", f"p:k{i % 3}|x") for i in range(100)])
    finer = pd.Series([(f"g:k{i % 3}|x|{i % 11}",) for i in range(100)])
    kept = cap_block_keys(coarse, finer, cap=15).explode().dropna().value_counts()
    assert kept.max() <= 15


def test_a_likely_merge_of_a_bare_name_comes_before_an_unlikely_one_of_two_big_persons() -> None:
    # records 1-5 one person, 6-10 another, 11 alone
    cluster_of = {r: (1 if r <= 5 else 6 if r <= 10 else 11) for r in range(1, 12)}
    clustering = Clustering(
        cluster_of=cluster_of, status=["queued", "queued"], reason=["band", "band"]
    )
    pairs = pd.DataFrame(
        {"record_a": [1, 6], "record_b": [6, 11], "match_probability": [0.25, 0.45]}
    )
    unlikely_big, likely_small = priorities(clustering, pairs)
    assert likely_small > unlikely_big  # 0.45 × 6 records vs 0.25 × 10
