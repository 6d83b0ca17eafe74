"""Independence log-linear model, as MSETools ``independence()`` computes it.

MSETools (Binette & Steorts 2022) calls ``SparseMSE::modelfit(mX = NULL)``:
a Poisson GLM with intercept and one main effect per list on all 2^t - 1
observable histories; ``N = n + exp(b0)``. Its interval is
``n + exp(confint(glm, "(Intercept)"))``, the *profile* interval of the
intercept (MASS ``confint.glm``): the values of b0 at which the deviance,
re-minimised over the other coefficients with b0 held fixed, exceeds its
minimum by ``qchisq(level, 1)``. MASS finds these by interpolating a spline
through a coarse profile; we solve for the roots exactly, so the limits agree
with R to about 1e-3 relative, not to every digit.

Assumes that the lists are independent and that everyone has the same chance
of being listed, which is rarely true: the estimate is a baseline, not an
answer.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from habeas.errors import UsageError
from habeas.estimate import budget
from habeas.estimate.glm import fit_poisson
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.result import Estimate


def independence(histories: CaptureHistories, *, level: float = 0.95, **_: object) -> Estimate:
    """Main-effects log-linear estimate with the profile interval of the intercept."""
    if histories.t < 2:
        raise UsageError("At least two lists are needed.")
    pat, counts = histories.full_table()
    y = counts.astype(float)
    x = np.column_stack([np.ones(len(y)), pat.astype(float)])
    fit = fit_poisson(y, x)
    b0 = float(fit.coef[0])
    n = histories.n
    cut = float(stats.chi2.ppf(level, 1))
    xr = x[:, 1:]

    def excess(beta0: float) -> float:
        budget.check("independence")
        off = np.full(len(y), beta0)
        start = fit.eta + (beta0 - b0)
        sub = fit_poisson(y, xr, offset=off, eta_start=start)
        return sub.deviance - fit.deviance - cut

    se = float(math.sqrt(fit.cov[0, 0]))
    warnings = list(histories.warnings)
    lims = []
    for sign in (-1.0, 1.0):
        step = 2.0 * se
        far = b0 + sign * step
        tries = 0
        while excess(far) < 0 and tries < 30:
            step *= 2
            far = b0 + sign * step
            tries += 1
        if excess(far) < 0:
            lims.append(math.inf * sign)
            continue
        lims.append(float(optimize.brentq(excess, min(b0, far), max(b0, far), xtol=1e-10)))
    interval = (n + math.exp(lims[0]), n + math.exp(lims[1]))
    diag = {
        "intercept": b0,
        "se_intercept": se,
        "deviance": fit.deviance,
        "df": fit.df_residual,
        "AIC": fit.aic,
        "interval_kind": "profile likelihood of the intercept (MASS confint)",
    }
    warnings.append(
        "The independence model assumes the lists are unrelated and everyone is "
        "equally likely to be listed; real lists usually violate this."
    )
    return Estimate(
        "independence",
        n,
        n + math.exp(b0),
        interval,
        level,
        "independence (main effects)",
        diag,
        warnings,
        interval_kind="profile",
    )
