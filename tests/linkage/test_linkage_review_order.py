"""The review queue's order: the decision expected to change most record pairs first,
learning from the decisions made (``habeas.linkage.review_order``).

The pure cases build a run's clustering by hand; the store cases write queued pairs as
a linkage run leaves them (priorities from ``review_order.priorities``'s own rule), so
the order does not depend on what a trained model happens to score.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from linkage_support import import_press_list, pair_key, queue_pairs

from habeas.access.reader import Reader
from habeas.linkage import decide, queue
from habeas.linkage.cluster import Clustering
from habeas.linkage.review_order import calibration, expected_same, family, priorities, value
from habeas.store.db import Store

ADMIN = Reader("admin", "ana", "documentation")


def _run(cluster_of: dict[int, int], rows: list[tuple[int, int, float, str]]) -> list[float]:
    clustering = Clustering(
        cluster_of=cluster_of, status=["queued"] * len(rows), reason=[r[3] for r in rows]
    )
    pairs = pd.DataFrame(
        {
            "record_a": [r[0] for r in rows],
            "record_b": [r[1] for r in rows],
            "match_probability": [r[2] for r in rows],
        }
    )
    return priorities(clustering, pairs)


def test_joining_two_persons_of_several_records_outranks_a_likelier_bare_name() -> None:
    # records 1-3 one person, 4-6 another, 7 and 8 alone
    cluster_of = {r: (1 if r <= 3 else 4 if r <= 6 else r) for r in range(1, 9)}
    big, small = _run(cluster_of, [(1, 4, 0.3, "band"), (7, 8, 0.45, "band")])
    # a "same" on 1-4 joins 3 × 3 record pairs (expected 2.7), on 7-8 one pair (0.45)
    assert big > small


def test_a_conflict_waits_behind_a_band_pair_of_the_same_probability() -> None:
    cluster_of = {r: r for r in range(1, 5)}
    conflict, band = _run(
        cluster_of, [(1, 2, 0.8, "conflict: different a_number"), (3, 4, 0.3, "band")]
    )
    assert band > conflict  # two different valid A-numbers: rarely one person
    assert expected_same(0.01, "same document") > expected_same(0.45, "band")


def test_a_bare_name_fitting_two_persons_counts_as_half_a_chance_each() -> None:
    cluster_of = {r: r for r in range(1, 6)}
    first, second, band = _run(
        cluster_of, [(1, 2, 0.9, "ambiguous"), (1, 3, 0.9, "ambiguous"), (4, 5, 0.5, "band")]
    )
    assert first == second < band  # 0.9 / 2 against 0.5


def test_a_pair_inside_one_person_is_worth_the_records_a_split_would_move() -> None:
    assert value(0.2, True, 5, 5) > value(0.2, True, 2, 2)
    assert value(0.9, True, 5, 5) < value(0.2, True, 5, 5)  # a likely "same" moves nothing


def test_answers_on_pairs_of_persons_are_counted_apart_from_single_record_pairs() -> None:
    # two persons the model kept apart on several record pairs are a class of their own
    assert family("band", 0.3, value(0.3, False, 2, 2)) == "band/several"
    assert family("band", 0.3, value(0.3, False, 1, 1)) == "band/one"
    assert family("ambiguous", 0.9, value(0.45, False, 1, 1)) == "ambiguous/one"
    assert family("conflict: different cedula_ve", 0.9, value(0.05, False, 1, 3)) == (
        "conflict/several"
    )


LIST = "ID,Nombre\n" + "".join(
    f"{i},{name}\n"
    for i, name in enumerate(
        [
            "Ramiro Quintero Albornoz",
            "Ramiro Quintero A.",
            "Luisa Fernanda Pabón",
            "Luisa F. Pabon",
            "Tomás Urdaneta Rivas",
            "Tomas Urdaneta",
            "Elena Marcano Díaz",
            "Elena Marcano",
        ],
        start=1,
    )
)


def _records(store: Store, tmp_path: Path) -> dict[str, int]:
    return import_press_list(store, tmp_path, LIST)


def _queue(store: Store, pairs: list[tuple[int, int, float, str]]) -> None:
    """Queued pairs with the priority a run would give them: every record its own person."""
    queue_pairs(
        store,
        [(a, b, 0.0, p, why, value(expected_same(p, why), False, 1, 1)) for a, b, p, why in pairs],
    )


def _order(store: Store) -> list[tuple[int, int]]:
    return [(p["record_a"], p["record_b"]) for p in queue(store, 20, reader=ADMIN)]


def test_the_queue_follows_the_stored_priority_until_decisions_say_otherwise(
    store: Store, tmp_path: Path
) -> None:
    r = _records(store, tmp_path)
    _queue(
        store,
        [
            (r["1"], r["2"], 0.4, "band"),
            (r["3"], r["4"], 0.01, "same document"),
            (r["5"], r["6"], 0.35, "band"),
        ],
    )
    # one valid number on both records: likely one person, whatever the model scored
    assert _order(store) == [
        pair_key(r["3"], r["4"]),
        pair_key(r["1"], r["2"]),
        pair_key(r["5"], r["6"]),
    ]
    assert [p["position"] for p in queue(store, 20, reader=ADMIN)] == [1, 2, 3]
    result = decide(store, (r["1"], r["2"]), "different", reader=ADMIN)
    assert result["settled"] == 0
    assert _order(store) == [pair_key(r["3"], r["4"]), pair_key(r["5"], r["6"])]


def test_the_queue_learns_how_often_a_kind_of_pair_is_one_person(
    store: Store, tmp_path: Path
) -> None:
    r = _records(store, tmp_path)
    conflict = "conflict: different a_number"
    _queue(
        store,
        [
            (r["1"], r["2"], 0.9, conflict),
            (r["3"], r["4"], 0.9, conflict),
            (r["5"], r["6"], 0.9, conflict),
            (r["7"], r["8"], 0.055, "band"),
        ],
    )
    assert _order(store)[0] == pair_key(r["7"], r["8"])  # the prior: conflicts rarely one person
    assert calibration_of(store) == {}
    decide(store, (r["1"], r["2"]), "same", reader=ADMIN)
    # this register's conflicts are one person more often than the prior said: they move up
    first = calibration_of(store)["conflict/one"]
    assert first > 1
    assert _order(store) == [
        pair_key(r["3"], r["4"]),
        pair_key(r["5"], r["6"]),
        pair_key(r["7"], r["8"]),
    ]
    decide(store, (r["3"], r["4"]), "different", reader=ADMIN)
    decide(store, (r["5"], r["6"]), "different", reader=ADMIN)
    assert 1 < calibration_of(store)["conflict/one"] < first  # 1 in 3, still above 0.05


def calibration_of(store: Store) -> dict[str, float]:
    with store.read() as s:
        return calibration(s)
