"""Bales-Hesketh-Silverman stepwise log-linear method (UK Home Office 2014).

References: B. W. Silverman (2014), "Modern slavery: an application of
multiple systems estimation", Home Office; K. Bales, O. Hesketh and
B. W. Silverman (2015), *Significance* 12(3); R package modslavmse
(``MSEfit``), which fits every model with ``Rcapture::closedpCI.t``.

1. Start from the main-effects model (all 2^t - 1 histories, zeros included;
   no special handling of empty overlaps, unlike SparseMSE).
2. Each cycle, add each pair not yet in the model in turn and compute the AIC.
   If the best AIC is not lower than the current one, stop. Otherwise take the
   best pair (first in (i < j) order on ties) and refit; if the Wald p-value of
   the new interaction exceeds ``pthresh`` (default 0.05), stop *without*
   adding it.
3. Report ``closedpCI.t``'s profile-likelihood output for the final model:
   the point estimate is the multinomial profile-likelihood maximiser (not the
   Poisson ``n + exp(b0)``, which is in the diagnostics), the interval the
   profile-likelihood interval; the 80% interval (alpha = 0.2) is in
   ``diagnostics["interval_80"]``.
"""

from __future__ import annotations

import itertools
import math

from scipy import stats

from habeas.errors import UsageError
from habeas.estimate import budget
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.loglinear import fit_to_estimate
from habeas.estimate.profile import profile_interval
from habeas.estimate.rcapture import LoglinearFit, fit_model, parse_terms
from habeas.estimate.result import Estimate


def _fit(histories: CaptureHistories, pairs: list[tuple[int, int]]) -> LoglinearFit:
    return fit_model(
        histories,
        parse_terms([*pairs], histories.t) if pairs else [(i,) for i in range(histories.t)],
    )


def bhs_select(
    histories: CaptureHistories, pthresh: float = 0.05
) -> tuple[LoglinearFit, list[tuple[int, int]], list[dict[str, object]]]:
    """Run the stepwise selection; returns (final fit, pairs, step log)."""
    t = histories.t
    cand = list(itertools.combinations(range(t), 2))
    pairs: list[tuple[int, int]] = []
    current = _fit(histories, pairs)
    aic0 = current.aic
    log: list[dict[str, object]] = []
    for _cycle in range(len(cand)):
        best, best_aic, best_fit = None, aic0, None
        for pr in cand:
            if pr in pairs:
                continue
            budget.check("bhs")
            f = _fit(histories, [*pairs, pr])
            if f.aic < best_aic:
                best, best_aic, best_fit = pr, f.aic, f
        if best is None or best_fit is None:
            break
        terms = parse_terms([*pairs, best], t)
        col = terms.index(best) + 1  # +1 for the intercept
        coef = float(best_fit.fit.coef[col])
        se = float(math.sqrt(best_fit.fit.cov[col, col]))
        pval = float(2 * stats.norm.sf(abs(coef / se))) if se > 0 else 1.0
        names = f"{histories.lists[best[0]]}:{histories.lists[best[1]]}"
        log.append({"pair": names, "AIC": best_fit.aic, "wald_p": pval, "added": pval <= pthresh})
        if pval > pthresh:
            break
        pairs.append(best)
        current, aic0 = best_fit, best_fit.aic
    return current, pairs, log


def bhs(
    histories: CaptureHistories, *, pthresh: float = 0.05, level: float = 0.95, **_: object
) -> Estimate:
    """Bales-Hesketh-Silverman estimate (see module docstring)."""
    if histories.t < 3:
        raise UsageError("The Bales-Hesketh-Silverman method needs at least three lists.")
    f, pairs, log = bhs_select(histories, pthresh)
    est = fit_to_estimate(histories, f, "bhs", level, use_profile_point=True)
    name = " + ".join(
        ["main effects"] + [f"{histories.lists[i]}:{histories.lists[j]}" for i, j in pairs]
    )
    est.model = name
    est.diagnostics["steps"] = log
    est.diagnostics["pthresh"] = pthresh
    _pat, counts = histories.full_table()
    p80 = profile_interval(counts.astype(float), f.x, f.N, 0.8)
    est.diagnostics["interval_80"] = [p80.lower, p80.upper]
    if any(histories.overlap(i, j) == 0 for i, j in itertools.combinations(range(histories.t), 2)):
        est.warnings.append(
            "Some pairs of lists share no case; this method does not treat "
            "them specially, so a model including them would be unstable."
        )
    return est
