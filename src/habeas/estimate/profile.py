"""Multinomial profile likelihood for N (Rcapture ``closedpCI``; Cormack 1992).

For a log-linear model with design X (no intercept) fitted to the 2^t - 1
observable counts, the unobserved cell is appended with design row 0, so that
only the intercept applies to it. For a candidate N, the Poisson GLM is fitted
to ``(y, n0 = N - n)`` and the profile multinomial log-likelihood is

    l(N) = -(deviance - 2 ct) / 2,

with Cormack's correction ``ct``: ``log(n0^n0 N! / (N^N n0!))`` when N <= 100,
otherwise its Stirling form ``n0 - N - log(n0/N)/2`` (``-N + log(2 pi N)/2``
when n0 is 0 or 1). This is exactly ``closedpCI.internal``:

* multinomial point estimate = argmax of l over (n, 1.5 N_Poisson) (R uses
  ``optimize(tol = 1e-4)``; we solve to 1e-6);
* interval = the two roots of ``l(N) = l_max - qchisq(level, 1)/2``, searched
  in (n, N_max) and (N_max, 3 N_Poisson) (``fmaxSupCL = 3``); when a root is
  not bracketed the lower limit is n and the upper limit is reported as
  unbounded (``None`` here, with a warning), as Rcapture prints ">3N".

For Chao (lower bound) models the negative-eta refit is repeated at every N,
as Rcapture does for ``m = "Mh"``/``"Mth"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, stats
from scipy.special import gammaln

from habeas.estimate.glm import FloatArray, fit_poisson


def cormack_ct(n0: float, N: float) -> float:
    if N > 100:
        if n0 in (0.0, 1.0):
            return -N + 0.5 * math.log(2 * math.pi * N)
        return n0 - N - 0.5 * math.log(n0 / N)
    n0log = n0 * math.log(n0) if n0 > 0 else 0.0
    return float(n0log + gammaln(N + 1) - N * math.log(N) - gammaln(n0 + 1))


@dataclass
class ProfileResult:
    point: float
    lower: float
    upper: float | None
    loglik_max: float
    curve_N: list[float] = field(default_factory=list)
    curve_value: list[float] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class MultinomialProfile:
    """Profile log-likelihood l(N) for one design."""

    def __init__(self, y: FloatArray, x: FloatArray, chao_nca: int | None = None) -> None:
        self.y = np.asarray(y, dtype=float)
        self.n = float(self.y.sum())
        self.x = np.vstack([x, np.zeros((1, x.shape[1]))])
        self.xi = np.column_stack([np.ones(len(self.x)), self.x])
        self.chao_nca = chao_nca

    def __call__(self, N: float) -> float:
        n0 = max(N - self.n, 0.0)
        yy = np.append(self.y, n0)
        x = self.xi
        fit = fit_poisson(yy, x)
        if self.chao_nca is not None:
            nca = self.chao_nca
            while True:
                etas = fit.coef[nca:]
                negs = [i for i, v in enumerate(etas) if np.isfinite(v) and v < 0]
                if not negs:
                    break
                x = np.delete(x, nca + negs[0], axis=1)
                fit = fit_poisson(yy, x)
        return -(fit.deviance - 2.0 * cormack_ct(n0, N)) / 2.0


def profile_interval(
    y: FloatArray,
    x: FloatArray,
    n_poisson: float,
    level: float = 0.95,
    chao_nca: int | None = None,
    fmax_sup: float = 3.0,
) -> ProfileResult:
    """Point (multinomial MLE) and profile-likelihood interval, as ``closedpCI.t``."""
    prof = MultinomialProfile(y, x, chao_nca)
    n = prof.n
    warnings: list[str] = []
    hi = max(1.5 * n_poisson, n + 1.0)
    res = optimize.minimize_scalar(
        lambda v: -prof(v), bounds=(n, hi), method="bounded", options={"xatol": 1e-6}
    )
    nmax = float(res.x)
    lmax = -float(res.fun)
    cut = lmax - stats.chi2.ppf(level, 1) / 2.0

    def g(v: float) -> float:
        return prof(v) - cut

    lower = n
    if g(n) < 0:
        lower = float(optimize.brentq(g, n, nmax, xtol=1e-6))
    else:
        warnings.append(
            "The lower limit of the interval is the number observed: the data "
            "are compatible with nobody being missed."
        )
    upper: float | None = None
    top = fmax_sup * n_poisson
    if top > nmax and g(top) < 0:
        upper = float(optimize.brentq(g, nmax, top, xtol=1e-6))
    else:
        warnings.append(
            f"The upper limit is above {top:.0f} (three times the estimate): "
            "the data cannot rule out a much larger total."
        )
    right = upper if upper is not None else top
    grid = np.linspace(max(n, lower - 0.25 * (nmax - lower)), right + 0.25 * (right - nmax), 61)
    vals = [prof(float(v)) for v in grid]
    return ProfileResult(
        nmax, lower, upper, lmax, [float(v) for v in grid], [float(v) for v in vals], warnings
    )
