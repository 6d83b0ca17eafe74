"""Capture histories: who is on which list, aggregated to counts per pattern.

Multiple systems estimation works on a table with one 0/1 column per list and
the number of people with each pattern of presence/absence. This module builds
that table from a CSV (or rows in memory), checks it, and *reports* what it had
to change, because silent repairs hide exactly the problems (a list with no
cases, a list that shares nobody with the others) that make estimates fragile.

Accepted layouts for :meth:`CaptureHistories.from_table`:

(a) aggregated: one 0/1 column per list plus a ``count`` column (the layout of
    the R packages' data sets, e.g. SparseMSE ``UKdat_5``);
(b) individual: one row per person, only 0/1 columns (Rcapture ``hare``).

Repairs, each recorded in :attr:`CaptureHistories.warnings`:

* rows with every list 0 describe nobody observed: dropped;
* identical patterns: summed;
* lists with no cases: dropped (they carry no information);
* lists sharing no case with any other list: kept, but reported, because
  every log-linear estimate then rests on an assumption the data cannot check.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from habeas.errors import UsageError

IntArray = NDArray[np.int64]

COUNT_NAMES = ("count", "freq", "frequency", "n")
#: Largest count (and total) accepted: the methods compute in floating point,
#: which holds whole numbers exactly only up to 2^53.
MAX_COUNT = 2**53


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _count(val: str, where: str) -> int:
    """Parse one count cell; errors name ``where`` (file, row, column)."""
    try:
        num = int(val)
    except ValueError:
        try:
            real = float(val)
        except ValueError:
            raise UsageError(f"{where}: count {val!r} is not a number.") from None
        if not math.isfinite(real):
            raise UsageError(f"{where}: count {val!r} is not a finite number.") from None
        if real != int(real):
            raise UsageError(f"{where}: count {val!r} is not a whole number.") from None
        num = int(real)
    if num < 0:
        raise UsageError(f"{where}: count {val!r} is negative.")
    if num > MAX_COUNT:
        raise UsageError(f"{where}: count {val!r} is too large (more than {MAX_COUNT:,}).")
    return num


@dataclass
class CaptureHistories:
    """Observed capture patterns and their counts.

    ``patterns`` is an m x t array of 0/1 (one row per distinct observed
    pattern, never all-zero), ``counts`` the number of people with each
    pattern (all > 0), ``lists`` the list names in column order.
    """

    lists: list[str]
    patterns: IntArray
    counts: IntArray
    warnings: list[str] = field(default_factory=list)
    source: str | None = None

    # ------------------------------------------------------------------ basics
    @property
    def t(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def n(self) -> int:
        """Number of distinct people observed on at least one list."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        """Number of cases on each list."""
        tot = self.patterns.T @ self.counts
        return {name: int(v) for name, v in zip(self.lists, tot, strict=True)}

    def overlap(self, i: int, j: int) -> int:
        """Number of cases on both list ``i`` and list ``j`` (0-based)."""
        both = self.patterns[:, i] * self.patterns[:, j]
        return int((both * self.counts).sum())

    def full_table(self) -> tuple[IntArray, IntArray]:
        """All 2^t - 1 observable patterns (zeros included) and their counts.

        Patterns are ordered by the number of lists, then lexicographically
        (list 1 varying slowest), which is the order SparseMSE ``tidylists``
        uses. Returns ``(patterns, counts)``.
        """
        t = self.t
        allp = full_patterns(t)
        index = {tuple(int(v) for v in row): k for k, row in enumerate(allp)}
        counts = np.zeros(len(allp), dtype=np.int64)
        for row, c in zip(self.patterns, self.counts, strict=True):
            counts[index[tuple(int(v) for v in row)]] += int(c)
        return allp, counts

    def with_counts(self, counts: Sequence[int] | IntArray) -> CaptureHistories:
        """Same patterns with new counts (used by the bootstrap); zero rows kept."""
        return CaptureHistories(
            list(self.lists), self.patterns.copy(), np.asarray(counts, dtype=np.int64)
        )

    def subset(self, lists: Sequence[str]) -> CaptureHistories:
        """Collapse to the named lists (people on none of them are dropped)."""
        idx = []
        for name in lists:
            if name not in self.lists:
                raise UsageError(f"Unknown list {name!r}; lists are {', '.join(self.lists)}.")
            idx.append(self.lists.index(name))
        return CaptureHistories.from_patterns(list(lists), self.patterns[:, idx], self.counts)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_patterns(
        cls,
        list_names: Sequence[str],
        patterns: Sequence[Sequence[int]] | IntArray,
        counts: Sequence[int] | IntArray | None = None,
        *,
        source: str | None = None,
        drop_empty_lists: bool = True,
    ) -> CaptureHistories:
        """Build from a pattern matrix and counts (default: one person per row)."""
        pat = np.asarray(patterns, dtype=np.int64)
        if pat.ndim != 2 or pat.shape[1] != len(list_names):
            raise UsageError(
                f"Capture patterns must have one column per list ({len(list_names)} lists)."
            )
        cnt = (
            np.ones(pat.shape[0], dtype=np.int64)
            if counts is None
            else np.asarray(counts, dtype=np.int64)
        )
        if cnt.shape != (pat.shape[0],):
            raise UsageError("There must be exactly one count per capture pattern.")
        if np.any((pat != 0) & (pat != 1)):
            raise UsageError("Capture patterns may contain only 0 and 1.")
        if np.any(cnt < 0):
            raise UsageError("Counts may not be negative.")
        if len(set(list_names)) != len(list_names):
            raise UsageError("List names must be distinct.")
        return cls._normalise(list(list_names), pat, cnt, source, drop_empty_lists)

    @classmethod
    def from_table(
        cls,
        path_or_rows: str | Path | Iterable[Mapping[str, Any]],
        *,
        count_column: str | None = None,
    ) -> CaptureHistories:
        """Read a CSV file (or an iterable of dict rows) in layout (a) or (b).

        Errors name the file, row (1-based data row, header = row 1) and column.
        """
        if isinstance(path_or_rows, str | Path):
            path = Path(path_or_rows)
            label = str(path)
            try:
                with path.open(newline="", encoding="utf-8-sig") as fh:
                    reader = csv.DictReader(fh)
                    header = list(reader.fieldnames or [])
                    rows: list[Mapping[str, Any]] = list(reader)
            except FileNotFoundError as exc:
                raise UsageError(f"{label}: no such file.") from exc
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                raise UsageError(f"{label}: cannot read the table ({exc}).") from exc
        else:
            label = "table"
            rows = list(path_or_rows)
            header = list(rows[0].keys()) if rows else []
        header = [h.strip() for h in header if h is not None]
        if not header:
            raise UsageError(f"{label}: the table is empty (no header).")
        if all(_is_number(h) for h in header):
            raise UsageError(
                f"{label}: the header row with the list names is missing (the first row, "
                f"{','.join(header)}, holds only numbers)."
            )
        if not rows:
            raise UsageError(f"{label}: the table has a header but no rows.")
        ccol = count_column
        if ccol is None:
            ccol = next((h for h in header if h.lower() in COUNT_NAMES), None)
        elif ccol not in header:
            raise UsageError(f"{label}: there is no column {ccol!r}.")
        list_cols = [h for h in header if h != ccol]
        if not list_cols:
            raise UsageError(f"{label}: no list columns (one 0/1 column per list is needed).")
        pat = np.zeros((len(rows), len(list_cols)), dtype=np.int64)
        cnt = np.ones(len(rows), dtype=np.int64)
        for r, row in enumerate(rows):
            rowno = r + 2
            clean = {str(k).strip(): v for k, v in row.items() if k is not None}
            for c, col in enumerate(list_cols):
                raw = clean.get(col)
                val = "" if raw is None else str(raw).strip()
                if val not in ("0", "1"):
                    raise UsageError(
                        f"{label}, row {rowno}, column {col!r}: value {val!r} is not 0 or 1."
                    )
                pat[r, c] = int(val)
            if ccol is not None:
                raw = clean.get(ccol)
                val = "" if raw is None else str(raw).strip()
                if val == "":
                    raise UsageError(
                        f"{label}, row {rowno}, column {ccol!r}: the count is missing."
                    )
                cnt[r] = _count(val, f"{label}, row {rowno}, column {ccol!r}")
        if int(cnt.sum()) > MAX_COUNT:
            raise UsageError(
                f"{label}: the counts add up to more than {MAX_COUNT:,}, too many to compute with."
            )
        return cls._normalise(list_cols, pat, cnt, label, True)

    @classmethod
    def _normalise(
        cls, names: list[str], pat: IntArray, cnt: IntArray, source: str | None, drop_empty: bool
    ) -> CaptureHistories:
        warnings: list[str] = []
        zero_rows = pat.sum(axis=1) == 0
        nzero = int(cnt[zero_rows].sum())
        if nzero:
            warnings.append(
                f"{nzero} case(s) are on none of the lists; they were left out "
                "(the method estimates exactly those people)."
            )
        pat, cnt = pat[~zero_rows], cnt[~zero_rows]
        # aggregate duplicate patterns
        agg: dict[tuple[int, ...], int] = {}
        for row, c in zip(pat, cnt, strict=True):
            key = tuple(int(v) for v in row)
            agg[key] = agg.get(key, 0) + int(c)
        ndup = len(pat) - len(agg)
        keys = [k for k, c in agg.items() if c > 0]
        if drop_empty:
            totals = np.zeros(len(names), dtype=np.int64)
            for k in keys:
                totals += np.asarray(k, dtype=np.int64) * agg[k]
            empty = [names[i] for i in range(len(names)) if totals[i] == 0]
            if empty:
                warnings.append(f"List(s) {', '.join(empty)} have no cases and were left out.")
                keep = [i for i in range(len(names)) if totals[i] > 0]
                names = [names[i] for i in keep]
                agg2: dict[tuple[int, ...], int] = {}
                for k in keys:
                    k2 = tuple(k[i] for i in keep)
                    agg2[k2] = agg2.get(k2, 0) + agg[k]
                agg, keys = agg2, list(agg2)
        if ndup > 0:
            warnings.append(f"{ndup} repeated capture pattern row(s) were added together.")
        keys.sort(key=lambda k: (sum(k), [-v for v in k]))
        patterns = np.array(keys, dtype=np.int64).reshape(len(keys), len(names))
        counts = np.array([agg[k] for k in keys], dtype=np.int64)
        obj = cls(names, patterns, counts, warnings, source)
        if obj.n == 0:
            raise UsageError(f"{source or 'table'}: nobody is on any list.")
        for i, name in enumerate(names):
            if obj.t > 1 and all(obj.overlap(i, j) == 0 for j in range(obj.t) if j != i):
                warnings.append(
                    f"List {name} shares no case with any other list: estimates that use it "
                    "rest on assumptions the data cannot check."
                )
        return obj

    def describe(self) -> dict[str, Any]:
        """Small summary used in diagnostics and the CLI."""
        pairs = {
            f"{self.lists[i]}&{self.lists[j]}": self.overlap(i, j)
            for i, j in itertools.combinations(range(self.t), 2)
        }
        return {
            "lists": list(self.lists),
            "n": self.n,
            "list_totals": self.list_totals(),
            "pair_overlaps": pairs,
        }


def full_patterns(t: int) -> IntArray:
    """All 2^t - 1 non-empty 0/1 patterns, ordered by size then lexicographically."""
    rows = [p for p in itertools.product((1, 0), repeat=t) if any(p)]
    rows.sort(key=lambda p: (sum(p), [-v for v in p]))
    return np.array(rows, dtype=np.int64)
