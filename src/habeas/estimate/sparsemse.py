"""SparseMSE: stepwise log-linear estimation for sparse lists (Chan, Silverman & Vincent 2021).

Reference: L. Chan, B. W. Silverman and K. Vincent, "Multiple systems estimation
for sparse capture data: inferential challenges when there are nonoverlapping
lists", JASA 116 (2021), arXiv:1902.05156; R package SparseMSE 2.0.1
(``R/routines.R``). What we reproduce, step by step:

* **Model**: Poisson log-linear model on all 2^t - 1 observable capture
  histories (zeros included): intercept, one main effect per list and a chosen
  set of two-list interactions. N = n + exp(intercept).
* **Empty overlaps** (``buildmodel``/``modelfit``): if a pair in the model has
  no case on both lists, its parameter is taken as minus infinity. Every history
  containing both lists is deleted before fitting, the term leaves the design,
  and the AIC gets +2 per such pair.
* **Existence and identifiability** (``checkident``): the Fienberg & Rinaldo
  (2012) linear program ``max s`` subject to ``A^T x = A^T y``, ``x >= s``,
  ``x, s >= 0`` on the retained histories; the MLE exists iff ``s* > 0``.
  A rank check gives identifiability. The code is
  ``1{s* = 0} + 2{rank deficient}`` (0 fine, 1 no finite MLE, 2 not
  identifiable, 3 both).
* **Stepwise** (``stepwisefit``): start from main effects; for each pair not in
  the model, ``n*`` = cases on both lists, ``p*`` = fitted expectation of that
  count; p-value ``min(P(X <= n*), P(X >= n*))`` for X ~ Poisson(p*), set to 1
  if the enlarged model fails ``checkident``. Add the smallest (first on ties)
  while it is below ``pthresh`` (default 0.02).
* **Point and normal interval** (``estimatepopulation.0``):
  ``n + exp(qnorm(q, b0, se(b0)))``; the point estimate is q = 0.5.
* **BCa bootstrap** (``estimatepopulation``, in :mod:`habeas.estimate.bca`).

Because existence depends only on which cells are zero (the face of the
marginal cone containing ``A^T y``), ``checkident`` results are cached by
(model, support); this is what makes the bootstrap fast.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy import sparse, stats
from scipy.optimize import linprog

from habeas.estimate import budget
from habeas.estimate.glm import FloatArray, PoissonFit, fit_poisson
from habeas.estimate.histories import CaptureHistories, full_patterns
from habeas.estimate.result import Estimate

Pair = tuple[int, int]

IERR_TEXT = {
    0: "the maximum likelihood estimate exists and is identifiable",
    1: "the maximum likelihood estimate does not exist (some parameter is infinite)",
    2: "the model is not identifiable (too many parameters for the overlaps observed)",
    3: "the estimate neither exists nor is identifiable",
}


def all_pairs(t: int) -> list[Pair]:
    """Two-list terms in SparseMSE order: (1,2), (1,3), ..., (t-1,t) (0-based here)."""
    return list(itertools.combinations(range(t), 2))


@dataclass
class SparseFit:
    """A fitted SparseMSE model (``modelfit`` output)."""

    pairs: list[Pair]  # pairs in the model, in order of addition
    empty: list[Pair]  # pairs in the model with empty overlap (parameter = -inf)
    rows: NDArray[np.bool_]  # which of the 2^t-1 histories were retained
    fit: PoissonFit
    aic: float
    n: int
    pvalues: list[float] = field(default_factory=list)  # p-value of each added pair

    @property
    def b0(self) -> float:
        return float(self.fit.coef[0])

    @property
    def se_b0(self) -> float:
        return float(np.sqrt(self.fit.cov[0, 0]))

    def quantile(self, q: float) -> float:
        """``n + exp(qnorm(q, b0, se))`` as in ``estimatepopulation.0``."""
        return self.n + float(np.exp(stats.norm.ppf(q, self.b0, self.se_b0)))

    @property
    def point(self) -> float:
        return self.n + float(np.exp(self.b0))


class _Design:
    """Full table and per-support caches for one number of lists."""

    def __init__(self, t: int) -> None:
        self.t = t
        self.patterns = full_patterns(t).astype(float)
        self.pairs = all_pairs(t)
        self.pair_cols = {
            pr: self.patterns[:, pr[0]] * self.patterns[:, pr[1]] for pr in self.pairs
        }

    def matrix(self, pairs: list[Pair], rows: NDArray[np.bool_]) -> FloatArray:
        cols = [np.ones(len(self.patterns)), *self.patterns.T]
        cols += [self.pair_cols[pr] for pr in pairs]
        return np.column_stack(cols)[rows]


@lru_cache(maxsize=16)
def _design(t: int) -> _Design:
    return _Design(t)


def split_pairs(
    y: FloatArray, pairs: list[Pair], t: int
) -> tuple[list[Pair], list[Pair], NDArray[np.bool_]]:
    """Split model pairs into (non-empty, empty) and the retained history rows."""
    d = _design(t)
    rows = np.ones(len(y), dtype=bool)
    keep: list[Pair] = []
    empty: list[Pair] = []
    for pr in pairs:
        col = d.pair_cols[pr]
        if float(np.sum(col * y)) == 0.0:
            empty.append(pr)
            rows &= col == 0
        else:
            keep.append(pr)
    return keep, empty, rows


_LP_CACHE: dict[tuple[int, tuple[Pair, ...], bytes], int] = {}


def checkident_counts(y: FloatArray, pairs: list[Pair], t: int) -> int:
    """SparseMSE ``checkident`` on full-table counts ``y`` (length 2^t - 1)."""
    support = (np.asarray(y) > 0).tobytes()
    key = (t, tuple(sorted(pairs)), support)
    hit = _LP_CACHE.get(key)
    if hit is not None:
        return hit
    keep, _empty, rows = split_pairs(np.asarray(y, dtype=float), pairs, t)
    a = _design(t).matrix(keep, rows)
    yr = np.asarray(y, dtype=float)[rows]
    nobs, npar = a.shape
    rankdef = npar - int(np.linalg.matrix_rank(a))
    tvec = a.T @ yr
    # variables: x (nobs), s ; maximise s
    # (sparse: a dense identity of 2^t - 1 rows needs 32 GiB at 16 lists)
    c = np.zeros(nobs + 1)
    c[-1] = -1.0
    a_eq = sparse.hstack([sparse.csr_matrix(a.T), sparse.csr_matrix((npar, 1))], format="csr")
    a_ub = sparse.hstack(
        [-sparse.identity(nobs, format="csr"), sparse.csr_matrix(np.ones((nobs, 1)))], format="csr"
    )
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(nobs),
        A_eq=a_eq,
        b_eq=tvec,
        bounds=[(0, None)] * (nobs + 1),
        method="highs",
    )
    s = float(-res.fun) if res.status == 0 else 0.0
    ierr = int(s <= 1e-7 * max(1.0, float(yr.sum()) / max(nobs, 1))) + 2 * int(rankdef > 0)
    if len(_LP_CACHE) > 200_000:
        _LP_CACHE.clear()
    _LP_CACHE[key] = ierr
    return ierr


def checkident(histories: CaptureHistories, pairs: list[Pair] | None = None) -> int:
    """Existence/identifiability code (0-3) of the model with the given pairs.

    ``pairs=None`` means all two-list terms (SparseMSE ``mX = 0``).
    """
    _, y = histories.full_table()
    if pairs is None:
        pairs = all_pairs(histories.t)
    return checkident_counts(y.astype(float), list(pairs), histories.t)


def modelfit_counts(
    y: FloatArray, pairs: list[Pair], t: int, eta_start: FloatArray | None = None
) -> SparseFit:
    """SparseMSE ``modelfit(check=FALSE)`` on full-table counts."""
    keep, empty, rows = split_pairs(y, pairs, t)
    x = _design(t).matrix(keep, rows)
    start = None if eta_start is None else eta_start[rows]
    fit = fit_poisson(y[rows], x, eta_start=start)
    return SparseFit(list(pairs), empty, rows, fit, fit.aic + 2 * len(empty), int(y.sum()))


def stepwise_counts(y: FloatArray, t: int, pthresh: float = 0.02) -> SparseFit:
    """SparseMSE ``stepwisefit`` on full-table counts ``y``."""
    d = _design(t)
    cand = d.pairs
    if pthresh == 1 and checkident_counts(y, cand, t) == 0:
        return modelfit_counts(y, list(cand), t)
    zfit = modelfit_counts(y, [], t)
    if pthresh == 0:
        return zfit
    nstar = np.array([float(np.sum(d.pair_cols[pr] * y)) for pr in cand])
    included = [False] * len(cand)
    pvals: list[float] = []
    for _cycle in range(len(cand)):
        budget.check("stepwise")
        mu = zfit.fit.fitted
        rows = zfit.rows
        pv = np.ones(len(cand))
        for j, pr in enumerate(cand):
            if included[j]:
                continue
            pstar = float(np.sum(mu * d.pair_cols[pr][rows]))
            lo = stats.poisson.cdf(nstar[j], pstar)
            hi = stats.poisson.sf(nstar[j] - 1, pstar)
            pv[j] = min(lo, hi)
        chosen = -1
        for j in sorted(range(len(cand)), key=lambda k: (pv[k], k)):
            if included[j] or pv[j] >= pthresh:
                break
            if checkident_counts(y, [*zfit.pairs, cand[j]], t) == 0:
                chosen = j
                break
        if chosen < 0:
            break
        eta0 = np.full(len(y), 0.0)
        eta0[zfit.rows] = zfit.fit.eta
        pvals.append(float(pv[chosen]))
        new = modelfit_counts(y, [*zfit.pairs, cand[chosen]], t, eta_start=eta0)
        new.pvalues = list(pvals)
        zfit = new
        included[chosen] = True
    zfit.pvalues = list(pvals)
    return zfit


def model_name(lists: list[str], pairs: list[Pair]) -> str:
    """E.g. ``main effects + LA:NG + NG:GO``."""
    terms = ["main effects"] + [f"{lists[i]}:{lists[j]}" for i, j in pairs]
    return " + ".join(terms)


def parse_pairs(lists: list[str], spec: str) -> list[Pair]:
    """Parse ``"LA:NG,NG:GO"`` or ``"1:2,2:4"`` (1-based numbers) into pairs."""
    out: list[Pair] = []
    for item in spec.replace(" ", "").split(","):
        if not item:
            continue
        a, _, b = item.partition(":")
        idx = []
        for tok in (a, b):
            if tok in lists:
                idx.append(lists.index(tok))
            elif tok.isdigit() and 1 <= int(tok) <= len(lists):
                idx.append(int(tok) - 1)
            else:
                from habeas.errors import UsageError

                raise UsageError(f"Unknown list {tok!r} in model {spec!r}.")
        i, j = sorted(idx)
        if i == j:
            from habeas.errors import UsageError

            raise UsageError(f"A two-list term needs two different lists: {item!r}.")
        out.append((i, j))
    return out


def stepwise(
    histories: CaptureHistories,
    *,
    pthresh: float = 0.02,
    nboot: int = 1000,
    seed: int | None = 1234,
    level: float = 0.95,
    pairs: str | list[Pair] | None = None,
    **_: object,
) -> Estimate:
    """SparseMSE estimate: stepwise model (or fixed ``pairs``), BCa interval.

    ``nboot=0`` skips the bootstrap and reports the normal-on-log-scale
    interval of ``estimatepopulation.0`` instead.
    """
    from habeas.estimate.bca import bca_bootstrap

    _pat, y = histories.full_table()
    yf = y.astype(float)
    t = histories.t
    warnings = list(histories.warnings)
    if t < 2:
        raise_usage("SparseMSE needs at least two lists.")
    fixed: list[Pair] | None = None
    if pairs is not None:
        fixed = parse_pairs(histories.lists, pairs) if isinstance(pairs, str) else list(pairs)
        ierr = checkident_counts(yf, fixed, t)
        if ierr:
            warnings.append(f"For the model you asked for, {IERR_TEXT[ierr]}; no estimate.")
            return Estimate(
                "stepwise",
                histories.n,
                None,
                None,
                level,
                model_name(histories.lists, fixed),
                {"checkident": ierr},
                warnings,
            )
        zfit = modelfit_counts(yf, fixed, t)
    else:
        zfit = stepwise_counts(yf, t, pthresh)
    alpha = 1 - level
    diag: dict[str, object] = {
        "pthresh": pthresh,
        "pairs": [[histories.lists[i], histories.lists[j]] for i, j in zfit.pairs],
        "pair_pvalues": zfit.pvalues,
        "empty_overlaps": [[histories.lists[i], histories.lists[j]] for i, j in zfit.empty],
        "aic": zfit.aic,
        "deviance": zfit.fit.deviance,
        "intercept": zfit.b0,
        "se_intercept": zfit.se_b0,
        "normal_interval": [zfit.quantile(alpha / 2), zfit.quantile(1 - alpha / 2)],
    }
    point = zfit.quantile(0.5)
    hints: list[str] = []
    unstable = False
    interval: tuple[float, float] = (zfit.quantile(alpha / 2), zfit.quantile(1 - alpha / 2))
    if nboot > 0:
        rng = np.random.default_rng(seed)

        def estimator(counts: FloatArray) -> float:
            if fixed is not None:
                if checkident_counts(counts, fixed, t):
                    return float("nan")
                return modelfit_counts(counts, fixed, t).point
            return stepwise_counts(counts, t, pthresh).point

        try:
            boot = bca_bootstrap(
                yf, point, estimator, nboot=nboot, rng=rng, alphas=(alpha / 2, 1 - alpha / 2)
            )
        except budget.OutOfTime:
            nboot = 0
            hints.append("more_time")
            warnings.append(
                "The bootstrap did not finish within the time limit, so the interval is the "
                "normal approximation, which ignores the uncertainty of the model choice "
                "and is usually too narrow."
            )
        else:
            interval = (boot.limits[0], boot.limits[1])
            unstable = boot.unstable
            diag.update(
                {
                    "nboot": nboot,
                    "seed": seed,
                    "ahat": boot.ahat,
                    "z0": boot.z0,
                    "interval_kind": "BCa bootstrap",
                }
            )
            warnings.extend(boot.warnings)
    if nboot <= 0:
        diag["interval_kind"] = "normal on log scale (estimatepopulation.0)"
    if zfit.empty:
        names = ", ".join(f"{histories.lists[i]}&{histories.lists[j]}" for i, j in zfit.empty)
        warnings.append(
            f"Some pairs of lists share no case ({names}); the model treats "
            "that as a real impossibility, which the data cannot confirm."
        )
    if not zfit.fit.converged:
        warnings.append("The model fit did not converge; treat the estimate with suspicion.")
    return Estimate(
        "stepwise",
        histories.n,
        point,
        interval,
        level,
        model_name(histories.lists, zfit.pairs),
        diag,
        warnings,
        interval_kind="bootstrap" if nboot > 0 else "normal",
        unstable_interval=unstable,
        hints=hints,
    )


def raise_usage(msg: str) -> None:
    from habeas.errors import UsageError

    raise UsageError(msg)
