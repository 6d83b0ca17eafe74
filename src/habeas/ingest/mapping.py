"""Decide which column of a list holds which canonical field.

Headers are matched automatically (see :mod:`habeas.ingest.fields`);
``--map COLUMN=field`` overrides a guess, and ``--map COLUMN=-`` keeps a column
as an unmapped extra. Columns that map to nothing are kept verbatim on the
record (in ``raw``) — never dropped. A header read by OCR one letter off a known one
may be guessed (:mod:`habeas.ingest.ocr_headers`); the mapping says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from habeas.domain.text import fold_header
from habeas.ingest.fields import CANONICAL_FIELDS, guess_field
from habeas.ingest.ocr_headers import guess_misread
from habeas.ingest.problems import Problem
from habeas.ingest.readers import Table

NAME_FIELDS = ("full_name", "given_names", "surnames", "first_surname", "second_surname")
SURNAME_FIELDS = {"surnames", "first_surname", "second_surname"}
#: Headers that say "name" and nothing more: beside a surnames column they hold the given
#: names ("Nombre" / "Apellidos", "Name" / "Last name"), not the whole name.
BARE_NAME_HEADERS = {"nombre", "name"}
UNMAPPED = "-"
IDENTIFIER_FIELDS = {"a_number", "national_id", "passport"}


@dataclass
class ColumnMapping:
    """header → canonical field (``None``: kept as an extra column)."""

    columns: dict[str, str | None]
    problems: list[Problem] = field(default_factory=list)
    #: header → field, for headers read by OCR and taken for a field one letter away
    guessed: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, str]:
        """canonical field → header."""
        return {f: h for h, f in self.columns.items() if f is not None}

    def extras(self) -> list[str]:
        return [h for h, f in self.columns.items() if f is None]


def map_columns(table: Table, overrides: dict[str, str] | None = None) -> ColumnMapping:
    overrides = dict(overrides or {})
    problems: list[Problem] = []

    def problem(column: str | None, message: str, value: str | None = None) -> None:
        problems.append(
            Problem(table.file, 1 if column else None, column, value, message, sheet=table.sheet)
        )

    folded_headers = {fold_header(h): h for h in table.headers}
    resolved_overrides: dict[str, str] = {}
    for column, target in overrides.items():
        header = column if column in table.headers else folded_headers.get(fold_header(column))
        if header is None:
            problem(
                None,
                f"--map names a column {column!r} that the file does not have "
                f"(columns: {', '.join(table.headers)})",
            )
            continue
        if target != UNMAPPED and target not in CANONICAL_FIELDS:
            problem(
                header,
                f"--map target {target!r} is not a field; fields are: "
                f"{', '.join(CANONICAL_FIELDS)} (or '-' to keep it unmapped)",
            )
            continue
        resolved_overrides[header] = target

    columns: dict[str, str | None] = {}
    seen_headers: set[str] = set()
    for header in table.headers:
        if not header:
            problem(None, "a column has an empty header; give it a name in the file")
            continue
        if header in seen_headers:
            problem(header, "two columns have the same header; rename one in the file")
            continue
        seen_headers.add(header)
        if header in resolved_overrides:
            target = resolved_overrides[header]
            columns[header] = None if target == UNMAPPED else target
        else:
            columns[header] = guess_field(header)

    guessed: dict[str, str] = {}
    for header, mapped in list(columns.items()):
        if mapped is None and header not in resolved_overrides:
            taken = {f for f in columns.values() if f is not None}
            near = guess_misread(table, header, taken)
            if near is not None:
                columns[header] = guessed[header] = near

    _given_names_in_a_name_column(columns, resolved_overrides)

    by_field: dict[str, list[str]] = {}
    for header, mapped in columns.items():
        if mapped is not None:
            by_field.setdefault(mapped, []).append(header)
    for fld, headers in by_field.items():
        if len(headers) > 1:
            problem(
                headers[1],
                f"columns {', '.join(repr(h) for h in headers)} all map to "
                f"'{fld}'; choose one with --map COLUMN={fld} and "
                "--map OTHER=- for the rest",
            )

    mapping = ColumnMapping(columns, problems, guessed)
    present = set(mapping.fields)
    # A list must say who each row is: a name, or at least an identity document
    # number (a repatriation list of cédulas can still be linked).
    if not problems and not present & (set(NAME_FIELDS) | IDENTIFIER_FIELDS):
        problem(
            None,
            "no column holds the person's name or an identity document number "
            "(looked for headers such as Name, Nombre, Apellidos, Last name, "
            "First name, A-Number, Cédula). Name the column with "
            "--map COLUMN=full_name",
        )
    return mapping


def _given_names_in_a_name_column(
    columns: dict[str, str | None], overrides: dict[str, str]
) -> None:
    """A bare "Nombre" or "Name" column beside a surnames column and no given-names column
    holds the given names: map it so (a list of "Nombre" and "Apellidos" read as a full
    name and surnames would lose the given names). A ``--map`` is never changed."""
    mapped = set(columns.values())
    if "given_names" in mapped or not mapped & SURNAME_FIELDS:
        return
    bare = [
        h
        for h, f in columns.items()
        if f == "full_name" and h not in overrides and fold_header(h) in BARE_NAME_HEADERS
    ]
    if len(bare) == 1:
        columns[bare[0]] = "given_names"
