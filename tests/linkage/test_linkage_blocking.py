"""Name blocking keys stay bounded (cap_block_keys) and the queue puts likely merges first."""

from __future__ import annotations

import pandas as pd

from habeas.linkage.cluster import Clustering, priorities
from habeas.linkage.features import cap_block_keys


def test_an_oversized_coarse_key_is_replaced_by_the_finer_keys() -> None:
    coarse = pd.Series([("s:gonzalez|~jose", "p:gonzalez|rodriguez")] * 3
                       + [("s:gonzalez|~jose",)])
    finer = pd.Series([("g:gonzalez|rodriguez|~jose",)] * 2 + [("g:gonzalez|rodriguez|#luis",)]
                      + [()])
    keys = cap_block_keys(coarse, finer, cap=3)
    # "s:gonzalez|~jose" is held by 4 records (> 3): dropped everywhere, finer keys added.
    assert keys[0] == ["p:gonzalez|rodriguez", "g:gonzalez|rodriguez|~jose"]
    assert keys[2] == ["p:gonzalez|rodriguez", "g:gonzalez|rodriguez|#luis"]
    assert keys[3] is None  # only an oversized key: left to the date and document rules


def test_no_key_is_shared_by_more_records_than_the_cap() -> None:
    coarse = pd.Series([(f"s:k{i % 7}|g", f"p:k{i % 3}|x") for i in range(100)])
    finer = pd.Series([(f"g:k{i % 3}|x|{i % 11}",) for i in range(100)])
    kept = cap_block_keys(coarse, finer, cap=15).explode().dropna().value_counts()
    assert kept.max() <= 15


def test_a_likely_merge_of_a_bare_name_comes_before_an_unlikely_one_of_two_big_persons() -> None:
    # records 1-5 one person, 6-10 another, 11 alone
    cluster_of = {r: (1 if r <= 5 else 6 if r <= 10 else 11) for r in range(1, 12)}
    clustering = Clustering(cluster_of=cluster_of, status=["queued", "queued"],
                            reason=["band", "band"])
    pairs = pd.DataFrame({"record_a": [1, 6], "record_b": [6, 11],
                          "match_probability": [0.25, 0.45]})
    unlikely_big, likely_small = priorities(clustering, pairs)
    assert likely_small > unlikely_big  # 0.45 × 6 records vs 0.25 × 10
