"""The clustering constraints, on hand-made records and pairs (pure, fast)."""

from __future__ import annotations

import pandas as pd

from habeas.linkage.cluster import cluster


def records(*rows: tuple[int, int, bool, list[str], bool]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id", "source_id", "rpp", "ids", "name_only"])


def pairs(*rows: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [(a, b, w, 2**w / (1 + 2**w)) for a, b, w in rows],
        columns=["record_a", "record_b", "match_weight", "match_probability"],
    )


def test_conflicting_a_numbers_never_merge() -> None:
    recs = records(
        (1, 1, False, ["a_number:111111111"], False),
        (2, 2, False, ["a_number:222222222"], False),
        (3, 3, False, [], False),
    )
    # 1–3 and 2–3 are strong: a chain would put both A-numbers in one person.
    result = cluster(recs, pairs((1, 3, 12.0), (2, 3, 11.0)), threshold=0.8, review_low=0.2)
    assert result.cluster_of[1] == result.cluster_of[3] != result.cluster_of[2]
    assert result.status == ["linked", "queued"]
    assert result.reason[1] == "conflict: different a_number"


def test_a_number_keyed_with_one_slip_is_no_conflict() -> None:
    """ "208304911" / "208340911" (two digits swapped): one person's A-number keyed
    twice, not two people's; a number two typos away still is."""
    recs = records(
        (1, 1, False, ["a_number:208304911"], False),
        (2, 2, False, ["a_number:208340911"], False),
        (3, 3, False, ["a_number:208340977"], False),
    )
    result = cluster(recs, pairs((1, 2, 12.0), (2, 3, 11.0)), threshold=0.8, review_low=0.2)
    assert result.cluster_of[1] == result.cluster_of[2] != result.cluster_of[3]
    assert result.status == ["linked", "queued"]
    assert result.reason[1] == "conflict: different a_number"


def test_one_row_per_person_source_honoured() -> None:
    recs = records((1, 1, True, [], False), (2, 1, True, [], False), (3, 2, False, [], False))
    result = cluster(
        recs, pairs((1, 3, 10.0), (2, 3, 9.0), (1, 2, 8.0)), threshold=0.8, review_low=0.2
    )
    assert result.cluster_of[1] != result.cluster_of[2]
    assert "conflict: one-row-per-person source" in result.reason


def test_name_only_record_with_two_equal_candidates_is_not_linked() -> None:
    recs = records(
        (1, 1, False, ["cedula_ve:V1"], False),
        (2, 1, False, ["cedula_ve:V2"], False),
        (3, 2, False, [], True),
    )
    result = cluster(recs, pairs((1, 3, 6.0), (2, 3, 5.5)), threshold=0.8, review_low=0.2)
    assert len(set(result.cluster_of.values())) == 3
    assert result.status == ["queued", "queued"] and set(result.reason) == {"ambiguous"}
    # With one clearly better candidate it is attached to that one.
    clear = cluster(recs, pairs((1, 3, 9.0), (2, 3, 3.0)), threshold=0.8, review_low=0.2)
    assert clear.cluster_of[3] == clear.cluster_of[1] != clear.cluster_of[2]


def test_must_and_cannot_links_win() -> None:
    recs = records((1, 1, False, [], False), (2, 2, False, [], False), (3, 3, False, [], False))
    result = cluster(
        recs,
        pairs((1, 2, 15.0), (2, 3, -10.0)),
        threshold=0.8,
        review_low=0.2,
        must=[(2, 3)],
        cannot=[(1, 2)],
        decided=[(1, 2), (2, 3)],
    )
    assert result.cluster_of[2] == result.cluster_of[3] != result.cluster_of[1]
    assert result.status == ["decided", "decided"]
