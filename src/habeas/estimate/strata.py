"""Estimation by strata, totals, and the sensitivity table.

**Strata.** Estimating separately within strata (region, period, facility) and
adding up lets capture probabilities differ between strata, which removes one
source of heterogeneity. The total's point estimate is the sum of the strata
points. Its interval is an *approximation*: each stratum's interval is turned
into a standard error on the log scale of its unobserved count, treated as
independent normal, and combined by simulation-free summation on the natural
scale: ``se_s = (upper_s - lower_s) / (2 z)`` and the total interval is
``sum(points) +/- z sqrt(sum se_s^2)``, clipped below at the number observed.
That ignores asymmetry (most MSE intervals are skewed to the right) and any
dependence between strata; a warning on the total says so.

**Sensitivity table.** The field's experience (e.g. Binette & Steorts 2022) is
that methods disagree, sometimes by a factor of two or more, on the same
lists. :func:`sensitivity_table` runs every method on the same data so users
see the spread instead of one number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from scipy import stats

from habeas.errors import HabeasError
from habeas.estimate import accepted_options, failed, run
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.result import Estimate

DEFAULT_SENSITIVITY = ("independence", "loglinear", "stepwise", "bhs", "dga", "lcmcr")


def estimate_by_strata(
    strata: Mapping[str, CaptureHistories],
    method: str,
    *,
    level: float = 0.95,
    **options: Any,
) -> tuple[dict[str, Estimate], Estimate]:
    """Run ``method`` in each stratum; return (per-stratum estimates, total)."""
    per: dict[str, Estimate] = {}
    for name, hist in strata.items():
        try:
            per[name] = run(method, hist, level=level, **options)
        except HabeasError as exc:
            per[name] = failed(method, hist, level, exc)
        per[name].stratum = name
    observed = sum(e.observed for e in per.values())
    warnings = [
        "The total's interval adds the strata as if their errors were independent and "
        "normal; real intervals are skewed, so treat it as a rough guide."
    ]
    missing = [k for k, e in per.items() if e.point is None]
    if missing:
        warnings.append(f"No estimate for stratum/strata {', '.join(missing)}: no total.")
        return per, Estimate(
            method,
            observed,
            None,
            None,
            level,
            "sum over strata",
            {"strata": list(per)},
            warnings,
            stratum="total",
        )
    z = float(stats.norm.ppf(0.5 + level / 2))
    point = sum(float(e.point) for e in per.values() if e.point is not None)
    var = 0.0
    unbounded = False
    for e in per.values():
        if e.interval is None or not all(math.isfinite(v) for v in e.interval):
            unbounded = True
            continue
        var += ((e.interval[1] - e.interval[0]) / (2 * z)) ** 2
    interval: tuple[float, float] | None
    if unbounded:
        warnings.append("Some stratum has no finite interval, so the total has none.")
        interval = None
    else:
        half = z * math.sqrt(var)
        interval = (max(float(observed), point - half), point + half)
    diag = {
        "strata": {k: e.to_dict() for k, e in per.items()},
        "interval_kind": "sum of points +/- z * sqrt(sum of squared strata s.e.)",
    }
    for k, e in per.items():
        warnings.extend(f"[{k}] {w}" for w in e.warnings)
    return per, Estimate(
        method,
        observed,
        point,
        interval,
        level,
        "sum over strata",
        diag,
        warnings,
        interval_kind="normal",
        stratum="total",
    )


def sensitivity_table(
    histories: CaptureHistories,
    methods: Iterable[str] | None = None,
    *,
    method_options: Mapping[str, Mapping[str, Any]] | None = None,
    **common: Any,
) -> list[Estimate]:
    """The same data under every method, side by side (failures become warnings).

    ``common`` options (e.g. ``level``, ``seed``) go to every method that accepts
    them; ``method_options={"stepwise": {"nboot": 200}}`` to one method only.
    """
    rows = []
    if methods is None:
        # two-list methods use only two of the lists: side by side only when t == 2
        methods = (
            ("chapman", "independence", "loglinear") if histories.t == 2 else DEFAULT_SENSITIVITY
        )
    for name in methods:
        opts = accepted_options(name, dict(common))
        opts.update((method_options or {}).get(name, {}))
        try:
            rows.append(run(name, histories, **opts))
        except HabeasError as exc:
            rows.append(failed(name, histories, common.get("level", 0.95), exc))
    points = [e.point for e in rows if e.point is not None]
    if len(points) >= 2 and min(points) > 0 and max(points) / min(points) > 2:
        for e in rows:
            e.warnings.append(
                f"The methods disagree by a factor of {max(points) / min(points):.1f}; "
                "no single number should be reported without this spread."
            )
    return rows
