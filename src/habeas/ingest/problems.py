"""Problems found while reading a list: each names the file, row and column.

An *error* stops the import (nothing is written); a *warning* is reported and
stored with the import (e.g. an A-number that is not 8 or 9 digits is kept as
written, marked invalid, and not used for matching).

``message`` is English (the CLI and the JSON API show it). The problems people meet
most also carry a ``code`` and its ``params`` (see :data:`CODES`), so that each face
can say them in its reader's language in its own terms (the web page names no CLI
flag); ``code`` is ``None`` for the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from habeas.errors import HabeasError

#: The problem codes and their parameters (all values are text).
CODES = {
    "date_unreadable": ("value",),  # not a date in any format habeas reads
    "date_missing_day": ("value", "day", "month", "year", "last"),  # 31/02/1994
    "date_ambiguous": ("value", "first", "second"),  # 03/04/2025 with no order known
    "date_swapped": ("value", "read", "order", "other"),  # readable only the other way
    "date_order_mixed": ("column",),  # a column mixes day-first and month-first dates
    "date_order_needed": ("column", "n"),  # ambiguous dates and nothing decides
    "unknown_term": ("value", "vocabulary"),  # not a term of a controlled vocabulary
    "event_without_type": ("columns",),  # event details but no event type
    "no_name_or_id": (),  # a row with neither a name nor a document number
    "no_record_id": (),  # the row number is used instead
    "empty_row": (),
    "too_many_cells": ("cells", "columns"),
    # lists read off pages (habeas.ingest.page_lists)
    "lines_skipped": ("n", "pages", "reason"),  # repeated headers, page text, empty rows
    "cell_unsure": ("page", "flags", "row", "column"),  # an OCR cell to check
    "cell_corrected": ("page", "machine"),  # a cell a person corrected before import
}


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"  # or "warning"
    sheet: str | None = None
    code: str | None = None  # one of CODES, or None
    params: tuple[tuple[str, str], ...] = ()
    #: the cell is kept verbatim (the user chose "keep as written" for its column)
    kept: bool = False

    @property
    def values(self) -> dict[str, str]:
        return dict(self.params)

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{self.location()}{value} — {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "code": self.code,
            "params": self.values,
            "kept": self.kept,
        }


@dataclass
class ImportFailed(HabeasError):
    """The file has errors; nothing was written. ``problems`` lists every one."""

    problems: list[Problem] = field(default_factory=list)
    max_shown: int = 50

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"Import refused: {len(errors)} error(s); nothing was written."]
        lines += [f"  {p}" for p in errors[: self.max_shown]]
        if len(errors) > self.max_shown:
            lines.append(
                f"  … and {len(errors) - self.max_shown} more (use --dry-run --format "
                "json to see them all)"
            )
        return "\n".join(lines)


def file_problem(
    file: str, message: str, *, row: int | None = None, value: str | None = None
) -> ImportFailed:
    """The import refused for one problem with the file itself (its type, encoding, syntax):
    ``raise file_problem(path.name, "the file is empty", row=1)``."""
    return ImportFailed([Problem(file, row, None, value, message)])
