"""Time and size limits: every method finishes or refuses, with a reason, within a limit.

Two guards, so that ``--method all`` on many lists cannot run for hours or
exhaust memory:

* **Up front** (:func:`check_size`): methods whose work grows exponentially with
  the number of lists (every one of the 2^t - 1 capture patterns, or every
  pair of lists tried in every step) refuse when the number of lists makes
  them infeasible. The limits are in :data:`MAX_LISTS`.
* **While running** (:func:`check`): iterative methods call it between steps;
  past the deadline set by :func:`limit` it raises :class:`OutOfTime`. The
  deadline lives in a context variable, so a method does not need a parameter
  for it and several runs in different threads do not interfere.

Messages describe the problem; the faces say what to change (``hints``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from habeas.errors import HabeasError

#: Seconds one method may run by default (CLI ``--time-limit``).
DEFAULT_SECONDS = 60.0

#: Most lists each method accepts. Stepwise (SparseMSE) fits every one of the
#: 2^t - 1 patterns, solves a linear program for each candidate pair and repeats
#: it all for every bootstrap sample; BHS fits t(t-1)/2 models per step on the
#: 2^t - 1 patterns; the Rcapture models and the independence model fit the
#: 2^t - 1 patterns once per model; dga enumerates decomposable graphs on 3 to 5 lists.
MAX_LISTS: dict[str, int] = {
    "stepwise": 10,
    "bhs": 12,
    "loglinear": 14,
    "independence": 16,
    "dga": 5,
}

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar(
    "habeas_estimate_deadline", default=None
)


class OutOfTime(HabeasError):
    """A method ran past its time limit and stopped without a result."""

    hint = "more_time"


class TooManyLists(HabeasError):
    """The method cannot handle this many lists in reasonable time or memory."""

    hint = "fewer_lists"


@contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Within the block, :func:`check` fails once ``seconds`` have passed (None: no limit)."""
    token = _DEADLINE.set(None if seconds is None else (time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (None without one)."""
    current = _DEADLINE.get()
    return None if current is None else current[0] - time.monotonic()


def seconds_allowed() -> float | None:
    current = _DEADLINE.get()
    return None if current is None else current[1]


def expired() -> bool:
    left = remaining()
    return left is not None and left <= 0


def check(method: str) -> None:
    """Raise :class:`OutOfTime` if the deadline has passed."""
    if expired():
        raise OutOfTime(
            f"{method} did not finish within the time limit of {seconds_allowed():.0f} seconds."
        )


def check_size(method: str, lists: int) -> None:
    """Raise :class:`TooManyLists` if ``method`` cannot handle ``lists`` lists."""
    most = MAX_LISTS.get(method)
    if most is not None and lists > most:
        raise TooManyLists(
            f"{method} handles at most {most} lists (its work doubles with "
            f"every list added); this table has {lists}."
        )
