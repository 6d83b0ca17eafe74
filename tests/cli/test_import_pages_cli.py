"""``habeas import`` of a PDF: the dry run lists every row read, a correction is imported as a
correction (the machine reading kept beside it), a missing Tesseract says how to install it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.schema import Record
from habeas.store.schema_pages import RecordPageCell
from habeas.synth.page_lists import HEADERS, render_pdf, synthetic_rows
from habeas.workspace import Workspace
from tests.cli.test_cli import run, ws  # noqa: F401 - the workspace fixture


def test_pdf_dry_run_lists_rows_then_imports_a_correction(
    capsys: pytest.CaptureFixture[str],
    ws: Path,  # noqa: F811
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    rows = synthetic_rows(6, seed=2)
    pdf = render_pdf(tmp_path / "lista.pdf", HEADERS, rows)
    args = ["import", str(pdf), "--source-title", "Lista PDF", "--source-kind", "list"]
    code, out, _err = run(capsys, *args, "--dry-run")
    assert code == 0, out
    assert "6 rows read from 1 page(s) (text layer)" in out
    assert rows[5][2].split()[0] in out  # every row is shown, not only a sample
    # the title and the page footer: never skipped silently
    assert "Skipped 2 line(s) on page(s) 1: text outside the table" in " ".join(out.split())
    code, out, err = run(capsys, *args, "--correct", "3:Apellidos=Pérez Corregido")
    assert code == 0, out + err
    store = Store.open(workspace)
    try:
        with store.read() as s:
            record = s.execute(select(Record).where(Record.row_number == 3)).scalar_one()
            cell = s.get(RecordPageCell, (record.id, "Apellidos"))
    finally:
        store.close()
    assert record.raw["Apellidos"] == "Pérez Corregido"
    assert cell is not None and cell.machine_text == rows[2][2]


def test_correction_of_a_missing_row_is_refused(
    capsys: pytest.CaptureFixture[str],
    ws: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    pdf = render_pdf(tmp_path / "lista.pdf", HEADERS, synthetic_rows(3, seed=2))
    code, _out, err = run(
        capsys,
        *["import", str(pdf), "--source-title", "L", "--source-kind", "list"],
        *["--correct", "9:Apellidos=X"],
    )
    assert code != 0 and "no row 9" in err


def test_missing_tesseract_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str],
    ws: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import Image

    image = tmp_path / "lista.png"
    Image.new("L", (200, 100), 255).save(image)
    monkeypatch.setattr("shutil.which", lambda name: None)
    code, _out, err = run(
        capsys, "import", str(image), "--source-title", "L", "--source-kind", "list"
    )
    assert code != 0
    assert "apt-get install tesseract-ocr tesseract-ocr-spa" in " ".join(err.split())
