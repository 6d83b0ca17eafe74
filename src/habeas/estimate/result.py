"""The one result shape every estimator returns.

Faces (CLI table, JSON, web, reports) render :class:`Estimate` and nothing else,
so a new method only has to fill this in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Estimate:
    """An estimate of the total population size N (observed + unobserved).

    ``observed`` is the number of distinct cases on at least one list; ``point``
    and ``interval`` are estimates of the *total* (not of the missing count).
    ``model`` names the model (e.g. ``"Mth Chao"``, ``"[12][3]"``) chosen or
    averaged; ``diagnostics`` holds method-specific numbers (deviance, AIC,
    R-hat, posterior model weights, ...); ``warnings`` are plain-language
    sentences a non-statistician can act on.
    """

    method: str
    observed: int
    point: float | None
    interval: tuple[float, float] | None
    level: float = 0.95
    model: str | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def missing(self) -> float | None:
        """Point estimate of the number of cases on no list."""
        return None if self.point is None else self.point - self.observed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["interval"] = list(self.interval) if self.interval is not None else None
        return data
