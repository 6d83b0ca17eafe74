"""SparseMSE validation (numbers in tests/data/mse/expected.json)."""

from __future__ import annotations

import pytest

from habeas.estimate.sparsemse import all_pairs, checkident, stepwise

try:
    from ._mse import EXPECTED, TRAFFICKING, expected, load
except ImportError:  # tests/ is not a package
    from _mse import EXPECTED, TRAFFICKING, expected, load  # type: ignore[no-redef]


@pytest.mark.parametrize("name", TRAFFICKING)
def test_stepwise_point_matches_sparsemse(name: str) -> None:
    ref = expected(name, "SparseMSE")
    e = stepwise(load(name), nboot=0)
    assert e.point == pytest.approx(ref["point"], rel=1e-6)


def test_checkident_codes_artificial_3() -> None:
    ref = EXPECTED["sparsemse_artificial_3"]["expected"][0]["point"]
    h = load("sparsemse_artificial_3")
    ab, ac, bc = all_pairs(3)
    models = {
        "all three pairs": [ab, ac, bc],
        "AB only": [ab],
        "AB+AC": [ab, ac],
        "AC+BC": [ac, bc],
        "main only": [],
    }
    for label, pairs in models.items():
        assert checkident(h, pairs) == ref[label], label


def test_nonexistent_mle_warns() -> None:
    e = stepwise(load("sparsemse_artificial_3"), pairs="A:B", nboot=0)
    assert e.point is None
    assert e.diagnostics["checkident"] == 1
    assert any("does not exist" in w for w in e.warnings)


def test_unidentifiable_model_warns() -> None:
    e = stepwise(load("sparsemse_artificial_3"), pairs="A:B,A:C,B:C", nboot=0)
    assert e.point is None
    assert any("not identifiable" in w for w in e.warnings)


def test_empty_overlap_reported_and_aic_penalised() -> None:
    e = stepwise(load("netherlands_trafficking_5lists"), nboot=0)
    assert e.diagnostics["empty_overlaps"]
    assert any("share no case" in w for w in e.warnings)


def test_small_bootstrap_is_seeded() -> None:
    h = load("western_us_trafficking_5lists")
    a = stepwise(h, nboot=40, seed=7)
    b = stepwise(h, nboot=40, seed=7)
    assert a.interval == b.interval
    assert a.interval is not None and a.interval[0] < a.point < a.interval[1]


def test_bca_limits_uk_within_five_percent() -> None:
    ref = expected("uk_modern_slavery_2013_5lists", "SparseMSE")
    e = stepwise(load("uk_modern_slavery_2013_5lists"), nboot=2000, seed=1234)
    assert e.interval is not None
    assert e.interval[0] == pytest.approx(ref["interval"][0], rel=0.05)
    assert e.interval[1] == pytest.approx(ref["interval"][1], rel=0.05)
