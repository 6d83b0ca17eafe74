"""Small-cell suppression for published counts, with complementary (secondary) suppression.

The rule (also in ``docs/safe-sharing.md``)
-------------------------------------------
*Primary*: a count ``n`` with ``0 < n < k`` is not shown; it is written ``"<k"``.
Zeros are shown (a zero names nobody). A total is a count too: a total below
``k`` is written ``"<k"`` as well.

*Secondary*: a table publishes totals (a row, a column, the grand total). A
hidden cell must not be recoverable from them — with one hidden cell in a row,
``total - visible cells`` gives it back. After primary suppression, every hidden
small cell is *audited*: its smallest and largest possible values are computed
by linear programming under everything a reader knows (the visible cells, the
visible totals, that a ``"<k"`` cell or total lies between 1 and k-1, and that a
withheld ``"x"`` is some count, 0 or more — the usual a-priori bound in
statistical disclosure control). A cell whose possible values narrow to a
single number is *exposed*: the smallest visible non-zero cell sharing a total
with it is hidden too (written :data:`WITHHELD`, ``"x"``); if there is none, a
total containing it is withheld. The audit repeats until no small cell is
exposed. (Row/column-total tables are totally unimodular, so the LP bounds are
the integer bounds exactly.)

``k = 1`` switches suppression off (for internal use); ``k = 2`` is refused,
because ``"<2"`` can only mean 1.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog

from habeas.errors import UsageError

DEFAULT_K = 5
#: How a complementary (secondary) suppression is written.
WITHHELD = "x"

Shown = int | str


def check_k(k: int) -> int:
    """``k`` if usable: 1 (no suppression) or at least 3."""
    if k == 1 or k >= 3:
        return k
    if k == 2:
        raise UsageError(
            "k = 2 would write every count of 1 as “<2”, which gives it away; "
            "use k = 1 (no suppression) or k = 3 or more."
        )
    raise UsageError(f"k must be 1 (no suppression) or 3 or more, not {k}.")


def below(k: int) -> str:
    """How a count under ``k`` is written."""
    return f"<{k}"


def show(value: int | None, k: int) -> Shown | None:
    """One stand-alone count (no published total involves it): ``"<k"`` if small."""
    if value is None:
        return None
    return below(k) if 0 < value < k else value


def is_hidden(value: object) -> bool:
    return isinstance(value, str)


@dataclass
class ProtectedTable:
    """A table after suppression: look cells and totals up with :meth:`cell`/:meth:`total`."""

    k: int
    cells: dict[Hashable, int]
    totals: dict[Hashable, int]
    small: set[Hashable] = field(default_factory=set)  # cells written "<k"
    withheld: set[Hashable] = field(default_factory=set)  # cells written "x"
    small_totals: set[Hashable] = field(default_factory=set)  # totals written "<k"
    withheld_totals: set[Hashable] = field(default_factory=set)  # totals written "x"

    def cell(self, key: Hashable) -> Shown:
        if key in self.small:
            return below(self.k)
        if key in self.withheld:
            return WITHHELD
        return self.cells.get(key, 0)

    def total(self, key: Hashable) -> Shown:
        if key in self.small_totals:
            return below(self.k)
        if key in self.withheld_totals:
            return WITHHELD
        return self.totals[key]

    @property
    def suppressed(self) -> int:
        return len(self.small) + len(self.withheld)


def protect(
    cells: Mapping[Any, int], totals: Mapping[Any, Iterable[Any]], k: int
) -> ProtectedTable:
    """Suppress ``cells`` (key -> count) whose published ``totals`` (key -> the cell keys it
    sums) would otherwise give a small count away. See the module docstring for the rule."""
    check_k(k)
    values = {key: int(v) for key, v in cells.items()}
    members = {t: tuple(dict.fromkeys(keys)) for t, keys in totals.items()}
    for keys in members.values():
        for key in keys:
            values.setdefault(key, 0)
    sums = {t: sum(values[c] for c in keys) for t, keys in members.items()}
    table = ProtectedTable(k, values, sums)
    if k == 1:
        return table
    table.small = {c for c, v in values.items() if 0 < v < k}
    table.small_totals = {t for t, v in sums.items() if 0 < v < k}
    _complete_lines(table, members)
    while True:
        exposed = _first_exposed(table, members)
        if exposed is None:
            return table
        _hide_partner(table, members, exposed)


def _hidden(table: ProtectedTable) -> set[Hashable]:
    return table.small | table.withheld


def _published(table: ProtectedTable, t: Hashable) -> bool:
    return t not in table.small_totals and t not in table.withheld_totals


def _complete_lines(table: ProtectedTable, members: dict[Hashable, tuple[Hashable, ...]]) -> None:
    """The cheap pass: no visible total may have exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for t, keys in members.items():
            if not _published(table, t):
                continue
            hidden = [c for c in keys if c in _hidden(table)]
            if len(hidden) == 1 and hidden[0] in table.small:
                _hide_partner(table, members, hidden[0], only=t)
                changed = True


def _hide_partner(
    table: ProtectedTable,
    members: dict[Hashable, tuple[Hashable, ...]],
    cell: Hashable,
    only: Hashable | None = None,
) -> None:
    lines = [
        t
        for t, keys in members.items()
        if cell in keys and _published(table, t) and (only is None or t == only)
    ]
    hidden = _hidden(table)

    def recoverable(c: Hashable) -> bool:
        """Hiding c alone would not hide it: a visible total has no other unknown cell."""
        return any(
            all(o == c or (o not in hidden and table.cells[o] == 0) for o in keys)
            for t, keys in members.items()
            if c in keys and _published(table, t)
        )

    def open_lines(c: Hashable) -> int:
        """Visible totals through c (other than the exposed cell's) with nothing hidden yet:
        hiding c there exposes it in turn, so candidates closing a cycle come first."""
        return sum(
            1
            for t, keys in members.items()
            if c in keys
            and cell not in keys
            and _published(table, t)
            and not any(o in hidden for o in keys)
        )

    candidates = sorted(
        {c for t in lines for c in members[t] if c not in hidden and table.cells[c] > 0},
        key=lambda c: (recoverable(c), open_lines(c), table.cells[c], str(c)),
    )
    if candidates:
        table.withheld.add(candidates[0])
        return
    # no visible cell to hide: withhold a total instead (a "<k" total too: its bounds
    # alone can pin cells, e.g. two "<3" cells under a "<3" total are both 1)
    lines = lines or [t for t, keys in members.items() if cell in keys and t in table.small_totals]
    if not lines:  # cannot happen: with no total involved a "<k" cell has k-1 >= 2 values
        raise RuntimeError(f"cell {cell!r} is exposed but no total involves it")
    chosen = min(lines, key=lambda t: (table.totals[t], str(t)))
    table.small_totals.discard(chosen)
    table.withheld_totals.add(chosen)


def _first_exposed(
    table: ProtectedTable, members: dict[Hashable, tuple[Hashable, ...]]
) -> Hashable | None:
    """The first small cell whose value the published figures pin to one number."""
    hidden = sorted(_hidden(table), key=str)
    if not hidden:
        return None
    index = {c: i for i, c in enumerate(hidden)}
    k = table.k
    bounds = [(1, k - 1) if c in table.small else (0, None) for c in hidden]
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for t, keys in members.items():
        row = np.zeros(len(hidden))
        for c in keys:
            if c in index:
                row[index[c]] = 1.0
        if not row.any():
            continue
        rest = sum(table.cells[c] for c in keys if c not in index)
        if _published(table, t):
            eq_rows.append(row)
            eq_rhs.append(table.totals[t] - rest)
        elif t in table.small_totals:  # 1 <= total <= k-1
            ub_rows += [row, -row]
            ub_rhs += [k - 1 - rest, rest - 1]
    if not eq_rows and not ub_rows:
        return None
    a_eq = np.array(eq_rows) if eq_rows else None
    a_ub = np.array(ub_rows) if ub_rows else None
    b_eq = np.array(eq_rhs) if eq_rows else None
    b_ub = np.array(ub_rhs) if ub_rows else None
    for c in hidden:
        if c not in table.small:
            continue
        objective = np.zeros(len(hidden))
        objective[index[c]] = 1.0
        low = linprog(
            objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )
        high = linprog(
            -objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )
        if not (low.success and high.success):
            continue  # infeasible cannot happen with true figures; unbounded is safe
        if math.floor(-high.fun + 1e-6) - math.ceil(low.fun - 1e-6) < 1:
            return c
    return None
