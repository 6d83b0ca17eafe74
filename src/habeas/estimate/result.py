"""The one result shape every estimator returns.

Faces (CLI table, JSON, web, reports) render :class:`Estimate` and nothing else,
so a new method only has to fill this in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: How an interval was made: profile likelihood, bootstrap (BCa), Bayesian posterior,
#: normal approximation on the log scale, log-normal (Chao 1987).
INTERVAL_KINDS = ("profile", "bootstrap", "posterior", "normal", "lognormal")
#: Things a user can change to improve a result (faces word the advice):
#: ``more_draws`` (LCMCR: more samples or thinning), ``longer_burnin`` (LCMCR chains
#: disagree), ``more_time`` (a time limit stopped or refused the method),
#: ``fewer_lists`` (too many lists for the method), ``two_lists`` (Lincoln/Chapman
#: took the first two lists; others can be chosen).
HINTS = ("more_draws", "longer_burnin", "more_time", "fewer_lists", "two_lists")


@dataclass
class Estimate:
    """An estimate of the total population size N (observed + unobserved).

    ``observed`` is the number of distinct cases on at least one list; ``point``
    and ``interval`` are estimates of the *total* (not of the missing count).
    ``model`` names the model (e.g. ``"Mth Chao"``, ``"[12][3]"``) chosen or
    averaged; ``diagnostics`` holds method-specific numbers (deviance, AIC,
    R-hat, posterior model weights, ...); ``warnings`` are plain-language
    sentences a non-statistician can act on.

    ``interval_kind`` says how the interval was made (one of :data:`INTERVAL_KINDS`);
    ``unstable_interval`` is set when the interval cannot be trusted as printed
    (e.g. a bootstrap limit that is just the most extreme replicate); ``error``
    is why the method gave no estimate (then ``point`` is None); ``lists`` are
    the lists the method used (two for Lincoln/Chapman); ``stratum`` names the
    stratum of a stratified run; ``hints`` are codes of things the user can change
    (:data:`HINTS`), which each face turns into advice in its own terms.
    """

    method: str
    observed: int
    point: float | None
    interval: tuple[float, float] | None
    level: float = 0.95
    model: str | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    interval_kind: str | None = None
    unstable_interval: bool = False
    error: str | None = None
    lists: list[str] = field(default_factory=list)
    stratum: str | None = None
    hints: list[str] = field(default_factory=list)

    @property
    def missing(self) -> float | None:
        """Point estimate of the number of cases on no list."""
        return None if self.point is None else self.point - self.observed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["interval"] = list(self.interval) if self.interval is not None else None
        return data
