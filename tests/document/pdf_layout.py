"""Where text lands on a PDF page (pypdf): for tests that a table fits the page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

#: The right margin of the reports' pages (base.html: ``@page { margin: ... 18mm ... }``).
RIGHT_MARGIN_PT = 18 / 25.4 * 72


@dataclass(frozen=True)
class Placed:
    page: int
    x: float  # where the text starts, in points from the page's left edge
    text: str


def placed_text(path: Path) -> tuple[list[Placed], float]:
    """Every text fragment of the PDF with its start x, and the page width (points)."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    out: list[Placed] = []
    width = 0.0
    for number, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)

        def visit(text: str, cm: list[float], tm: list[float], *_: object, n: int = number) -> None:
            if text.strip():
                out.append(Placed(n, cm[0] * tm[4] + cm[2] * tm[5] + cm[4], text.strip()))

        page.extract_text(visitor_text=visit)
    return out, width


def beyond_right_margin(path: Path) -> list[Placed]:
    """Fragments that start right of the text area (cut off, or printed in the margin)."""
    placed, width = placed_text(path)
    return [p for p in placed if p.x > width - RIGHT_MARGIN_PT]
