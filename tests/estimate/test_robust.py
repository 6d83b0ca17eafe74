"""Every method finishes or refuses with a reason, and one failure never loses the rest."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from habeas.errors import UsageError
from habeas.estimate import METHODS, OneList, budget, run, run_all
from habeas.estimate.bca import extreme_limits
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.sparsemse import checkident

try:
    from ._mse import load
except ImportError:  # tests/ is not a package
    from _mse import load  # type: ignore[no-redef]


def many_lists(t: int, n: int = 1500, seed: int = 1) -> CaptureHistories:
    rng = np.random.default_rng(seed)
    x = (rng.random((n, t)) < rng.uniform(0.1, 0.3, size=t)).astype(int)
    x = x[x.sum(axis=1) > 0]
    return CaptureHistories.from_patterns([f"L{i + 1}" for i in range(t)], x)


def test_exponential_methods_refuse_many_lists_up_front() -> None:
    hist = many_lists(12)
    start = time.monotonic()
    results = run_all(hist, ["stepwise", "dga", "chapman"], nboot=10)
    assert time.monotonic() - start < 30
    by = {e.method: e for e in results}
    for name in ("stepwise", "dga"):
        assert by[name].point is None and by[name].hints == ["fewer_lists"]
        assert "at most" in (by[name].error or "") and "12" in (by[name].error or "")
    assert by["chapman"].point is not None and by["chapman"].error is None
    with pytest.raises(budget.TooManyLists):
        run("stepwise", hist)


def test_sparse_identifiability_check_builds_no_dense_identity(monkeypatch) -> None:
    # 16 lists made np.eye(65535) (32 GiB); the check must not build dense identities
    def no_eye(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("dense identity matrix")

    monkeypatch.setattr(np, "eye", no_eye)
    assert checkident(load("uk_modern_slavery_2013_5lists"), []) == 0


def test_iterative_methods_stop_at_the_time_limit() -> None:
    hist = load("uk_modern_slavery_2013_5lists")
    start = time.monotonic()
    with pytest.raises(budget.OutOfTime, match="time limit"):
        run("bhs", hist, time_limit=0.0)
    [bhs] = run_all(hist, ["bhs"], time_limit=0.0)
    assert bhs.point is None and bhs.hints == ["more_time"]
    assert time.monotonic() - start < 30


def test_lcmcr_refuses_up_front_when_the_chains_would_overrun() -> None:
    hist = load("uk_modern_slavery_2013_5lists")
    start = time.monotonic()
    with pytest.raises(budget.OutOfTime, match="would need about"):
        run("lcmcr", hist, time_limit=0.5, seed=1)
    assert time.monotonic() - start < 20  # the chains themselves take far longer


def test_stepwise_bootstrap_out_of_time_keeps_the_estimate(monkeypatch) -> None:
    import habeas.estimate.bca as bca

    def slow(*args: Any, **kwargs: Any) -> Any:
        raise budget.OutOfTime("The bootstrap did not finish within the time limit.")

    monkeypatch.setattr(bca, "bca_bootstrap", slow)
    est = run("stepwise", load("uk_modern_slavery_2013_5lists"), nboot=50, seed=1)
    assert est.point is not None and est.interval_kind == "normal"
    assert est.hints == ["more_time"] and any("time limit" in w for w in est.warnings)


def test_a_bug_in_one_method_keeps_the_others(monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("boom")

    monkeypatch.setitem(METHODS, "bhs", broken)
    results = run_all(load("australia_trafficking_4lists"), ["independence", "bhs", "chapman"])
    by = {e.method: e for e in results}
    assert by["independence"].point is not None and by["chapman"].point is not None
    assert by["bhs"].point is None and "bug in habeas" in (by["bhs"].error or "")


def test_progress_reports_start_and_end_of_each_method() -> None:
    seen: list[tuple[str, bool]] = []
    run_all(
        load("australia_trafficking_4lists"),
        ["independence", "chapman"],
        progress=lambda name, est: seen.append((name, est is not None)),
    )
    assert seen == [
        ("independence", False),
        ("independence", True),
        ("chapman", False),
        ("chapman", True),
    ]


def test_one_list_says_so() -> None:
    hist = CaptureHistories.from_patterns(["Press"], [[1]], [40])
    with pytest.raises(OneList, match="only one list"):
        run("chapman", hist)
    with pytest.raises(OneList):
        run_all(hist)


def test_extreme_bootstrap_limit_is_flagged() -> None:
    boot = np.arange(1000.0)
    # the estimate sits below almost every replicate: the BCa lower level falls under 1/B
    assert extreme_limits(boot, 3.0, 0.0, (0.025, 0.975))[0]
    assert extreme_limits(boot, 500.0, 0.0, (0.025, 0.975)) == [False, False]


def test_stepwise_result_carries_the_unstable_flag() -> None:
    est = run("stepwise", load("uk_modern_slavery_2013_5lists"), nboot=100, seed=1)
    assert est.interval_kind == "bootstrap"
    assert est.unstable_interval
    assert any("unstable" in w for w in est.warnings)
    assert est.to_dict()["unstable_interval"] is True


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("nan", "'nan' is not a finite number"),
        ("inf", "'inf' is not a finite number"),
        (str(2**70), "is too large"),
        ("1e400", "is not a finite number"),
    ],
)
def test_bad_counts_name_file_row_and_column(tmp_path, cell: str, message: str) -> None:
    f = tmp_path / "t.csv"
    f.write_text(f"A,B,count\n1,0,5\n1,1,{cell}\n")
    with pytest.raises(UsageError) as err:
        CaptureHistories.from_table(f)
    assert f"{f}, row 3, column 'count'" in str(err.value) and message in str(err.value)


def test_counts_whose_total_is_too_large(tmp_path) -> None:
    f = tmp_path / "t.csv"
    f.write_text(f"A,B,count\n1,0,{2**53}\n1,1,{2**53}\n")
    with pytest.raises(UsageError, match="add up to more than"):
        CaptureHistories.from_table(f)


def test_missing_header_is_named(tmp_path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("1,0,0,0,0,54\n0,1,0,0,0,464\n")
    with pytest.raises(UsageError, match="header row with the list names is missing"):
        CaptureHistories.from_table(f)


def test_dga_on_two_lists_does_not_advise_merging_lists() -> None:
    hist = CaptureHistories.from_patterns(["A", "B"], [[1, 0], [0, 1], [1, 1]], [30, 20, 5])
    [dga] = run_all(hist, ["dga"])
    assert dga.error is not None and "3 to 5 lists" in dga.error
    assert "Merge or drop" not in dga.error  # wrong advice with too few lists
