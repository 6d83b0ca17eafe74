"""Read CSV, XLSX, JSON and JSON Lines (and PDFs and scans) into tables of strings, keeping
row numbers.

Row numbers are what a person sees when they open the file: in CSV and XLSX
the header is row 1 and the first data row is row 2; in JSON and JSON Lines
the first object is row 1 (JSON Lines: the line number). In a PDF or a scanned image the
first row under the header is row 1, whatever its page (:mod:`habeas.ingest.page_lists`).

CSV encodings: UTF-8 (with or without BOM) is tried first, then Windows-1252
(a superset of Latin-1 for printable text, as spreadsheets on Windows write
it). Bytes that are valid in neither are an error that names the byte offset
and line — habeas never guesses silently.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from habeas.ingest.problems import ImportFailed, Problem, file_problem

if TYPE_CHECKING:
    from habeas.ingest.cell_checks import Corrections
    from habeas.ingest.page_cells import Extraction

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
JSON_EXTENSIONS = {".json"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}


@dataclass
class Table:
    """One sheet (or the whole file): headers and rows of cell strings."""

    file: str
    sheet: str | None
    headers: list[str]
    # (row number as the user sees it, cells): a list, or a CSV file's rows read on demand
    rows: list[tuple[int, list[str]]] | CsvRows
    encoding: str | None = None
    delimiter: str | None = None
    # A list read off pages (PDF, scan): every row's page and cells' places, kept on the
    # records (habeas.ingest.cell_places); and what its reading found to report.
    pages: Extraction | None = None
    problems: list[Problem] = field(default_factory=list)


def media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    from habeas.ingest.page_lists import document_media_type, is_document

    if is_document(path):
        return document_media_type(path)
    if suffix in XLSX_EXTENSIONS:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if suffix in JSON_EXTENSIONS:
        return "application/json"
    if suffix in JSONL_EXTENSIONS:
        return "application/x-ndjson"
    if suffix == ".tsv":
        return "text/tab-separated-values"
    return "text/csv"


def read_tables(
    path: Path, sheet: str | None = None, corrections: Corrections | None = None
) -> list[Table]:
    """The file's tables. ``corrections``: a person's corrections of cells read off pages."""
    if not path.exists():
        raise file_problem(path.name, "file not found")
    suffix = path.suffix.lower()
    from habeas.ingest.page_lists import is_document

    if is_document(path):
        if sheet is not None:
            raise file_problem(path.name, "--sheet only applies to XLSX workbooks")
        return [read_page_list(path, corrections)]
    if corrections:
        raise file_problem(
            path.name, "corrections of cells only apply to lists read off pages (PDF, scans)"
        )
    if suffix in XLSX_EXTENSIONS:
        return read_xlsx(path, sheet)
    if sheet is not None:
        raise file_problem(path.name, "--sheet only applies to XLSX workbooks")
    if suffix in JSON_EXTENSIONS:
        return [read_json(path)]
    if suffix in JSONL_EXTENSIONS:
        return [read_jsonl(path)]
    if suffix in CSV_EXTENSIONS:
        return [read_csv(path)]
    raise file_problem(
        path.name,
        (
            f"unsupported file type {suffix or '(none)'}: expected .csv, "
            ".tsv, .xlsx, .json, .jsonl, .pdf, .png, .jpg or .tiff"
        ),
    )


def read_page_list(path: Path, corrections: Corrections | None = None) -> Table:
    """A PDF's or a scan's list: rows numbered from 1 under the header, on any page."""
    from habeas.ingest.page_lists import read_document

    extraction, problems = read_document(path, corrections)
    rows = [(r.number, [c.text for c in r.cells]) for r in extraction.rows]
    return Table(path.name, None, list(extraction.headers), rows, None, None, extraction, problems)


# -- CSV ------------------------------------------------------------------------
def decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_strict(data[3:], "utf-8", name), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise file_problem(
            name,
            (
                f"unknown text encoding: byte {exc.start} is neither UTF-8 nor "
                "Windows-1252/Latin-1. "
                "Re-save the file as UTF-8 (in a spreadsheet: CSV UTF-8)."
            ),
            row=line,
            value=repr(data[exc.start : exc.start + 1]),
        ) from exc


def _decode_strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise file_problem(
            name,
            (f"the file starts with a UTF-8 mark but byte {exc.start + 3} is not valid UTF-8"),
            row=line,
            value=repr(data[exc.start : exc.start + 1]),
        ) from exc


# csv.Sniffer's regular expressions take quadratic time (or worse) on long lines: a
# 140,000-character line of commas kept it busy for minutes. Sniff a bounded sample.
SNIFF_CHARS = 4000


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[: SNIFF_CHARS * 4].splitlines()[:50])
    if len(sample) > SNIFF_CHARS:
        cut = sample.rfind("\n", 0, SNIFF_CHARS)
        sample = sample[:cut] if cut > 0 else sample[:SNIFF_CHARS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


class CsvRows:
    """The data rows of a CSV file, read from disk on every pass (never all held at once).

    A list of a million rows would hold every cell in memory for the whole import; this
    keeps one row at a time. The file was checked when it was opened (encoding, NUL
    bytes, CSV syntax), so a later pass cannot fail on it unless the file changes under
    the import, which the caller guards with the file's SHA-256.
    """

    def __init__(
        self, path: Path, encoding: str, delimiter: str, count: int, stamp: tuple[int, int]
    ) -> None:
        self.path, self.encoding, self.delimiter, self._count = path, encoding, delimiter, count
        self.stamp = stamp  # (size, modification time in ns) when the file was checked

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if _stamp(self.path) != self.stamp:
            raise file_problem(
                self.path.name, "the file changed while it was being imported; import it again"
            )
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)  # the header row
            for cells in reader:
                yield reader.line_num, cells


_CHUNK_BYTES = 1 << 22


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _first_bad_byte(path: Path, encoding: str, skip: int) -> int | None:
    """Offset of the first byte ``encoding`` cannot decode (None: the file decodes)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = skip
    with path.open("rb") as handle:
        handle.seek(skip)
        while True:
            chunk = handle.read(_CHUNK_BYTES)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return offset - pending + exc.start
            if not chunk:
                return None
            offset += len(chunk)


def _line_of(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _byte_at(path: Path, offset: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(1)


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; read in chunks, never whole."""
    with path.open("rb") as handle:
        bom = handle.read(3) == b"\xef\xbb\xbf"
    if bom:
        bad = _first_bad_byte(path, "utf-8", 3)
        if bad is None:
            return "utf-8-sig"
        raise file_problem(
            path.name,
            f"the file starts with a UTF-8 mark but byte {bad} is not valid UTF-8",
            row=_line_of(path, bad),
            value=repr(_byte_at(path, bad)),
        )
    if _first_bad_byte(path, "utf-8", 0) is None:
        return "utf-8"
    bad = _first_bad_byte(path, "cp1252", 0)
    if bad is None:
        return "cp1252"
    raise file_problem(
        path.name,
        (
            f"unknown text encoding: byte {bad} is neither UTF-8 nor "
            "Windows-1252/Latin-1. "
            "Re-save the file as UTF-8 (in a spreadsheet: CSV UTF-8)."
        ),
        row=_line_of(path, bad),
        value=repr(_byte_at(path, bad)),
    )


def _has_nul(path: Path) -> bool:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            if b"\x00" in chunk:
                return True
    return False


def read_csv(path: Path) -> Table:
    """Check the whole file once (encoding, NUL bytes, CSV syntax, row count) and return a
    table whose rows are read again from disk on each pass (:class:`CsvRows`)."""
    stamp = _stamp(path)
    encoding = detect_encoding(path)
    if _has_nul(path):
        raise file_problem(path.name, "the file contains NUL bytes: it is binary, not CSV text")
    with path.open(encoding=encoding, newline="") as handle:
        delimiter = sniff_delimiter(handle.read(SNIFF_CHARS * 4))
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            headers = next(reader)
        except StopIteration:
            raise file_problem(path.name, "the file is empty (no header row)") from None
        except csv.Error as exc:  # e.g. a header cell longer than the csv module's field limit
            raise file_problem(
                path.name, f"malformed CSV header row: {exc}", row=reader.line_num or 1
            ) from exc
        count = 0
        try:
            for _cells in reader:
                count += 1
        except csv.Error as exc:
            raise file_problem(path.name, f"malformed CSV: {exc}", row=reader.line_num) from exc
    rows = CsvRows(path, encoding, delimiter, count, stamp)
    return Table(path.name, None, [h.strip() for h in headers], rows, encoding, delimiter)


# -- JSON -----------------------------------------------------------------------
def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _objects_to_table(name: str, objects: Iterator[tuple[int, object]]) -> Table:
    headers: list[str] = []
    seen: set[str] = set()
    records: list[tuple[int, dict[str, object]]] = []
    for number, obj in objects:
        if not isinstance(obj, dict):
            raise file_problem(
                name,
                "expected an object ({…}) describing one person",
                row=number,
                value=_cell(obj)[:80],
            )
        for key in obj:
            if key not in seen:
                seen.add(key)
                headers.append(str(key))
        records.append((number, obj))
    rows = [(n, [_cell(obj.get(h)) for h in headers]) for n, obj in records]
    return Table(name, None, headers, rows, "utf-8")


def _json_limit(exc: BaseException) -> str:
    """Valid-looking JSON that Python refuses: a number with thousands of digits, deep nesting."""
    if isinstance(exc, RecursionError):
        return "the JSON is nested too deeply to read (arrays or objects inside each other)"
    return f"the JSON holds a value that cannot be read: {exc}"


def read_json(path: Path) -> Table:
    text, _ = decode(path.read_bytes(), path.name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise file_problem(
            path.name,
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            row=exc.lineno,
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise file_problem(path.name, _json_limit(exc)) from exc
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise file_problem(path.name, "expected a JSON array of objects (one per person)")
        data = lists[0]
    if not isinstance(data, list):
        raise file_problem(path.name, "expected a JSON array of objects (one per person)")
    return _objects_to_table(path.name, enumerate(data, start=1))


def read_jsonl(path: Path) -> Table:
    text, _ = decode(path.read_bytes(), path.name)

    def objects() -> Iterator[tuple[int, object]]:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise file_problem(
                    path.name, f"invalid JSON: {exc.msg}", row=number, value=line[:80]
                ) from exc
            except (ValueError, RecursionError) as exc:
                raise file_problem(
                    path.name, _json_limit(exc), row=number, value=line[:80]
                ) from exc

    return _objects_to_table(path.name, objects())


# -- XLSX -----------------------------------------------------------------------
def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, sheet: str | None) -> list[Table]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise file_problem(
            path.name, f"not a readable XLSX workbook ({exc.__class__.__name__})"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on damaged XML
        raise ImportFailed([_damaged_xlsx(path, exc)]) from exc
    try:
        return _read_sheets(path, workbook, sheet)
    except ImportFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML or zip members, read lazily
        raise ImportFailed([_damaged_xlsx(path, exc)]) from exc
    finally:
        workbook.close()


def _damaged_xlsx(path: Path, exc: BaseException) -> Problem:
    detail = str(exc).splitlines()[0][:120] if str(exc) else ""
    return Problem(
        path.name,
        None,
        None,
        None,
        f"not a readable XLSX workbook: it is damaged ({exc.__class__.__name__}"
        f"{': ' + detail if detail else ''}). Open it in a spreadsheet program and "
        "save it again, or export it as CSV.",
    )


def _read_sheets(path: Path, workbook: Any, sheet: str | None) -> list[Table]:
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        raise file_problem(path.name, f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
    tables: list[Table] = []
    problems: list[Problem] = []
    for name in [sheet] if sheet is not None else names:
        rows_iter = workbook[name].iter_rows(values_only=True)
        header_row: tuple[object, ...] | None = None
        header_number = 0
        for header_number, candidate in enumerate(rows_iter, start=1):  # noqa: B007
            if any(c not in (None, "") for c in candidate):
                header_row = candidate
                break
        if header_row is None:
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    None,
                    "the sheet is empty (no header row); import the other sheets one by one "
                    "with --sheet NAME",
                    sheet=name,
                )
            )
            continue
        width = max(i + 1 for i, c in enumerate(header_row) if c not in (None, ""))
        headers = [_xlsx_cell(c).strip() for c in header_row[:width]]
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(rows_iter, start=header_number + 1):
            cells = [_xlsx_cell(v) for v in values[:width]]
            extra = [v for v in values[width:] if v not in (None, "")]
            if extra:
                problems.append(
                    Problem(
                        path.name,
                        number,
                        None,
                        _xlsx_cell(extra[0]),
                        "a value stands in a column with no header",
                        sheet=name,
                    )
                )
            rows.append((number, cells + [""] * (width - len(cells))))
        tables.append(Table(path.name, name, headers, rows))
    if problems:
        raise ImportFailed(problems)
    return tables
