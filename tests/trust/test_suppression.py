"""Small-cell suppression: the rule of habeas.report.suppression, checked by an attacker.

The attacker is independent of the library's linear-programming audit: it sees
only what is published (visible cells, visible totals, "<k", "x") and enumerates
every integer table consistent with it. A suppressed small cell must keep at
least two possible values; the true table must always be among the solutions.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.errors import UsageError
from habeas.report.suppression import WITHHELD, check_k, protect, show


def published(
    cells: dict[Hashable, int], totals: dict[Hashable, list[Hashable]], k: int
) -> tuple[dict[Hashable, Any], dict[Hashable, Any]]:
    table = protect(cells, totals, k)
    return ({c: table.cell(c) for c in cells}, {t: table.total(t) for t in totals})


def possible_values(
    shown: dict[Hashable, Any],
    shown_totals: dict[Hashable, Any],
    totals: dict[Hashable, list[Hashable]],
    k: int,
) -> dict[Hashable, set[int]]:
    """For each "<k" cell, every value some table consistent with what is shown gives it."""
    hidden = [c for c, v in shown.items() if isinstance(v, str)]
    visible_sum = {
        t: sum(v for c, v in shown.items() if c in members and isinstance(v, int))
        for t, members in totals.items()
    }
    exact = {t: v - visible_sum[t] for t, v in shown_totals.items() if isinstance(v, int)}
    ranged = {
        t: (1 - visible_sum[t], k - 1 - visible_sum[t])
        for t, v in shown_totals.items()
        if v == f"<{k}"
    }
    cap = max([v for v in shown_totals.values() if isinstance(v, int)] + [0]) + k

    def candidates(c: Hashable) -> range:
        if shown[c] == f"<{k}":
            return range(1, k)
        bound = min([exact[t] for t in exact if c in totals[t]] + [cap])
        return range(0, max(bound, 0) + 1)

    found: dict[Hashable, set[int]] = {c: set() for c in hidden if shown[c] == f"<{k}"}
    assignment: dict[Hashable, int] = {}

    def consistent(final: bool) -> bool:
        for t, target in exact.items():
            members = [c for c in totals[t] if c in assignment or c in hidden]
            done = sum(assignment.get(c, 0) for c in members)
            if done > target or (all(c in assignment for c in members) and done != target):
                return False
        for t, (low, high) in ranged.items():
            members = [c for c in totals[t] if c in hidden]
            done = sum(assignment.get(c, 0) for c in members)
            if done > high or (all(c in assignment for c in members) and done < low):
                return False
        return True

    def search(i: int) -> None:
        if i == len(hidden):
            for c in found:
                found[c].add(assignment[c])
            return
        for value in candidates(hidden[i]):
            assignment[hidden[i]] = value
            if consistent(i + 1 == len(hidden)):
                search(i + 1)
        assignment.pop(hidden[i], None)

    search(0)
    return found


def grid(
    values: list[list[int]], grand: bool = True
) -> tuple[dict[Hashable, int], dict[Hashable, list[Hashable]]]:
    cells = {(r, c): v for r, row in enumerate(values) for c, v in enumerate(row)}
    rows, cols = len(values), len(values[0])
    totals: dict[Hashable, list[Hashable]] = {
        ("row", r): [(r, c) for c in range(cols)] for r in range(rows)
    }
    totals.update({("col", c): [(r, c) for r in range(rows)] for c in range(cols)})
    if grand:
        totals[("all",)] = list(cells)
    return cells, totals


def assert_protected(
    cells: dict[Hashable, int], totals: dict[Hashable, list[Hashable]], k: int
) -> None:
    shown, shown_totals = published(cells, totals, k)
    for c, v in cells.items():  # primary suppression: exactly the small cells say "<k"
        assert (shown[c] == f"<{k}") == (0 < v < k)
        if isinstance(shown[c], int):
            assert shown[c] == v
    for t, members in totals.items():
        if isinstance(shown_totals[t], int):
            assert shown_totals[t] == sum(cells[c] for c in members)
    for c, values in possible_values(shown, shown_totals, totals, k).items():
        assert cells[c] in values, (c, values)
        assert len(values) >= 2, f"cell {c} = {cells[c]} recoverable from {shown} {shown_totals}"


def test_one_line_gets_a_complementary_suppression() -> None:
    shown, totals = published({"a": 1, "b": 7, "c": 0, "d": 12}, {"all": ["a", "b", "c", "d"]}, 5)
    assert shown == {"a": "<5", "b": WITHHELD, "c": 0, "d": 12}
    assert totals == {"all": 20}


def test_a_two_by_two_rectangle() -> None:
    cells, totals = grid([[2, 9], [8, 11]])
    shown, _ = published(cells, totals, 5)
    assert shown[(0, 0)] == "<5"
    assert sum(isinstance(v, str) for v in shown.values()) == 4  # the whole rectangle
    assert_protected(cells, totals, 5)


def test_two_small_cells_under_a_small_total() -> None:
    # "<3" + "<3" under a total "<3" would mean 1 + 1: the total is withheld instead
    cells = {"a": 1, "b": 1}
    shown, shown_totals = published(cells, {"t": ["a", "b"]}, 3)
    assert shown == {"a": "<3", "b": "<3"} and shown_totals == {"t": WITHHELD}
    assert_protected(cells, {"t": ["a", "b"]}, 3)


def test_k_one_hides_nothing_and_k_two_is_refused() -> None:
    cells, totals = grid([[1, 2], [3, 4]])
    shown, shown_totals = published(cells, totals, 1)
    assert shown == cells and shown_totals[("all",)] == 10
    assert show(3, 1) == 3 and show(3, 5) == "<5" and show(0, 5) == 0 and show(None, 5) is None
    with pytest.raises(UsageError, match="k = 2"):
        check_k(2)
    with pytest.raises(UsageError):
        protect({"a": 1}, {}, 0)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 3).flatmap(
        lambda rows: st.integers(2, 3).flatmap(
            lambda cols: st.lists(
                st.lists(
                    st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 11]), min_size=cols, max_size=cols
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    ),
    st.sampled_from([3, 4, 5]),
    st.booleans(),
)
def test_no_small_cell_can_be_recovered_from_the_totals(
    values: list[list[int]], k: int, grand: bool
) -> None:
    cells, totals = grid(values, grand)
    assert_protected(cells, totals, k)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=6), st.sampled_from([3, 5]))
def test_one_dimensional_lines(values: list[int], k: int) -> None:
    cells = {i: v for i, v in enumerate(values)}
    assert_protected(cells, {"total": list(cells)}, k)
