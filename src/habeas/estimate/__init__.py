"""Estimating the uncounted: multiple systems estimation (capture-recapture).

Public facade. Every estimator takes ``(histories: CaptureHistories, **options)``
and returns an :class:`~habeas.estimate.result.Estimate`; :data:`METHODS` maps
the method names used by the CLI to them. ``dga`` and ``lcmcr`` are imported
lazily (they live in their own modules and pull in heavier code).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any

from habeas.errors import HabeasError, UsageError
from habeas.estimate import budget
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.result import Estimate

Estimator = Callable[..., Estimate]
logger = logging.getLogger(__name__)

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

#: Every method, in the order the faces list them. ``habeas estimate --method all``
#: runs them all.
ALL_METHODS: tuple[str, ...] = tuple(_TARGETS)
#: What "all" runs on the web page: the main multi-list methods, side by side. A web
#: request must answer within the page's time budget and fill one table, so it leaves
#: out the two-list formulas (Lincoln-Petersen, Chapman: only for exactly two lists,
#: where ``independence`` gives the same model) and stepwise SparseMSE (a slow variant
#: of the log-linear models); each can still be chosen on its own.
MAIN_METHODS: tuple[str, ...] = ("independence", "loglinear", "bhs", "dga", "lcmcr")


class _Registry(dict[str, Estimator]):
    """Name -> estimator, resolving each module on first use."""

    def __missing__(self, key: str) -> Estimator:
        if key not in _TARGETS:
            raise KeyError(key)
        module, attr = _TARGETS[key]
        try:
            func: Estimator = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise UsageError(
                f"The {key} method is not available in this installation ({exc})."
            ) from exc
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


class OneList(HabeasError):
    """Only one list: nothing can say how many people it missed."""


Progress = Callable[[str, Estimate | None], None]


def run(
    method: str,
    histories: CaptureHistories,
    *,
    time_limit: float | None = budget.DEFAULT_SECONDS,
    **options: Any,
) -> Estimate:
    """Run one method by name, within ``time_limit`` seconds (None: no limit).

    Every method needs at least two lists and some cases on more than one list:
    with one list, or none shared, the number missed is unbounded, so this
    refuses with a plain explanation instead of returning a meaningless number.
    A method that cannot handle this many lists refuses up front
    (:class:`~habeas.estimate.budget.TooManyLists`); one that runs out of time
    raises :class:`~habeas.estimate.budget.OutOfTime`.
    """
    estimator = get_method(method)
    check_estimable(histories)
    budget.check_size(method, histories.t)
    with budget.limit(time_limit):
        est = estimator(histories, **options)
    if not est.lists:
        est.lists = list(histories.lists)
    return est


def check_estimable(histories: CaptureHistories) -> None:
    """Raise :class:`OneList` or :class:`NoOverlap` when no method can estimate anything."""
    if histories.t < 2:
        raise OneList(
            f"There is only one list ({', '.join(histories.lists)}). One list cannot show "
            "how many people it missed: estimation compares who appears on two or more lists."
        )
    if not (histories.patterns.sum(axis=1) > 1).any():
        raise NoOverlap(
            "No one appears on more than one list, so the number of people on none of them "
            "cannot be estimated (it could be anything). If the lists come from the register, "
            "link the records first (`habeas link`)."
        )


def accepted_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``options`` that method ``name`` accepts (all, if it takes **kwargs)."""
    func = get_method(name)
    params = inspect.signature(func).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return dict(options)
    names = {p.name for p in params}
    return {k: v for k, v in options.items() if k in names}


def failed(name: str, histories: CaptureHistories, level: float, exc: BaseException) -> Estimate:
    """The result of a method that gave no estimate: ``error`` says why."""
    if isinstance(exc, HabeasError):
        reason = str(exc)
    else:  # a bug: keep the other methods' results and say what happened
        logger.exception("estimate method %s failed", name)
        reason = (
            f"Unexpected failure ({type(exc).__name__}: {exc}); this is a bug in "
            "habeas, please report it."
        )
    hint = getattr(exc, "hint", None)
    return Estimate(
        name,
        histories.n,
        None,
        None,
        level,
        None,
        {},
        [],
        error=reason,
        lists=list(histories.lists),
        hints=[hint] if isinstance(hint, str) else [],
    )


def run_all(
    histories: CaptureHistories,
    methods: Iterable[str] | None = None,
    *,
    time_limit: float | None = budget.DEFAULT_SECONDS,
    progress: Progress | None = None,
    **options: Any,
) -> list[Estimate]:
    """Run several methods with the options each accepts, each within ``time_limit``.

    One method's failure (a refusal, a time-out, even a bug) never discards the
    others: it yields an Estimate with ``error`` set. ``progress(name, None)``
    is called as each method starts and ``progress(name, estimate)`` when it ends.
    Data no method can use (one list, no overlap) raise at once, as :func:`run` does.
    """
    check_estimable(histories)
    out = []
    level = options.get("level", 0.95)
    for name in methods or list(_TARGETS):
        if progress is not None:
            progress(name, None)
        try:
            est = run(name, histories, time_limit=time_limit, **accepted_options(name, options))
        except Exception as exc:  # noqa: BLE001 (see failed(): a bug must not lose the rest)
            est = failed(name, histories, level, exc)
        out.append(est)
        if progress is not None:
            progress(name, est)
    return out


__all__ = [
    "ALL_METHODS",
    "MAIN_METHODS",
    "METHODS",
    "CaptureHistories",
    "Estimate",
    "NoOverlap",
    "OneList",
    "accepted_options",
    "failed",
    "get_method",
    "run",
    "run_all",
]
