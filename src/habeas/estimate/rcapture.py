"""Rcapture-style log-linear models for closed populations (Baillargeon & Rivest 2007).

Reference: Rcapture 1.4-4 (``closedp.t``, ``closedpCI.t``, ``closedpMS.t``;
``R/closedp.R``, ``R/internal.matrices.R``, ``R/internal.DRY.R``), J. Stat.
Softw. 19(5). The counts of all 2^t - 1 observable histories (zeros included)
are fitted by a Poisson GLM ``log mu_h = b0 + X_h b`` and ``N = n + exp(b0)``,
``se = sqrt(exp(b0) + exp(2 b0) Var(b0))``; ``BIC = AIC + (log n - 2) rank``.

Design columns (k_h = number of lists history h is on):

* M0: k.  Mt: one 0/1 column per list.
* heterogeneity ``h`` (added to M0 -> "Mh", to Mt -> "Mth", or to any custom
  model): Chao (lower bound) eta_j = max(k - j + 1, 0), j = 3..t; Poisson2
  2^k - 1; Darroch k^2/2; Gamma3.5 -log(3.5 + k) + log 3.5.
* Chao with ``neg=TRUE``: while some eta is negative, drop the first negative
  eta column and refit (``Chao.neg``).
* Mb: (lists before the first capture), (k - 1);
  N = e^b0 (1 + e^b2)^t / (1 + e^b2 - e^b1), se by the delta method.
* Mbh: adds 1{not on list 1}; N and se as in ``closedp.R``.
* custom hierarchical models by name, e.g. ``"[12,13,14]"`` (all subsets of
  the named terms are included; main effects always), or a list of tuples.

The profile-likelihood interval and multinomial point (``closedpCI``) are in
:mod:`habeas.estimate.profile`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from habeas.errors import UsageError
from habeas.estimate import budget
from habeas.estimate.glm import FloatArray, PoissonFit, fit_poisson
from habeas.estimate.histories import CaptureHistories

HETEROGENEITY = ("Chao", "LB", "Poisson", "Darroch", "Gamma")
CLOSEDP_MODELS = (
    "M0",
    "Mt",
    "Mh Chao",
    "Mh Poisson2",
    "Mh Darroch",
    "Mh Gamma3.5",
    "Mth Chao",
    "Mth Poisson2",
    "Mth Darroch",
    "Mth Gamma3.5",
    "Mb",
    "Mbh",
)
Term = tuple[int, ...]


@dataclass
class LoglinearFit:
    """One fitted model, with the numbers of a row of Rcapture's results table."""

    name: str
    N: float
    se: float
    fit: PoissonFit
    n: int
    x: FloatArray  # design without intercept, as finally fitted
    kind: str  # "standard", "Mb", "Mbh"
    heterogeneity: str | None = None
    dropped_eta: list[str] = field(default_factory=list)

    @property
    def aic(self) -> float:
        return self.fit.aic

    @property
    def bic(self) -> float:
        return self.fit.aic + (math.log(self.n) - 2.0) * self.fit.rank

    @property
    def deviance(self) -> float:
        return self.fit.deviance

    @property
    def df(self) -> int:
        return self.fit.df_residual

    def row(self) -> dict[str, object]:
        return {
            "model": self.name,
            "N": self.N,
            "se": self.se,
            "deviance": self.deviance,
            "df": self.df,
            "AIC": self.aic,
            "BIC": self.bic,
            "converged": self.fit.converged,
        }


def _theta(h: str) -> tuple[str, float | None]:
    """Split ``"Poisson2"``/``"Gamma3.5"`` into (kind, theta)."""
    for kind, default in (("Poisson", 2.0), ("Gamma", 3.5)):
        if h.startswith(kind):
            rest = h[len(kind) :]
            return kind, float(rest) if rest else default
    if h in ("Chao", "LB", "Darroch"):
        return ("Chao" if h == "LB" else h), None
    raise UsageError(f"Unknown heterogeneity {h!r}; use Chao, Poisson2, Darroch or Gamma3.5.")


def heterogeneity_columns(k: FloatArray, h: str, t: int) -> tuple[FloatArray, list[str]]:
    kind, theta = _theta(h)
    if kind == "Chao":
        if t < 3:
            return np.zeros((len(k), 1)), ["eta"]
        cols = [np.maximum(k - j + 1, 0) for j in range(3, t + 1)]
        return np.column_stack(cols), [f"eta{j}" for j in range(3, t + 1)]
    if kind == "Poisson":
        assert theta is not None
        return (theta**k - 1)[:, None], ["tau"]
    if kind == "Darroch":
        return (k**2 / 2)[:, None], ["tau"]
    assert theta is not None
    return (-np.log(theta + k) + np.log(theta))[:, None], ["tau"]


def parse_terms(spec: str | list[Term] | list[tuple[int, ...]], t: int) -> list[Term]:
    """Parse ``"[12,13,14]"`` (1-based digits, as Rcapture names models) or tuples.

    Returns the hierarchical closure: all non-empty subsets of each term, plus
    every main effect, ordered by size then lexicographically (0-based).
    """
    if isinstance(spec, str):
        body = spec.strip().strip("[]").replace(" ", "")
        raw: list[Term] = []
        for item in filter(None, body.split(",")):
            if not item.isdigit() or any(int(ch) < 1 or int(ch) > t for ch in item):
                raise UsageError(f"Model term {item!r}: use list numbers 1..{t} (e.g. [12,13,14]).")
            raw.append(tuple(sorted({int(ch) - 1 for ch in item})))
    else:
        raw = [tuple(sorted(set(int(v) for v in term))) for term in spec]
    closure: set[Term] = {(i,) for i in range(t)}
    for term in raw:
        if len(term) >= t:
            raise UsageError("The t-way interaction cannot be estimated (it is not identifiable).")
        for r in range(1, len(term) + 1):
            closure.update(itertools.combinations(term, r))
    return sorted(closure, key=lambda s: (len(s), s))


def terms_name(terms: list[Term]) -> str:
    """Rcapture-style name from the maximal terms, e.g. ``[12,13,14]``."""
    maximal = [s for s in terms if not any(set(s) < set(o) for o in terms)]
    maximal.sort(key=lambda s: (-len(s), s))
    return "[" + ",".join("".join(str(i + 1) for i in s) for s in maximal) + "]"


def term_columns(patterns: FloatArray, terms: list[Term]) -> FloatArray:
    return np.column_stack([np.prod(patterns[:, list(s)], axis=1) for s in terms])


def _fit_standard(
    y: FloatArray, x: FloatArray, n: int, name: str, h: str | None, nca: int, neg: bool
) -> LoglinearFit:
    xi = np.column_stack([np.ones(len(y)), x])
    fit = fit_poisson(y, xi)
    dropped: list[str] = []
    if h is not None and _theta(h)[0] == "Chao" and neg:
        # Chao.neg: drop the first negative eta (columns after the first nca) and refit
        names = [f"eta{j}" for j in range(3, 3 + x.shape[1] - (nca - 1))]
        while True:
            etas = fit.coef[nca:]
            negs = [i for i, v in enumerate(etas) if np.isfinite(v) and v < 0]
            if not negs:
                break
            drop = negs[0]
            dropped.append(names[drop])
            del names[drop]
            x = np.delete(x, nca - 1 + drop, axis=1)
            fit = fit_poisson(y, np.column_stack([np.ones(len(y)), x]))
    b0 = float(fit.coef[0])
    N = n + math.exp(b0)
    se = math.sqrt(math.exp(b0) + math.exp(2 * b0) * fit.cov[0, 0])
    return LoglinearFit(name, N, se, fit, n, x, "standard", h, dropped)


def fit_model(
    histories: CaptureHistories,
    model: str | list[Term] | FloatArray = "M0",
    h: str | None = None,
    *,
    neg: bool = True,
) -> LoglinearFit:
    """Fit one model: a ``closedp.t`` name (``"Mth Darroch"``), ``"Mb"``, custom terms,
    or a design matrix (rows in :func:`~habeas.estimate.histories.full_patterns`
    order, no intercept column), as ``closedpCI.t(mX = matrix)`` accepts.

    ``h`` adds a heterogeneity column to ``"M0"``/``"Mt"`` or custom terms.
    """
    t = histories.t
    allp, counts = histories.full_table()
    y = counts.astype(float)
    pat = allp.astype(float)
    k = pat.sum(axis=1)
    n = histories.n
    if isinstance(model, str) and " " in model.strip() and not model.strip().startswith("["):
        base, _, hh = model.strip().partition(" ")
        model, h = {"Mh": "M0", "Mth": "Mt"}.get(base, base), hh
        if base not in ("Mh", "Mth"):
            raise UsageError(f"Unknown model {base + ' ' + hh!r}.")
    if isinstance(model, str) and model in ("Mb", "Mbh"):
        return _fit_behaviour(y, pat, k, n, t, model)
    if h is not None and t < 3:
        raise UsageError("Heterogeneity models need at least 3 lists.")
    if isinstance(model, np.ndarray):
        x = np.asarray(model, dtype=float).reshape(len(y), -1)
        name = "custom design" + ("" if h is None else f" + {h}")
        nca = x.shape[1] + 1
    elif isinstance(model, str) and model == "M0":
        x, name, nca = k[:, None], "M0" if h is None else f"Mh {h}", 2
    elif isinstance(model, str) and model == "Mt":
        x, name, nca = pat, "Mt" if h is None else f"Mth {h}", t + 1
    else:
        terms = parse_terms(model, t)
        x = term_columns(pat, terms)
        name = terms_name(terms) + ("" if h is None else f" + {h}")
        nca = x.shape[1] + 1
    if h is not None:
        hx, _ = heterogeneity_columns(k, h, t)
        x = np.column_stack([x, hx])
    return _fit_standard(y, x, n, name, h, nca, neg)


def _fit_behaviour(
    y: FloatArray, pat: FloatArray, k: FloatArray, n: int, t: int, model: str
) -> LoglinearFit:
    first = np.argmax(pat > 0, axis=1).astype(float)  # lists before the first capture
    cols = [first, k - 1]
    if model == "Mbh":
        cols = [1 - pat[:, 0], *cols]
    x = np.column_stack(cols)
    fit = fit_poisson(y, np.column_stack([np.ones(len(y)), x]))
    c = fit.coef
    e = np.exp
    if model == "Mb":
        denom = 1 + e(c[2]) - e(c[1])
        N = float(e(c[0]) * (1 + e(c[2])) ** t / denom)
        v = N * np.array([1.0, e(c[1]) / denom, t * e(c[2]) / (1 + e(c[2])) - e(c[2]) / denom])
    else:
        d = 1 + e(c[3]) - e(c[2])
        base = e(c[0]) * (1 + e(c[3])) ** (t - 1)
        N = float(base * (1 + e(c[1] + c[2]) / d))
        v = base * np.array(
            [
                1 + e(c[1] + c[2]) / d,
                e(c[1] + c[2]) / d,
                e(c[1] + c[2]) / d + e(c[1] + 2 * c[2]) / d**2,
                (t - 1) * e(c[3]) / (1 + e(c[3])) - e(c[1] + c[2] + c[3]) / d**2,
            ]
        )
    var = float(v @ fit.cov @ v) - N
    se = math.sqrt(var) if var > 0 else float("nan")
    return LoglinearFit(model, N, se, fit, n, x, model)


def closedp_table(histories: CaptureHistories) -> list[LoglinearFit]:
    """All 12 models of ``closedp.t`` (M0, Mt, Mb for two lists)."""
    names = ("M0", "Mt", "Mb") if histories.t == 2 else CLOSEDP_MODELS
    fits = []
    for m in names:
        budget.check("loglinear")
        fits.append(fit_model(histories, m))
    return fits


def hierarchical_models(t: int, maxorder: int | None = None) -> list[list[Term]]:
    """Every hierarchical model with all main effects and terms up to ``maxorder``.

    Same set as Rcapture ``getAllModels(t, maxorder, forced = 1:t)`` (113
    models for t = 4, maxorder = 3). Each model is given by its closed term set.
    """
    maxorder = t - 1 if maxorder is None else maxorder
    candidates = [s for r in range(2, maxorder + 1) for s in itertools.combinations(range(t), r)]
    # hierarchical sets = down-closed subsets of candidates; enumerate by recursion on size
    models: list[frozenset[Term]] = []

    def extend(current: frozenset[Term], idx: int) -> None:
        if idx == len(candidates):
            if len(models) % 1024 == 0:
                budget.check("The model search")
            models.append(current)
            return
        s = candidates[idx]
        extend(current, idx + 1)
        subs = [c for c in itertools.combinations(s, len(s) - 1) if len(c) >= 2]
        if all(c in current for c in subs):
            extend(current | {s}, idx + 1)

    extend(frozenset(), 0)
    mains = [(i,) for i in range(t)]
    return [sorted([*mains, *m], key=lambda s: (len(s), s)) for m in models]


def closedp_ms(
    histories: CaptureHistories, h: str | None = None, maxorder: int | None = None
) -> list[LoglinearFit]:
    """``closedpMS.t``: fit every hierarchical model, sorted by BIC (best first)."""
    fits = []
    for terms in hierarchical_models(histories.t, maxorder):
        budget.check("The model search")
        fits.append(fit_model(histories, terms, h))
    return sorted(fits, key=lambda f: f.bic)
