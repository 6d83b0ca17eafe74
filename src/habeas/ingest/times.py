"""Times of day and detention terms as lists write them.

A time of day is read with its zone ("17:25 EDT", "5:25 PM EDT", "21:25Z",
"19:37 -04:00", or a zone given apart) into a UTC instant on its date; a term
("1 year", "6 meses", "90 days") into days. Pure functions: no database.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from habeas.domain.text import strip_accents

# Time zones as lists write them (US abbreviations: the removal flights left from Texas).
_ZONE_ABBREVIATIONS = {
    "z": 0,
    "utc": 0,
    "gmt": 0,
    "edt": -4,
    "est": -5,
    "cdt": -5,
    "cst": -6,
    "mdt": -6,
    "mst": -7,
    "pdt": -7,
    "pst": -8,
}
_TIME = re.compile(
    r"(\d{1,2})(?:[:.h](\d{2}))?(?:[:.](\d{2}))?\s*"
    r"(a\.?\s?m\.?|p\.?\s?m\.?)?\s*(.*)"
)
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])(\d{1,2}):?(\d{2})?")
_TERM = re.compile(
    r"(\d+|un|una|uno|one|a|an)\s+(year|years|ano|anos|month|months|mes|meses|"
    r"week|weeks|semana|semanas|day|days|dia|dias)\b"
)
_TERM_DAYS = {"y": 365, "a": 365, "m": 30, "w": 7, "s": 7, "d": 1}
TIME_EXPECTED = (
    "a time of day with its zone, such as 17:25 EDT, 5:25 PM EDT, 21:25Z or "
    "19:37 -04:00 (or a time_zone column / --defaults time_zone=America/New_York)"
)


class TimeParseError(ValueError):
    pass


def parse_time_zone(text: str) -> tzinfo:
    """A zone as written: an IANA name, an abbreviation (EDT, UTC) or an offset (-04:00)."""
    t = text.strip()
    folded = t.lower()
    if folded in _ZONE_ABBREVIATIONS:
        return timezone(timedelta(hours=_ZONE_ABBREVIATIONS[folded]))
    if m := _OFFSET.fullmatch(folded):
        minutes = int(m[2]) * 60 + int(m[3] or 0)
        return timezone(timedelta(minutes=minutes if m[1] == "+" else -minutes))
    try:
        return ZoneInfo(t)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeParseError(
            f"cannot read {text!r} as a time zone: expected an IANA name "
            "(America/New_York), an abbreviation (EDT, UTC) or an offset "
            "(-04:00)"
        ) from None


def parse_time_at(day: date, text: str, zone: str | None) -> datetime:
    """The UTC instant of ``text`` (a time of day, with or without its zone) on ``day``."""
    m = _TIME.fullmatch(" ".join(text.strip().lower().split()))
    if m is None:
        raise TimeParseError(f"cannot read {text!r} as a time: expected {TIME_EXPECTED}")
    hour, minute, second = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            raise TimeParseError(f"cannot read {text!r} as a time: {hour} with AM/PM")
        hour = hour % 12 + (12 if m[4].startswith("p") else 0)
    elif m[2] is None:
        raise TimeParseError(f"cannot read {text!r} as a time: expected {TIME_EXPECTED}")
    if hour > 23 or minute > 59 or second > 59:
        raise TimeParseError(f"cannot read {text!r} as a time: expected {TIME_EXPECTED}")
    zone_text = m[5].strip() or (zone or "").strip()
    if not zone_text:
        raise TimeParseError(f"the time {text!r} has no time zone: expected {TIME_EXPECTED}")
    local = datetime.combine(day, time(hour, minute, second), tzinfo=parse_time_zone(zone_text))
    return local.astimezone(UTC)


def parse_term_days(text: str) -> int:
    """A stated detention term in days: "1 year" 365, "6 meses" 180, "90 days" 90."""
    folded = strip_accents(text.lower())
    m = _TERM.search(folded)
    if m is None:
        raise ValueError(
            f"cannot read {text!r} as a term: expected e.g. '1 year', '6 meses', '90 days'"
        )
    count = int(m[1]) if m[1].isdigit() else 1
    return count * _TERM_DAYS[m[2][0]]
