"""Poisson log-linear regression by iteratively reweighted least squares (IRLS).

This is the fitter behind every log-linear estimator in habeas (Rcapture-style
models, SparseMSE, Bales-Hesketh-Silverman, independence). It mirrors what
R's ``glm(family = poisson)`` does, because the reference numbers come from R:

* start from ``mu = y + 0.1`` (R's ``poisson()$initialize``), or from a given
  linear predictor (warm start, used heavily by the bootstrap);
* Newton/IRLS steps with weights ``mu``; stop when the relative change in
  deviance is below ``tol`` (R uses 1e-8; we default to 1e-10, which only
  makes the answer closer to the exact MLE);
* columns that are linear combinations of earlier columns are *aliased*
  (coefficient ``nan``), like R's pivoted QR with tolerance 1e-7 on the
  column norms; ``rank`` counts the others;
* ``aic = -2 loglik + 2 rank`` with the full Poisson log-likelihood
  (including ``-log y!``), exactly R's ``poisson()$aic``.

When a maximum likelihood estimate does not exist (some fitted cell wants to
be 0), IRLS drifts a coefficient towards minus infinity while the deviance
converges; ``converged`` is still reported and callers check existence
separately (see :mod:`habeas.estimate.sparsemse`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

FloatArray = NDArray[np.float64]


@dataclass
class PoissonFit:
    """Result of :func:`fit_poisson` (names follow R's ``glm`` object)."""

    coef: FloatArray  # nan for aliased columns
    cov: FloatArray  # unscaled covariance of the non-aliased coefficients (full size, nan rows)
    fitted: FloatArray
    eta: FloatArray
    deviance: float
    aic: float
    rank: int
    df_residual: int
    converged: bool
    iterations: int
    aliased: NDArray[np.bool_]

    def se(self) -> FloatArray:
        return np.sqrt(np.diag(self.cov))


def independent_columns(x: FloatArray, tol: float = 1e-7) -> NDArray[np.bool_]:
    """Greedy left-to-right choice of linearly independent columns.

    A column is kept when its component orthogonal to the columns already kept
    has norm above ``tol`` times its own norm (as R's ``dqrdc2`` does).
    """
    keep = np.zeros(x.shape[1], dtype=bool)
    basis: list[FloatArray] = []
    for j in range(x.shape[1]):
        v = x[:, j].astype(float).copy()
        norm0 = float(np.linalg.norm(v))
        if norm0 == 0.0:
            continue
        for b in basis:
            v -= (b @ v) * b
        for b in basis:  # re-orthogonalise for stability
            v -= (b @ v) * b
        nv = float(np.linalg.norm(v))
        if nv > tol * norm0:
            keep[j] = True
            basis.append(v / nv)
    return keep


def poisson_loglik(y: FloatArray, mu: FloatArray) -> float:
    """Full Poisson log-likelihood sum(y log mu - mu - log y!)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(mu), 0.0)
    return float(np.sum(term - mu - gammaln(y + 1.0)))


def poisson_deviance(y: FloatArray, mu: FloatArray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def fit_poisson(
    y: FloatArray,
    x: FloatArray,
    offset: FloatArray | None = None,
    *,
    eta_start: FloatArray | None = None,
    tol: float = 1e-10,
    maxit: int = 200,
    keep: NDArray[np.bool_] | None = None,
) -> PoissonFit:
    """Fit ``log E[y] = offset + x @ beta`` by IRLS. ``x`` must include the intercept."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    nobs, p = x.shape
    off = np.zeros(nobs) if offset is None else np.asarray(offset, dtype=float)
    if keep is None:
        keep = independent_columns(x)
    xk = x[:, keep]
    eta = np.log(y + 0.1) if eta_start is None else np.asarray(eta_start, dtype=float).copy()
    mu = np.exp(eta)
    dev_old = poisson_deviance(y, mu)
    converged = False
    beta = np.zeros(xk.shape[1])
    it = 0
    xtwx = np.eye(xk.shape[1])
    for it in range(1, maxit + 1):  # noqa: B007 - it is reported
        z = (eta - off) + (y - mu) / mu
        w = mu
        xw = xk * w[:, None]
        xtwx = xk.T @ xw
        rhs = xw.T @ z
        try:
            beta = np.linalg.solve(xtwx, rhs)
        except np.linalg.LinAlgError:
            beta = np.linalg.lstsq(xtwx, rhs, rcond=None)[0]
        eta = off + xk @ beta
        eta = np.minimum(eta, 700.0)
        mu = np.exp(eta)
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            converged = True
            break
        dev_old = dev
    w = mu
    xtwx = xk.T @ (xk * w[:, None])
    try:
        cov_k = np.linalg.inv(xtwx)
    except np.linalg.LinAlgError:
        cov_k = np.linalg.pinv(xtwx)
    coef = np.full(p, np.nan)
    coef[keep] = beta
    cov = np.full((p, p), np.nan)
    idx = np.flatnonzero(keep)
    cov[np.ix_(idx, idx)] = cov_k
    rank = int(keep.sum())
    dev = poisson_deviance(y, mu)
    aic = -2.0 * poisson_loglik(y, mu) + 2.0 * rank
    return PoissonFit(
        coef=coef,
        cov=cov,
        fitted=mu,
        eta=eta,
        deviance=dev,
        aic=aic,
        rank=rank,
        df_residual=nobs - rank,
        converged=converged,
        iterations=it,
        aliased=~keep,
    )
