"""A PDF or a scanned image as a list to import: its table, what was skipped, and what to check.

The reading (:mod:`habeas.ingest.pdf_tables`, :mod:`habeas.ingest.ocr`) is kept for the
process, by file, size and modification time: the check step and the import read the same
file once. Row numbers are the list's own (1 = the first row under the header), the same
in the check step, in corrections and on the records; each record keeps its page, its
row on the page and each cell's place (:mod:`habeas.ingest.cell_places`).

Problems the check step reports: the lines skipped (repeated headers, page text such as
titles and footers, empty rows: a warning each kind, with how many, on which pages and an
example), every flagged OCR cell not yet corrected or confirmed (an error: nothing from
OCR goes in unseen), every corrected cell (a warning, stored with the import).
"""

from __future__ import annotations

import copy
from pathlib import Path

from habeas.ingest.cell_checks import Corrections, apply_corrections, flag_cells
from habeas.ingest.page_cells import Extraction, skipped_summary
from habeas.ingest.problems import Problem, file_problem

PDF_EXTENSIONS = {".pdf"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

_READINGS: dict[tuple[str, int, int], Extraction] = {}
_KEEP = 8

SKIP_REASONS = {
    "repeated_header": "a header row repeated on a later page",
    "page_text": "text outside the table (titles, page numbers, footers, notes)",
    "empty_row": "an empty row",
}
FLAG_REASONS = {
    "low_confidence": "OCR was unsure of it",
    "not_a_date": "it does not read as a date",
    "odd_identifier": "its shape differs from the column's other identifiers",
    "odd_name": "a name with digits or stray marks",
}


def is_document(path: Path) -> bool:
    return path.suffix.lower() in PDF_EXTENSIONS | IMAGE_EXTENSIONS


def document_media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "application/pdf"
    return IMAGE_TYPES.get(suffix, "image/tiff")


def read_extraction(path: Path) -> Extraction:
    """The document's list as the machine read it (cached; a copy, free to correct)."""
    status = path.stat()
    key = (str(path.resolve()), status.st_size, status.st_mtime_ns)
    if key not in _READINGS:
        extraction = _read(path)
        flag_cells(extraction)
        if len(_READINGS) >= _KEEP:
            _READINGS.pop(next(iter(_READINGS)))
        _READINGS[key] = extraction
    return copy.deepcopy(_READINGS[key])


def _read(path: Path) -> Extraction:
    if path.suffix.lower() in PDF_EXTENSIONS:
        from habeas.ingest.pdf_tables import read_pdf

        extraction = read_pdf(path)
    else:
        from PIL import UnidentifiedImageError

        from habeas.ingest.ocr import image_pages, ocr_images
        from habeas.ingest.page_cells import assemble

        try:
            images = image_pages(path)
        except (UnidentifiedImageError, OSError) as exc:
            raise file_problem(path.name, f"not a readable image ({exc})") from exc
        extraction = assemble(path.name, "ocr", ocr_images(images))
        if extraction is not None:
            extraction.ocr_pages = list(range(1, len(images) + 1))
    if extraction is None:
        raise file_problem(
            path.name,
            "no table found: no page has a row of at least two columns under a header "
            "(Nombres, Apellidos, Fecha de nacimiento, A#…)",
        )
    return extraction


def read_document(
    path: Path, corrections: Corrections | None = None
) -> tuple[Extraction, list[Problem]]:
    """The list with a person's corrections in place, and what the check step reports:
    corrections that could not be placed (errors), skipped lines (warnings), flagged cells
    not yet looked at (errors) and corrections made (warnings)."""
    extraction = read_extraction(path)
    problems: list[Problem] = []
    if corrections:
        for text in apply_corrections(extraction, corrections):
            problems.append(Problem(path.name, None, None, None, text))
    return extraction, problems + document_problems(extraction)


def document_problems(extraction: Extraction) -> list[Problem]:
    """What the check step reports about the list as it stands (see :func:`read_document`)."""
    problems: list[Problem] = []
    file = extraction.file
    for reason, (count, pages, example) in skipped_summary(extraction.skipped).items():
        problems.append(
            Problem(
                file,
                None,
                None,
                example[:80] or None,
                f"skipped {count} line(s) on page(s) {', '.join(map(str, pages))}: "
                f"{SKIP_REASONS.get(reason, reason)}",
                severity="warning",
                code="lines_skipped",
                params=(
                    ("n", str(count)),
                    ("pages", ", ".join(map(str, pages))),
                    ("reason", reason),
                ),
            )
        )
    for row in extraction.rows:
        for header, cell in zip(extraction.headers, row.cells, strict=False):
            if cell.machine is not None:
                problems.append(
                    Problem(
                        file,
                        row.number,
                        header,
                        cell.text,
                        f"corrected by hand on page {row.page}: the machine read {cell.machine!r}",
                        severity="warning",
                        code="cell_corrected",
                        params=(("page", str(row.page)), ("machine", cell.machine)),
                    )
                )
            elif cell.flags and not cell.confirmed:
                why = "; ".join(FLAG_REASONS.get(f, f) for f in cell.flags)
                problems.append(
                    Problem(
                        file,
                        row.number,
                        header,
                        cell.text,
                        f"check this cell on page {row.page} ({why}"
                        + (f", confidence {cell.confidence:.0%}" if cell.confidence else "")
                        + "): correct it or confirm the reading",
                        code="cell_unsure",
                        params=(
                            ("page", str(row.page)),
                            ("flags", ",".join(cell.flags)),
                            ("row", str(row.number)),
                            ("column", header),
                        ),
                    )
                )
    return problems
