"""Writing generated lists to real files: CSV, XLSX, JSON, JSON Lines.

Output is byte-for-byte deterministic: XLSX archives are rewritten with fixed
entry timestamps and fixed document-property dates (openpyxl stamps the
current time into both).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Cell = str | int | None
_FIXED_ZIP_TIME = (2025, 7, 18, 0, 0, 0)
_FIXED_PROP_TIME = "2025-07-18T00:00:00Z"


@dataclass
class ListFile:
    """One generated list: its rows, the person behind each row, and its source entry."""

    stem: str
    fmt: str  # "csv", "xlsx", "json" or "jsonl"
    headers: list[str]
    rows: list[list[Cell]]
    person_keys: list[str]
    source: dict[str, Any]  # case.json source entry, without "file"/"sheet"
    delimiter: str = ","
    encoding: str = "utf-8"
    sheet: str | None = None
    record_id_header: str = "No."
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.source["title"])

    def record_ids(self) -> list[str]:
        col = self.headers.index(self.record_id_header)
        return [str(row[col]) for row in self.rows]


def write_list(lst: ListFile, lists_dir: Path, mix: bool) -> dict[str, Any]:
    """Write ``lst`` into ``lists_dir``; return its case.json source entry."""
    fmt = lst.fmt if mix else "csv"
    path = lists_dir / f"{lst.stem}.{fmt}"
    if fmt == "csv":
        _write_csv(path, lst)
    elif fmt == "xlsx":
        _write_xlsx(path, lst)
    elif fmt == "json":
        objs = [_as_object(lst.headers, row) for row in lst.rows]
        path.write_text(json.dumps(objs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for row in lst.rows:
                fh.write(json.dumps(_as_object(lst.headers, row), ensure_ascii=False) + "\n")
    else:  # pragma: no cover - programming error
        raise ValueError(f"unknown list format {fmt!r}")
    entry: dict[str, Any] = {"file": f"lists/{path.name}"}
    entry.update(lst.source)
    entry["sheet"] = lst.sheet if fmt == "xlsx" else None
    return entry


def _as_object(headers: list[str], row: list[Cell]) -> dict[str, Cell]:
    return {h: (None if v == "" else v) for h, v in zip(headers, row, strict=True)}


def _write_csv(path: Path, lst: ListFile) -> None:
    with path.open("w", encoding=lst.encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=lst.delimiter, lineterminator="\r\n")
        writer.writerow(lst.headers)
        writer.writerows(["" if v is None else v for v in row] for row in lst.rows)


def _write_xlsx(path: Path, lst: ListFile) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=lst.sheet or "Sheet1")
    ws.append(lst.headers)
    for row in lst.rows:
        ws.append([None if v == "" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_deterministic_zip(buf.getvalue()))


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an XLSX archive with fixed timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rf"\g<1>{_FIXED_PROP_TIME}\g<2>",
                    text,
                )
                content = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)
    return out.getvalue()


def write_csv_table(path: Path, headers: list[str], rows: list[list[Cell]]) -> None:
    """A plain UTF-8 CSV (ground-truth files)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
