from __future__ import annotations

import importlib.util

import pytest

from habeas.estimate.histories import CaptureHistories
from habeas.estimate.strata import estimate_by_strata, sensitivity_table

try:
    from ._mse import load
except ImportError:  # tests/ is not a package
    from _mse import load  # type: ignore[no-redef]


def split(h: CaptureHistories) -> dict[str, CaptureHistories]:
    half = h.counts // 2
    return {"a": h.with_counts(half), "b": h.with_counts(h.counts - half)}


def test_strata_total_is_sum_with_approximation_warning() -> None:
    h = load("uk_modern_slavery_2013_5lists")
    per, total = estimate_by_strata(split(h), "independence")
    assert total.point == pytest.approx(sum(e.point for e in per.values()))
    assert total.observed == h.n
    assert total.interval is not None and total.interval[0] < total.point < total.interval[1]
    assert any("rough guide" in w for w in total.warnings)


def test_strata_failure_gives_no_total() -> None:
    two = CaptureHistories.from_patterns(["A", "B"], [[1, 0], [0, 1]], [3, 4])
    per, total = estimate_by_strata({"x": two}, "lincoln")
    assert total.point is None and per["x"].point is None


def _methods() -> list[str]:
    mine = ["independence", "loglinear", "stepwise", "bhs"]
    have = all(importlib.util.find_spec(f"habeas.estimate.{m}") for m in ("dga", "lcmcr"))
    return mine + (["dga"] if have else [])


def test_sensitivity_table_side_by_side() -> None:
    h = load("uk_modern_slavery_2013_5lists")
    rows = sensitivity_table(
        h, methods=_methods(), seed=1, method_options={"stepwise": {"nboot": 20}}
    )
    assert [r.method for r in rows] == _methods()
    assert all(r.observed == h.n for r in rows)
    points = [r.point for r in rows if r.point is not None]
    assert len(points) == len(rows)
    if max(points) / min(points) > 2:
        assert all(any("disagree" in w for w in r.warnings) for r in rows)
