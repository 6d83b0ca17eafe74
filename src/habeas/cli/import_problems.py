"""Import problems in the CLI's language, in the CLI's own terms (the flag that fixes each).

The importer gives each problem an English ``message`` and, for the problems people meet
most, a ``code`` with its ``params`` (:data:`habeas.ingest.problems.CODES`). This module
says a coded problem as two parts: what is wrong, then which option of ``habeas import``
(or which command) fixes it; its place is said as ``file, sheet, row, column``, or
``--defaults FIELD`` for a value given for every row. A problem without a code keeps its
English message; its place is still translated. The web says the same problems in its
own terms (:mod:`habeas.web.import_problems`); both write dates, months and known terms
through :mod:`habeas.i18n_problems`.
"""

from __future__ import annotations

import shlex
from collections.abc import Collection, Mapping
from typing import Any

from habeas.cli.lang import _, current
from habeas.i18n_problems import reader_params
from habeas.ingest.problems import Problem
from habeas.messages import N_

#: code -> (what is wrong, how to fix it with the CLI or None). ``{name}`` are the
#: problem's params written in the reader's language, plus ``column`` (the column's name)
#: and ``keep`` (``--keep-as-written COLUMN``, quoted for the shell).
MESSAGES: dict[str, tuple[str, str | None]] = {
    "date_unreadable": (
        N_("Cannot read “{value}” as a date."),
        N_(
            "Write it as 17/03/2025, 03/2025 or 2025 in the file, or keep the column's "
            "unreadable cells as written with {keep}."
        ),
    ),
    "date_missing_day": (
        N_(
            "“{value}” is not a date: there is no {day} {month} {year} "
            "({month} {year} has {last} days)."
        ),
        N_("Correct it in the file, or keep the column's unreadable cells as written with {keep}."),
    ),
    "date_ambiguous": (
        N_("“{value}” can be read as {first} or as {second}."),
        N_(
            "Give the order of day and month with --date-order DMY (day first) or "
            "--date-order MDY (month first)."
        ),
    ),
    "date_swapped": (
        N_("Only readable with day and month the other way round: read as {read}."),
        N_(
            "Check that day and month were not swapped; if the whole column is written "
            "the other way, give --date-order {other}."
        ),
    ),
    "date_order_mixed": (
        N_("This column mixes dates written day first and month first."),
        N_("Give the order the source uses with --date-order DMY or --date-order MDY."),
    ),
    "date_order_needed": (
        N_(
            "{n} date(s) in this column could be day first or month first, and nothing "
            "in the column decides."
        ),
        N_(
            "Give --date-order DMY (day first, as in Latin America) or --date-order MDY "
            "(month first, as in the United States)."
        ),
    ),
    "unknown_term": (
        N_("“{value}” is not one of the known values of “{vocabulary}” ({known})."),
        N_(
            "Correct it in the file, keep the column's cells as written with {keep}, or "
            "ask an administrator to add it: habeas vocab add {vocabulary} CODE --en LABEL "
            "--es ETIQUETA."
        ),
    ),
    "event_without_type": (
        N_("The row has event details ({columns}) but no event type."),
        N_(
            "Map the column that holds it with --map COLUMN=event_type, or give the event "
            "type of every row with --defaults event_type=TYPE."
        ),
    ),
    "no_name_or_id": (
        N_("The row has neither a name nor an identity document number."),
        N_(
            "Complete the row in the file, or check in the dry run's mapping that the name "
            "and document columns are mapped (--map COLUMN=FIELD)."
        ),
    ),
    "no_record_id": (N_("No record id: the row number is used instead."), None),
    "empty_row": (N_("Empty row: skipped."), None),
    "too_many_cells": (
        N_("The row has {cells} cells but the header has {columns} columns."),
        N_("Correct the row in the file (often a comma inside a value without quotes)."),
    ),
    "lines_skipped": (N_("Skipped {n} line(s) on page(s) {pages}: {reason}."), None),
    "cell_unsure": (
        N_("Check this cell against page {page} ({flags})."),
        N_("Correct it with --correct {correct} or keep the reading with --confirm {confirm}."),
    ),
    "cell_corrected": (
        N_("Corrected by hand on page {page}; the machine read “{machine}”."),
        None,
    ),
}
#: code -> how to fix it, for a value given for every row (``--defaults FIELD=VALUE``).
DEFAULTS_FIXES = {
    "unknown_term": N_(
        "Give one of them with {option}=CODE, or ask an administrator to add it: "
        "habeas vocab add {vocabulary} CODE --en LABEL --es ETIQUETA."
    ),
}
GUESSED = N_(
    "Read by OCR as “{header}”, taken for {field}: one letter from a known header, and its "
    "values fit. If that is wrong, give --map {other} or --map {unmapped}."
)
KEPT = N_("Kept as written, not read (--keep-as-written): {message}")
#: The text a --correct puts in a cell, as the fix names it.
TEXT = N_("TEXT")


def _quoted(text: str) -> str:
    """``text`` as typed in a shell (quoted when it has spaces or special characters)."""
    return shlex.quote(text)


def location(problem: Problem) -> str:
    """``file, sheet «S», row 3, column «C»`` in the CLI's language."""
    parts = [problem.file]
    if problem.sheet:
        parts.append(_("sheet “{sheet}”").format(sheet=problem.sheet))
    if problem.row is not None:
        parts.append(_("row {row}").format(row=problem.row))
    column = problem.column
    if column is not None and column.startswith("--defaults "):
        parts.append(
            _("{option} (value for every row)").format(
                option=f"--defaults {column.removeprefix('--defaults ')}"
            )
        )
    elif column is not None:
        parts.append(_("column “{column}”").format(column=column))
    return ", ".join(parts)


def message(problem: Problem, vocab: Mapping[str, Mapping[str, str]]) -> str:
    """What is wrong and the option that fixes it, in the CLI's language (a problem
    without a code: its English message)."""
    parts = MESSAGES.get(problem.code or "")
    if parts is None:
        return problem.message
    what, fix = parts
    if (problem.column or "").startswith("--defaults "):
        fix = DEFAULTS_FIXES.get(problem.code or "", fix)
        option = problem.column or ""
    else:
        option = ""
    params: dict[str, Any] = reader_params(problem.to_dict(), _, current(), vocab)
    column = params.setdefault("column", problem.column or "")
    params["option"] = option
    params["keep"] = "--keep-as-written " + _quoted(column or _("COLUMN"))
    if problem.code == "cell_unsure":
        where = f"{params.get('row') or problem.row}:{column}"
        params["correct"] = _quoted(f"{where}={_(TEXT)}")
        params["confirm"] = _quoted(where)
    text = _(what).format(**params)
    if problem.kept:
        return _(KEPT).format(message=text)
    return text if fix is None else f"{text} {_(fix).format(**params)}"


def line(problem: Problem, vocab: Mapping[str, Mapping[str, str]]) -> str:
    """One problem as the CLI prints it: place, the value when the message does not say
    it, then the message."""
    value = ""
    if problem.value is not None and "value" not in problem.values:
        value = ": " + _("value “{value}”").format(value=problem.value)
    return f"{location(problem)}{value} — {message(problem, vocab)}"


#: The table-level problems that say a date column's day/month order is undecided.
ORDER_UNDECIDED = frozenset({"date_order_needed", "date_order_mixed"})


def date_order_text(
    order: str | None, problems: Collection[Problem], sheet: str | None, header: str | None
) -> str:
    """A date column's day/month order as the dry run says it: the order (given or read
    off the column), undecided (ambiguous or mixed dates: the flag that decides), or not
    needed (no date in the column is ambiguous)."""
    if order:
        return order
    if any(p.code in ORDER_UNDECIDED and p.column == header and p.sheet == sheet for p in problems):
        return _(
            "undecided (ambiguous dates): give --date-order DMY (day first) or "
            "--date-order MDY (month first)"
        )
    return _("not needed (no ambiguous dates)")


def keep_fixes(problem: Problem, mapping_problems: Collection[Problem] = ()) -> bool:
    """Whether ``--keep-as-written`` would turn ``problem`` into a warning: an error on a
    cell of a column of the file (not a ``--defaults`` value, not a whole row or column,
    not a mapping problem) whose fix is not some other option (``--date-order``,
    ``--correct``/``--confirm``)."""
    column = problem.column or ""
    if (
        problem.severity != "error"
        or problem.kept
        or problem.row is None
        or not column
        or column.startswith("--defaults ")
        or problem in mapping_problems
    ):
        return False
    if problem.code is None:
        return True  # an uncoded cell error (a time, an age, a document number…)
    fix = MESSAGES.get(problem.code, ("", None))[1]
    return fix is not None and "{keep}" in fix


def guessed_text(header: str, fld: str) -> str:
    """A column whose header OCR misread, taken for ``fld``: say so, and how to undo it."""
    return _(GUESSED).format(
        header=header,
        field=fld,
        other=_quoted(f"{header}={_('FIELD')}"),
        unmapped=_quoted(f"{header}=-"),
    )
