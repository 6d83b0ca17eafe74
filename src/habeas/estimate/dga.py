"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

This reproduces ``dga::bma.cr`` (Johndrow, Lum & Ball) with the defaults and
summaries of MSETools (Binette & Steorts 2022), so that habeas and R, both run
with defaults, give the same numbers to the integer.

The model. The ``2^p`` cells of the complete contingency table (including the
unobserved all-zero cell, ``n0``) are multinomial. For each decomposable graph
G on the ``p`` lists the cell probabilities get a hyper-Dirichlet prior with
``delta`` prior counts per cell (default ``2^-p``); the marginal table of a
vertex set A then has ``delta_A = delta * 2^(p-|A|)`` per cell, so every
marginal carries total prior mass ``2^p delta``. For a candidate ``n0``:

* ``L_A(n0) = lgamma(m_0 + n0 + delta_A) + sum_{a != 0} lgamma(m_a + delta_A)
  - 2^|A| lgamma(delta_A)`` where ``m_a`` is the observed marginal table on A;
* ``log w(G, n0) = sum_C L_C - sum_S L_S + (|C| - |S|) [lgamma(2^p delta)
  - lgamma(N + 2^p delta)] + log multinomial coefficient + log p(N) + log p(G)``
  with ``N = n + n0``, cliques C and (non-empty) separators S of G.

The whole ``graphs x grid`` matrix is exponentiated and normalised to sum to
one. Row sums are posterior model probabilities; column sums are the
model-averaged posterior of N on the grid. Summaries follow MSETools: the
quantile q is ``N[first index where cumsum(w) > q]`` (so point and interval are
grid values), plus the Madigan & York "Bayes estimator" ``E[1/N] / E[1/N^2]``
(optimal under loss ``(N_hat - N)^2 / N``) and the posterior mode.

The default grid is MSETools': ``unique(round(seq(1, 30 n, length.out=1000)))``
missing cases, with prior ``p(N) ∝ 1/N``. One deliberate difference from R:
weights are shifted by their maximum before exponentiating (R exponentiates
directly), which changes nothing except avoiding underflow on large tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

from habeas.errors import UsageError
from habeas.estimate.graphs import Graph, decomposable_graphs
from habeas.estimate.result import Estimate

FloatArray = NDArray[np.float64]
LogPrior = FloatArray | Callable[[FloatArray], FloatArray] | None

#: How many of the most probable models to list in the diagnostics.
TOP_MODELS = 10


def default_grid(n: int, mult: int = 30, length: int = 1000) -> NDArray[np.int64]:
    """MSETools' grid of missing counts: ``unique(round(seq(1, mult*n, length.out=length)))``.

    R's ``round`` rounds halves to even, as does :func:`numpy.round`.
    """
    grid = np.round(np.linspace(1.0, float(mult * n), length))
    return np.unique(grid).astype(np.int64)


def _pattern_codes(patterns: NDArray[np.int64]) -> NDArray[np.int64]:
    """Encode each 0/1 row as an integer with list j as bit j."""
    p = patterns.shape[1]
    return (patterns.astype(np.int64) * (1 << np.arange(p, dtype=np.int64))).sum(axis=1)


def component_log_ml(
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    n_missing: NDArray[np.int64],
    delta: float,
) -> FloatArray:
    """``L_A(n0)`` for every non-empty vertex set A (row ``mask - 1``) and grid value."""
    p = patterns.shape[1]
    codes = _pattern_codes(patterns)
    n0 = n_missing.astype(np.float64)
    out = np.empty(((1 << p) - 1, n0.size))
    for mask in range(1, 1 << p):
        size = bin(mask).count("1")
        delta_a = delta * 2.0 ** (p - size)
        marginal = np.zeros(1 << p)
        np.add.at(marginal, codes & mask, counts)
        cells = marginal[[c for c in range(1 << p) if c & ~mask == 0]]  # the 2^|A| cells
        fixed = gammaln(cells[1:] + delta_a).sum() - (1 << size) * gammaln(delta_a)
        out[mask - 1] = gammaln(cells[0] + n0 + delta_a) + fixed
    return out


def _incidence(graphs: tuple[Graph, ...], p: int) -> tuple[FloatArray, FloatArray]:
    """``(clique - separator)`` incidence over vertex-set masks, and ``|C| - |S|``."""
    inc = np.zeros((len(graphs), (1 << p) - 1))
    for i, g in enumerate(graphs):
        for c in g.cliques:
            inc[i, sum(1 << v for v in c) - 1] += 1
        for s in g.separators:
            inc[i, sum(1 << v for v in s) - 1] -= 1
    nsub = np.array([len(g.cliques) - len(g.separators) for g in graphs], dtype=np.float64)
    return inc, nsub


def log_posterior(
    patterns: NDArray[np.int64],
    counts: NDArray[np.int64],
    n_missing: NDArray[np.int64],
    delta: float,
    graphs: tuple[Graph, ...],
    log_prior_n: FloatArray,
    log_prior_graphs: FloatArray | None = None,
) -> FloatArray:
    """Unnormalised ``log w(G, n0)``: a ``len(graphs) x len(n_missing)`` matrix."""
    p = patterns.shape[1]
    n = float(counts.sum())
    n0 = n_missing.astype(np.float64)
    total_delta = delta * 2.0**p
    comp = component_log_ml(patterns, counts, n_missing, delta)
    inc, nsub = _incidence(graphs, p)
    normaliser = gammaln(total_delta) - gammaln(n + n0 + total_delta)
    multicoef = gammaln(n + n0 + 1.0) - gammaln(counts + 1.0).sum() - gammaln(n0 + 1.0)
    logw: FloatArray = inc @ comp + np.outer(nsub, normaliser)
    logw += multicoef + log_prior_n
    if log_prior_graphs is not None:
        logw += np.asarray(log_prior_graphs, dtype=np.float64)[:, None]
    return logw


def normalise(logw: FloatArray) -> FloatArray:
    """``exp`` and normalise the whole matrix to sum to one (``expNormalize``)."""
    w = np.exp(logw - logw.max())
    out: FloatArray = w / w.sum()
    return out


def grid_quantile(values: NDArray[Any], weights: FloatArray, q: float) -> float:
    """MSETools' ``N[which(cumsum(w) > q)[1]]``."""
    idx = np.flatnonzero(np.cumsum(weights) > q)
    return float(values[idx[0]] if idx.size else values[-1])


def bayes_estimator(values: NDArray[Any], weights: FloatArray) -> float:
    """Madigan & York's ``mean(w/N) / mean(w/N^2)``."""
    v = values.astype(np.float64)
    return float(np.sum(weights / v) / np.sum(weights / v**2))


def _resolve_prior(log_prior: LogPrior, big_n: FloatArray) -> FloatArray:
    if log_prior is None:
        return -np.log(big_n)
    if callable(log_prior):
        values = np.asarray(log_prior(big_n), dtype=np.float64)
    else:
        values = np.asarray(log_prior, dtype=np.float64)
    if values.shape != big_n.shape:
        raise UsageError(f"log_prior has {values.size} values for a grid of {big_n.size}")
    return values


def dga(
    histories: Any,
    *,
    delta: float | None = None,
    n_missing: NDArray[Any] | list[int] | None = None,
    log_prior: LogPrior = None,
    graph_prior: NDArray[Any] | None = None,
    level: float = 0.95,
) -> Estimate:
    """Model-averaged posterior of the population size over decomposable graphs.

    ``histories`` needs ``.lists``, ``.patterns`` (0/1, no all-zero row),
    ``.counts`` and ``.n``. ``log_prior`` is the log prior of N on the grid,
    either an array or a function of the array of N; ``graph_prior`` is a log
    prior weight per graph of :func:`decomposable_graphs(p)` (uniform if None).
    Only 3 to 5 lists are supported, as in the R package.
    """
    patterns = np.asarray(histories.patterns, dtype=np.int64)
    counts = np.asarray(histories.counts, dtype=np.int64)
    names = [str(x) for x in histories.lists]
    p = patterns.shape[1]
    if not 3 <= p <= 5:
        raise UsageError(
            f"dga averages over decomposable graphs on 3 to 5 lists; this table has {p}."
        )
    if not 0 < level < 1:
        raise UsageError(f"level must be between 0 and 1, not {level}")
    notes: list[str] = []
    empty = patterns.sum(axis=1) == 0
    if counts[empty].sum() > 0:  # R's bma.cr sets Y[1] <- 0
        notes.append(
            f"{int(counts[empty].sum())} record(s) on no list were ignored: the "
            "number on no list is what is being estimated."
        )
    patterns, counts = patterns[~empty], counts[~empty]
    n = int(counts.sum())
    if n == 0:
        raise UsageError("dga needs at least one observed case")
    delta = 2.0**-p if delta is None else float(delta)
    if delta <= 0:
        raise UsageError("delta (prior counts per cell) must be positive")
    grid = default_grid(n) if n_missing is None else np.asarray(n_missing, dtype=np.int64)
    if grid.ndim != 1 or grid.size == 0 or grid.min() < 0:
        raise UsageError("n_missing must be a non-empty list of non-negative counts")
    big_n = (grid + n).astype(np.float64)
    graphs = decomposable_graphs(p)
    if graph_prior is not None and np.asarray(graph_prior).shape != (len(graphs),):
        raise UsageError(f"graph_prior needs one log weight per graph ({len(graphs)})")

    logw = log_posterior(
        patterns,
        counts,
        grid,
        delta,
        graphs,
        _resolve_prior(log_prior, big_n),
        None if graph_prior is None else np.asarray(graph_prior, dtype=np.float64),
    )
    w = normalise(logw)
    post_n = w.sum(axis=0)
    post_g = w.sum(axis=1)

    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    point = grid_quantile(big_n, post_n, 0.5)
    interval = (grid_quantile(big_n, post_n, lo_q), grid_quantile(big_n, post_n, hi_q))
    order = np.argsort(-post_g, kind="stable")
    top = order[0]
    models = [
        {
            "model": graphs[i].label,
            "lists": graphs[i].named(names),
            "probability": float(post_g[i]),
            "bayes_estimator": bayes_estimator(big_n, w[i] / post_g[i]),
            "mode": float(big_n[np.argmax(w[i])]),
            "median": grid_quantile(big_n, w[i] / post_g[i], 0.5),
        }
        for i in order[:TOP_MODELS]
    ]
    diagnostics: dict[str, Any] = {
        "n_graphs": len(graphs),
        "delta": delta,
        "grid_size": int(grid.size),
        "grid_max_N": float(big_n[-1]),
        "bayes_estimator": bayes_estimator(big_n, post_n),
        "mode": float(big_n[np.argmax(post_n)]),
        "posterior_mean": float(np.sum(post_n * big_n)),
        "top_models": models,
        "top_cliques": [[names[v] for v in c] for c in graphs[top].cliques],
        "curve_N": big_n.tolist(),
        "curve_value": post_n.tolist(),
        "curve_kind": "posterior",
    }
    return Estimate(
        method="dga",
        observed=n,
        point=point,
        interval=interval,
        level=level,
        model=f"average of {len(graphs)} decomposable graphs (top {graphs[top].named(names)})",
        diagnostics=diagnostics,
        warnings=notes + _warnings(big_n, post_n, post_g, graphs, order, hi_q, names),
        interval_kind="posterior",
    )


def _warnings(
    big_n: FloatArray,
    post_n: FloatArray,
    post_g: FloatArray,
    graphs: tuple[Graph, ...],
    order: NDArray[np.int64],
    hi_q: float,
    names: list[str],
) -> list[str]:
    out = []
    tail = post_n[-max(1, post_n.size // 20) :].sum()
    if np.cumsum(post_n)[-1] - post_n[-1] <= hi_q or tail > 0.01:
        out.append(
            f"The posterior still has {tail:.1%} of its mass near the largest total "
            f"considered ({big_n[-1]:.0f}); the upper limit is cut off by the grid and "
            "the data cannot rule out much larger totals."
        )
    if post_n[0] > 0.01:
        out.append(
            f"{post_n[0]:.1%} of the posterior is on the smallest total considered "
            f"({big_n[0]:.0f}): the data suggest very few people are missing, and the "
            f"totals considered ({big_n[1] - big_n[0]:.0f} apart) are too coarse to say "
            "how few."
        )
    if post_g[order[0]] < 0.2:
        out.append(
            f"No single dependence structure dominates (the most probable, "
            f"{graphs[order[0]].named(names)}, has {post_g[order[0]]:.0%}); the estimate "
            "averages over models that may disagree."
        )
    return out
