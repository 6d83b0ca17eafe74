from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from habeas.estimate.histories import CaptureHistories
from habeas.estimate.twolist import chapman, lincoln


def two(n1only: int, n2only: int, m: int) -> CaptureHistories:
    rows = [([1, 0], n1only), ([0, 1], n2only), ([1, 1], m)]
    return CaptureHistories.from_patterns(["A", "B"], [r for r, _ in rows], [c for _, c in rows])


def test_textbook_values() -> None:
    h = two(60, 40, 40)  # n1 = 100, n2 = 80, m = 40
    lp, ch = lincoln(h), chapman(h)
    assert lp.point == 200
    assert abs(ch.point - (101 * 81 / 41 - 1)) < 1e-12
    assert lp.interval is not None and lp.interval[0] < 200 < lp.interval[1]
    assert ch.interval is not None and ch.interval[0] >= h.n
    assert lp.warnings == [] and ch.warnings == []


def test_zero_overlap_warns_and_lincoln_refuses() -> None:
    h = two(10, 10, 0)
    lp, ch = lincoln(h), chapman(h)
    assert lp.point is None
    assert any("no case in common" in w for w in lp.warnings)
    assert any("no case in common" in w for w in ch.warnings)


def test_tiny_overlap_warns() -> None:
    ch = chapman(two(50, 40, 3))
    assert any("barely overlap (3 cases on both)" in w for w in ch.warnings)


def test_list_choice_on_more_lists() -> None:
    h = CaptureHistories.from_patterns(
        ["A", "B", "C"], [[1, 0, 0], [0, 0, 1], [1, 0, 1], [0, 1, 0], [1, 1, 0]], [5, 5, 5, 5, 5]
    )
    e = chapman(h, lists="A,C")
    assert e.diagnostics["m"] == 5 and e.observed == 20


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 500))
def test_chapman_never_below_observed(a: int, b: int, m: int) -> None:
    e = chapman(two(a, b, m))
    assert e.point is not None and e.point >= e.observed - 1e-9
    assert e.interval is not None and e.interval[0] >= e.observed - 1e-9
