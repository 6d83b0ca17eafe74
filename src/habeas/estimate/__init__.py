"""Estimating the uncounted: multiple systems estimation (capture-recapture).

Public facade. Every estimator takes ``(histories: CaptureHistories, **options)``
and returns an :class:`~habeas.estimate.result.Estimate`; :data:`METHODS` maps
the method names used by the CLI to them. ``dga`` and ``lcmcr`` are imported
lazily (they live in their own modules and pull in heavier code).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from habeas.errors import HabeasError, UsageError
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.result import Estimate

Estimator = Callable[..., Estimate]

_TARGETS: dict[str, tuple[str, str]] = {
    "lincoln": ("habeas.estimate.twolist", "lincoln"),
    "chapman": ("habeas.estimate.twolist", "chapman"),
    "independence": ("habeas.estimate.independence", "independence"),
    "loglinear": ("habeas.estimate.loglinear", "loglinear"),
    "stepwise": ("habeas.estimate.sparsemse", "stepwise"),
    "bhs": ("habeas.estimate.bhs", "bhs"),
    "dga": ("habeas.estimate.dga", "dga"),
    "lcmcr": ("habeas.estimate.lcmcr", "lcmcr"),
}


class _Registry(dict[str, Estimator]):
    """Name -> estimator, resolving each module on first use."""

    def __missing__(self, key: str) -> Estimator:
        if key not in _TARGETS:
            raise KeyError(key)
        module, attr = _TARGETS[key]
        try:
            func: Estimator = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise UsageError(f"The {key} method is not available in this installation "
                             f"({exc}).") from exc
        self[key] = func
        return func

    def __contains__(self, key: object) -> bool:
        return key in _TARGETS

    def names(self) -> list[str]:
        return list(_TARGETS)


METHODS = _Registry()


def get_method(name: str) -> Estimator:
    if name not in _TARGETS:
        raise UsageError(f"Unknown method {name!r}; choose one of {', '.join(_TARGETS)}.")
    return METHODS[name]


class NoOverlap(HabeasError):
    """No case is on two lists: capture-recapture has nothing to go on."""


def run(method: str, histories: CaptureHistories, **options: Any) -> Estimate:
    """Run one method by name.

    Every method needs some cases on more than one list: with none, the number
    missed is unbounded (the likelihood grows without limit), so this refuses
    with a plain explanation instead of returning a meaningless number.
    """
    estimator = get_method(method)
    if not (histories.patterns.sum(axis=1) > 1).any():
        raise NoOverlap(
            "No one appears on more than one list, so the number of people on none of them "
            "cannot be estimated (it could be anything). If the lists come from the register, "
            "link the records first (`habeas link`).")
    return estimator(histories, **options)


def accepted_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``options`` that method ``name`` accepts (all, if it takes **kwargs)."""
    func = get_method(name)
    params = inspect.signature(func).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return dict(options)
    names = {p.name for p in params}
    return {k: v for k, v in options.items() if k in names}


def run_all(histories: CaptureHistories, methods: Iterable[str] | None = None,
            **options: Any) -> list[Estimate]:
    """Run several methods with the options each accepts; a method that fails yields an
    Estimate with its error as a warning."""
    out = []
    for name in methods or list(_TARGETS):
        try:
            out.append(run(name, histories, **accepted_options(name, options)))
        except HabeasError as exc:
            out.append(Estimate(name, histories.n, None, None, options.get("level", 0.95),
                                None, {}, [f"Not computed: {exc}"]))
    return out


__all__ = ["METHODS", "CaptureHistories", "Estimate", "NoOverlap", "accepted_options",
           "get_method", "run",
           "run_all"]
