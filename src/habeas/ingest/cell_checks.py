"""What to look at before a list read off pages is imported: flags on machine-read cells,
and a person's corrections and confirmations of them.

OCR cells are flagged when Tesseract was unsure of a word (:data:`LOW_CONFIDENCE_BELOW`),
and by checks that catch misreadings OCR is sure of: a date column's cell that is not a
date (``O1/O3/1990``), an identifier whose shape differs from its column's (a letter
where the column has digits: ``A12345G78``), a name with digits or stray marks.

A correction names the row (as the check step numbers it) and the column (its header as
written): ``12:Apellidos=Pérez Gómez``. The corrected text is imported; the machine
reading stays beside it (:attr:`PageCell.machine`). A confirmation (``12:Apellidos``)
keeps a flagged reading as it is, said by a person.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from habeas.domain.dates import DateParseError, parse_date
from habeas.domain.text import fold_header
from habeas.errors import UsageError
from habeas.ingest.fields import guess_field
from habeas.ingest.page_cells import (
    LOW_CONFIDENCE,
    NOT_A_DATE,
    ODD_IDENTIFIER,
    ODD_NAME,
    Extraction,
)

#: OCR cells whose least sure word is below this are flagged (Tesseract's 0–1 confidence).
LOW_CONFIDENCE_BELOW = 0.85
DATE_FIELDS = {"date_of_birth", "event_date", "court_order_date"}
ID_FIELDS = {"a_number", "national_id", "passport", "record_id"}
NAME_FIELDS = {"full_name", "given_names", "surnames", "first_surname", "second_surname"}
_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ '’.\-][^\W\d_]*)*$")


PARTICLES = {"de", "del", "la", "las", "los", "y", "e", "da", "dos", "van", "von"}


def _is_date(text: str) -> bool:
    """Readable as a date in some order (the import settles which order the column uses)."""
    for order in ("DMY", "MDY", "YMD"):
        try:
            parse_date(text, order)
            return True
        except DateParseError:
            continue
    return False


def _plain_name(text: str) -> bool:
    """Letters only, each word capitalised (or all in capitals) but for particles."""
    if not _NAME_OK.match(text):
        return False
    words = text.split()
    return all(w[0].isupper() or w.lower() in PARTICLES for w in words)


def _shape(text: str) -> str:
    """Digits as 9 and letters as A, runs collapsed: ``A-123.456`` → ``A-9.9``."""
    out = re.sub(r"\d+", "9", text)
    return re.sub(r"[^\W\d_]+", "A", out)


def flag_cells(extraction: Extraction) -> None:
    """Flag the cells of an OCR reading that a person must look at."""
    ocr = set(extraction.ocr_pages) if extraction.method != "ocr" else None
    fields = [guess_field(h) for h in extraction.headers]
    shapes: dict[int, str] = {}
    for i, fld in enumerate(fields):
        if fld in ID_FIELDS:
            counts = Counter(
                _shape(r.cells[i].text) for r in extraction.rows if r.cells[i].text.strip()
            )
            if counts:
                shapes[i] = counts.most_common(1)[0][0]
    for row in extraction.rows:
        if ocr is not None and row.page not in ocr:
            continue  # read from the text layer, not by OCR
        for i, cell in enumerate(row.cells):
            flags: list[str] = []
            text = cell.text.strip()
            if cell.confidence is not None and cell.confidence < LOW_CONFIDENCE_BELOW:
                flags.append(LOW_CONFIDENCE)
            fld = fields[i] if i < len(fields) else None
            if text and fld in DATE_FIELDS and not _is_date(text):
                flags.append(NOT_A_DATE)
            if text and i in shapes and _shape(text) != shapes[i]:
                flags.append(ODD_IDENTIFIER)
            if text and fld in NAME_FIELDS and not _plain_name(text):
                flags.append(ODD_NAME)
            cell.flags = tuple(flags)


@dataclass
class Corrections:
    """A person's corrections (row, column) → text, and confirmed readings."""

    values: dict[tuple[int, str], str] = field(default_factory=dict)
    confirmed: set[tuple[int, str]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.values or self.confirmed)

    @classmethod
    def parse(cls, corrections: list[str], confirmations: list[str]) -> Corrections:
        out = cls()
        for item in corrections:
            where, sep, value = item.partition("=")
            if not sep:
                raise UsageError(f"--correct expects ROW:COLUMN=TEXT, got {item!r}")
            out.values[_where(where, "--correct")] = value.strip()
        for item in confirmations:
            out.confirmed.add(_where(item, "--confirm"))
        return out


def _where(text: str, option: str) -> tuple[int, str]:
    row, sep, column = text.partition(":")
    if not sep or not row.strip().isdigit() or not column.strip():
        raise UsageError(f"{option} expects ROW:COLUMN (e.g. 12:Apellidos), got {text!r}")
    return int(row), column.strip()


def apply_corrections(extraction: Extraction, corrections: Corrections) -> list[str]:
    """Put a person's corrections in place (keeping the machine reading); what cannot be
    placed (no such row or column) is returned, described."""
    folded = {fold_header(h): i for i, h in enumerate(extraction.headers)}
    unplaced: list[str] = []

    def cell_at(row: int, column: str, what: str) -> tuple[int, int] | None:
        index = folded.get(fold_header(column))
        if extraction.row(row) is None:
            unplaced.append(f"{what} {row}:{column}: the list has no row {row}")
            return None
        if index is None:
            unplaced.append(
                f"{what} {row}:{column}: the list has no column {column!r} "
                f"(columns: {', '.join(extraction.headers)})"
            )
            return None
        return row, index

    for (row, column), value in corrections.values.items():
        place = cell_at(row, column, "correction")
        if place is not None:
            page_row = extraction.row(place[0])
            assert page_row is not None
            cell = page_row.cells[place[1]]
            if value != cell.text:
                cell.machine, cell.text = cell.text, value
            else:
                cell.confirmed = True
    for row, column in corrections.confirmed:
        place = cell_at(row, column, "confirmation")
        if place is not None:
            page_row = extraction.row(place[0])
            assert page_row is not None
            page_row.cells[place[1]].confirmed = True
    return unplaced
