"""dga (Madigan & York BMA) against the R outputs stored in expected.json.

Deterministic: on MSETools' grid the point and interval must match R to the integer.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.special import gammaln

from habeas.errors import UsageError
from habeas.estimate.dga import default_grid, dga
from habeas.estimate.histories import CaptureHistories

DATA = Path(__file__).resolve().parent.parent / "data" / "mse"
EXPECTED = json.loads((DATA / "expected.json").read_text())["datasets"]


def _dga_cases() -> list[tuple[str, dict]]:
    cases = []
    for name, entry in EXPECTED.items():
        for exp in entry["expected"]:
            if exp["method"].startswith("dga (") and exp["status"] == "package_output_verified":
                cases.append((name, exp))
    return cases


def test_every_verified_dga_number_is_covered() -> None:
    names = {name for name, _ in _dga_cases()}
    assert names == {
        "uk_modern_slavery_2013_5lists",
        "netherlands_trafficking_5lists",
        "new_orleans_trafficking_5lists",
        "western_us_trafficking_5lists",
        "australia_trafficking_4lists",
    }


@pytest.mark.parametrize(("name", "exp"), _dga_cases(), ids=[n for n, _ in _dga_cases()])
def test_msetools_grid_matches_r_to_the_integer(name: str, exp: dict) -> None:
    h = CaptureHistories.from_table(DATA / f"{name}.csv")
    assert h.n == EXPECTED[name]["n_observed"]
    est = dga(h)
    assert est.point == exp["point"]
    assert est.interval == tuple(exp["interval"])
    assert est.observed == h.n
    d = est.diagnostics
    assert d["curve_kind"] == "posterior"
    assert len(d["curve_N"]) == len(d["curve_value"]) == d["grid_size"]
    assert sum(d["curve_value"]) == pytest.approx(1.0)
    assert sum(m["probability"] for m in d["top_models"]) <= 1.0 + 1e-12


def test_msetools_grid() -> None:
    grid = default_grid(185)
    assert grid[0] == 1 and grid[-1] == 30 * 185
    assert len(grid) == 1000  # 5550 / 999 > 1: no duplicates after rounding
    small = default_grid(10)
    assert len(small) == 300 and np.all(np.diff(small) == 1)


def test_madigan_york_three_list_example() -> None:
    """dga's own test: delta 1, Nmissing 1:300, negative-binomial prior on N."""
    h = CaptureHistories.from_table(DATA / "madigan_york_spina_bifida_3lists.csv")
    exp = EXPECTED["madigan_york_spina_bifida_3lists"]["expected"][0]["point"]
    a, b = 13.14, 55.17

    def log_prior(big_n: np.ndarray) -> np.ndarray:
        return (
            big_n * np.log(b)
            - (big_n + a) * np.log(1 + b)
            + gammaln(big_n + a)
            - gammaln(big_n + 1)
            - gammaln(a)
        )

    est = dga(h, delta=1, n_missing=np.arange(1, 301), log_prior=log_prior)
    top = est.diagnostics["top_models"][0]
    assert top["model"] == "[12][3]"  # L1-L2 dependence, L3 independent
    assert round(top["probability"], 2) == exp["top_model_posterior_prob"]
    assert round(top["bayes_estimator"]) == exp["top_model_bayes_estimator"]
    assert top["mode"] == exp["top_model_mode"]
    assert round(est.diagnostics["bayes_estimator"]) == exp["averaged_bayes_estimator"]
    assert est.diagnostics["mode"] == exp["averaged_mode"]
    # the numbers noted when the expected values were reproduced
    assert est.point == 731 and est.interval == (682, 797)


def test_result_does_not_depend_on_list_order() -> None:
    h = CaptureHistories.from_table(DATA / "western_us_trafficking_5lists.csv")
    perm = [3, 0, 4, 2, 1]
    shuffled = SimpleNamespace(
        lists=[h.lists[i] for i in perm],
        patterns=h.patterns[::-1, perm],
        counts=h.counts[::-1],
        n=h.n,
    )
    a, b = dga(h), dga(shuffled)
    assert (a.point, a.interval) == (b.point, b.interval)
    assert a.diagnostics["top_models"][0]["probability"] == pytest.approx(
        b.diagnostics["top_models"][0]["probability"]
    )


def test_graph_prior_shifts_model_weights() -> None:
    h = CaptureHistories.from_table(DATA / "madigan_york_spina_bifida_3lists.csv")
    prior = np.zeros(8)
    prior[0] = 50.0  # overwhelming prior on independence [1][2][3]
    est = dga(h, graph_prior=prior)
    assert est.diagnostics["top_models"][0]["model"] == "[1][2][3]"
    assert est.diagnostics["top_models"][0]["probability"] > 0.99


def test_wrong_number_of_lists_is_a_usage_error() -> None:
    two = SimpleNamespace(
        lists=["A", "B"],
        patterns=np.array([[1, 0], [0, 1], [1, 1]]),
        counts=np.array([5, 6, 2]),
        n=13,
    )
    with pytest.raises(UsageError, match="3 to 5 lists"):
        dga(two)
    six = SimpleNamespace(
        lists=list("ABCDEF"), patterns=np.eye(6, dtype=int), counts=np.ones(6, dtype=int), n=6
    )
    with pytest.raises(UsageError, match="3 to 5 lists"):
        dga(six)


def test_flat_posterior_warns_about_the_grid() -> None:
    """Three lists with no overlaps at all: nothing bounds N from above."""
    h = SimpleNamespace(
        lists=["A", "B", "C"], patterns=np.eye(3, dtype=int), counts=np.array([20, 30, 25]), n=75
    )
    est = dga(h)
    assert any("largest total" in w for w in est.warnings)


def test_well_determined_posterior_has_no_grid_warning() -> None:
    h = CaptureHistories.from_table(DATA / "uk_modern_slavery_2013_5lists.csv")
    assert not any("largest total" in w for w in dga(h).warnings)


def test_rows_on_no_list_are_ignored_like_r() -> None:
    h = CaptureHistories.from_table(DATA / "madigan_york_spina_bifida_3lists.csv")
    with_zero = SimpleNamespace(
        lists=h.lists,
        patterns=np.vstack([np.zeros((1, 3), dtype=int), h.patterns]),
        counts=np.concatenate([[99], h.counts]),
        n=h.n + 99,
    )
    a, b = dga(h), dga(with_zero)
    assert (a.point, a.interval, a.observed) == (b.point, b.interval, b.observed)
    assert any("no list were ignored" in w for w in b.warnings)
