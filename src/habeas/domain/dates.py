"""Uncertain dates and the parsing of dates as lists write them.

An :class:`UncertainDate` is an interval ``[earliest, latest]`` plus how it was
known (``precision``): ``exact`` (one day), ``month`` (day unknown), ``year``
(month and day unknown), ``range`` (between two dates) or ``estimate`` (an
approximate date widened by a margin).

``parse_date`` accepts:

* ISO ``2025-03-15``, ``2025-3-5``, ``2025/03/15``, compact ``20250315``;
* day/month/year and month/day/year with ``-``, ``/``, ``.`` or space;
* two-digit years: ``00``–``29`` → 2000–2029, ``30``–``99`` → 1930–1999
  (:data:`TWO_DIGIT_PIVOT`; fixed, not "today", so results never change);
* partial dates: ``2025``, ``2025-03``, ``03/2025``, ``marzo 2025``, ``mar. 2025``;
* Spanish and English month names and abbreviations (``15 de marzo de 2025``,
  ``March 15, 2025``, ``15-MAR-2025``, ``15 Mar 25``, ``sept``/``setiembre``),
  with an optional weekday and ordinal suffixes (``1st``, ``1ro``, ``1º``);
* estimates: ``ca. 1990``, ``c. 1990``, ``aprox. 1990``, ``~1990``, ``circa``,
  ``about``: the inner date widened by :data:`ESTIMATE_MARGIN_DAYS` on each side;
* ranges: ``1990-1992``, ``1990/1992``, ``entre 1990 y 1992``,
  ``between 1990 and 1992``, ``from … to …``, ``de … a …``.

A numeric date whose first two parts are both ≤ 12 and different
(``03/04/2025``) cannot be read without knowing the column's order: without
``order`` it raises :class:`AmbiguousDate`. With ``order`` ("DMY", "MDY" or
"YMD") every numeric date is read in that order, strictly: ``03/15/2025`` under
"DMY" is an error, not silently re-read. :mod:`habeas.domain.date_order` decides
the order from a whole column.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from habeas.domain.text import strip_accents

PRECISIONS = frozenset({"exact", "estimate", "month", "year", "range"})
ORDERS = frozenset({"DMY", "MDY", "YMD"})
TWO_DIGIT_PIVOT = 30
#: margin added on each side of an estimate, by the precision of the inner date
ESTIMATE_MARGIN_DAYS = {"exact": 15, "month": 31, "year": 365, "range": 365}

EXPECTED = (
    "a date such as 2025-03-15, 15/03/2025, 03/2025, 2025, "
    "'15 de marzo de 2025' or 'March 15, 2025'"
)


MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class DateParseError(ValueError):
    """A value that cannot be read as a date; the message says what was expected."""

    def __init__(
        self,
        value: str,
        expected: str = EXPECTED,
        *,
        missing_day: tuple[int, int, int] | None = None,
    ) -> None:
        self.value = value
        self.expected = expected
        #: (year, month, day) when the value is well formed but names a day the month
        #: does not have (31/02/1994): the date does not exist, whatever the format.
        self.missing_day = missing_day
        if missing_day is not None:
            y, m, d = missing_day
            month = MONTHS_EN[m - 1]
            last = calendar.monthrange(y, m)[1]
            text = (
                f"cannot read {value!r} as a date: there is no {d} {month} {y} "
                f"({month} {y} has {last} days)"
            )
        else:
            text = f"cannot read {value!r} as a date: expected {expected}"
        super().__init__(text)


class AmbiguousDate(DateParseError):
    """Day and month could be either way round (e.g. 03/04/2025): an order is needed."""

    def __init__(self, value: str, readings: tuple[date, date]) -> None:
        self.readings = readings
        super().__init__(
            value,
            f"a day/month order (DMY or MDY): it reads as {readings[0].isoformat()} "
            f"or {readings[1].isoformat()}",
        )


@dataclass(frozen=True, slots=True)
class UncertainDate:
    """A date known to lie in ``[earliest, latest]``, with how precisely it was given."""

    earliest: date
    latest: date
    precision: str

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown date precision {self.precision!r}")
        if self.earliest > self.latest:
            raise ValueError(f"earliest {self.earliest} is after latest {self.latest}")

    @classmethod
    def exact(cls, d: date) -> UncertainDate:
        return cls(d, d, "exact")

    @classmethod
    def month(cls, year: int, month: int) -> UncertainDate:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def year(cls, year: int) -> UncertainDate:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def between(cls, a: date, b: date) -> UncertainDate:
        """A range; the two ends may be given in either order."""
        lo, hi = (a, b) if a <= b else (b, a)
        return cls(lo, hi, "range")

    @classmethod
    def estimate(cls, d: date, days: int = 365) -> UncertainDate:
        """About ``d``: ``days`` either side (clamped to the calendar's limits)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        return cls(_shift(d, -days), _shift(d, days), "estimate")

    def widened(self, days: int) -> UncertainDate:
        """This interval widened by ``days`` on each side, as an estimate."""
        return UncertainDate(_shift(self.earliest, -days), _shift(self.latest, days), "estimate")

    @property
    def is_exact(self) -> bool:
        return self.earliest == self.latest

    def contains(self, d: date) -> bool:
        return self.earliest <= d <= self.latest

    def overlaps(self, other: UncertainDate) -> bool:
        """True when both could be the same day."""
        return self.earliest <= other.latest and other.earliest <= self.latest

    def definitely_before(self, other: UncertainDate) -> bool:
        """True when every day of ``self`` is before every day of ``other``."""
        return self.latest < other.earliest

    def swapped(self) -> UncertainDate | None:
        """The exact date with day and month exchanged, or ``None`` if that is not a
        different valid date (not exact, day > 12, or day == month)."""
        if self.precision != "exact":
            return None
        d = self.earliest
        if d.day > 12 or d.day == d.month:
            return None
        return UncertainDate.exact(date(d.year, d.day, d.month))

    def display(self) -> str:
        e, lt = self.earliest, self.latest
        if self.precision == "exact":
            return e.isoformat()
        if self.precision == "month":
            return f"{e.year:04d}-{e.month:02d} (day unknown)"
        if self.precision == "year":
            return f"{e.year:04d} (month and day unknown)"
        if self.precision == "estimate":
            return f"about {e.isoformat()} to {lt.isoformat()} (estimate)"
        return f"between {e.isoformat()} and {lt.isoformat()}"

    def __str__(self) -> str:
        return self.display()


def _shift(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


# --------------------------------------------------------------------------- parsing

_MONTHS: dict[str, int] = {}
for _num, _forms in enumerate(
    [
        "enero ene january jan",
        "febrero feb february",
        "marzo mar march",
        "abril abr april apr",
        "mayo may",
        "junio jun june",
        "julio jul july",
        "agosto ago august aug",
        "septiembre setiembre sep sept set september",
        "octubre oct october",
        "noviembre nov november",
        "diciembre dic december dec",
    ],
    start=1,
):
    for _f in _forms.split():
        _MONTHS[_f] = _num
# "mar" (martes) is left out: it is March.
_WEEKDAY_TEXT = (
    "lunes martes miercoles jueves viernes sabado domingo lun mie jue vie sab dom "
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur "
    "thurs fri sat sun"
)
_WEEKDAYS = frozenset(_WEEKDAY_TEXT.split())
_FILLER = frozenset({"de", "del", "of", "the", "el"})

_SIGNS = str.maketrans("ºª°", "   ")  # "1º de mayo", "3°": before NFKD makes º an "o"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUM3 = re.compile(
    r"(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})|(\d{1,2}) (\d{1,2}) (\d{4})"
)
_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_YEAR_RANGE = re.compile(r"(\d{4})\s*(?:-|–|—|/|a|al|to|until|hasta)\s*(\d{4})")
_WORD_RANGE = re.compile(
    r"(?:entre|between|from|desde|de|del)\s+(.+?)\s+(?:y|and|to|a|al|hasta|until|-|–)\s+(.+)"
)
_DASH_RANGE = re.compile(r"(.+?)\s+(?:-|–|—|to|hasta|until)\s+(.+)")
_ESTIMATE = re.compile(
    r"(?:ca\.?|c\.|circa|approx\.?|approximately|aprox\.?|aproximadamente|about|around|"
    r"alrededor de|hacia|cerca de|~|±|\+/-)\s*(.+)"
)
_TOKEN = re.compile(r"[a-z]+|\d+")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th|ro|ero|do|to|vo|mo|no)\b")


_REAL_YMD = "YYYY-MM-DD (or YYYYMMDD) with a real month and day"
_REAL_DM = "DD/MM/YYYY or MM/DD/YYYY with a real day and month"


def _year(text: str) -> int:
    y = int(text)
    if len(text) <= 2:
        y += 2000 if y < TWO_DIGIT_PIVOT else 1900
    return y


def _make(value: str, y: int, m: int, d: int, expected: str = EXPECTED) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        if 1 <= m <= 12 and 1 <= d <= 31 and 1 <= y <= 9999:
            raise DateParseError(value, expected, missing_day=(y, m, d)) from None
        raise DateParseError(value, expected) from None


def parse_date(text: str, order: str | None = None) -> UncertainDate:
    """Read a date as written (rules in the module doc). Raises :class:`DateParseError`."""
    if order is not None and order not in ORDERS:
        raise ValueError(f"order must be one of {sorted(ORDERS)}, not {order!r}")
    value = text
    s = " ".join(strip_accents(str(text).translate(_SIGNS)).lower().split())
    if not s:
        raise DateParseError(value)
    return _parse(value, s, order, depth=0)


def _parse(value: str, s: str, order: str | None, depth: int) -> UncertainDate:
    if m := _COMPACT.fullmatch(s):
        return UncertainDate.exact(_make(value, int(m[1]), int(m[2]), int(m[3]), _REAL_YMD))
    if m := _ISO.fullmatch(s):
        return UncertainDate.exact(_make(value, int(m[1]), int(m[2]), int(m[3]), _REAL_YMD))
    if _YEAR.fullmatch(s):
        if int(s) < 1:
            raise DateParseError(value)
        return UncertainDate.year(int(s))
    if m := _YEAR_MONTH.fullmatch(s):
        return _month(value, int(m[1]), int(m[2]))
    if m := _MONTH_YEAR.fullmatch(s):
        return _month(value, int(m[2]), int(m[1]))
    if m := _NUM3.fullmatch(s):
        parts = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        return UncertainDate.exact(_numeric(value, parts, order))
    if depth == 0:
        if m := _ESTIMATE.fullmatch(s):
            inner = _parse(value, m[1].strip(), order, depth + 1)
            return inner.widened(ESTIMATE_MARGIN_DAYS[inner.precision])
        if m := _YEAR_RANGE.fullmatch(s):
            return _range(value, UncertainDate.year(int(m[1])), UncertainDate.year(int(m[2])))
        for pattern in (_WORD_RANGE, _DASH_RANGE):
            if m := pattern.fullmatch(s):
                try:
                    a = _parse(value, m[1].strip(), order, depth + 1)
                    b = _parse(value, m[2].strip(), order, depth + 1)
                except DateParseError as exc:
                    if isinstance(exc, AmbiguousDate):
                        raise
                    continue
                return _range(value, a, b)
    return _textual(value, s)


def _month(value: str, y: int, mo: int) -> UncertainDate:
    if not 1 <= mo <= 12 or y < 1:
        raise DateParseError(value)
    return UncertainDate.month(y, mo)


def _range(value: str, a: UncertainDate, b: UncertainDate) -> UncertainDate:
    if b.latest < a.earliest:
        raise DateParseError(value, "a range whose first date is not after its second")
    return UncertainDate(a.earliest, b.latest, "range")


def _numeric(value: str, parts: tuple[str, str, str], order: str | None) -> date:
    p1, p2, p3 = parts
    if len(p1) == 4 or order == "YMD":
        if len(p1) not in (2, 4) or len(p3) > 2:
            raise DateParseError(value, "YYYY-MM-DD")
        return _make(value, _year(p1), int(p2), int(p3), "YYYY-MM-DD")
    if len(p1) == 3:
        raise DateParseError(value)
    a, b, y = int(p1), int(p2), _year(p3)
    if order == "DMY":
        return _make(value, y, b, a, "DD/MM/YYYY (day first)")
    if order == "MDY":
        return _make(value, y, a, b, "MM/DD/YYYY (month first)")
    if a > 12 and b <= 12:
        return _make(value, y, b, a, _REAL_DM)
    if b > 12 and a <= 12:
        return _make(value, y, a, b, _REAL_DM)
    if a == b or a > 12:
        return _make(value, y, b, a, _REAL_DM)
    raise AmbiguousDate(value, (_make(value, y, b, a, _REAL_DM), _make(value, y, a, b, _REAL_DM)))


def _textual(value: str, s: str) -> UncertainDate:
    s = _ORDINAL.sub(r"\1", s)
    tokens = _TOKEN.findall(s)
    month = None
    numbers: list[str] = []
    for tok in tokens:
        if tok.isdigit():
            numbers.append(tok)
        elif tok in _FILLER or tok in _WEEKDAYS:
            continue
        elif tok in _MONTHS and month is None:
            month = _MONTHS[tok]
        else:
            raise DateParseError(value)
    if month is None:
        raise DateParseError(value)
    if len(numbers) == 1 and len(numbers[0]) == 4:
        return UncertainDate.month(int(numbers[0]), month)
    if len(numbers) == 2:
        first, second = numbers
        if len(first) == 4 and len(second) <= 2:
            return UncertainDate.exact(_make(value, int(first), month, int(second)))
        if len(first) <= 2 and len(second) in (2, 4):
            return UncertainDate.exact(_make(value, _year(second), month, int(first)))
    raise DateParseError(value)


def dob_from_age(age: int | str, as_of: date) -> UncertainDate:
    """The range of birth dates of someone ``age`` whole years old on ``as_of``."""
    text = str(age).strip()
    try:
        years = int(float(text)) if text.replace(".", "", 1).isdigit() else int(text)
    except ValueError:
        raise DateParseError(text, "an age in whole years (0-130)") from None
    if not 0 <= years <= 130:
        raise DateParseError(text, "an age in whole years (0-130)")
    latest = _years_before(as_of, years)
    earliest = _years_before(as_of, years + 1) + timedelta(days=1)
    return UncertainDate(earliest, latest, "range")


def _years_before(d: date, years: int) -> date:
    y = d.year - years
    if d.month == 2 and d.day == 29 and not calendar.isleap(y):
        return date(y, 2, 28)
    return date(y, d.month, d.day)
