"""The feature frame's term frequencies, and featurising without the cycle collector
(:mod:`habeas.linkage.features`)."""

from __future__ import annotations

import gc

import pandas as pd
import pytest

from habeas.linkage import features
from habeas.linkage.features import (
    MIN_TF_VALUES,
    TF_COLUMNS,
    add_term_frequencies,
    collector_paused,
    featurise_rows,
)


def test_term_frequencies_are_each_values_share_of_the_known_values() -> None:
    """``tf_<column>``: a value's count over the records that have one (missing values
    neither count nor get a share); too few values for a share give no adjustment."""
    n = 4 * MIN_TF_VALUES
    names = ["jose"] * (n // 2) + ["ana"] * (n // 4) + [None] * (n // 4)
    frame = pd.DataFrame({c: pd.Series(names, dtype="object") for c in TF_COLUMNS})
    frame["sur1"] = pd.Series(["garcia"] + [None] * (n - 1), dtype="object")
    add_term_frequencies(frame)
    known = n // 2 + n // 4
    assert frame["tf_given1"].iloc[0] == (n // 2) / known
    assert frame["tf_given1"].iloc[n // 2] == (n // 4) / known
    assert frame["tf_given1"].iloc[-1] != frame["tf_given1"].iloc[-1]  # missing: NaN
    assert frame["tf_given1"].dtype == "float64"
    assert frame["tf_sur1"].isna().all()  # one surname is no frequency


def test_the_collector_is_paused_and_resumed() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer block resumes it
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a failure inside")
    assert gc.isenabled()
    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_featurising_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    inside: list[bool] = []

    def watched(frame: pd.DataFrame) -> None:
        inside.append(gc.isenabled())
        add_term_frequencies(frame)

    monkeypatch.setattr(features, "add_term_frequencies", watched)
    rows = [
        (i, 1, False, None, "import", [f"ana{i}"], ["diaz"], None, None, None, "F", None)
        for i in range(1, 301)
    ]
    frame = featurise_rows(rows, {})
    assert len(frame) == 300 and frame["tf_sur1"].iloc[0] == 1.0
    assert inside == [False]
    assert gc.isenabled()
