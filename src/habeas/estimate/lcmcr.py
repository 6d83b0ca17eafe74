"""LCMCR: Manrique-Vallier's Bayesian non-parametric latent-class model (Biometrics 2016).

This reproduces the R package LCMCR (``lcmCR`` + ``lcmCR_PostSampl``), run as
several independent chains whose draws are pooled, as MSETools does.

The model. Each person (seen or not) belongs to one of ``K`` latent classes;
within a class, being on list j is an independent coin flip with probability
``lambda_jk``. Heterogeneous catchability — the reason simple estimators
undercount — is captured by the mixture. Class weights ``nu`` have a truncated
stick-breaking (Dirichlet-process) prior with concentration ``alpha ~
Gamma(a_alpha, rate=b_alpha)``, ``lambda_jk ~ Beta(1, 1)`` and ``p(N) ∝ 1/N``.

The Gibbs sampler (:mod:`habeas.estimate.lcmcr_kernel`, compiled with numba)
alternates, per sweep: class counts within each observed capture pattern
(multinomial); ``lambda`` (beta, with the unobserved counted as zeros on every
list); the stick-breaking weights (beta, in log space); the probability ``p0``
of being on no list; the unobserved count ``n0 ~ NegBin(n, 1 - p0)``, redrawn
while above ``20 n`` as in the R package; the classes of the unobserved
(multinomial); and ``alpha`` (gamma). Each chain starts with ``lambda`` at the
lists' observed frequencies, random weights, ``alpha = 0.3 / K``, then runs 500
warm-up sweeps with ``alpha`` fixed and relabels the classes by decreasing
weight, before the user's ``burnin``. ``N = n + n0`` is recorded every
``thinning`` sweeps.

Convergence. Chains are seeded from one seed (``numpy.random.SeedSequence``),
so results are reproducible. The diagnostics report the rank-normalised
split-R-hat (the larger of the bulk and tail versions, as ``rstan::Rhat``) and
the bulk effective sample size (Vehtari et al. 2021) of N. LCMCR's posterior is
multimodal on some data (Binette & Steorts report R-hat 1.67 on the
Netherlands data): when chains disagree the pooled interval is not trustworthy
and a plain-language warning says so.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri
from scipy.stats import rankdata

from habeas.errors import UsageError
from habeas.estimate import budget
from habeas.estimate.lcmcr_kernel import run_chain
from habeas.estimate.result import Estimate

FloatArray = NDArray[np.float64]

RHAT_LIMIT = 1.1
#: The R package redraws n0 while n0 > 20 n (a hard truncation); kept in the kernel.
N0_CAP = 20
#: Minimum bulk effective sample size per chain before warning (Vehtari et al. 2021).
ESS_PER_CHAIN = 100


def _rank_normalise(draws: FloatArray) -> FloatArray:
    """Normal scores of the pooled ranks (Blom offsets), same shape as ``draws``."""
    ranks = rankdata(draws, method="average").reshape(draws.shape)
    out: FloatArray = ndtri((ranks - 0.375) / (draws.size + 0.25))
    return out


def _split(draws: FloatArray) -> FloatArray:
    """Split each chain (row) in two halves, dropping the middle draw if odd."""
    half = draws.shape[1] // 2
    return np.vstack([draws[:, :half], draws[:, draws.shape[1] - half :]])


def _rhat_basic(chains: FloatArray) -> float:
    n = chains.shape[1]
    within = chains.var(axis=1, ddof=1).mean()
    between = n * chains.mean(axis=1).var(ddof=1)
    if within <= 0:
        return 1.0 if between <= 0 else float("inf")
    return float(np.sqrt(((n - 1) / n * within + between / n) / within))


def split_rhat(draws: NDArray[Any]) -> float:
    """Rank-normalised split-R-hat: max of bulk and folded (tail) versions.

    ``draws`` is chains x iterations. Values above ~1.01–1.1 mean the chains
    have not mixed into one common distribution.
    """
    x = np.asarray(draws, dtype=np.float64)
    if x.shape[1] < 4:
        return float("nan")
    s = _split(x)
    bulk = _rhat_basic(_rank_normalise(s))
    folded = np.abs(s - np.median(s))
    tail = _rhat_basic(_rank_normalise(folded))
    return max(bulk, tail)


def _autocovariance(x: FloatArray) -> FloatArray:
    """Autocovariance of each row at every lag (biased, via FFT)."""
    n = x.shape[1]
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(centred, size, axis=1)
    acov: FloatArray = np.fft.irfft(f * np.conj(f), size, axis=1)[:, :n] / n
    return acov


def ess_bulk(draws: NDArray[Any]) -> float:
    """Bulk effective sample size: rank-normalised split chains, Geyer's
    initial monotone positive sequence (as ``rstan::ess_bulk``)."""
    x = np.asarray(draws, dtype=np.float64)
    if x.shape[1] < 4:
        return float("nan")
    z = _rank_normalise(_split(x))
    m, n = z.shape
    acov = _autocovariance(z)
    chain_var = acov[:, 0] * n / (n - 1)
    mean_var = chain_var.mean()
    var_plus = mean_var * (n - 1) / n + (z.mean(axis=1).var(ddof=1) if m > 1 else 0.0)
    if var_plus <= 0:
        return float(m * n)
    rho = 1.0 - (mean_var - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # sum adjacent pairs while positive, forcing them to be non-increasing
    pairs = rho[: 2 * (n // 2)].reshape(-1, 2).sum(axis=1)
    positive = np.flatnonzero(pairs <= 0)
    pairs = pairs[: positive[0] if positive.size else pairs.size]
    pairs = np.minimum.accumulate(pairs)
    tau = -1.0 + 2.0 * pairs.sum()
    tau = max(tau, 1.0 / np.log10(m * n))
    return float(m * n / tau)


def _check(histories: Any) -> tuple[NDArray[np.int64], NDArray[np.int64], list[str]]:
    patterns = np.asarray(histories.patterns, dtype=np.int64)
    counts = np.asarray(histories.counts, dtype=np.int64)
    warnings: list[str] = []
    if patterns.ndim != 2 or patterns.shape[0] != counts.shape[0]:
        raise UsageError("capture histories need one count per pattern")
    if not np.isin(patterns, (0, 1)).all() or (counts < 0).any():
        raise UsageError("capture patterns must be 0/1 and counts non-negative")
    empty = patterns.sum(axis=1) == 0
    if (counts[empty] > 0).any():
        warnings.append(
            f"{int(counts[empty].sum())} record(s) on no list were ignored: the number "
            "on no list is what is being estimated."
        )
    keep = ~empty & (counts > 0)
    if patterns.shape[1] < 2 or counts[keep].sum() == 0:
        raise UsageError("LCMCR needs at least two lists and at least one observed case")
    if patterns.shape[1] == 2:
        warnings.append(
            "With only two lists a latent-class model is not identified: the estimate "
            "reflects the prior more than the data."
        )
    return patterns[keep], counts[keep], warnings


#: Sweeps of the timing run that predicts how long the chains will take.
PILOT_SWEEPS = 200


def _check_time(
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    k: int,
    a_alpha: float,
    b_alpha: float,
    *,
    seed: int,
    sweeps: int,
    rounds: int,
) -> None:
    """Refuse up front when the chains would overrun the time limit (:mod:`budget`).

    A short run of the same sampler on the same data times one sweep; the chains
    take about ``sweeps`` of them each, ``rounds`` chains one after another.
    """
    left = budget.remaining()
    if left is None:
        return
    run_chain(patterns, counts, k, float(a_alpha), float(b_alpha), 0, 1, 1, seed, N0_CAP, 0)
    start = time.perf_counter()
    run_chain(
        patterns, counts, k, float(a_alpha), float(b_alpha), 0, 1, PILOT_SWEEPS, seed, N0_CAP, 0
    )
    need = (time.perf_counter() - start) / PILOT_SWEEPS * sweeps * rounds
    if need > left:
        raise budget.OutOfTime(
            f"lcmcr would need about {need:.0f} seconds with these settings ({sweeps:,} "
            f"sweeps per chain), more than the {max(left, 0):.0f} seconds left of its "
            "time limit."
        )


def lcmcr(
    histories: Any,
    *,
    K: int = 10,  # noqa: N803 (the package's name for it)
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    burnin: int = 10000,
    samples: int = 1000,
    thinning: int = 100,
    chains: int = 4,
    seed: int | None = None,
    level: float = 0.95,
    workers: int | None = None,
) -> Estimate:
    """Posterior of the population size under LCMCR, pooled over ``chains``.

    Each chain runs 500 warm-up sweeps, ``burnin`` sweeps, then keeps
    ``samples`` draws of N, one every ``thinning`` sweeps. Point = pooled
    median, interval = pooled equal-tailed quantiles at ``level``. Chains run
    in ``workers`` threads (default: one per CPU, at most one per chain); the
    result does not depend on ``workers``.
    """
    if K < 1 or chains < 1 or samples < 1 or thinning < 1 or burnin < 0:
        raise UsageError("K, chains, samples and thinning must be >= 1 and burnin >= 0")
    if a_alpha <= 0 or b_alpha <= 0:
        raise UsageError("a_alpha and b_alpha must be positive")
    if not 0 < level < 1:
        raise UsageError(f"level must be between 0 and 1, not {level}")
    patterns, counts, warnings = _check(histories)
    n = int(counts.sum())
    seq = np.random.SeedSequence(seed)
    chain_seeds = [int(s) for s in seq.generate_state(chains, dtype=np.uint32)]

    def one(chain_seed: int) -> tuple[NDArray[Any], ...]:
        return run_chain(
            patterns,
            counts,
            K,
            float(a_alpha),
            float(b_alpha),
            burnin,
            samples,
            thinning,
            chain_seed,
            N0_CAP,
        )

    workers = min(chains, workers or os.cpu_count() or 1)
    _check_time(
        patterns,
        counts,
        K,
        a_alpha,
        b_alpha,
        seed=chain_seeds[0],
        sweeps=500 + burnin + samples * thinning,
        rounds=-(-chains // workers),
    )
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            traces = list(pool.map(one, chain_seeds))
    else:
        traces = [one(s) for s in chain_seeds]
    draws = np.vstack([t[0] for t in traces]).astype(np.float64) + n  # chains x samples
    pooled = draws.ravel()
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    lo, med, hi = (float(v) for v in np.quantile(pooled, [lo_q, 0.5, hi_q]))
    rhat = split_rhat(draws)  # nan with fewer than 4 draws per chain
    hints: list[str] = []
    ess = ess_bulk(draws)

    if np.isfinite(rhat) and rhat > RHAT_LIMIT:
        warnings.append(
            f"The {chains} chains disagree (R-hat {rhat:.2f} > {RHAT_LIMIT}; chain medians "
            f"{', '.join(f'{v:.0f}' for v in np.median(draws, axis=1))}): the sampler has "
            "not converged and the estimate is unreliable; if longer runs with more chains "
            "disagree too, the posterior has several modes and no single number summarises it."
        )
        hints.append("longer_burnin")
    if np.isfinite(ess) and ess < ESS_PER_CHAIN * chains:
        warnings.append(
            f"Only about {ess:.0f} effectively independent draws of N: the median and "
            "especially the interval carry Monte Carlo error."
        )
        hints.append("more_draws")
    near_cap = float((draws - n > 0.9 * N0_CAP * n).mean())
    if near_cap > 0.01:
        warnings.append(
            f"{near_cap:.1%} of the draws are close to the sampler's cap of {N0_CAP} times "
            "the observed number on no list: the data barely bound the total from above, "
            "and the upper limit is shaped by that cap."
        )
    hist, edges = np.histogram(pooled, bins=min(60, max(10, int(np.sqrt(pooled.size)))))
    diagnostics: dict[str, Any] = {
        "rhat": rhat if np.isfinite(rhat) else None,
        "ess": ess if np.isfinite(ess) else None,
        "chains": chains,
        "chain_medians": np.median(draws, axis=1).tolist(),
        "seed": seq.entropy,  # the seed given, or the one drawn: pass it to repeat the run
        "chain_seeds": chain_seeds,
        "K": K,
        "a_alpha": a_alpha,
        "b_alpha": b_alpha,
        "burnin": burnin,
        "samples": samples,
        "thinning": thinning,
        "sweeps_per_chain": 500 + burnin + samples * thinning,
        "posterior_mean": float(pooled.mean()),
        "share_near_cap": near_cap,
        "alpha_mean": float(np.mean([t[1].mean() for t in traces])),
        "k_star_mean": float(np.mean([t[3].mean() for t in traces])),
        "prob_zero_mean": float(np.mean([t[2].mean() for t in traces])),
        "curve_N": ((edges[:-1] + edges[1:]) / 2).tolist(),
        "curve_value": (hist / hist.sum()).tolist(),
        "curve_kind": "posterior",
    }
    return Estimate(
        method="lcmcr",
        observed=n,
        point=med,
        interval=(lo, hi),
        level=level,
        model=f"latent classes (K={K}, a=b={a_alpha:g})"
        if a_alpha == b_alpha
        else f"latent classes (K={K}, a={a_alpha:g}, b={b_alpha:g})",
        diagnostics=diagnostics,
        warnings=warnings,
        interval_kind="posterior",
        hints=hints,
    )
