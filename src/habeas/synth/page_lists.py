"""Synthetic lists as they arrive: a table printed to PDF, and the same pages scanned.

The rows come from the generator's name pools (:mod:`habeas.synth.flat_list`), so no row
is a real person. :func:`render_pdf` prints them with WeasyPrint (a header row repeated
on every page, a title, and "Página N de M" footers: the things an import must skip);
:func:`scan` rasterises the PDF with pdftoppm and makes it look scanned with Pillow (a
slight rotation, speckle noise, a grey cast), as an image-only PDF or as images.
The generating rows are the ground truth the tests and the benchmark measure against.
"""

from __future__ import annotations

import csv
import html
import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from habeas.synth.flat_list import write_flat_list

HEADERS = ["ID", "Nombres", "Apellidos", "Fecha de nacimiento", "A#", "Nacionalidad"]
_FROM_FLAT = {"Nombres": "Nombres", "Apellidos": "Apellidos", "A#": "A#"}


def synthetic_rows(count: int, seed: int = 1) -> list[list[str]]:
    """``count`` rows under :data:`HEADERS` (fictional people)."""
    with tempfile.TemporaryDirectory(prefix="habeas-synth-") as tmp:
        path = write_flat_list(Path(tmp) / "list.csv", count, seed=seed, cedula=False)
        with path.open(encoding="utf-8", newline="") as handle:
            flat = list(csv.DictReader(handle))
    rng = random.Random(seed)
    out: list[list[str]] = []
    for i, row in enumerate(flat, start=1):
        out.append(
            [
                str(100 + i),
                row["Nombres"],
                row["Apellidos"],
                row["Fecha de nacimiento"],
                row["A#"],
                rng.choice(["Venezolana", "Salvadoreña", "Venezolana"]),
            ]
        )
    return out


def render_pdf(
    path: Path, headers: list[str], rows: list[list[str]], *, title: str = "Lista de traslados"
) -> Path:
    """Print the rows as a table over as many pages as they need."""
    from weasyprint import HTML

    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    document = f"""<html><head><style>
      @page {{ size: A4; margin: 18mm 14mm;
               @bottom-center {{ content: "Página " counter(page) " de " counter(pages);
                                 font: 9pt sans-serif; }} }}
      body {{ font: 11pt "DejaVu Sans", sans-serif; }}
      table {{ border-collapse: collapse; width: 100%; }}
      th, td {{ border: 0.6pt solid #444; padding: 4pt 6pt; text-align: left; }}
      th {{ font-weight: bold; }}
      thead {{ display: table-header-group; }}
      tr {{ page-break-inside: avoid; }}
    </style></head><body><h3>{html.escape(title)}</h3>
    <table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"""
    HTML(string=document).write_pdf(path)
    return path


def scan(
    pdf: Path,
    out: Path,
    *,
    dpi: int = 300,
    angle: float = 0.6,
    noise: float = 0.004,
    seed: int = 1,
) -> list[Path]:
    """The PDF's pages as a scanner would give them: ``out`` is an image-only PDF (.pdf) or
    one image per page (``out`` as a pattern: ``scan.png`` → ``scan-1.png``, …)."""
    images = _pages(pdf, dpi)
    rng = random.Random(seed)
    turns = [angle * (1 if i % 2 == 0 else -0.7) for i in range(len(images))]
    scanned = [_age(im, turn, noise, rng) for im, turn in zip(images, turns, strict=True)]
    if out.suffix.lower() == ".pdf":
        scanned[0].save(out, save_all=True, append_images=scanned[1:], resolution=dpi)
        return [out]
    paths: list[Path] = []
    for i, image in enumerate(scanned, start=1):
        target = out.with_name(f"{out.stem}-{i}{out.suffix}")
        image.save(target, dpi=(dpi, dpi))
        paths.append(target)
    return paths


def _pages(pdf: Path, dpi: int) -> list[Any]:
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="habeas-scan-") as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(Path(tmp) / "p")],
            check=True,
            capture_output=True,
        )
        out = []
        for png in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            with Image.open(png) as image:
                out.append(image.copy())
    return out


def _age(image: Any, angle: float, noise: float, rng: random.Random) -> Any:
    from PIL import Image

    turned = image.convert("L").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255
    )
    pixels = turned.load()
    width, height = turned.size
    for _ in range(int(width * height * noise)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((0, 90, 255))
    return turned.point(lambda v: 235 if v > 235 else v)
