"""A list read off pages: each cell with its place on its page, and the rows kept or skipped.

Both ways of reading a page (the text layer of a PDF, :mod:`habeas.ingest.pdf_tables`, and
OCR of a scan, :mod:`habeas.ingest.ocr`) give rows of cells per page; this module joins
them into one list: the first row is the header, a table continues across pages, a
header row repeated on a later page and page footers are skipped (each skip is kept
with its page, reason and text, so that the check step reports them — never silently),
and a person's corrections replace a machine reading only as corrections (the reading
stays beside them).

Places are fractions of the page (0–1, from the top left), whatever its resolution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from habeas.domain.text import fold_header

#: Flags a cell can carry; each is a reason to look at it before it is imported.
LOW_CONFIDENCE = "low_confidence"  # OCR was unsure of a word in the cell
NOT_A_DATE = "not_a_date"  # a date column's cell does not read as a date
ODD_IDENTIFIER = "odd_identifier"  # letters where the column's numbers are, or the reverse
ODD_NAME = "odd_name"  # digits or stray marks in a name

#: Lines that number pages ("Página 2 de 5", "Page 3", "- 4 -", "3/10").
FOOTER = re.compile(
    r"^\s*(?:(?:p[aá]g(?:ina)?|page|hoja|sheet)\.?\s*\d+(?:\s*(?:de|of|/)\s*\d+)?"
    r"|[-–—]?\s*\d{1,4}\s*[-–—]?|\d{1,4}\s*/\s*\d{1,4})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Box:
    """A rectangle on a page as fractions of its width and height (top left is 0, 0)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )


@dataclass
class PageCell:
    text: str
    box: Box | None
    confidence: float | None = None  # 0–1, OCR only
    flags: tuple[str, ...] = ()
    machine: str | None = None  # the machine reading, when a person corrected the cell
    confirmed: bool = False  # a person looked at a flagged cell and kept the reading


@dataclass
class PageRow:
    page: int  # 1-based
    line: int  # the row's place in the page's table, 1-based (the header is not counted)
    cells: list[PageCell]
    number: int = 0  # the row of the list (1-based), set by :func:`assemble`

    @property
    def box(self) -> Box | None:
        boxes = [c.box for c in self.cells if c.box is not None]
        if not boxes:
            return None
        out = boxes[0]
        for b in boxes[1:]:
            out = out.union(b)
        return out

    @property
    def flagged(self) -> bool:
        return any(c.flags and c.machine is None and not c.confirmed for c in self.cells)


@dataclass(frozen=True)
class Skipped:
    """A line on a page that is not a row of the list, and why."""

    page: int
    reason: str  # "repeated_header", "page_text" (titles, footers, notes), "empty_row"
    text: str


@dataclass
class Extraction:
    """A document read into one list."""

    file: str
    method: str  # "text_layer" or "ocr" (or "mixed" when some pages needed OCR)
    pages: int
    headers: list[str]
    rows: list[PageRow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)

    def row(self, number: int) -> PageRow | None:
        if 1 <= number <= len(self.rows):
            return self.rows[number - 1]
        return None


#: One page as read: (page number, its table rows, the lines left out as (reason, text)).
PageRows = tuple[int, list[list[PageCell]], list[tuple[str, str]]]


def _folded(cells: list[str]) -> list[str]:
    return [fold_header(c) for c in cells]


def is_footer(texts: list[str]) -> bool:
    """One filled cell that numbers a page (or only page-numbering text in the row)."""
    filled = [t for t in texts if t.strip()]
    return bool(filled) and all(FOOTER.match(t) for t in filled)


def assemble(
    file: str,
    method: str,
    pages: list[PageRows],
) -> Extraction | None:
    """Join each page's table rows into one list.

    ``pages``: (page number, the rows of its table(s) in reading order, the lines left
    out of them as (reason, text)). The first non-empty row is the header; a later row that repeats
    it is skipped, as are page-numbering rows and empty rows. None: no table at all.
    """
    headers: list[str] | None = None
    header_key: list[str] = []
    out = Extraction(file, method, len(pages), [])
    for page, rows, outside in pages:
        line = 0
        for reason, text in outside:
            out.skipped.append(Skipped(page, reason, text))
        for cells in rows:
            texts = [c.text.strip() for c in cells]
            if headers is None:
                if sum(1 for t in texts if t) < 2:
                    out.skipped.append(Skipped(page, "page_text", " ".join(t for t in texts if t)))
                    continue
                headers = _unique(texts)
                header_key = _folded(texts)
                out.headers = headers
                continue
            if not any(texts):
                out.skipped.append(Skipped(page, "empty_row", ""))
                continue
            if _folded(texts) == header_key:
                out.skipped.append(Skipped(page, "repeated_header", " | ".join(texts)))
                continue
            if is_footer(texts):
                out.skipped.append(Skipped(page, "page_text", " ".join(t for t in texts if t)))
                continue
            line += 1
            width = len(headers)
            cells = (cells + [PageCell("", None)] * width)[:width] if len(cells) < width else cells
            row = PageRow(page, line, cells)
            out.rows.append(row)
            row.number = len(out.rows)
    return out if headers is not None else None


def _unique(headers: list[str]) -> list[str]:
    """Header texts as columns: an empty header is named by its place, a repeated one numbered."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for i, h in enumerate(headers, start=1):
        name = h or f"column {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def skipped_summary(skipped: list[Skipped]) -> dict[str, tuple[int, list[int], str]]:
    """reason → (how many, on which pages, an example)."""
    out: dict[str, tuple[int, list[int], str]] = {}
    for s in skipped:
        n, pages, example = out.get(s.reason, (0, [], ""))
        if s.page not in pages:
            pages.append(s.page)
        out[s.reason] = (n + 1, pages, example or s.text)
    return out
