"""Keep where each imported record stands on the pages of its file (a PDF or a scan).

Called inside the import's transaction once its records are written: each record of a
list read off pages gets its page, row and box (:class:`RecordPageRow`) and each of its
cells its box, OCR confidence, flags and any correction (:class:`RecordPageCell`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from habeas.ingest.page_cells import Box, Extraction
from habeas.store.bulk import bulk_insert
from habeas.store.schema import Record
from habeas.store.schema_pages import RecordPageCell, RecordPageRow


def _box(box: Box | None) -> dict[str, float | None]:
    if box is None:
        return {"x0": None, "y0": None, "x1": None, "y1": None}
    return {"x0": box.x0, "y0": box.y0, "x1": box.x1, "y1": box.y1}


def write_places(session: Any, import_id: int, extraction: Extraction) -> int:
    """The places of the import's records; returns how many records got one."""
    ids = dict(
        session.execute(
            select(Record.row_number, Record.id).where(
                Record.import_id == import_id, Record.sheet.is_(None)
            )
        ).all()
    )
    ocr = set(extraction.ocr_pages)
    rows: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for row in extraction.rows:
        record_id = ids.get(row.number)
        if record_id is None:
            continue  # a row the import did not make a record of (e.g. an empty row)
        read_by = "ocr" if row.page in ocr else "text_layer"
        rows.append(
            {"record_id": record_id, "page": row.page, "line": row.line, "read_by": read_by}
            | _box(row.box)
        )
        for header, cell in zip(extraction.headers, row.cells, strict=False):
            cells.append(
                {
                    "record_id": record_id,
                    "header": header,
                    **_box(cell.box),
                    "confidence": cell.confidence,
                    "flags": ",".join(cell.flags) or None,
                    "machine_text": cell.machine,
                    "confirmed": cell.confirmed,
                }
            )
    conn = session.connection()
    bulk_insert(conn, RecordPageRow.__table__, rows)
    bulk_insert(conn, RecordPageCell.__table__, cells)
    return len(rows)
