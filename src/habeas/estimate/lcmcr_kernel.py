"""Compiled Gibbs sampler for LCMCR (see :mod:`habeas.estimate.lcmcr` for the model).

One call of :func:`run_chain` runs one chain end to end: initialisation, the
500 warm-up sweeps with alpha fixed, relabelling of the classes by decreasing
weight, ``burnin`` sweeps, then ``samples`` draws kept every ``thinning``
sweeps. It follows ``CNPLCM_CR_Basic_Freq::Update`` of the R package LCMCR
step by step.

Individuals are never represented one by one. Everyone with the same capture
pattern has the same full conditional for their latent class, so the class
counts of a cell with ``f`` individuals are one ``Multinomial(f, pi)`` draw —
exactly what the R package does (``sam_countzIK``) — and each sweep costs
O(cells x K x lists) whatever the number of records.

Random numbers come from numba's own generator (NumPy's legacy Mersenne
Twister algorithms), seeded at the start of each chain: the same seed gives the
same chain on the same platform and numba version. numba keeps one generator
per thread and the kernel releases the GIL, so chains can run in parallel
threads without changing their draws. ``cache=True`` keeps the
compiled code between runs (in ``__pycache__``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy", nogil=True)
def _log_gamma_draw(shape: float) -> float:
    """log of a Gamma(shape, 1) draw, accurate for tiny shapes (log-space
    Gamma(shape+1) * U^(1/shape) trick), as LCMCR's ``dan_log_gamma_1``."""
    if shape >= 1.0:
        return math.log(np.random.gamma(shape, 1.0))
    if shape <= 0.0:
        return -np.inf
    u = 1.0 - np.random.random()  # in (0, 1]
    return math.log(np.random.gamma(shape + 1.0, 1.0)) + math.log(u) / shape


@njit(cache=True, error_model="numpy", nogil=True)
def _multinomial(total: int, probs: np.ndarray, out: np.ndarray) -> None:
    """Multinomial(total, probs / sum(probs)) into ``out`` (sequential binomials)."""
    k_max = probs.size
    for k in range(k_max):
        out[k] = 0
    if total <= 0:
        return
    rest = 0.0
    for k in range(k_max):
        rest += probs[k]
    if total == 1:  # one categorical draw
        u = np.random.random() * rest
        acc = 0.0
        for k in range(k_max):
            acc += probs[k]
            if u < acc:
                out[k] = 1
                return
        out[k_max - 1] = 1
        return
    remaining = total
    for k in range(k_max - 1):
        if remaining == 0:
            return
        if rest <= 0.0:
            break
        pk = probs[k] / rest
        if pk >= 1.0:
            out[k] = remaining
            return
        c = np.random.binomial(remaining, pk) if pk > 0.0 else 0
        out[k] = c
        remaining -= c
        rest -= probs[k]
    out[k_max - 1] += remaining


@njit(cache=True, error_model="numpy", nogil=True)
def _truncated_negbin(n: int, p0: float, limit: int) -> int:
    """NegBin(size=n, prob=1-p0) (failures before n successes), redrawn while > limit.

    Drawn as Poisson(Gamma(n) * p0 / (1 - p0)). If 100 draws in a row exceed the
    limit (p0 very close to 1), sample the truncated law exactly by inversion.
    """
    if p0 <= 0.0:
        return 0
    if p0 < 1.0:
        odds = p0 / (1.0 - p0)
        for _ in range(100):
            lam = np.random.gamma(float(n), 1.0) * odds
            if lam < 1e15:
                k = np.random.poisson(lam)
                if k <= limit:
                    return k
    # inversion on 0..limit: log pmf(k) = lgamma(n+k) - lgamma(k+1) + k log p0 + const
    logp0 = math.log(min(p0, 1.0))
    logw = np.empty(limit + 1)
    top = -np.inf
    for k in range(limit + 1):
        logw[k] = math.lgamma(n + k) - math.lgamma(k + 1.0) + k * logp0
        top = max(top, logw[k])
    total = 0.0
    for k in range(limit + 1):
        logw[k] = math.exp(logw[k] - top)
        total += logw[k]
    u = np.random.random() * total
    acc = 0.0
    for k in range(limit + 1):
        acc += logw[k]
        if u < acc:
            return k
    return limit


@njit(cache=True, error_model="numpy", nogil=True)
def _sweep(x, freq, n, lam, nu, log_nu, alpha, n0, c0, cz, probs, a_shape, b_rate, fixed, limit):  # noqa: E501
    """One Gibbs sweep in the R package's order; returns (alpha, n0, p0, k_star)."""
    m_cells, j_lists = x.shape
    k_max = nu.size
    # 1. class counts within each observed cell
    for m in range(m_cells):
        for k in range(k_max):
            pr = nu[k]
            for j in range(j_lists):
                pr *= lam[j, k] if x[m, j] == 1 else 1.0 - lam[j, k]
            probs[k] = pr
        _multinomial(freq[m], probs, cz[m])
    # 2. lambda | counts (the unobserved count as zeros on every list)
    count_k = np.zeros(k_max, dtype=np.int64)
    for k in range(k_max):
        tot = c0[k]
        for m in range(m_cells):
            tot += cz[m, k]
        count_k[k] = tot
    for j in range(j_lists):
        for k in range(k_max):
            ones = 0
            for m in range(m_cells):
                if x[m, j] == 1:
                    ones += cz[m, k]
            lam[j, k] = np.random.beta(1.0 + ones, 1.0 + count_k[k] - ones)
    # 3. stick-breaking weights nu | counts, alpha (in log space)
    k_star = 0
    for k in range(k_max):
        if count_k[k] > 0:
            k_star += 1
    big_n = n + n0
    acc = 0
    log_rest = 0.0
    for k in range(k_max - 1):
        acc += count_k[k]
        g1 = _log_gamma_draw(1.0 + count_k[k])
        g2 = _log_gamma_draw(alpha + (big_n - acc))
        gs = max(g1, g2) + math.log1p(math.exp(-abs(g1 - g2)))
        log_nu[k] = g1 - gs + log_rest
        log_rest += g2 - gs
        nu[k] = math.exp(log_nu[k])
    log_nu[k_max - 1] = log_rest
    nu[k_max - 1] = math.exp(log_rest)
    # 4. probability of being on no list, per class and total
    p0 = 0.0
    for k in range(k_max):
        pr = nu[k]
        for j in range(j_lists):
            pr *= 1.0 - lam[j, k]
        probs[k] = pr
        p0 += pr
    # 5. number unobserved, truncated at 20 n; 6. their classes
    n0 = _truncated_negbin(n, p0, limit)
    _multinomial(n0, probs, c0)
    # 7. concentration alpha (rate b - log nu_K), skipped during warm-up
    if not fixed:
        alpha = np.random.gamma(a_shape, 1.0 / (b_rate - log_nu[k_max - 1]))
    return alpha, n0, p0, k_star


@njit(cache=True, error_model="numpy", nogil=True)
def run_chain(
    x, freq, k_max, a_alpha, b_alpha, burnin, samples, thinning, seed, cap=20, warmup=500
):  # noqa: E501
    """Run one chain; returns traces (n0, alpha, p0, k_star), each of length ``samples``.

    ``x`` is the cells x lists 0/1 matrix, ``freq`` the cell counts; ``n0`` is
    redrawn while above ``cap * n``.
    """
    np.random.seed(seed)
    m_cells, j_lists = x.shape
    n = 0
    for m in range(m_cells):
        n += freq[m]
    limit = cap * n
    # lambda at the observed marginal frequency of each list
    lam = np.empty((j_lists, k_max))
    for j in range(j_lists):
        on = 0
        for m in range(m_cells):
            if x[m, j] == 1:
                on += freq[m]
        for k in range(k_max):
            lam[j, k] = on / n
    # nu: a random stick-breaking draw with Beta(1, 1) sticks
    nu = np.empty(k_max)
    log_nu = np.empty(k_max)
    log_rest = 0.0
    for k in range(k_max - 1):
        g1 = _log_gamma_draw(1.0)
        g2 = _log_gamma_draw(1.0)
        gs = max(g1, g2) + math.log1p(math.exp(-abs(g1 - g2)))
        log_nu[k] = g1 - gs + log_rest
        log_rest += g2 - gs
        nu[k] = math.exp(log_nu[k])
    log_nu[k_max - 1] = log_rest
    nu[k_max - 1] = math.exp(log_rest)
    alpha = 0.3 / k_max
    n0 = 0
    c0 = np.zeros(k_max, dtype=np.int64)
    cz = np.zeros((m_cells, k_max), dtype=np.int64)
    probs = np.empty(k_max)
    a_shape = a_alpha + k_max - 1.0
    p0 = 0.0
    k_star = 0
    for _ in range(warmup):  # alpha held fixed
        alpha, n0, p0, k_star = _sweep(
            x, freq, n, lam, nu, log_nu, alpha, n0, c0, cz, probs, a_shape, b_alpha, True, limit
        )
    # relabel classes by decreasing weight (stable on ties)
    order = np.argsort(-nu, kind="mergesort")
    lam[:, :] = lam[:, order]
    nu[:] = nu[order]
    log_nu[:] = log_nu[order]
    c0[:] = c0[order]
    cz[:, :] = cz[:, order]
    for _ in range(burnin):
        alpha, n0, p0, k_star = _sweep(
            x, freq, n, lam, nu, log_nu, alpha, n0, c0, cz, probs, a_shape, b_alpha, False, limit
        )
    tr_n0 = np.empty(samples, dtype=np.int64)
    tr_alpha = np.empty(samples)
    tr_p0 = np.empty(samples)
    tr_kstar = np.empty(samples, dtype=np.int64)
    for s in range(samples):
        for _ in range(thinning):
            alpha, n0, p0, k_star = _sweep(
                x,
                freq,
                n,
                lam,
                nu,
                log_nu,
                alpha,
                n0,
                c0,
                cz,
                probs,
                a_shape,
                b_alpha,
                False,
                limit,
            )
        tr_n0[s] = n0
        tr_alpha[s] = alpha
        tr_p0[s] = p0
        tr_kstar[s] = k_star
    return tr_n0, tr_alpha, tr_p0, tr_kstar
