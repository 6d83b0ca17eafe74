"""Importing a PDF on the web: upload → the check page lists every row beside the image of
its place (served only to the uploader) → a cell corrected → import, the correction and the
machine reading both kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.access.users import add_user
from habeas.store.db import Store
from habeas.store.schema import Record
from habeas.store.schema_pages import RecordPageCell, RecordPageRow
from habeas.synth.page_lists import HEADERS, render_pdf, synthetic_rows
from tests.web.conftest import PASSWORD, csrf, login

JSON = {"Accept": "application/json"}


def _upload(c: TestClient, path: Path, title: str) -> str:
    r = c.post(
        "/sources/import",
        files={"file": (path.name, path.read_bytes(), "application/pdf")},
        data={"source_title": title, "source_kind": "list", "csrf_token": csrf(c)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_pdf_rows_checked_corrected_and_imported(
    client_as: Callable[[str], TestClient], store: Store, tmp_path: Path
) -> None:
    rows = synthetic_rows(5, seed=4)
    pdf = render_pdf(tmp_path / "lista.pdf", HEADERS, rows)
    c = client_as("documenter")
    plan_url = _upload(c, pdf, "Lista PDF web")
    assert 'id="check-rows"' in c.get(plan_url).text  # the plan leads to the check page
    listed = c.get(plan_url + "/rows.json").json()
    assert listed["rows_total"] == 5 and listed["headers"] == HEADERS
    assert [[cell["text"] for cell in r["cells"]] for r in listed["rows"]] == rows
    # the title and the page footer: said, never skipped silently
    assert [(s["code"], s["n"], s["pages"]) for s in listed["skipped"]] == [("page_text", 2, [1])]
    image = c.get(plan_url + "/rows/2/image")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert c.get(plan_url + "/rows/9/image").status_code == 404
    # someone without the import permission sees neither the rows nor the image,
    legal = client_as("legal")
    assert legal.get(plan_url + "/rows/2/image", headers=JSON).status_code == 403
    # nor does another documenter: the upload and its images are the uploader's alone
    add_user(store, "documenter2", "documenter", PASSWORD, actor="test")
    other = TestClient(c.app)
    login(other, "documenter2")
    assert other.get(plan_url + "/rows/2/image", headers=JSON).status_code == 404
    assert other.get(plan_url + "/rows.json", headers=JSON).status_code == 404
    # correct one cell
    form = {
        f"cell:{r['row']}:{cell['index']}": cell["text"]
        for r in listed["rows"]
        for cell in r["cells"]
    }
    form["cell:3:2"] = "Apellido Corregido"
    r = c.post(plan_url + "/rows", data={**form, "csrf_token": csrf(c)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == plan_url + "/rows"
    page = c.get(plan_url + "/rows").text
    assert "Apellido Corregido" in page and rows[2][2] in page  # both shown
    r = c.post(plan_url + "/confirm", headers={**JSON, "X-CSRF-Token": csrf(c)})
    assert r.status_code == 200, r.text
    with store.read() as s:
        record = s.execute(select(Record).where(Record.row_number == 3)).scalar_one()
        cell = s.get(RecordPageCell, (record.id, "Apellidos"))
        place = s.get(RecordPageRow, record.id)
    assert record.raw["Apellidos"] == "Apellido Corregido"
    assert cell is not None and cell.machine_text == rows[2][2]
    assert place is not None and place.page == 1 and place.read_by == "text_layer"


def test_a_list_upload_has_no_rows_to_check(
    client_as: Callable[[str], TestClient], tmp_path: Path
) -> None:
    csv_path = tmp_path / "lista.csv"
    csv_path.write_text("Nombres,Apellidos\nAna,Pérez\n", encoding="utf-8")
    c = client_as("documenter")
    plan_url = _upload(c, csv_path, "Lista CSV")
    assert c.get(plan_url + "/rows.json", headers=JSON).status_code == 404
    assert 'id="check-rows"' not in c.get(plan_url).text


def test_long_lists_are_paged_and_each_page_keeps_the_others_corrections(
    client_as: Callable[[str], TestClient], tmp_path: Path, monkeypatch: object
) -> None:
    from habeas.web.pages import import_rows

    monkeypatch.setattr(import_rows, "ROWS_SHOWN", 2)  # type: ignore[attr-defined]
    rows = synthetic_rows(5, seed=9)
    pdf = render_pdf(tmp_path / "larga.pdf", HEADERS, rows)
    c = client_as("documenter")
    plan_url = _upload(c, pdf, "Lista PDF larga")
    first = c.get(plan_url + "/rows.json").json()
    second = c.get(plan_url + "/rows.json?page=2").json()
    third = c.get(plan_url + "/rows.json?page=3").json()
    assert [r["row"] for r in first["rows"]] == [1, 2] and first["row_pages"] == 3
    assert [r["row"] for r in second["rows"]] == [3, 4]
    assert [r["row"] for r in third["rows"]] == [5]
    assert c.get(plan_url + "/rows.json?page=4", headers=JSON).status_code == 400
    assert 'rel="next"' in c.get(plan_url + "/rows").text

    def save(listed: dict[str, object], row: int, text: str) -> str:
        form = {
            f"cell:{r['row']}:{cell['index']}": cell["text"]
            for r in listed["rows"]  # type: ignore[attr-defined]
            for cell in r["cells"]
        }
        form[f"cell:{row}:1"] = text
        r = c.post(plan_url + "/rows", data={**form, "csrf_token": csrf(c)}, follow_redirects=False)
        assert r.status_code == 303
        return str(r.headers["location"])

    assert save(first, 1, "Nombre Uno") == plan_url + "/rows"
    # the second page's form does not undo the first's, and brings the user back to page 2
    assert save(second, 4, "Nombre Cuatro") == plan_url + "/rows?page=2"
    assert 'rel="prev"' in c.get(plan_url + "/rows?page=2").text

    def cell(page: int, row: int) -> dict[str, object]:
        listed = c.get(plan_url + f"/rows.json?page={page}").json()
        return next(r for r in listed["rows"] if r["row"] == row)["cells"][1]

    assert cell(1, 1)["text"] == "Nombre Uno" and cell(1, 1)["machine"] == rows[0][1]
    assert cell(2, 4)["text"] == "Nombre Cuatro" and cell(2, 4)["machine"] == rows[3][1]
    save(first, 1, rows[0][1])  # back to the machine's reading: no longer a correction
    assert cell(1, 1)["machine"] is None and cell(2, 4)["text"] == "Nombre Cuatro"
