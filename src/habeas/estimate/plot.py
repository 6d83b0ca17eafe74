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
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from scipy import stats  # noqa: E402

from habeas.errors import UsageError  # noqa: E402
from habeas.estimate.glm import FloatArray  # noqa: E402
from habeas.estimate.result import Estimate  # noqa: E402
from habeas.i18n import format_percent, gettext_for  # noqa: E402


def has_curve(est: Estimate) -> bool:
    d = est.diagnostics
    return bool(d.get("curve_N")) and bool(d.get("curve_value"))


def plot_estimate(
    est: Estimate, path: str | Path, *, title: str | None = None, lang: str = "en"
) -> Path:
    """Write a PNG for ``est`` to ``path`` and return the path."""
    fig = figure(est, title=title, lang=lang)
    out = Path(path)
    fig.savefig(out, format="png")
    plt.close(fig)
    return out


def x_range(est: Estimate, x: FloatArray, v: FloatArray, kind: str) -> tuple[float, float]:
    """The stretch of N worth showing: from the number observed to half an interval's
    width past the interval (sooner if the curve has almost no weight left there)."""
    if kind == "posterior":
        mass = np.cumsum(np.clip(v, 0, None))
        total = float(mass[-1]) if mass.size and mass[-1] > 0 else 1.0
        tail = float(x[min(int(np.searchsorted(mass / total, 0.999)), x.size - 1)])
    else:
        rel = v - np.nanmax(v)
        inside = x[rel >= -3 * stats.chi2.ppf(est.level, 1)]
        tail = float(inside.max()) if inside.size else float(x.max())
    left = min(float(est.observed), float(x.min()))
    right = tail
    if est.interval is not None and math.isfinite(est.interval[1]):
        lo, hi = est.interval
        right = max(min(tail, hi + 0.5 * (hi - lo)), hi)
    right = max(right, est.point or 0.0, left + 1.0)
    return max(left - 0.03 * (right - left), 0.0), right


def figure(est: Estimate, *, title: str | None = None, lang: str = "en") -> Figure:
    """The chart of ``est``'s curve, labelled in ``lang``, its x axis fitted to the result."""
    from habeas.estimate.summary import describe_model, whole

    if not has_curve(est):
        raise UsageError(f"The {est.method} result has no likelihood or posterior curve to plot.")
    _ = gettext_for(lang)
    x = np.asarray(est.diagnostics["curve_N"], dtype=float)
    v = np.asarray(est.diagnostics["curve_value"], dtype=float)
    kind = est.diagnostics.get("curve_kind", "profile_loglik")
    order = np.argsort(x)
    x, v = x[order], v[order]
    level = format_percent(est.level, lang)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if kind == "posterior":
        ax.plot(x, v, color="tab:blue")
        ax.fill_between(x, v, alpha=0.2, color="tab:blue")
        ax.set_ylabel(_("posterior probability"))
    else:
        rel = v - np.nanmax(v)
        ax.plot(x, rel, color="tab:blue")
        cut = -stats.chi2.ppf(est.level, 1) / 2
        ax.axhline(cut, color="grey", ls=":", lw=1, label=_("%(level)s cut-off") % {"level": level})
        ax.set_ylim(max(float(np.nanmin(rel)), 4 * cut), 0.2 * -cut)
        ax.set_ylabel(_("log-likelihood (relative to maximum)"))
    ax.axvline(
        est.observed,
        color="black",
        lw=1,
        label=_("on the lists (%(num)s)") % {"num": whole(est.observed, lang)},
    )
    if est.point is not None:
        ax.axvline(
            est.point,
            color="tab:red",
            lw=1.5,
            label=_("estimate (%(num)s)") % {"num": whole(est.point, lang)},
        )
    if est.interval is not None:
        lo, hi = est.interval
        right = hi if math.isfinite(hi) else float(x.max())
        ax.axvspan(
            lo,
            right,
            color="tab:orange",
            alpha=0.15,
            label=_("%(level)s interval (%(low)s–%(high)s)")
            % {"level": level, "low": whole(lo, lang), "high": whole(hi, lang)},
        )
    ax.set_xlim(*x_range(est, x, v, kind))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda val, _pos: whole(val, lang)))
    ax.set_xlabel(_("total number of people"))
    ax.set_title(
        title or f"{est.method}: {describe_model(est, lang) or est.model or ''}", fontsize=9
    )
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
