"""Training at scale: EM sessions past a pair budget and λ on a record sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from linkage_support import pairwise

from habeas.demo import load_case
from habeas.linkage import link, training
from habeas.linkage.features import load_features
from habeas.store.db import Store


@pytest.mark.parametrize(("values", "expected"), [
    ([], 0),
    (["a"], 0),
    (["a", "a"], 1),
    (["a", "a", "a", "b", "b"], 4),          # 3 + 1
    (["a", None, None, "a"], 1),             # nulls agree with nothing
    (["x"] * 100, 4950),
])
def test_pairs_sharing_counts_agreeing_pairs(values: list[str | None], expected: int) -> None:
    frame = pd.DataFrame({"dob": pd.Series(values, dtype="object")})
    assert training.pairs_sharing(frame, ("dob",)) == expected


def test_pairs_sharing_needs_every_column() -> None:
    frame = pd.DataFrame({"sk1": ["g", "g", "g", "r"], "given1": ["jose", "jose", "luis", "jose"]})
    assert training.pairs_sharing(frame, ("sk1", "given1")) == 1
    assert training.pairs_sharing(frame, ("sk1", "missing")) == 0


def test_training_past_the_pair_budget_samples_and_still_links_well(
        store: Store, demo_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A register whose EM blocks exceed the budget trains on a sample of them, and
    λ on a sample of records; linkage keeps the accuracy targets."""
    load_case(store, demo_case)
    frame = load_features(store)
    full = training.train(frame)
    dob_pairs = training.pairs_sharing(frame, ("dob",))
    assert dob_pairs > 200
    monkeypatch.setattr(training, "EM_MAX_PAIRS", dob_pairs // 2)
    monkeypatch.setattr(training, "PRIOR_SAMPLE_RECORDS", int(len(frame) * 0.7))
    sampled = training.train(frame)
    assert sampled["habeas_em_sampled"]["dob"] == dob_pairs
    assert sampled["habeas_prior_sample"] == int(len(frame) * 0.7) < len(frame)
    assert full["habeas_em_sampled"] == {} and full["habeas_prior_sample"] == len(frame)
    # λ from 70 % of the records is the same share of matching pairs, give or take.
    ratio = (sampled["probability_two_random_records_match"]
             / full["probability_two_random_records_match"])
    assert 0.6 < ratio < 1.6, ratio
    report = link(store, actor="tester")
    assert report.trained
    precision, recall, _f1 = pairwise(store, demo_case.parent)
    print(f"sampled training, 300 persons: P={precision:.4f} R={recall:.4f}")
    assert precision >= 0.99 and recall >= 0.85
