"""A column header misread by OCR: mapped when one known header is one letter away.

A header in a CSV, an XLSX or a PDF's text layer is what the user wrote: it is matched
exactly (after folding, :func:`habeas.ingest.fields.guess_field`) or not at all. A header
read off a scanned page by OCR may be one letter off what is printed (``A#`` read as
``AF``), and then the column would stay unmapped and its A-numbers kept as text. Such a
header is taken for a field only when

- its folded form is within one edit (a letter inserted, deleted or replaced) of a known
  spelling of exactly one field, that no other column holds; and
- the column's values have that field's shape (:data:`SHAPES`: at least
  :data:`FIT_SHARE` of the filled cells, leaving out the cells flagged to check against
  the page), so a row-number column is never taken for A-numbers because of its header
  alone.

The mapping says such a column is guessed (``ColumnMapping.guessed``): the dry run shows
it, and ``--map COLUMN=FIELD`` or ``--map COLUMN=-`` overrides it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from habeas.domain.dates import AmbiguousDate, DateParseError, parse_date
from habeas.domain.identifiers import (
    InvalidIdentifier,
    normalise_a_number,
    normalise_national_id,
    normalise_passport,
)
from habeas.domain.text import fold_header
from habeas.ingest.fields import CANONICAL_FIELDS, HEADER_SYNONYMS
from habeas.ingest.readers import Table

#: Share of a column's filled cells that must have the field's shape.
FIT_SHARE = 0.8


def _identifier(normalise: Callable[[str], str], shortest: int = 1) -> Callable[[str], bool]:
    def fits(value: str) -> bool:
        try:
            return len(normalise(value)) >= shortest
        except InvalidIdentifier:
            return False

    return fits


def _date(value: str) -> bool:
    try:
        parse_date(value)
    except AmbiguousDate:
        return True  # a date, in an order to be settled
    except DateParseError:
        return False
    return True


def _name(value: str) -> bool:
    return not any(ch.isdigit() for ch in value) and sum(ch.isalpha() for ch in value) >= 2


#: The fields a misread header may be taken for, with the shape of their values. A field
#: without a shape (a place, a note, a vocabulary term) is never guessed.
SHAPES: dict[str, Callable[[str], bool]] = {
    "a_number": _identifier(normalise_a_number),
    "national_id": _identifier(normalise_national_id, 5),
    "passport": _identifier(normalise_passport),
    "date_of_birth": _date,
    "event_date": _date,
    "court_order_date": _date,
    "full_name": _name,
    "given_names": _name,
    "surnames": _name,
    "first_surname": _name,
    "second_surname": _name,
}


def read_by_ocr(table: Table) -> bool:
    """The table's headers were read by OCR (a scan, or a PDF whose header page had no text)."""
    pages = table.pages
    if pages is None or not pages.rows:
        return False
    return pages.method == "ocr" or (
        pages.method == "mixed" and pages.rows[0].page in pages.ocr_pages
    )


@cache
def _spellings() -> tuple[tuple[str, str], ...]:
    """Every known (folded) spelling of a header, with its field."""
    spellings = {f.replace("_", " "): f for f in CANONICAL_FIELDS}
    spellings.update(HEADER_SYNONYMS)
    return tuple(spellings.items())


def one_edit_apart(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by exactly one inserted, deleted or replaced character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def near_field(header: str, taken: Iterable[str] = ()) -> str | None:
    """The one field a known spelling of which is one edit from ``header`` (folded), if no
    other column holds it; ``None`` when none is, or more than one."""
    folded = fold_header(header)
    if not folded:
        return None
    fields = {f for spelling, f in _spellings() if one_edit_apart(folded, spelling)}
    if len(fields) != 1:
        return None
    [fld] = fields
    return None if fld in set(taken) else fld


def values_fit(fld: str, values: Iterable[str]) -> bool:
    """At least :data:`FIT_SHARE` of the filled ``values`` have the shape of ``fld``."""
    fits = SHAPES.get(fld)
    filled = [v.strip() for v in values if v and v.strip()]
    if fits is None or not filled:
        return False
    return sum(fits(v) for v in filled) >= FIT_SHARE * len(filled)


def guess_misread(table: Table, header: str, taken: Iterable[str]) -> str | None:
    """The field an unmatched header read by OCR stands for, when one edit makes it a known
    header of exactly one free field and the column's values have that field's shape."""
    if not read_by_ocr(table) or header not in table.headers:
        return None
    fld = near_field(header, taken)
    if fld is None:
        return None
    return fld if values_fit(fld, _read_surely(table, table.headers.index(header))) else None


def _read_surely(table: Table, index: int) -> list[str]:
    """The column's cells, but those flagged to check against the page (OCR unsure of
    them, or a check failed) and not yet corrected or confirmed: a misread cell is no
    evidence of the column's shape, either way."""
    assert table.pages is not None
    return [
        cell.text
        for row in table.pages.rows
        if index < len(row.cells)
        for cell in [row.cells[index]]
        if not cell.flags or cell.machine is not None or cell.confirmed
    ]
