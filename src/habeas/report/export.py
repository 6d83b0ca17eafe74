"""Export records, persons, links, events and legal facts as CSV, JSON or XLSX.

Every export row carries the record → person link, so a spreadsheet user can
always see which rows habeas considers the same person.

With ``reader=`` (faces always pass one) only rows whose record is at a level
the reader may **export** are written (the ``export`` column of
:data:`habeas.access.policy.SENSITIVITY_TABLE`, stricter than viewing for
lawyers); :attr:`ExportResult.withheld` counts the rest, and an export that
contains restricted rows is logged with its purpose (:mod:`habeas.audit`).
The reporters' and witnesses' identities (``record.protected``) are never
exported. CSV and XLSX cells are never formulas (:mod:`habeas.report.spreadsheet`:
in CSV a text beginning with ``= + - @``, a tab, a carriage return or ``'`` gets
one ``'`` in front).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from habeas.access.reader import Reader, Withheld, require_reader_for
from habeas.errors import UsageError
from habeas.filemodes import private_output
from habeas.report.spreadsheet import csv_row, xlsx_cell
from habeas.store import queries
from habeas.store.db import Store

TABLES: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "records": queries.iter_records,
    "persons": queries.iter_persons,
    "links": queries.iter_links,
    "events": queries.iter_events,
    "legal-facts": queries.iter_legal_facts,
}
FORMATS = ("csv", "json", "xlsx")


def _cell(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class ExportResult:
    rows: int
    withheld: Withheld = field(default_factory=Withheld)


def export(
    store: Store, what: str, path: Path, fmt: str | None = None, *, reader: Reader | None = None
) -> ExportResult:
    """Write ``what`` to ``path``; the format comes from ``fmt`` or the file suffix."""
    from habeas.audit.reads import log_read

    if what not in TABLES:
        raise UsageError(f"Cannot export {what!r}; choose one of {', '.join(TABLES)}.")
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise UsageError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    withheld = Withheld()
    shown: Counter[str] = Counter()
    levels = None
    if reader is not None:
        require_reader_for(reader, "export")
        levels = reader.levels("export")
        for level, n in queries.records_by_level(store, what).items():
            if level in levels:
                shown[level] += n
            else:
                withheld.add(what, level, reader.why_not(level, "export") or "level", n)
    rows = [{k: _cell(v) for k, v in row.items()} for row in TABLES[what](store, levels=levels)]
    if reader is not None:  # logged before the file exists: no unlogged export
        log_read(
            store,
            reader,
            "export",
            what,
            action="export",
            shown=shown,
            withheld=withheld,
            detail={"file": path.name, "format": fmt, "rows": len(rows)},
        )
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    private_output(path)  # owner-only (0600) from its first byte; the writers keep the mode
    if fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt == "csv":
        # UTF-8 with a byte-order mark, so spreadsheet programs show accents correctly.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(csv_row(row) for row in rows)
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(what)
        sheet.append([xlsx_cell(sheet, c) for c in columns])
        for row in rows:
            sheet.append([xlsx_cell(sheet, row.get(c)) for c in columns])
        workbook.save(path)
    return ExportResult(len(rows), withheld)
