"""Where a record stands on the pages of its file: a list read off a PDF or a scanned page.

The file is the record's import's file (``import_batch.file_sha256``), kept as the
evidence; the row's number in the list is ``record.row_number``. This adds the page, the
row's place in that page's table and its box, and for each cell its box, OCR confidence,
the flags raised on it, and — when a person corrected it before import — the machine
reading beside the corrected text (which is the value in ``record.raw``). Boxes are
fractions of the page (0–1, from the top left), whatever the page's resolution.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base


class RecordPageRow(Base):
    """One record's row on its page."""

    __tablename__ = "record_page_row"

    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), primary_key=True)
    page: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)  # the row's place in the page's table, from 1
    read_by: Mapped[str] = mapped_column(String(16))  # "text_layer" or "ocr"
    x0: Mapped[float | None] = mapped_column(Float)
    y0: Mapped[float | None] = mapped_column(Float)
    x1: Mapped[float | None] = mapped_column(Float)
    y1: Mapped[float | None] = mapped_column(Float)


class RecordPageCell(Base):
    """One cell of a record's row: its place, how sure the reading was, and any correction."""

    __tablename__ = "record_page_cell"

    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), primary_key=True)
    header: Mapped[str] = mapped_column(String(255), primary_key=True)  # the header as read
    x0: Mapped[float | None] = mapped_column(Float)
    y0: Mapped[float | None] = mapped_column(Float)
    x1: Mapped[float | None] = mapped_column(Float)
    y1: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)  # OCR's, 0–1; NULL: text layer
    flags: Mapped[str | None] = mapped_column(String(255))  # comma-separated, as raised
    # What the machine read, when a person corrected the cell before import (NULL: the
    # imported text is the machine's reading); ``confirmed``: a person kept a flagged reading.
    machine_text: Mapped[str | None] = mapped_column(Text)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
