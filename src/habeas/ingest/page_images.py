"""Images of the places on a page that rows were read from (the check step shows each row
beside its place on the page, so that a person compares the reading with the evidence).

A PDF page is rasterised with pdftoppm; an image file's page is its frame. Boxes are
fractions of the page (:class:`habeas.ingest.page_cells.Box`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from habeas.ingest.ocr import render_page
from habeas.ingest.page_cells import Box

#: Resolution of the pages the crops are cut from: enough to read a name, small to send.
CROP_DPI = 120


def page_image(path: Path, page: int, dpi: int = CROP_DPI) -> Any:
    """Page ``page`` (from 1) of a PDF or an image file, as a Pillow image."""
    from PIL import Image, ImageSequence

    if path.suffix.lower() != ".pdf":
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number == page:
                    return frame.convert("L").copy()
        raise ValueError(f"{path.name} has no page {page}")
    return render_page(path, page, dpi)


def crop_png(path: Path, page: int, box: Box, margin: float = 0.006) -> bytes:
    """The region ``box`` of the page (with a small margin), as PNG bytes."""
    image = page_image(path, page)
    width, height = image.size
    region = (
        max(0, int((box.x0 - margin) * width)),
        max(0, int((box.y0 - margin) * height)),
        min(width, int((box.x1 + margin) * width) + 1),
        min(height, int((box.y1 + margin) * height) + 1),
    )
    out = io.BytesIO()
    image.crop(region).save(out, format="PNG", optimize=True)
    return out.getvalue()
