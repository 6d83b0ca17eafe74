"""Problems found while reading a list: each names the file, row and column.

An *error* stops the import (nothing is written); a *warning* is reported and
stored with the import (e.g. an A-number that is not 8 or 9 digits is kept as
written, marked invalid, and not used for matching).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from habeas.errors import HabeasError


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"  # or "warning"
    sheet: str | None = None

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
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message, "severity": self.severity}


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
            lines.append(f"  … and {len(errors) - self.max_shown} more (use --dry-run --format "
                         "json to see them all)")
        return "\n".join(lines)
