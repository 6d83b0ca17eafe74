"""Plot the uncertainty about N: profile likelihood or posterior, as a PNG.

Estimators that can, put a curve in ``Estimate.diagnostics``:
``curve_N`` (values of the total N), ``curve_value`` and ``curve_kind``:
``"profile_loglik"`` (log-likelihood, plotted relative to its maximum, with
the chi-square cut-off that defines the interval) or ``"posterior"``
(probabilities over N, e.g. dga/LCMCR). The point estimate and interval are
marked; the number observed is drawn as a floor.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from habeas.errors import UsageError  # noqa: E402
from habeas.estimate.result import Estimate  # noqa: E402


def has_curve(est: Estimate) -> bool:
    d = est.diagnostics
    return bool(d.get("curve_N")) and bool(d.get("curve_value"))


def plot_estimate(est: Estimate, path: str | Path, *, title: str | None = None) -> Path:
    """Write a PNG for ``est`` to ``path`` and return the path."""
    if not has_curve(est):
        raise UsageError(f"The {est.method} result has no likelihood or posterior curve to plot.")
    x = np.asarray(est.diagnostics["curve_N"], dtype=float)
    v = np.asarray(est.diagnostics["curve_value"], dtype=float)
    kind = est.diagnostics.get("curve_kind", "profile_loglik")
    order = np.argsort(x)
    x, v = x[order], v[order]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if kind == "posterior":
        ax.plot(x, v, color="tab:blue")
        ax.fill_between(x, v, alpha=0.2, color="tab:blue")
        ax.set_ylabel("posterior probability")
    else:
        rel = v - np.nanmax(v)
        ax.plot(x, rel, color="tab:blue")
        cut = -stats.chi2.ppf(est.level, 1) / 2
        ax.axhline(cut, color="grey", ls=":", lw=1,
                   label=f"{est.level:.0%} cut-off")
        ax.set_ylabel("log-likelihood (relative to maximum)")
    ax.axvline(est.observed, color="black", lw=1, label=f"observed ({est.observed})")
    if est.point is not None:
        ax.axvline(est.point, color="tab:red", lw=1.5, label=f"estimate ({est.point:,.0f})")
    if est.interval is not None:
        lo, hi = est.interval
        right = hi if math.isfinite(hi) else float(x.max())
        ax.axvspan(lo, right, color="tab:orange", alpha=0.15,
                   label=f"{est.level:.0%} interval ({lo:,.0f}-"
                         f"{'∞' if not math.isfinite(hi) else f'{hi:,.0f}'})")
    ax.set_xlabel("total number of people N")
    ax.set_title(title or f"{est.method}: {est.model or ''}")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, format="png")
    plt.close(fig)
    return out
