"""A column's day/month order, from what its numeric dates say.

"03/04/2025" cannot be read alone; a column that also holds "15/03/2025" is day-first,
one that holds "03/15/2025" month-first. :func:`order_evidence` counts the kinds of
value in a column, :func:`infer_order` decides ("DMY", "MDY" or ``None``) and refuses a
column that is both. :func:`habeas.domain.dates.parse_date` then reads each value with
that order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from habeas.domain.dates import DateParseError


@dataclass(frozen=True, slots=True)
class OrderEvidence:
    """What a column's numeric dates say about their day/month order.

    ``day_first``: values whose first part is > 12 (only DD/MM reads them);
    ``month_first``: values whose second part is > 12; ``ambiguous``: both parts
    ≤ 12 and different; ``neutral``: everything else (ISO, textual, day == month,
    unreadable). ``examples`` keeps the first value seen of each kind.
    """

    day_first: int = 0
    month_first: int = 0
    ambiguous: int = 0
    neutral: int = 0
    examples: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def inconsistent(self) -> bool:
        return self.day_first > 0 and self.month_first > 0

    @property
    def order(self) -> str | None:
        """ "DMY"/"MDY" when decided, else ``None`` (inconsistent or undecided)."""
        if self.inconsistent:
            return None
        if self.day_first:
            return "DMY"
        if self.month_first:
            return "MDY"
        return None

    @property
    def needs_order(self) -> bool:
        """True when some values are ambiguous and nothing in the column decides."""
        return self.ambiguous > 0 and self.day_first == 0 and self.month_first == 0


_NUM_DM = re.compile(r"\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})\s*")


def order_evidence(values: Iterable[str | None]) -> OrderEvidence:
    """Count the day-first, month-first and ambiguous numeric dates of a column."""
    counts = {"day_first": 0, "month_first": 0, "ambiguous": 0, "neutral": 0}
    examples: dict[str, str] = {}
    for v in values:
        if v is None:
            continue
        m = _NUM_DM.fullmatch(str(v))
        if m is None:
            kind = "neutral"
        else:
            a, b = int(m[1]), int(m[2])
            if a > 12 and b <= 12:
                kind = "day_first"
            elif b > 12 and a <= 12:
                kind = "month_first"
            elif a != b and a <= 12 and b <= 12:
                kind = "ambiguous"
            else:
                kind = "neutral"
        counts[kind] += 1
        examples.setdefault(kind, str(v))
    return OrderEvidence(**counts, examples=examples)


def infer_order(values: Iterable[str | None]) -> str | None:
    """ "DMY" or "MDY" when the column decides, ``None`` when it does not.

    Raises :class:`DateParseError` when some values are day-first and others
    month-first. ``None`` covers both "nothing ambiguous" and "ambiguous and
    undecided"; use :func:`order_evidence` (``needs_order``) to tell them apart.
    """
    ev = order_evidence(values)
    if ev.inconsistent:
        raise DateParseError(
            f"{ev.examples['day_first']} / {ev.examples['month_first']}",
            "one day/month order for the whole column, but "
            f"{ev.examples['day_first']!r} is day-first and "
            f"{ev.examples['month_first']!r} is month-first",
        )
    return ev.order
