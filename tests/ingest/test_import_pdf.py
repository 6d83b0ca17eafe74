"""Lists as they arrive: a table printed to PDF, and the same list scanned, imported with
their places on the page; measured against the synthetic list that generated them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.domain.text import strip_accents
from habeas.ingest.cell_checks import Corrections
from habeas.ingest.importer import ImportOptions, import_file, plan_import
from habeas.ingest.page_lists import read_document
from habeas.ingest.problems import ImportFailed
from habeas.store.db import Store
from habeas.store.schema import ImportBatch, Record
from habeas.store.schema_pages import RecordPageCell, RecordPageRow
from habeas.synth.page_lists import HEADERS, render_pdf, scan, synthetic_rows


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    rows = synthetic_rows(45, seed=7)
    path = render_pdf(tmp_path_factory.mktemp("pdf") / "lista.pdf", HEADERS, rows)
    return path, rows


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    rows = synthetic_rows(8, seed=11)
    folder = tmp_path_factory.mktemp("scan")
    pdf = render_pdf(folder / "lista.pdf", HEADERS, rows)
    [png] = scan(pdf, folder / "escaneo.png", angle=0.7, seed=3)
    return png, rows


def _options(**kwargs: object) -> ImportOptions:
    base: dict[str, object] = {"source_title": "Lista en PDF", "source_kind": "list"}
    base.update(kwargs)
    return ImportOptions(**base)  # type: ignore[arg-type]


def test_text_pdf_reads_every_cell_across_pages(text_pdf: tuple[Path, list[list[str]]]) -> None:
    path, rows = text_pdf
    extraction, problems = read_document(path)
    assert extraction.method == "text_layer" and extraction.pages >= 2
    assert extraction.headers == HEADERS
    assert [[c.text for c in r.cells] for r in extraction.rows] == rows
    assert {r.page for r in extraction.rows} == set(range(1, extraction.pages + 1))
    skipped = {dict(p.params)["reason"]: p for p in problems if p.code == "lines_skipped"}
    # the header printed again on each later page, and the title and "Página N de M"
    assert int(skipped["repeated_header"].values["n"]) == extraction.pages - 1
    assert int(skipped["page_text"].values["n"]) >= extraction.pages
    assert all(p.severity == "warning" for p in problems)
    first = extraction.rows[0].cells[1]
    assert first.box is not None and 0 < first.box.x0 < first.box.x1 < 1


def test_text_pdf_imports_with_page_row_and_cell_places(
    store: Store, text_pdf: tuple[Path, list[list[str]]]
) -> None:
    path, rows = text_pdf
    plan = plan_import(store, path, _options())
    assert plan.record_count == len(rows) and not plan.errors
    assert any(p.code == "lines_skipped" for p in plan.warnings)  # said, never silent
    result = import_file(store, path, _options())
    assert result.records == len(rows)
    with store.read() as s:
        records = s.execute(select(Record).order_by(Record.row_number)).scalars().all()
        places = {p.record_id: p for p in s.execute(select(RecordPageRow)).scalars()}
        cells = s.execute(select(RecordPageCell)).scalars().all()
        batch = s.execute(select(ImportBatch)).scalar_one()
    assert [r.raw["Apellidos"] for r in records] == [r[2] for r in rows]
    assert len(places) == len(rows) and len(cells) == len(rows) * len(HEADERS)
    assert {p.read_by for p in places.values()} == {"text_layer"}
    assert places[records[-1].id].page > 1  # the table continued onto later pages
    assert all(c.confidence is None and c.machine_text is None for c in cells)
    assert any(w["code"] == "lines_skipped" for w in batch.warnings)  # kept with the import


def test_scan_is_read_flagged_and_imported_only_once_checked(
    store: Store, scanned: tuple[Path, list[list[str]]]
) -> None:
    path, rows = scanned
    extraction, problems = read_document(path)
    assert extraction.method == "ocr" and len(extraction.rows) == len(rows)
    names = [(r.cells[1].text, r.cells[2].text) for r in extraction.rows]
    exact = sum(1 for got, want in zip(names, rows, strict=True) if got == (want[1], want[2]))
    assert exact >= len(rows) - 2
    # every misread cell is flagged (low confidence, or a date/identifier/name check),
    # but for a lost accent on a capital (Ángel read as Angel), which Tesseract is sure of
    for row, want in zip(extraction.rows, rows, strict=True):
        for cell, truth in zip(row.cells, want, strict=True):
            if cell.text != truth and strip_accents(cell.text) != strip_accents(truth):
                assert cell.flags, (row.number, cell.text, truth)
    # A cell made to look unsure must be looked at: the import is refused until then.
    extraction.rows[0].cells[2].flags = ("low_confidence",)
    unsure = [p for p in problems if p.code == "cell_unsure"]
    corrections = Corrections()
    for p in unsure:
        assert p.row is not None and p.column is not None
        truth = rows[p.row - 1][extraction.headers.index(p.column)]  # headers as read
        corrections.values[(p.row, p.column)] = truth
    corrections.values[(2, "Apellidos")] = "Apellido Corregido"
    if not unsure:
        with pytest.raises(ImportFailed):  # a correction naming no such column
            import_file(store, path, _options(corrections=Corrections({(1, "Nada"): "x"})))
    result = import_file(store, path, _options(corrections=corrections))
    assert result.records == len(rows)
    with store.read() as s:
        record = s.execute(select(Record).where(Record.row_number == 2)).scalar_one()
        cell = s.get(RecordPageCell, (record.id, "Apellidos"))
        place = s.get(RecordPageRow, record.id)
    assert record.raw["Apellidos"] == "Apellido Corregido"
    assert cell is not None and cell.machine_text == extraction.rows[1].cells[2].text
    assert place is not None and place.read_by == "ocr" and place.page == 1


def test_flagged_ocr_cell_refuses_the_import_until_corrected_or_confirmed(
    store: Store, tmp_path: Path
) -> None:
    rows = synthetic_rows(4, seed=12)
    rows[2][3] = "31/02/1990"  # written on the list: no such day, so the check must flag it
    pdf = render_pdf(tmp_path / "lista.pdf", HEADERS, rows)
    [path] = scan(pdf, tmp_path / "escaneo.png", angle=0.5, seed=4)
    _extraction, problems = read_document(path)
    unsure = [p for p in problems if p.code == "cell_unsure"]
    assert (3, "Fecha de nacimiento") in {(p.row, p.column) for p in unsure}
    with pytest.raises(ImportFailed) as refused:
        import_file(store, path, _options())
    assert any(p.code == "cell_unsure" for p in refused.value.problems)
    # the date is corrected to what was meant; any other flagged cell is confirmed as read
    date = (3, "Fecha de nacimiento")
    confirm = Corrections(
        values={date: "28/02/1990"},
        confirmed={(p.row or 0, p.column or "") for p in unsure} - {date},
    )
    assert import_file(store, path, _options(corrections=confirm)).records == len(rows)
