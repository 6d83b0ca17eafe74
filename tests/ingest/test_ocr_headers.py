"""A header OCR misread one letter off a known one (``A#`` read as ``AF``) is mapped, as a
guess, only for lists read by OCR, when one field matches and the values have its shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.ingest.mapping import map_columns
from habeas.ingest.ocr_headers import near_field, one_edit_apart, values_fit
from habeas.ingest.page_cells import Extraction, PageCell, PageRow
from habeas.ingest.readers import Table

A_NUMBERS = ["A-208-304-911", "208123456", "A 201 555 010", "A207000111"]


def _table(headers: list[str], rows: list[list[str]], method: str | None = "ocr") -> Table:
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1)]
    pages = None
    if method is not None:
        pages = Extraction(
            "lista.png",
            method,
            1,
            headers,
            [PageRow(1, n, [PageCell(c, None, 0.95) for c in cells], n) for n, cells in numbered],
            ocr_pages=[1] if method != "text_layer" else [],
        )
    return Table("lista.png", None, headers, numbered, pages=pages)


def _rows(column: list[str]) -> list[list[str]]:
    names = ["Ana Pérez", "Luis Gómez", "María Díaz", "José Rojas"]
    return [[name, value] for name, value in zip(names, column, strict=True)]


def test_a_misread_header_of_a_scan_is_guessed_from_its_values() -> None:
    mapping = map_columns(_table(["Nombre", "AF"], _rows(A_NUMBERS)))
    assert mapping.columns == {"Nombre": "full_name", "AF": "a_number"}
    assert mapping.guessed == {"AF": "a_number"} and not mapping.problems


@pytest.mark.parametrize("method", [None, "text_layer"])
def test_a_header_the_user_wrote_is_never_guessed(method: str | None) -> None:
    """CSV, XLSX and text-layer PDFs: the header is what the user wrote."""
    mapping = map_columns(_table(["Nombre", "AF"], _rows(A_NUMBERS), method))
    assert mapping.columns["AF"] is None and mapping.guessed == {}


def test_a_mixed_pdf_guesses_only_when_its_header_page_was_read_by_ocr() -> None:
    table = _table(["Nombre", "AF"], _rows(A_NUMBERS), "mixed")
    assert map_columns(table).guessed == {"AF": "a_number"}
    assert table.pages is not None
    table.pages.ocr_pages = [2]  # page 1 (the header's) had a text layer
    assert map_columns(table).guessed == {}


def test_values_of_another_shape_keep_the_column_unmapped() -> None:
    row_numbers = ["1", "2", "3", "4"]
    mapping = map_columns(_table(["Nombre", "AF"], _rows(row_numbers)))
    assert mapping.columns["AF"] is None and mapping.guessed == {}
    # one misread value in five still fits; two in four do not
    assert values_fit("a_number", [*A_NUMBERS, "2O8123456"])
    assert not values_fit("a_number", [*A_NUMBERS[:2], "2O8123456", "x"])


def test_a_header_near_two_fields_or_a_taken_field_is_not_guessed() -> None:
    assert near_field("AZ") is None  # a (A-number) and tz (time zone): ambiguous
    mapping = map_columns(_table(["Nombre", "AZ"], _rows(A_NUMBERS)))
    assert mapping.columns["AZ"] is None
    rows = [[*r, v] for r, v in zip(_rows(A_NUMBERS), A_NUMBERS, strict=True)]
    mapping = map_columns(_table(["Nombre", "A#", "AF"], rows))
    assert mapping.columns == {"Nombre": "full_name", "A#": "a_number", "AF": None}
    assert not mapping.problems  # not two columns for one field


def test_the_mapping_option_overrides_a_guess() -> None:
    table = _table(["Nombre", "AF"], _rows(A_NUMBERS))
    assert map_columns(table, {"AF": "-"}).columns["AF"] is None
    assert map_columns(table, {"AF": "-"}).guessed == {}
    mapping = map_columns(table, {"AF": "passport"})
    assert mapping.columns["AF"] == "passport" and mapping.guessed == {}


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [("af", "a", True), ("a", "af", True), ("nombr", "nombre", True), ("nonbre", "nombre", True)]
    + [("a", "a", False), ("ab", "ba", False), ("apelidos", "apellidos x", False)],
)
def test_one_edit_apart(a: str, b: str, near: bool) -> None:
    assert one_edit_apart(a, b) is near


def test_a_scan_with_a_misread_header_says_the_guess_in_the_dry_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: a scan whose A-number column is headed ``AF`` (as OCR misreads ``A#``)."""
    from habeas.cli.main import main
    from habeas.synth.page_lists import HEADERS, render_pdf, scan, synthetic_rows

    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    headers = [("AF" if h == "A#" else h) for h in HEADERS]
    pdf = render_pdf(tmp_path / "lista.pdf", headers, synthetic_rows(4, seed=5))
    [png] = scan(pdf, tmp_path / "escaneo.png", angle=0.3, seed=2)
    assert main(["init", str(tmp_path / "ws")]) == 0
    args = ["import", str(png), "--source-title", "Escaneo", "--source-kind", "list"]
    args += ["--dry-run", "--workspace", str(tmp_path / "ws")]
    capsys.readouterr()
    main(["--lang", "es", *args])
    out = " ".join(capsys.readouterr().out.split())
    assert "Leído por OCR como «AF», asignado a a_number" in out
    assert "indique --map AF=CAMPO o --map AF=-" in out
    main([*args, "--map", "AF=-", "--format", "json"])
    import json

    [table] = json.loads(capsys.readouterr().out)["tables"]
    assert table["mapping"]["AF"] is None and table["guessed"] == {}


def test_cells_flagged_to_check_are_no_evidence_of_the_shape() -> None:
    column = [*A_NUMBERS[:3], "AN"]  # OCR unsure of the fourth: 3 of 4 would not fit
    table = _table(["Nombre", "AF"], _rows(column))
    assert map_columns(table).guessed == {}
    assert table.pages is not None
    table.pages.rows[3].cells[1].flags = ("low_confidence",)
    assert map_columns(table).guessed == {"AF": "a_number"}
    table.pages.rows[3].cells[1].confirmed = True  # a person says it reads "AN": evidence
    assert map_columns(table).guessed == {}
