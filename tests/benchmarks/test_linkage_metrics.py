"""Linkage benchmark: the metrics (hand-computed cases) and the model-free harness parts."""

from __future__ import annotations

import csv
import importlib
import random
import time
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

# Imported by name: ``benchmarks`` is a top-level folder of the repository (put on
# sys.path by conftest.py), neither first- nor third-party to the import sorter.
metrics = importlib.import_module("benchmarks.linkage_metrics")
harness = importlib.import_module("benchmarks.linkage_harness")
baseline = importlib.import_module("benchmarks.linkage_baseline")
clusters_from_pairs = metrics.clusters_from_pairs
links_from_rows = metrics.links_from_rows
pairs_within = metrics.pairs_within
read_ground_truth = metrics.read_ground_truth
read_links = metrics.read_links
score_clusters = metrics.score_clusters
score_labels = metrics.score_labels
score_pairs = metrics.score_pairs
approx = pytest.approx

# (predicted labels, true labels, P, R, F1, B3 precision, B3 recall)
CASES = [
    pytest.param(["x", "x", "y"], [1, 1, 2], 1, 1, 1, 1, 1, id="perfect, other label names"),
    pytest.param([1, 2, 3, 4], ["a", "a", "b", "b"], 1, 0, 0, 1, 0.5, id="all singletons"),
    pytest.param([1, 1, 1], ["a", "a", "b"], 1 / 3, 1, 0.5, 5 / 9, 1, id="one wrong merge"),
    pytest.param(
        [1, 1, 1, 2, 2, 2, 2],
        ["A"] * 5 + ["B"] * 2,
        5 / 9,
        5 / 11,
        0.5,
        5 / 7,
        4.6 / 7,
        id="split and merge",
    ),
    pytest.param(
        [1, 1, 1, 1], ["a", "a", "b", "b"], 1 / 3, 1, 0.5, 0.5, 1, id="two persons merged into one"
    ),
    pytest.param([1, 2, 3], [1, 2, 3], 1, 1, 1, 1, 1, id="no true pairs, none predicted"),
]


@pytest.mark.parametrize(("pred", "true", "p", "r", "f1", "bp", "br"), CASES)
def test_hand_computed_scores(
    pred: list[object], true: list[object], p: float, r: float, f1: float, bp: float, br: float
) -> None:
    s = score_labels(pred, true)
    assert (s.precision, s.recall, s.f1) == (approx(p), approx(r), approx(f1))
    assert (s.bcubed_precision, s.bcubed_recall) == (approx(bp), approx(br))
    assert s.bcubed_f1 == approx(0 if bp + br == 0 else 2 * bp * br / (bp + br))


def test_split_and_merge_counts() -> None:
    s = score_labels([1, 1, 1, 2, 2, 2, 2], ["A"] * 5 + ["B"] * 2)
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (11, 9, 5)
    assert (s.predicted_clusters, s.true_clusters, s.records) == (2, 2, 7)


def test_clusters_by_key_count_missing_and_extra() -> None:
    truth = {"a": 1, "b": 1, "c": 2}
    predicted = {"a": "p", "b": "p", "z": "p"}  # c missing (a singleton), z not in the truth
    s = score_clusters(predicted, truth)
    assert (s.missing, s.extra) == (1, 1)
    assert (s.precision, s.recall) == (1.0, 1.0)
    # a missing key never joins another missing key
    s = score_clusters({}, {"a": 1, "b": 1})
    assert (s.recall, s.predicted_pairs, s.missing) == (0.0, 0, 2)


def test_pairwise_counts_match_enumeration_on_random_clusterings() -> None:
    rng = random.Random(5)
    for _ in range(30):
        n = rng.randint(1, 40)
        true = [rng.randint(0, n // 3 + 1) for _ in range(n)]
        pred = [rng.randint(0, n // 2 + 1) for _ in range(n)]
        s = score_labels(pred, true)
        ps = score_pairs(pairs_within(dict(enumerate(pred))), pairs_within(dict(enumerate(true))))
        assert (s.precision, s.recall, s.f1) == (
            approx(ps.precision),
            approx(ps.recall),
            approx(ps.f1),
        )
        # B-cubed by its definition, record by record
        bp = (
            sum(
                sum(1 for j in range(n) if pred[j] == pred[i] and true[j] == true[i])
                / sum(1 for j in range(n) if pred[j] == pred[i])
                for i in range(n)
            )
            / n
        )
        br = (
            sum(
                sum(1 for j in range(n) if pred[j] == pred[i] and true[j] == true[i])
                / sum(1 for j in range(n) if true[j] == true[i])
                for i in range(n)
            )
            / n
        )
        assert (s.bcubed_precision, s.bcubed_recall) == (approx(bp), approx(br))


def test_counts_pairs_without_enumerating_them() -> None:
    # 300,000 records in clusters of 3: 300,000 true pairs; a prediction that
    # merges every two persons (clusters of 6) predicts 15 pairs per cluster.
    n = 300_000
    true = [i // 3 for i in range(n)]
    pred = [i // 6 for i in range(n)]
    t0 = time.perf_counter()
    s = score_labels(pred, true)
    assert time.perf_counter() - t0 < 5
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (n, n // 6 * 15, n)
    assert (s.precision, s.recall) == (approx(0.4), 1.0)
    assert s.bcubed_precision == approx(0.5)


def test_score_pairs_is_unordered_and_ignores_self_pairs() -> None:
    s = score_pairs([("b", "a"), ("c", "c"), ("a", "d")], [("a", "b"), ("b", "c")])
    assert (s.predicted_pairs, s.true_pairs, s.correct_pairs) == (2, 2, 1)
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)


def test_clusters_from_pairs_are_connected_components() -> None:
    clusters = clusters_from_pairs(["a", "b", "c", "d", "e"], [("a", "b"), ("c", "b"), ("x", "e")])
    assert clusters["a"] == clusters["b"] == clusters["c"]
    assert clusters["e"] == clusters["x"] != clusters["a"]
    assert clusters["d"] not in (clusters["a"], clusters["e"])
    assert pairs_within(clusters) == score_pairs_set(
        [("a", "b"), ("a", "c"), ("b", "c"), ("e", "x")]
    )


def score_pairs_set(pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(a, b) if a <= b else (b, a) for a, b in pairs}


def test_read_ground_truth_and_exported_links(tmp_path: Path) -> None:
    truth = tmp_path / "ground_truth.csv"
    truth.write_text(
        "source_title,record_id,person_key\nList A,1,P1\nList A,2,P2\nList B,x-1,P1\n",
        encoding="utf-8",
    )
    links = tmp_path / "links.csv"
    with links.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM, as habeas writes
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "person_id", "method", "score"])
        writer.writerows(
            [
                ["List A", "1", 7, "model", 0.99],
                ["List A", "2", 8, "import", ""],
                ["List B", "x-1", 7, "model", 0.99],
            ]
        )
    t = read_ground_truth(truth)
    assert t == {("List A", "1"): "P1", ("List A", "2"): "P2", ("List B", "x-1"): "P1"}
    predicted = read_links(links)
    assert predicted[("List B", "x-1")] == "7"
    assert score_clusters(predicted, t).f1 == 1.0


def test_harness_before_linkage_every_record_is_its_own_person(tmp_path: Path) -> None:
    """Smoke run of the model-free harness: generate, import, export, score (recall 0)."""
    case_dir, ws_dir, info = harness.cached_case_workspace(
        tmp_path, persons=25, seed=3, log=lambda _m: None
    )
    truth = read_ground_truth(case_dir / "ground_truth.csv")
    assert info["records"] == len(truth) > 25
    store = harness.copy_workspace(ws_dir, tmp_path / "copy")
    try:
        predicted = links_from_rows(harness.iter_links(store))
        n = harness.export_links_csv(store, tmp_path / "links.csv")
        frame, keys = baseline.generic_records(store)
    finally:
        store.close()
    assert n == len(predicted) == len(truth) == len(frame)
    assert read_links(tmp_path / "links.csv") == predicted
    s = score_clusters(predicted, truth)
    assert (s.recall, s.predicted_pairs, s.missing, s.extra) == (0.0, 0, 0, 0)
    assert set(keys.values()) == set(truth)
    assert frame["name"].notna().all()
    assert not frame["name"].str.contains(r"[A-Z,áéíóúñ]").any()  # folded, no punctuation


def test_febrl_csv_blanks_impossible_dates_and_keeps_them(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "given_name": ["ana", None],
            "surname": ["diaz", "ruiz"],
            "date_of_birth": ["19800229", "19801341"],
            "soc_sec_id": ["1", "2"],
        },
        index=pd.Index(["rec-1-org", "rec-1-dup-0"], name="rec_id"),
    )
    assert harness.write_febrl_csv(df, tmp_path / "f.csv") == 1
    with (tmp_path / "f.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["date_of_birth"] for r in rows] == ["19800229", ""]
    assert rows[1]["date_of_birth_as_written"] == "19801341"
    assert rows[0]["rec_id"] == "rec-1-org"


def test_all_pairs_of_a_cluster_helper() -> None:
    assert len(pairs_within({i: 0 for i in range(6)})) == len(list(combinations(range(6), 2)))
