"""Log-linear estimates as Rcapture reports them, turned into :class:`Estimate`.

``loglinear(histories)`` fits the 12 ``closedp.t`` models (M0, Mt, Mh/Mth with
Chao, Poisson2, Darroch and Gamma3.5 heterogeneity, Mb, Mbh) and reports the
one with the lowest BIC (``criterion="AIC"`` to use AIC); the whole table is in
``diagnostics["models"]``. ``model=`` fixes a model: a closedp name
(``"Mth Darroch"``), a hierarchical model name (``"[12,13,14]"``), optionally
with ``h=`` heterogeneity; ``model="search"`` runs the ``closedpMS.t`` search
over every hierarchical model (``maxorder`` default t - 1) ranked by BIC.

The point estimate is Rcapture's Poisson ``n + exp(b0)`` (the "abundance" of
``closedp``); the interval is the multinomial profile-likelihood interval of
``closedpCI`` (see :mod:`habeas.estimate.profile`), whose own maximiser is in
``diagnostics["profile_point"]``. Mb and Mbh are not log-linear in N (Rcapture
gives no profile interval for them): their interval is Chao's (1987)
log-normal interval ``n + (N - n)/C, n + (N - n) C`` with
``C = exp(z sqrt(log(1 + se^2/(N - n)^2)))``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from habeas.errors import UsageError
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.profile import profile_interval
from habeas.estimate.rcapture import LoglinearFit, closedp_ms, closedp_table, fit_model
from habeas.estimate.result import Estimate


def lognormal_interval(n: float, N: float, se: float, level: float) -> tuple[float, float]:
    """Chao (1987) log-normal interval for N with the unobserved part log-normal."""
    f0 = N - n
    if not (f0 > 0 and math.isfinite(se)):
        return (n, N)
    z = float(stats.norm.ppf(0.5 + level / 2))
    c = math.exp(z * math.sqrt(math.log(1 + se**2 / f0**2)))
    return (n + f0 / c, n + f0 * c)


def fit_to_estimate(
    histories: CaptureHistories,
    f: LoglinearFit,
    method: str,
    level: float,
    table: list[LoglinearFit] | None = None,
    use_profile_point: bool = False,
) -> Estimate:
    """Turn a fitted model into an :class:`Estimate` with profile interval and warnings."""
    warnings = list(histories.warnings)
    diag: dict[str, Any] = {
        "N_poisson": f.N,
        "se": f.se,
        "deviance": f.deviance,
        "df": f.df,
        "AIC": f.aic,
        "BIC": f.bic,
        "rank": f.fit.rank,
    }
    point: float = f.N
    kind = "profile"
    if f.kind == "standard":
        _, counts = histories.full_table()
        chao_nca = None
        if (
            f.heterogeneity is not None
            and f.heterogeneity in ("Chao", "LB")
            and f.name.startswith(("Mh", "Mth"))
        ):
            chao_nca = 2 if f.name.startswith("Mh ") else histories.t + 1
            x = _original_x(histories, f)
        else:
            x = f.x
        prof = profile_interval(counts.astype(float), x, f.N, level, chao_nca)
        upper = prof.upper if prof.upper is not None else math.inf
        interval = (prof.lower, upper)
        diag.update(
            {
                "profile_point": prof.point,
                "interval_kind": "multinomial profile likelihood (Rcapture closedpCI)",
                "curve_N": prof.curve_N,
                "curve_value": prof.curve_value,
                "curve_kind": "profile_loglik",
            }
        )
        warnings.extend(prof.warnings)
        if use_profile_point:
            point = prof.point
    else:
        interval = lognormal_interval(histories.n, f.N, f.se, level)
        diag["interval_kind"] = "log-normal (Chao 1987) from the delta-method s.e."
        kind = "lognormal"
    if f.dropped_eta:
        diag["dropped_eta"] = f.dropped_eta
        warnings.append(
            f"Negative Chao parameters ({', '.join(f.dropped_eta)}) were set to "
            "zero and the model refitted (Rcapture neg=TRUE)."
        )
    if not f.fit.converged:
        warnings.append("The model fit did not converge; the estimate is not trustworthy.")
    if f.fit.aliased.any():
        warnings.append(
            "Some model terms cannot be estimated from these data (the design "
            "is not of full rank); they were left out."
        )
    if not math.isfinite(f.N) or 1e3 * max(histories.n, 1) < f.N:
        warnings.append(
            "The estimate is extremely large: the model is probably not supported by the data."
        )
    if table is not None:
        diag["models"] = [m.row() for m in table]
    return Estimate(
        method, histories.n, point, interval, level, f.name, diag, warnings, interval_kind=kind
    )


def _original_x(histories: CaptureHistories, f: LoglinearFit) -> np.ndarray:
    """Design before the Chao negative-eta refit (the profile repeats the refit)."""
    orig = fit_model(histories, f.name, neg=False)
    return orig.x


def loglinear(
    histories: CaptureHistories,
    *,
    model: str | None = None,
    h: str | None = None,
    criterion: str = "BIC",
    maxorder: int | None = None,
    level: float = 0.95,
    **_: object,
) -> Estimate:
    """Rcapture-style log-linear estimate (see module docstring)."""
    if histories.t < 2:
        raise UsageError("Log-linear models need at least two lists.")
    crit = criterion.upper()
    if crit not in ("AIC", "BIC"):
        raise UsageError("criterion must be AIC or BIC.")
    if model is None or model.lower() == "best":
        table = closedp_table(histories)
        ok = [f for f in table if math.isfinite(f.N) and f.fit.converged] or table
        best = min(ok, key=lambda f: f.aic if crit == "AIC" else f.bic)
        est = fit_to_estimate(histories, best, "loglinear", level, table)
        est.diagnostics["selection"] = f"lowest {crit} of the closedp.t models"
        return est
    if model.lower() == "search":
        if histories.t > 6:
            raise UsageError("The hierarchical model search is limited to 6 lists.")
        fits = closedp_ms(histories, h=h, maxorder=maxorder)
        if crit == "AIC":
            fits = sorted(fits, key=lambda f: f.aic)
        est = fit_to_estimate(histories, fits[0], "loglinear", level)
        est.diagnostics["models"] = [f.row() for f in fits[:20]]
        est.diagnostics["n_models"] = len(fits)
        est.diagnostics["selection"] = f"lowest {crit} of all hierarchical models"
        return est
    f = fit_model(histories, model, h)
    return fit_to_estimate(histories, f, "loglinear", level)
