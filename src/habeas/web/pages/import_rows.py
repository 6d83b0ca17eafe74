"""The check step for lists read off pages (PDFs and scans): every row beside its place.

1. ``GET /sources/import/{upload_id}/rows`` — every row read, each beside the image of its
   place on the page, its cells flagged where OCR was unsure or a check failed; each cell
   can be corrected, and a flagged cell confirmed as read.
2. ``GET /sources/import/{upload_id}/rows/{row}/image`` — the image of the row's place on
   its page (PNG), cut from the staged file: only for the uploader (or an admin), like
   the upload itself.
3. ``POST /sources/import/{upload_id}/rows`` — keep the corrections and confirmations with
   the upload's options (fields ``cell:ROW:INDEX`` and ``confirm:ROW:INDEX``); the
   import then imports the corrected text and keeps the machine reading beside it.

Nothing is written to the register until the import (``/sources/import/{id}/confirm``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.responses import Response

from habeas.errors import NotFound, UsageError
from habeas.ingest.cell_checks import Corrections
from habeas.ingest.page_cells import Extraction, PageCell, skipped_summary
from habeas.ingest.page_lists import is_document, read_document, read_extraction
from habeas.web.context import Context
from habeas.web.import_problems import SKIP_REASONS, flag_labels
from habeas.web.sources import staged_upload
from habeas.web.uploads import Uploads
from habeas.web.views import action, page

#: Rows shown on one page of the check step; longer lists are paged (``?page=N``).
ROWS_SHOWN = 500


@contextmanager
def _pages(uploads: Uploads, upload_id: str, meta: dict[str, Any]) -> Iterator[Path]:
    """The staged file, when it has pages (a PDF or a scan); a list has none: 404."""
    with uploads.opened(upload_id, meta) as path:
        if not is_document(path):
            raise NotFound("This upload is a list, not a PDF or a scan: it has no pages to check.")
        yield path


def _to_check(cell: PageCell) -> bool:
    """A flagged cell nobody has corrected or confirmed yet."""
    return bool(cell.flags) and cell.machine is None and not cell.confirmed


def _rows(extraction: Extraction, ctx: Context, page: int) -> list[dict[str, Any]]:
    out = []
    for row in extraction.rows[(page - 1) * ROWS_SHOWN : page * ROWS_SHOWN]:
        cells = []
        for index, (header, cell) in enumerate(zip(extraction.headers, row.cells, strict=False)):
            cells.append(
                {
                    "index": index,
                    "header": header,
                    "text": cell.text,
                    "machine": cell.machine,
                    "confirmed": cell.confirmed,
                    "flags": list(cell.flags),
                    "flag_text": flag_labels(cell.flags, ctx._),
                    "confidence": cell.confidence,
                    "to_check": _to_check(cell),
                }
            )
        out.append(
            {
                "row": row.number,
                "page": row.page,
                "line": row.line,
                "image": f"/sources/import/{{id}}/rows/{row.number}/image",
                "cells": cells,
                "to_check": any(c["to_check"] for c in cells),
            }
        )
    return out


@page(
    "/sources/import/{upload_id}/rows",
    permission="import",
    template="import_rows.html",
    name="import_rows",
)
def rows(ctx: Context, upload_id: str, page: int = 1) -> dict[str, Any]:
    """Every row read off the pages, beside its place, with its flags and corrections.

    ``ROWS_SHOWN`` rows a page; the count of cells left to check covers every row."""
    uploads, meta, options = staged_upload(ctx, upload_id)
    with _pages(uploads, upload_id, meta) as path:
        extraction, problems = read_document(path, options.corrections)
    pages = max(1, -(-len(extraction.rows) // ROWS_SHOWN))
    if not 1 <= page <= pages:
        raise UsageError(
            ctx._("There is no page %(page)s (pages 1 to %(pages)s).", page=page, pages=pages)
        )
    listed = _rows(extraction, ctx, page)
    for r in listed:
        r["image"] = r["image"].replace("{id}", upload_id)
    unplaced = [p.message for p in problems if p.code is None and p.severity == "error"]
    return {
        "upload_id": upload_id,
        "file": extraction.file,
        "method": extraction.method,
        "pages": extraction.pages,
        "headers": extraction.headers,
        "rows": listed,
        "rows_total": len(extraction.rows),
        "page": page,
        "row_pages": pages,
        "to_check": sum(1 for r in extraction.rows for c in r.cells if _to_check(c)),
        "skipped": [
            {
                "code": k,
                "reason": ctx._(SKIP_REASONS.get(k, k)),
                "n": n,
                "pages": pages,
                "example": ex,
            }
            for k, (n, pages, ex) in skipped_summary(extraction.skipped).items()
        ],
        "unplaced": unplaced,
    }


@page(
    "/sources/import/{upload_id}/rows/{row}/image",
    permission="import",
    name="import_row_image",
    json=False,
)
def row_image(ctx: Context, upload_id: str, row: int) -> Response:
    """The image of the row's place on its page (PNG), from the staged file."""
    from habeas.ingest.page_images import crop_png

    uploads, meta, _options = staged_upload(ctx, upload_id)
    with _pages(uploads, upload_id, meta) as path:
        extraction = read_extraction(path)
        place = extraction.row(row)
        if place is None or place.box is None:
            raise NotFound(f"The list read off this file has no row {row}.")
        content = crop_png(path, place.page, place.box)
    return Response(content, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@action(
    "/sources/import/{upload_id}/rows",
    permission="import",
    name="import_rows_correct",
    redirect="/sources/import/{upload_id}/rows",
)
def correct(ctx: Context, upload_id: str) -> dict[str, Any]:
    """Keep the corrected cells (``cell:ROW:INDEX``) and confirmed ones (``confirm:ROW:INDEX``).

    The form holds one page of rows: what was kept for the rows of other pages stays."""
    uploads, meta, options = staged_upload(ctx, upload_id)
    with _pages(uploads, upload_id, meta) as path:
        machine = read_extraction(path)
    submitted = {
        int(where.partition(":")[0])
        for key in ctx.form
        for kind, _sep, where in [key.partition(":")]
        if kind == "cell" and where.partition(":")[0].isdigit()
    }
    kept = options.corrections or Corrections()
    corrections = Corrections(
        values={k: v for k, v in kept.values.items() if k[0] not in submitted},
        confirmed={k for k in kept.confirmed if k[0] not in submitted},
    )
    for key, value in ctx.form.items():
        kind, _sep, where = key.partition(":")
        if kind not in ("cell", "confirm"):
            continue
        row_text, _sep, index_text = where.partition(":")
        if not row_text.isdigit() or not index_text.isdigit():
            raise UsageError(ctx._("A corrected cell names no row and column."))
        row = machine.row(int(row_text))
        index = int(index_text)
        if row is None or index >= len(machine.headers):
            raise UsageError(ctx._("A corrected cell names no row and column."))
        header = machine.headers[index]
        if kind == "cell":
            text = " ".join(str(value).split())
            if text != row.cells[index].text:
                corrections.values[(row.number, header)] = text
        elif str(value) in ("1", "on", "true"):
            corrections.confirmed.add((row.number, header))
    options.corrections = corrections or None
    uploads.set_options(upload_id, meta, options)
    ctx.flash(
        ctx._(
            "%(n)s correction(s) and %(m)s confirmation(s) kept; nothing is imported yet.",
            n=len(corrections.values),
            m=len(corrections.confirmed),
        ),
        "ok",
    )
    return {
        "upload_id": upload_id,
        "corrections": len(corrections.values),
        "confirmations": len(corrections.confirmed),
        "redirect": _back_to(upload_id, machine, submitted),
    }


def _back_to(upload_id: str, machine: Extraction, submitted: set[int]) -> str:
    """The check page the form was on: the page of its first row (the form holds one page)."""
    numbers = [r.number for r in machine.rows]
    first = min(submitted, default=None)
    if first is None or first not in numbers:
        return f"/sources/import/{upload_id}/rows"
    page = numbers.index(first) // ROWS_SHOWN + 1
    return f"/sources/import/{upload_id}/rows" + (f"?page={page}" if page > 1 else "")
