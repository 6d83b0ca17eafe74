"""Reading lists: delimiters, encodings, row numbers, JSON shapes, XLSX sheets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from habeas.ingest.problems import ImportFailed
from habeas.ingest.readers import read_tables

ROWS = [
    ["Nombres", "Apellidos", "Cédula"],
    ["José Luis", "Núñez Peña", "V-12.345.678"],
    ["María José", "Ibáñez", "E-8.765.432"],
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_any_delimiter(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "lista.csv"
    path.write_text("\n".join(delimiter.join(r) for r in ROWS) + "\n", encoding="utf-8")
    [table] = read_tables(path)
    assert table.headers == ROWS[0]
    assert list(table.rows) == [(2, ROWS[1]), (3, ROWS[2])]
    assert table.delimiter == delimiter


@pytest.mark.parametrize(
    "encoding,expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("latin-1", "cp1252")],
)
def test_csv_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes("\n".join(";".join(r) for r in ROWS).encode(encoding))
    [table] = read_tables(path)
    assert table.encoding == expected
    assert table.headers[2] == "Cédula"  # BOM stripped, accents intact
    assert list(table.rows)[0][1][1] == "Núñez Peña"


def test_bytes_in_no_known_encoding_are_an_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "roto.csv"
    path.write_bytes(b"Nombre;Fecha\nJose;2025-03-15\nAna \x81\x8d;2025-03-16\n")
    with pytest.raises(ImportFailed) as info:
        read_tables(path)
    [problem] = info.value.problems
    assert problem.row == 3 and "encoding" in problem.message and "UTF-8" in problem.message


def test_quoted_multiline_cells_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "notas.csv"
    path.write_text('Nombre,Notas\n"Ana","línea 1\nlínea 2"\n"Luis",x\n', encoding="utf-8")
    [table] = read_tables(path)
    assert list(table.rows)[0][1] == ["Ana", "línea 1\nlínea 2"]
    assert [n for n, _ in table.rows] == [3, 4]  # line where each record ends


def test_json_array_and_jsonl(tmp_path: Path) -> None:
    people = [
        {"Nombre": "Ana Pérez", "A#": "A-123-456-789"},
        {"Nombre": "Luis Gómez", "Edad": 31, "Extra": {"x": 1}},
    ]
    arr = tmp_path / "l.json"
    arr.write_text(json.dumps(people), encoding="utf-8")
    [table] = read_tables(arr)
    assert table.headers == ["Nombre", "A#", "Edad", "Extra"]
    assert table.rows[1] == (2, ["Luis Gómez", "", "31", '{"x": 1}'])
    lines = tmp_path / "l.jsonl"
    lines.write_text("\n".join(json.dumps(p) for p in people) + "\n\n", encoding="utf-8")
    [table2] = read_tables(lines)
    assert [n for n, _ in table2.rows] == [1, 2]


def test_json_that_is_not_a_list_of_objects(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text('[{"Nombre": "Ana"}, "Luis"]', encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        read_tables(path)
    assert info.value.problems[0].row == 2
    path.write_text('{"Nombre": ', encoding="utf-8")
    with pytest.raises(ImportFailed, match="invalid JSON"):
        read_tables(path)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_every_sheet_or_one(tmp_path: Path) -> None:
    import datetime as dt

    path = _workbook(
        tmp_path / "l.xlsx",
        {
            "Marzo": [
                ["Nombre", "Fecha"],
                ["Ana Pérez", dt.datetime(2025, 3, 15)],
                ["Luis", 1990.0],
            ],
            "Abril": [[None], ["Nombre"], ["Carlos Ruiz"]],
        },
    )
    tables = read_tables(path)
    assert [t.sheet for t in tables] == ["Marzo", "Abril"]
    assert tables[0].rows == [(2, ["Ana Pérez", "2025-03-15"]), (3, ["Luis", "1990"])]
    assert tables[1].rows == [(3, ["Carlos Ruiz"])]  # header found on row 2
    assert [t.sheet for t in read_tables(path, sheet="Abril")] == ["Abril"]
    with pytest.raises(ImportFailed, match="no sheet named"):
        read_tables(path, sheet="Mayo")


def test_xlsx_with_an_empty_sheet_is_an_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "l.xlsx", {"Datos": [["Nombre"], ["Ana"]], "Vacía": []})
    with pytest.raises(ImportFailed) as info:
        read_tables(path)
    [problem] = info.value.problems
    assert problem.sheet == "Vacía" and "empty" in problem.message
    assert len(read_tables(path, sheet="Datos")) == 1


def test_not_really_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "l.xlsx"
    path.write_text("Nombre\nAna\n")
    with pytest.raises(ImportFailed, match="not a readable XLSX"):
        read_tables(path)


def test_unsupported_type(tmp_path: Path) -> None:
    path = tmp_path / "l.docx"
    path.write_bytes(b"PK")
    with pytest.raises(ImportFailed, match="unsupported file type"):
        read_tables(path)


def test_damaged_pdf_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "l.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ImportFailed, match="not a readable PDF"):
        read_tables(path)
