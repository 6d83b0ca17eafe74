"""Benchmark: how well lists are read off PDFs and scans (issue #17).

Builds a synthetic list (fictional people, :mod:`habeas.synth.page_lists`), prints it to
PDF with WeasyPrint (header repeated on each page, title, "Página N de M" footers), and
scans it (pdftoppm at 300 dpi, a slight rotation, speckle noise). Reads both back with
the importer's reader (:func:`habeas.ingest.page_lists.read_document`) and compares every
cell with the generating list.

Targets: text PDFs ≥ 99.9 % of cells exact; 300-dpi scans ≥ 97 % of name cells exact,
and every wrong cell flagged (low confidence, or a date/identifier/name check). A cell
that differs only in accents (Ángel read as Angel) is counted apart: Tesseract is sure
of those, so no flag catches them. A difference of case (Juan read as juan) is an error
like any other, which the name check flags.

    python benchmarks/import_pdf.py [--rows 120] [--scan-rows 50] [--seed 5] [--runs 3]

Prints accuracy, misses, and pages per second (medians of ``--runs`` readings, wall and CPU
seconds, Tesseract's and pdftoppm's CPU included), as text and JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from habeas.domain.text import strip_accents
from habeas.ingest import page_lists
from habeas.ingest.page_cells import Extraction
from habeas.ingest.page_lists import read_extraction
from habeas.synth.page_lists import HEADERS, render_pdf, scan, synthetic_rows

NAME_COLUMNS = ("Nombres", "Apellidos")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract, pdftoppm)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _timed(path: Path) -> tuple[Extraction, float, float]:
    page_lists._READINGS.clear()  # each run reads the file afresh
    wall, cpu = time.perf_counter(), _cpu()
    extraction = read_extraction(path)
    return extraction, time.perf_counter() - wall, _cpu() - cpu


def measure(path: Path, rows: list[list[str]], runs: int) -> dict[str, object]:
    timings = [_timed(path) for _ in range(runs)]
    extraction = timings[0][0]
    wall = statistics.median(t[1] for t in timings)
    cpu = statistics.median(t[2] for t in timings)
    got = extraction.rows
    cells = exact = names = names_exact = accents_only = unflagged = 0
    misses: list[str] = []
    for index, want in enumerate(rows):
        row = got[index] if index < len(got) else None
        for column, truth in zip(HEADERS, want, strict=True):
            cell = row.cells[HEADERS.index(column)] if row else None
            text = cell.text if cell else None
            cells += 1
            is_name = column in NAME_COLUMNS
            names += is_name
            if text == truth:
                exact += 1
                names_exact += is_name
                continue
            if text is not None and strip_accents(text) == strip_accents(truth):
                accents_only += 1
                continue
            if cell is None or not cell.flags:
                unflagged += 1
                misses.append(f"row {index + 1} {column}: read {text!r}, was {truth!r}")
    return {
        "file": path.name,
        "method": extraction.method,
        "pages": extraction.pages,
        "rows_read": len(got),
        "rows_expected": len(rows),
        "cell_accuracy": round(exact / cells, 5),
        "name_cell_accuracy": round(names_exact / names, 5),
        "accent_only_misreads": accents_only,
        "wrong_and_unflagged": unflagged,
        "unflagged_examples": misses[:10],
        "flagged_cells": sum(1 for r in got for c in r.cells if c.flags),
        "runs": runs,
        "wall_s_median": round(wall, 2),
        "cpu_s_median": round(cpu, 2),
        "pages_per_s_wall": round(extraction.pages / wall, 3),
        "pages_per_cpu_s": round(extraction.pages / cpu, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=120, help="rows in the text PDF")
    parser.add_argument("--scan-rows", type=int, default=50, help="rows in the scan")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (medians)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="habeas-bench-pdf-") as tmp:
        folder = Path(tmp)
        rows = synthetic_rows(args.rows, seed=args.seed)
        text = measure(render_pdf(folder / "lista.pdf", HEADERS, rows), rows, args.runs)
        scan_rows = synthetic_rows(args.scan_rows, seed=args.seed + 1)
        printed = render_pdf(folder / "para-escanear.pdf", HEADERS, scan_rows)
        [scanned_pdf] = scan(printed, folder / "escaneo.pdf", dpi=300, seed=args.seed)
        scanned = measure(scanned_pdf, scan_rows, args.runs)
    for label, result in (("text PDF", text), ("300-dpi scan", scanned)):
        print(
            f"{label}: {result['rows_read']}/{result['rows_expected']} rows on "
            f"{result['pages']} page(s); cells exact {result['cell_accuracy']:.3%}, "
            f"name cells exact {result['name_cell_accuracy']:.3%}; "
            f"accent-only misreads {result['accent_only_misreads']}; wrong and unflagged "
            f"{result['wrong_and_unflagged']}; {result['pages_per_s_wall']} pages/s wall, "
            f"{result['pages_per_cpu_s']} pages per CPU second (medians of {result['runs']} "
            f"runs: {result['wall_s_median']} s wall, {result['cpu_s_median']} s CPU)"
        )
        for miss in result["unflagged_examples"]:  # type: ignore[attr-defined]
            print(f"   unflagged: {miss}")
    print(json.dumps({"text_pdf": text, "scan_300dpi": scanned}, ensure_ascii=False))


if __name__ == "__main__":
    main()
