"""``habeas import`` for PDFs and scans: corrections from the command line, the check step's
list of every row read (page, row, flags), and how to install OCR when it is missing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.table import Table

from habeas.cli.common import console
from habeas.cli.lang import _
from habeas.errors import UsageError
from habeas.ingest.cell_checks import Corrections
from habeas.ingest.ocr import INSTALL_HINT, OcrUnavailable
from habeas.ingest.page_lists import read_document


def read_corrections(
    corrections: list[str], confirmations: list[str], path: Path | None
) -> Corrections | None:
    """--correct, --confirm and --corrections FILE (row,column,text; empty text confirms)."""
    out = Corrections.parse(corrections, confirmations)
    if path is not None:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, line in enumerate(csv.reader(handle), start=1):
                if not line or (number == 1 and line[0].strip().lower() in ("row", "fila")):
                    continue
                if len(line) < 2 or not line[0].strip().isdigit():
                    raise UsageError(
                        _(
                            "{file}, line {n}: expected row,column,text (e.g. 12,Apellidos,Pérez)"
                        ).format(file=path.name, n=number)
                    )
                where = (int(line[0]), line[1].strip())
                text = line[2].strip() if len(line) > 2 else ""
                if text:
                    out.values[where] = text
                else:
                    out.confirmed.add(where)
    return out or None


@contextmanager
def ocr_hint() -> Iterator[None]:
    """Turn a missing OCR tool into an error that says how to install it."""
    try:
        yield
    except OcrUnavailable as exc:
        raise UsageError(
            _(
                "{missing} is needed to read scanned pages and is not installed. "
                "Install it with: {command}"
            ).format(missing=exc.missing, command=INSTALL_HINT)
        ) from exc


def _flag_label(flag: str) -> str:
    return {
        "low_confidence": _("unsure"),
        "not_a_date": _("not a date"),
        "odd_identifier": _("odd identifier"),
        "odd_name": _("odd name"),
    }.get(flag, flag)


def show_page_rows(path: Path, corrections: Corrections | None) -> None:
    """Every row read off the pages, with its page and its cells' flags: nothing read by
    OCR goes in unseen."""
    extraction, _problems = read_document(path, corrections)
    table = Table(
        title=_("{file}: {rows} rows read from {pages} page(s) ({method})").format(
            file=path.name,
            rows=len(extraction.rows),
            pages=extraction.pages,
            method=_("text layer") if extraction.method == "text_layer" else _("OCR"),
        )
    )
    table.add_column(_("row"))
    table.add_column(_("page"))
    for header in extraction.headers:
        table.add_column(header, overflow="fold")
    for row in extraction.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.replace("[", r"\[")
            if cell.machine is not None:
                text += (
                    " [green]("
                    + _("corrected; read {text!r}").format(text=cell.machine.replace("[", r"\["))
                    + ")[/]"
                )
            elif cell.confirmed:
                text += " [green](" + _("confirmed") + ")[/]"
            elif cell.flags:
                labels = ", ".join(_flag_label(f) for f in cell.flags)
                text = f"[bold red]{text or '∅'}[/] [red]({labels})[/]"
            cells.append(text)
        table.add_row(str(row.number), str(row.page), *cells)
    console.print(table)
    flagged = sum(
        1
        for r in extraction.rows
        for c in r.cells
        if c.flags and c.machine is None and not c.confirmed
    )
    if flagged:
        console.print(
            _(
                "{n} cell(s) to check against the page: correct one with --correct "
                '"ROW:COLUMN=TEXT" or keep its reading with --confirm "ROW:COLUMN".'
            ).format(n=flagged)
        )
