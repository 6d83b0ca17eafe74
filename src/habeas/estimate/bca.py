"""BCa bootstrap intervals as SparseMSE ``estimatepopulation`` computes them.

Reference: SparseMSE ``estimatepopulation`` and ``bcaconfvalues`` (Chan,
Silverman & Vincent 2021, section 3.3; DiCiccio & Efron 1996):

1. ``nboot`` multinomial resamples of the observed counts (total n fixed);
   the whole estimator (model selection included) is rerun on each;
2. bias correction ``z0 = qnorm(mean(boot < estimate))``;
3. acceleration ``a`` from a delete-one *case* jackknife: for each observed
   history with count c, remove one case, re-estimate, and weight the result
   by c (a history with c cases gives c identical jackknife replicates);
4. adjusted levels ``pnorm(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)))``,
   read from the bootstrap replicates with R's ``quantile(type = 8)``
   (numpy's ``median_unbiased`` method).

The R reference used R's RNG (and parallel streams); ours uses numpy's
``Generator``: the limits agree only within bootstrap Monte Carlo error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from habeas.estimate import budget
from habeas.estimate.glm import FloatArray


@dataclass
class BootResult:
    limits: list[float]
    replicates: FloatArray
    ahat: float
    z0: float
    warnings: list[str] = field(default_factory=list)
    unstable: bool = False


def bca_limits(
    boot: FloatArray, estimate: float, ahat: float, alphas: Sequence[float]
) -> tuple[list[float], float, list[str]]:
    """``bcaconfvalues``: BCa limits at levels ``alphas``; returns (limits, z0, warnings)."""
    zq, z0, warnings = _levels(boot, estimate, ahat, alphas)
    lim = np.quantile(boot[np.isfinite(boot)], zq, method="median_unbiased")
    return [float(v) for v in lim], z0, warnings


def _levels(
    boot: FloatArray, estimate: float, ahat: float, alphas: Sequence[float]
) -> tuple[FloatArray, float, list[str]]:
    """The adjusted quantile levels of the BCa limits, z0 and warnings."""
    warnings: list[str] = []
    boot = boot[np.isfinite(boot)]
    frac = float(np.mean(boot < estimate))
    if frac <= 0.0 or frac >= 1.0:
        warnings.append(
            "Every bootstrap estimate fell on one side of the estimate; the bias-corrected "
            "interval is unreliable and was replaced by the plain percentile interval."
        )
        z0 = 0.0
    else:
        z0 = float(stats.norm.ppf(frac))
    za = stats.norm.ppf(np.asarray(alphas, dtype=float))
    za0 = za + z0
    zq = stats.norm.cdf(z0 + za0 / (1.0 - ahat * za0))
    return np.asarray(zq, dtype=float), z0, warnings


#: A BCa limit with fewer than this many replicates beyond it is set by the most
#: extreme replicate or two: it moves with the seed and cannot be trusted.
MIN_TAIL = 2


def extreme_limits(
    boot: FloatArray, estimate: float, ahat: float, alphas: Sequence[float]
) -> list[bool]:
    """For each BCa limit, whether fewer than :data:`MIN_TAIL` replicates lie beyond it.

    The bias correction and acceleration can push a nominal 2.5% quantile to a
    level below 1/B (B replicates); the limit is then just the smallest (or
    largest) replicate, which changes from seed to seed.
    """
    zq, _z0, _w = _levels(boot, estimate, ahat, alphas)
    size = int(np.isfinite(boot).sum())
    return [bool(min(q, 1.0 - q) * size < MIN_TAIL) for q in zq]


def bca_bootstrap(
    counts: FloatArray,
    estimate: float,
    estimator: Callable[[FloatArray], float],
    *,
    nboot: int,
    rng: np.random.Generator,
    alphas: Sequence[float] = (0.025, 0.975),
) -> BootResult:
    """Run the bootstrap + jackknife and return BCa limits for ``alphas``."""
    counts = np.asarray(counts, dtype=float)
    n = int(counts.sum())
    draws = rng.multinomial(n, counts / n, size=nboot).astype(float)
    reps = np.empty(len(draws))
    for k, d in enumerate(draws):
        budget.check("The bootstrap")
        reps[k] = estimator(d)
    warnings: list[str] = []
    nfail = int(np.sum(~np.isfinite(reps)))
    if nfail:
        warnings.append(f"{nfail} of {nboot} bootstrap samples gave no estimate and were ignored.")
    # delete-one-case jackknife, weighted by counts
    obs = np.flatnonzero(counts > 0)
    jack = np.empty(len(obs))
    for k, h in enumerate(obs):
        budget.check("The jackknife")
        c1 = counts.copy()
        c1[h] -= 1
        jack[k] = estimator(c1)
    w = counts[obs]
    ok = np.isfinite(jack)
    if ok.all():
        jr = np.sum(w * jack) / np.sum(w) - jack
        denom = 6.0 * np.sum(w * jr**2) ** 1.5
        ahat = float(np.sum(w * jr**3) / denom) if denom > 0 else 0.0
    else:
        ahat = 0.0
        warnings.append("The jackknife failed for some histories; acceleration set to 0.")
    limits, z0, w2 = bca_limits(reps, estimate, ahat, alphas)
    warnings.extend(w2)
    extreme = extreme_limits(reps, estimate, ahat, alphas)
    if any(extreme):
        warnings.append(
            "The bootstrap interval is unstable: a limit is set by the most extreme one or "
            "two of the bootstrap samples, so it changes with the random seed."
        )
    return BootResult(limits, reps, ahat, z0, warnings, any(extreme))
