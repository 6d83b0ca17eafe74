"""Export records, persons, links, events and legal facts as CSV, JSON or XLSX.

Every export row carries the record → person link, so a spreadsheet user can
always see which rows habeas considers the same person.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from habeas.errors import UsageError
from habeas.store import queries
from habeas.store.db import Store

TABLES: dict[str, Callable[[Store], Iterator[dict[str, Any]]]] = {
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


def export(store: Store, what: str, path: Path, fmt: str | None = None) -> int:
    """Write ``what`` to ``path``; the format comes from ``fmt`` or the file suffix."""
    if what not in TABLES:
        raise UsageError(f"Cannot export {what!r}; choose one of {', '.join(TABLES)}.")
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise UsageError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    rows = [{k: _cell(v) for k, v in row.items()} for row in TABLES[what](store)]
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    if fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt == "csv":
        # UTF-8 with a byte-order mark, so spreadsheet programs show accents correctly.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(what)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
        workbook.save(path)
    return len(rows)
