"""Import problems in the page's language, in the web's own terms (no CLI flag).

The importer gives each problem an English ``message`` (for the CLI and the JSON API)
and, for the problems people meet most, a ``code`` with its ``params``
(:data:`habeas.ingest.problems.CODES`). This module turns a problem (as a dict,
``Problem.to_dict()``) into what the check page shows: the column's name (or "value
for every row" for a value chosen for every row) and the message, translated. A
problem without a code keeps its English message. Its values (dates, months, known
terms) are written by :mod:`habeas.i18n_problems`, as the CLI writes them.
"""

from __future__ import annotations

from typing import Any

from habeas.i18n_problems import SKIP_REASONS, flag_labels, reader_params
from habeas.messages import N_

Gettext = Any
__all__ = ["MESSAGES", "SKIP_REASONS", "column_text", "flag_labels", "message_text", "shown"]

#: code -> message (msgid); ``%(name)s`` are the problem's params (dates already
#: written in the page's language).
MESSAGES = {
    "date_unreadable": N_(
        "Cannot read “%(value)s” as a date. Write it as 17/03/2025, 03/2025 or 2025."
    ),
    "date_missing_day": N_(
        "“%(value)s” is not a date: there is no %(day)s %(month)s %(year)s "
        "(%(month)s %(year)s has %(last)s days)."
    ),
    "date_ambiguous": N_(
        "“%(value)s” can be read as %(first)s or as %(second)s: choose the "
        "order of day and month in dates, under “Source and options”."
    ),
    "date_swapped": N_(
        "Only readable with day and month the other way round: read as "
        "%(read)s. Check that day and month were not swapped."
    ),
    "date_order_mixed": N_(
        "This column mixes dates written day first and month first: choose "
        "the order of day and month the source uses, under “Source and "
        "options”."
    ),
    "date_order_needed": N_(
        "%(n)s date(s) in this column could be day first or month first, "
        "and nothing in the column decides: choose the order of day and "
        "month, under “Source and options”."
    ),
    "unknown_term": N_(
        "“%(value)s” is not one of the known values (%(known)s). Correct it in "
        "the file, or ask an administrator to add it to the vocabulary."
    ),
    "event_without_type": N_(
        "The row has event details (%(columns)s) but no event type: "
        "choose the column that holds it, or choose the event type of "
        "every row under “Values for every row”."
    ),
    "no_name_or_id": N_("The row has neither a name nor an identity document number."),
    "no_record_id": N_("No record id: the row number is used instead."),
    "empty_row": N_("Empty row: skipped."),
    "too_many_cells": N_("The row has %(cells)s cells but the header has %(columns)s columns."),
    "lines_skipped": N_("Skipped %(n)s line(s) on page(s) %(pages)s: %(reason)s."),
    "cell_unsure": N_(
        "Check this cell against page %(page)s (%(flags)s): correct it or confirm the reading."
    ),
    "cell_corrected": N_("Corrected by hand on page %(page)s; the machine read “%(machine)s”."),
}
KEPT = N_("Kept as written, not read: %(message)s")
EVERY_ROW = N_("value for every row: %(field)s")


def message_text(
    problem: dict[str, Any], _: Gettext, lang: str, vocab: dict[str, dict[str, str]]
) -> str:
    """The problem's message in the page's language (the English one when it has no code)."""
    template = MESSAGES.get(problem.get("code") or "")
    if template is None:
        return str(problem.get("message", ""))
    params = reader_params(problem, _, lang, vocab)
    text = str(_(template)) % params
    return str(_(KEPT)) % {"message": text} if problem.get("kept") else text


def column_text(problem: dict[str, Any], _: Gettext) -> str:
    column = problem.get("column") or ""
    if column.startswith("--defaults "):
        return str(_(EVERY_ROW)) % {"field": column.removeprefix("--defaults ")}
    return str(column)


def shown(
    problems: list[dict[str, Any]], _: Gettext, lang: str, vocab: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """``problems`` with ``column_text`` and ``message_text`` for the page."""
    return [
        {**p, "column_text": column_text(p, _), "message_text": message_text(p, _, lang, vocab)}
        for p in problems
    ]
