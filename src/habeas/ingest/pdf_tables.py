"""Tables in a PDF's text layer, found with pdfplumber, each cell with its place on the page.

Each page's tables are found from their ruling lines; a page without lines is read by
the alignment of its words (pdfplumber's "text" strategy). Words outside every table
(titles, page footers, notes) are kept as skipped page text, line by line, so that the
check step says what was left out. A page with no text layer at all (a scan inside
the PDF) is read by OCR (:mod:`habeas.ingest.ocr`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from habeas.ingest.page_cells import Box, Extraction, PageCell, PageRows, assemble
from habeas.ingest.problems import file_problem

TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text"}


def _inside(word: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _lines(words: list[dict[str, Any]]) -> list[str]:
    """Words grouped into lines by their vertical position, in reading order."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines]


def _page_rows(page: Any) -> tuple[list[list[PageCell]], list[tuple[str, str]]]:
    width, height = float(page.width), float(page.height)
    tables = page.find_tables() or page.find_tables(TEXT_STRATEGY)
    rows: list[list[PageCell]] = []
    for table in sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])):
        for row, texts in zip(table.rows, table.extract(), strict=True):
            cells: list[PageCell] = []
            for bbox, text in zip(row.cells, texts, strict=True):
                box = (
                    Box(bbox[0] / width, bbox[1] / height, bbox[2] / width, bbox[3] / height)
                    if bbox is not None
                    else None
                )
                cells.append(PageCell(" ".join((text or "").split()), box))
            rows.append(cells)
    words = page.extract_words()
    outside = [w for w in words if not any(_inside(w, t.bbox) for t in tables)]
    return rows, [("page_text", line) for line in _lines(outside)]


def read_pdf(path: Path) -> Extraction | None:
    """The PDF's list (None: no table found). Pages without a text layer are read by OCR."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    pages: list[PageRows] = []
    needs_ocr: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                if not page.chars:
                    needs_ocr.append(number)
                    pages.append((number, [], []))
                    continue
                rows, outside = _page_rows(page)
                pages.append((number, rows, outside))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise file_problem(
            path.name, f"not a readable PDF ({exc.__class__.__name__}: {str(exc)[:120]})"
        ) from exc
    except Exception as exc:  # pdfminer and pypdfium2 raise their own types on damaged files
        if exc.__class__.__module__.startswith(("pdfminer", "pypdfium2", "pdfplumber")):
            raise file_problem(path.name, f"not a readable PDF ({exc.__class__.__name__})") from exc
        raise
    if needs_ocr:
        from habeas.ingest.ocr import ocr_pdf_pages

        scanned = ocr_pdf_pages(path, needs_ocr)
        pages = [scanned.get(n, (n, r, o)) for n, r, o in pages]
    method = "ocr" if len(needs_ocr) == len(pages) else "mixed" if needs_ocr else "text_layer"
    extraction = assemble(path.name, method, pages)
    if extraction is not None:
        extraction.ocr_pages = needs_ocr
    return extraction
