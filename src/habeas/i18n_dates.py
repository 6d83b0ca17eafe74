"""Dates in the reader's language, including the partial ones the library writes.

The library writes an uncertain date as text (:meth:`habeas.domain.dates.UncertainDate.display`:
``2025-03-15``, ``2025-03 (day unknown)``, ``2024 (month and day unknown)``,
``between 2025-03-01 and 2025-03-09``, ``about … to … (estimate)``); :func:`fmt_date`
writes any of them, or a :class:`~datetime.date`, in Spanish or English (Babel).
Used by the web pages and the reports alike, so both say a date the same way.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_skeleton

from habeas import i18n


def fmt_date(value: str | date | None, lang: str, style: str = "medium") -> str:
    """A stored ISO date (or date) in the reader's locale; partial dates are kept as written."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return partial_date(value, lang, style)
        return i18n.format_date(day, lang, style)
    return i18n.format_date(value, lang, style)


_MONTH = re.compile(r"(\d{4})-(\d{2})(?: \(day unknown\))?")
_YEAR = re.compile(r"(\d{4}) \(month and day unknown\)")
_ESTIMATE = re.compile(r"about (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}) \(estimate\)")
_BETWEEN = re.compile(r"between (\d{4}-\d{2}-\d{2}) and (\d{4}-\d{2}-\d{2})")


def partial_date(text: str, lang: str, style: str = "medium") -> str:
    """A date known to the month or year, a range or an estimate, as the library writes it
    (``2025-03 (day unknown)``), in the reader's language; anything else as written."""
    _ = i18n.gettext_for(lang)
    locale = i18n.check_language(lang)
    if m := _MONTH.fullmatch(text):
        month = date(int(m[1]), int(m[2]), 1)
        return _("%(month)s (day unknown)") % {
            "month": format_skeleton("yMMMM", month, locale=locale)
        }
    if m := _YEAR.fullmatch(text):
        return _("%(year)s (month and day unknown)") % {"year": m[1]}
    if m := _ESTIMATE.fullmatch(text) or _BETWEEN.fullmatch(text):
        first_day, last_day = (
            i18n.format_date(date.fromisoformat(d), lang, style) for d in (m[1], m[2])
        )
        template = (
            _("about %(first)s to %(last)s (estimate)")
            if text.startswith("about")
            else _("between %(first)s and %(last)s")
        )
        return str(template) % {"first": first_day, "last": last_day}
    return text
