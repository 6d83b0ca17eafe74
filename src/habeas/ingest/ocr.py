"""Scanned pages read with Tesseract (Spanish; English on request): words, their boxes and
confidences, grouped into table rows and cells.

A page is straightened first (a scan is rarely square: the angle that makes the rows of
ink sharpest, within ±3°), then Tesseract's TSV output gives every word with its box and
confidence. Words are grouped into lines by their height on the page, and a line into
phrases where the gap between words is wider than a letter's height. The header line is
the first whose phrases name known columns (Nombres, Fecha de nacimiento, A#…); its
phrases' left edges are the columns' left edges (lists are left-aligned), kept for the
following pages when they do not repeat the header. A cell's confidence is its least
sure word's. Boxes are mapped back to the page as scanned, as fractions of its size.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from habeas.errors import HabeasError
from habeas.ingest.page_cells import Box, PageCell, PageRows

#: Tesseract's languages. Spanish alone reads these lists best, English ones included (their
#: names are Spanish; their headers, NAME or DOB, are Latin letters): on the synthetic
#: 100-row scan (benchmarks/import_pdf.py) "spa" read 98.5 % of name cells exactly and
#: dropped no accent, "spa+eng" 94.0 % with nine accents dropped unflagged (Ángel → Angel).
#: HABEAS_OCR_LANGUAGES overrides it (e.g. "spa+eng", or "eng" for an English document).
DEFAULT_LANGUAGES = "spa"


def languages() -> str:
    import os

    return os.environ.get("HABEAS_OCR_LANGUAGES", "").strip() or DEFAULT_LANGUAGES


DPI = 300
INSTALL_HINT = "sudo apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng"


class OcrUnavailable(HabeasError):
    """Tesseract (or a language of it, or pdftoppm) is not installed."""

    def __init__(self, missing: str) -> None:
        self.missing = missing
        super().__init__(f"{missing} is needed to read scanned pages and is not installed")

    def __str__(self) -> str:
        return f"{self.missing} is needed to read scanned pages and is not installed"


def require_tesseract() -> None:
    if shutil.which("tesseract") is None:
        raise OcrUnavailable("Tesseract OCR (tesseract-ocr)")
    import pytesseract

    have = set(pytesseract.get_languages(config=""))
    for lang in languages().split("+"):
        if lang not in have:
            raise OcrUnavailable(f"Tesseract's language data {lang!r} (tesseract-ocr-{lang})")


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float  # 0–1

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def skew_angle(image: Any) -> float:
    """The rotation (degrees) that makes the page's rows of ink sharpest."""
    import numpy as np
    from PIL import Image

    small = image.convert("L")
    scale = 800 / max(small.size)
    small = small.resize((int(small.width * scale), int(small.height * scale)))
    best, best_score = 0.0, -1.0
    for tenth in range(-30, 31, 2):
        angle = tenth / 10
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        ink = np.asarray(turned) < 128
        profile = ink.sum(axis=1).astype(float)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best


#: Ink runs at least this long (a fraction of the page's width) are ruling lines, not text.
RULE_RUN = 0.04


def _runs(ink: Any, length: int) -> Any:
    """The pixels of ``ink`` (bool array) inside a horizontal run of at least ``length``."""
    import numpy as np

    height, width = ink.shape
    if width <= length:
        return np.zeros_like(ink)
    total = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(ink, axis=1, out=total[:, 1:])
    full = (total[:, length:] - total[:, :-length]) == length  # a run starts at column j
    starts = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(np.pad(full, ((0, 0), (0, length - 1))), axis=1, out=starts[:, 1:])
    # pixel x is covered when a run starts in [x - length + 1, x]
    upto = starts[:, 1:]
    before = np.zeros_like(upto)
    before[:, length:] = starts[:, 1 : width + 1 - length]
    return (upto - before) > 0


def _positions(mask: Any, axis: int, least: int) -> list[float]:
    """Where ruling lines run: the middles of the stretches of rows (axis 1) or columns
    (axis 0) with at least ``least`` line pixels."""
    counts = mask.sum(axis=axis)
    out: list[float] = []
    start = None
    for i, count in enumerate([*counts.tolist(), 0]):
        if count >= least and start is None:
            start = i
        elif count < least and start is not None:
            out.append((start + i - 1) / 2)
            start = None
    return out


@dataclass
class Page:
    """A straightened, cleaned page, its ruling lines, and the angle it was turned by."""

    image: Any
    angle: float
    rows_at: list[float]  # y of horizontal rules (pixels)
    columns_at: list[float]  # x of vertical rules (pixels)


def prepare(image: Any) -> Page:
    """Straighten the page, find its ruling lines, then wipe them and the speckles."""
    import numpy as np
    from PIL import Image, ImageFilter

    gray = image.convert("L")
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    gray = gray.filter(ImageFilter.MedianFilter(3))
    pixels = np.asarray(gray).copy()
    ink = pixels < 160
    length = max(20, int(gray.width * RULE_RUN))
    across = _runs(ink, length)
    down = _runs(ink.T, length).T
    rows_at = _positions(across, 1, gray.width // 4)
    columns_at = _positions(down, 0, length * 3)
    pixels[across | down] = 255
    return Page(Image.fromarray(pixels), angle, rows_at, columns_at)


def page_words(page: Page) -> list[Word]:
    """The page's words. A ruled table is read column by column (a narrow strip of one
    column keeps a cell's wrapped lines apart from its neighbours'), and the text above
    and below it on its own; an unruled page is read whole."""
    rows, columns = page.rows_at, page.columns_at
    if len(rows) < 3 or len(columns) < 3:
        return read_words(page.image)
    width, height = page.image.size
    top, bottom = int(rows[0]), int(rows[-1])
    parts = [(0, 0, width, max(top - 2, 1)), (0, min(bottom + 2, height - 1), width, height)]
    parts += [
        (int(columns[i]) + 3, top, int(columns[i + 1]) - 3, bottom) for i in range(len(columns) - 1)
    ]
    words: list[Word] = []
    for x0, y0, x1, y1 in parts:
        if x1 - x0 < 10 or y1 - y0 < 10:
            continue
        for w in read_words(page.image.crop((x0, y0, x1, y1))):
            words.append(Word(w.text, w.x0 + x0, w.y0 + y0, w.x1 + x0, w.y1 + y0, w.conf))
    return words


def read_words(image: Any) -> list[Word]:
    """Tesseract's words on a prepared page, with their boxes (pixels) and confidences."""
    import os

    import pytesseract

    require_tesseract()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one page, one core: the machine is shared
    data = pytesseract.image_to_data(
        image, lang=languages(), config="--psm 6", output_type=pytesseract.Output.DICT
    )
    words: list[Word] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0 or set(text) <= set("|_—-–[]"):
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        width, height = float(data["width"][i]), float(data["height"][i])
        words.append(Word(text, left, top, left + width, top + height, conf / 100))
    return words


def _lines(words: list[Word]) -> list[list[Word]]:
    if not words:
        return []
    tall = sorted(w.height for w in words)[len(words) // 2]
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        middle = (word.y0 + word.y1) / 2
        if lines:
            last = lines[-1]
            last_middle = sum((w.y0 + w.y1) / 2 for w in last) / len(last)
            if abs(middle - last_middle) < tall * 0.6:
                last.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _phrases(line: list[Word], gap: float) -> list[list[Word]]:
    out: list[list[Word]] = []
    for word in line:
        if out and word.x0 - out[-1][-1].x1 < gap:
            out[-1].append(word)
        else:
            out.append([word])
    return out


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _is_header(texts: list[str]) -> bool:
    from habeas.ingest.fields import guess_field

    filled = [t for t in texts if t]
    known = sum(1 for t in filled if guess_field(t) is not None)
    return len(filled) >= 2 and known >= max(2, len(filled) // 2)


Band = tuple[list[Word], float, float]  # a row's words, its top and bottom (pixels)


class PageReader:
    """Reads pages one after another, keeping the columns for pages without a header.

    Rows are the bands between horizontal ruling lines when the table has them (a cell
    may then hold several lines of text), else the lines of text; columns are the spans
    between vertical ruling lines when there are any, else they start at the header's
    phrases (lists are left-aligned).
    """

    def __init__(self) -> None:
        self.columns: list[tuple[float, float]] | None = None  # spans, fractions of the width

    def read(self, number: int, image: Any) -> PageRows:
        page = prepare(image)
        words = page_words(page)
        width, height = image.size
        unturn = _Unturn(page.angle, width, height)
        if not words:
            return number, [], []
        tall = sorted(w.height for w in words)[len(words) // 2]
        rows: list[list[PageCell]] = []
        outside: list[tuple[str, str]] = []
        for band, top, bottom in _bands(page, words):
            if not band:
                continue
            columns = self._columns(page, band, tall, width)
            cells = _cells(band, columns, top, bottom, width, unturn)
            texts = [c.text for c in cells]
            if _is_header(texts):
                seen = self.columns is not None
                self.columns = columns
                if seen:  # the header repeated on a later page
                    outside.append(("repeated_header", " | ".join(texts)))
                else:
                    rows.append(cells)
                continue
            if self.columns is None or sum(1 for t in texts if t) < 2:
                outside.extend(("page_text", _text(line)) for line in _lines(band))
                continue
            rows.append(cells)
        return number, rows, outside

    def _columns(
        self, page: Page, band: list[Word], tall: float, width: int
    ) -> list[tuple[float, float]]:
        """Column spans for this band: the ruling lines', the known ones, or the band's own
        phrases (a header candidate)."""
        if len(page.columns_at) >= 3:
            edges = page.columns_at
            return [(edges[i] / width, edges[i + 1] / width) for i in range(len(edges) - 1)]
        if self.columns is not None and not _is_header(
            [_text(p) for p in _phrases(sorted(band, key=lambda w: w.x0), tall)]
        ):
            return self.columns
        starts = [p[0].x0 / width for p in _phrases(sorted(band, key=lambda w: w.x0), tall)]
        return [
            (s - 0.01, (starts[i + 1] - 0.01) if i + 1 < len(starts) else 1.0)
            for i, s in enumerate(starts)
        ]


def _bands(page: Page, words: list[Word]) -> list[Band]:
    """The page's rows in reading order; lines of words outside the ruled rows are bands of
    their own (reported as page text unless they look like rows)."""
    if len(page.rows_at) < 3:
        return [(line, min(w.y0 for w in line), max(w.y1 for w in line)) for line in _lines(words)]
    edges = page.rows_at
    bands: list[Band] = [([], edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    above: list[Word] = []
    below: list[Word] = []
    for word in words:
        middle = (word.y0 + word.y1) / 2
        if middle < edges[0]:
            above.append(word)
        elif middle > edges[-1]:
            below.append(word)
        else:
            index = max(i for i, e in enumerate(edges[:-1]) if e <= middle)
            bands[index][0].append(word)
    out: list[Band] = [(line, line[0].y0, line[0].y1) for line in _lines(above)]
    out += bands
    out += [(line, line[0].y0, line[0].y1) for line in _lines(below)]
    return out


def _cells(
    band: list[Word],
    columns: list[tuple[float, float]],
    top: float,
    bottom: float,
    width: int,
    unturn: _Unturn,
) -> list[PageCell]:
    """The band's words put in the columns (by their middle, else by their left edge)."""
    grouped: list[list[Word]] = [[] for _ in columns]
    for word in band:
        middle = (word.x0 + word.x1) / 2 / width
        inside = [i for i, (a, b) in enumerate(columns) if a <= middle < b]
        if not inside:
            x = word.x0 / width
            inside = [max((i for i, (a, _) in enumerate(columns) if a <= x), default=0)]
        grouped[inside[0]].append(word)
    cells: list[PageCell] = []
    for (left, right), words in zip(columns, grouped, strict=True):
        if words:
            ordered = [w for line in _lines(words) for w in line]
            box = unturn.box(
                min(w.x0 for w in words),
                min(w.y0 for w in words),
                max(w.x1 for w in words),
                max(w.y1 for w in words),
            )
            cells.append(PageCell(_text(ordered), box, round(min(w.conf for w in words), 3)))
        else:
            cells.append(PageCell("", unturn.box(left * width, top, right * width, bottom)))
    return cells


class _Unturn:
    """Maps a box on the straightened page back to the page as scanned (fractions)."""

    def __init__(self, angle: float, width: int, height: int) -> None:
        self.angle, self.width, self.height = math.radians(angle), width, height

    def box(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        cx, cy = self.width / 2, self.height / 2
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            # PIL turns counter-clockwise by ``angle``; turn the point back clockwise.
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * cos - dy * sin)
            ys.append(cy + dx * sin + dy * cos)
        clamp = lambda v: min(max(v, 0.0), 1.0)  # noqa: E731
        return Box(
            clamp(min(xs) / self.width),
            clamp(min(ys) / self.height),
            clamp(max(xs) / self.width),
            clamp(max(ys) / self.height),
        )


def render_page(path: Path, number: int, dpi: int = DPI) -> Any:
    """Page ``number`` of a PDF as a greyscale image (pdftoppm)."""
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        raise OcrUnavailable("pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="habeas-page-") as tmp:
        stem = Path(tmp) / f"p{number}"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile"]
            + ["-f", str(number), "-l", str(number), str(path), str(stem)],
            check=True,
            capture_output=True,
        )
        with Image.open(stem.with_suffix(".png")) as image:
            return image.copy()


def rasterise(path: Path, pages: list[int], dpi: int = DPI) -> dict[int, Any]:
    """PDF pages as images (pdftoppm), by page number."""
    return {number: render_page(path, number, dpi) for number in pages}


def ocr_pdf_pages(path: Path, pages: list[int]) -> dict[int, PageRows]:
    require_tesseract()
    reader = PageReader()
    images = rasterise(path, pages)
    return {n: reader.read(n, images[n]) for n in pages}


def image_pages(path: Path) -> list[Any]:
    """Every page (frame) of an image file: a TIFF may hold several."""
    from PIL import Image, ImageSequence

    with Image.open(path) as image:
        return [frame.copy() for frame in ImageSequence.Iterator(image)]


def ocr_images(images: list[Any]) -> list[PageRows]:
    require_tesseract()
    reader = PageReader()
    return [reader.read(n, image) for n, image in enumerate(images, start=1)]
