"""Two-list (dual system) estimators: Lincoln-Petersen and Chapman.

With n1 cases on list A, n2 on list B and m on both, and the assumptions that
the lists are independent and everyone equally likely to be listed:

* Lincoln-Petersen: ``N = n1 n2 / m`` (undefined when m = 0), variance
  ``n1 n2 (n1 - m)(n2 - m) / m^3``;
* Chapman (1951): ``N = (n1 + 1)(n2 + 1)/(m + 1) - 1``, nearly unbiased, defined
  when m = 0; variance (Seber 1970)
  ``(n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2))``.

Interval: Chao's (1987) log-normal interval, which treats the *unobserved*
count f0 = N - r (r = n1 + n2 - m people observed) as log-normal, so the lower
limit never falls below the number observed:
``r + f0 / C, r + f0 C`` with ``C = exp(z sqrt(log(1 + var / f0^2)))``.

With more than two lists, ``lists=("A", "B")`` chooses the two (default: the
first two); people on neither of the two are not counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats

from habeas.errors import UsageError
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.result import Estimate

TINY_OVERLAP = 10


def _two(
    histories: CaptureHistories, lists: Sequence[str] | str | None
) -> tuple[CaptureHistories, list[str]]:
    warnings: list[str] = []
    if isinstance(lists, str):
        lists = [v.strip() for v in lists.split(",") if v.strip()]
    if lists is None:
        if histories.t < 2:
            raise UsageError("Two lists are needed.")
        lists = histories.lists[:2]
        if histories.t > 2:
            warnings.append(
                f"Only lists {lists[0]} and {lists[1]} were used (of "
                f"{histories.t}); the others were ignored."
            )
    if len(lists) != 2:
        raise UsageError("Give exactly two lists.")
    sub = histories.subset(list(lists))
    if sub.t != 2:
        raise UsageError("One of the two lists has no cases.")
    return sub, warnings


def _lognormal(r: int, N: float, var: float, level: float) -> tuple[float, float]:
    f0 = N - r
    if f0 <= 0 or var <= 0:
        return (float(r), N)
    z = float(stats.norm.ppf(0.5 + level / 2))
    c = math.exp(z * math.sqrt(math.log(1 + var / f0**2)))
    return (r + f0 / c, r + f0 * c)


def _hints(histories: CaptureHistories, lists: Sequence[str] | str | None) -> list[str]:
    """``two_lists`` when the first two lists were taken because none were chosen."""
    return ["two_lists"] if lists is None and histories.t > 2 else []


def _overlap_warnings(m: int, n1: int, n2: int, names: list[str]) -> list[str]:
    out = []
    if m == 0:
        out.append(
            f"Lists {names[0]} and {names[1]} have no case in common: two-list "
            "estimation has nothing to work with and the total cannot be estimated."
        )
    elif m < TINY_OVERLAP:
        out.append(
            f"The lists barely overlap ({m} case{'s' if m != 1 else ''} on both): "
            "the estimate is very unstable."
        )
    if m > 0 and (m in (n1, n2)):
        out.append(
            "One list is entirely contained in the other: the estimate equals the "
            "number observed, which is only credible if the larger list is complete."
        )
    return out


def _counts(sub: CaptureHistories) -> tuple[int, int, int, int]:
    n1 = sub.list_totals()[sub.lists[0]]
    n2 = sub.list_totals()[sub.lists[1]]
    m = sub.overlap(0, 1)
    return n1, n2, m, sub.n


def lincoln(
    histories: CaptureHistories,
    *,
    lists: Sequence[str] | str | None = None,
    level: float = 0.95,
    **_: object,
) -> Estimate:
    """Lincoln-Petersen estimate ``n1 n2 / m`` with a log-normal interval."""
    sub, warnings = _two(histories, lists)
    warnings = list(histories.warnings) + warnings
    n1, n2, m, r = _counts(sub)
    warnings += _overlap_warnings(m, n1, n2, sub.lists)
    diag = {
        "n1": n1,
        "n2": n2,
        "m": m,
        "lists": sub.lists,
        "interval_kind": "log-normal (Chao 1987), Lincoln-Petersen variance",
    }
    if m == 0:
        return Estimate(
            "lincoln",
            r,
            None,
            None,
            level,
            "Lincoln-Petersen",
            diag,
            warnings,
            lists=list(sub.lists),
            hints=_hints(histories, lists),
        )
    N = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    diag["se"] = math.sqrt(var)
    return Estimate(
        "lincoln",
        r,
        N,
        _lognormal(r, N, var, level),
        level,
        "Lincoln-Petersen",
        diag,
        warnings,
        interval_kind="lognormal",
        lists=list(sub.lists),
        hints=_hints(histories, lists),
    )


def chapman(
    histories: CaptureHistories,
    *,
    lists: Sequence[str] | str | None = None,
    level: float = 0.95,
    **_: object,
) -> Estimate:
    """Chapman estimate ``(n1+1)(n2+1)/(m+1) - 1`` with a log-normal interval."""
    sub, warnings = _two(histories, lists)
    warnings = list(histories.warnings) + warnings
    n1, n2, m, r = _counts(sub)
    warnings += _overlap_warnings(m, n1, n2, sub.lists)
    N = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    diag = {
        "n1": n1,
        "n2": n2,
        "m": m,
        "lists": sub.lists,
        "se": math.sqrt(var),
        "interval_kind": "log-normal (Chao 1987), Chapman (Seber 1970) variance",
    }
    if m == 0:
        warnings.append(
            "With no overlap, Chapman's formula still gives a number, but it only "
            "reflects the list sizes; do not use it as an estimate."
        )
    return Estimate(
        "chapman",
        r,
        N,
        _lognormal(r, N, var, level),
        level,
        "Chapman",
        diag,
        warnings,
        interval_kind="lognormal",
        lists=list(sub.lists),
        hints=_hints(histories, lists),
    )
