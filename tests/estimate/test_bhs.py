from __future__ import annotations

from habeas.estimate.bhs import bhs
from habeas.estimate.sparsemse import stepwise

try:
    from ._mse import load
except ImportError:  # tests/ is not a package
    from _mse import load  # type: ignore[no-redef]


def test_uk_bhs_steps_and_profile_point() -> None:
    h = load("uk_modern_slavery_2013_5lists")
    e = bhs(h)
    steps = e.diagnostics["steps"]
    assert [s["added"] for s in steps][:-1] == [True] * (len(steps) - 1)
    assert steps[-1]["added"] is False and steps[-1]["wald_p"] > 0.05
    # the point is the multinomial profile maximiser, just below the Poisson estimate
    assert e.point is not None and e.point < e.diagnostics["N_poisson"]
    assert e.interval is not None and e.interval[0] < e.point < e.interval[1]
    lo80, hi80 = e.diagnostics["interval_80"]
    assert e.interval[0] < lo80 < e.point < hi80 < e.interval[1]
    # on these data BHS and SparseMSE choose the same six pairs
    assert e.model == stepwise(h, nboot=0).model


def test_strict_threshold_keeps_main_effects() -> None:
    e = bhs(load("new_orleans_trafficking_5lists"))
    assert e.model == "main effects"
    e0 = bhs(load("uk_modern_slavery_2013_5lists"), pthresh=1e-300)
    assert e0.model == "main effects"
