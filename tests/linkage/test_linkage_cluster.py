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


def test_one_pair_does_not_chain_two_people_the_other_pairs_keep_apart() -> None:
    """Arthur Englefield (records 1-3) and Arthur Black (4-6), both born 1855: a record
    "Arthur, 1855" (7) scores above the threshold with both. Once it has joined one,
    the pair that would join the other is outvoted by the pairs between the two people
    that say they differ (scored low, or never compared); it is queued."""
    recs = records(*[(i, 1, False, [], False) for i in range(1, 8)])
    inside = [(a, b, 12.0) for a, b in ((1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6))]
    bridge = [(1, 7, 6.0), (4, 7, 5.0)]
    between = [(a, b, -5.0) for a in (1, 2, 3) for b in (4, 5, 6)]
    result = cluster(recs, pairs(*inside, *bridge, *between), threshold=0.8, review_low=0.2)
    assert result.cluster_of[7] == result.cluster_of[1] != result.cluster_of[4]
    assert result.reason[len(inside) + 1] == "conflict: outvoted by other pairs"
    # Record 7 fits every record of the second person too, and the pairs between the two
    # are unsure (in the review band), not "different": the join goes ahead.
    unsure = [(a, b, 0.0) for a in (1, 2, 3) for b in (4, 5, 6)]
    bridge += [(5, 7, 5.0), (6, 7, 5.0)]
    joined = cluster(recs, pairs(*inside, *bridge, *unsure), threshold=0.8, review_low=0.2)
    assert len(set(joined.cluster_of.values())) == 1


def test_a_bare_name_that_fits_two_records_of_one_person_is_not_torn() -> None:
    """Records 1 and 2 (dated) are one person; bare names 3 and 4 each fit both of them
    equally, and each other. Counted by person, 3 fits one person, not two: both bare
    names join him. Counted by record, 3 was "torn" and 4, whose best counterpart is 3,
    was refused as ambiguous."""
    recs = records(
        (1, 1, False, [], False),
        (2, 1, False, [], False),
        (3, 2, False, [], True),
        (4, 2, False, [], True),
    )
    result = cluster(
        recs,
        pairs((1, 2, 15.0), (3, 4, 20.0), (1, 3, 20.0), (2, 3, 20.0), (1, 4, 12.0), (2, 4, 12.0)),
        threshold=0.8,
        review_low=0.2,
    )
    assert len(set(result.cluster_of.values())) == 1
    assert "ambiguous" not in result.reason


def test_bare_names_the_model_finds_one_person_are_not_rivals() -> None:
    """Three bare records of one rare name, nothing else (each pair far above the
    threshold): one person, whatever the order they are visited in. Two bare records
    that two different dated people fit equally are still refused (the rule the
    margin is for), and so is a bare name between two bare records the model does
    not join."""
    recs = records(*[(i, 1, False, [], True) for i in (1, 2, 3)])
    same = cluster(
        recs, pairs((1, 2, 20.0), (1, 3, 20.0), (2, 3, 20.0)), threshold=0.8, review_low=0.2
    )
    assert len(set(same.cluster_of.values())) == 1
    apart = cluster(
        recs, pairs((1, 2, 6.0), (1, 3, 6.0), (2, 3, -3.0)), threshold=0.8, review_low=0.2
    )
    assert len(set(apart.cluster_of.values())) == 3
    assert set(apart.reason[:2]) == {"ambiguous"}
    people = records(
        (1, 1, False, ["cedula_ve:V1"], False),
        (2, 1, False, ["cedula_ve:V2"], False),
        (3, 2, False, [], True),
        (4, 2, False, [], True),
    )
    torn = cluster(
        people,
        pairs((3, 4, 20.0), (1, 3, 6.0), (2, 3, 5.5), (1, 4, 6.0), (2, 4, 5.5)),
        threshold=0.8,
        review_low=0.2,
    )
    assert torn.cluster_of[1] != torn.cluster_of[2]
    assert torn.cluster_of[3] not in (torn.cluster_of[1], torn.cluster_of[2])
    assert torn.cluster_of[4] not in (torn.cluster_of[1], torn.cluster_of[2])
