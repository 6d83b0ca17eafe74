"""A scanned list in the browser, in Spanish (issue 17): upload the scan, see every row read
beside the image of its place on the page, correct the cells flagged (a date that cannot
be, and whatever OCR was unsure of), and import; the correction and the machine reading
are both kept. Playwright drives Debian's Chromium against the real server on loopback;
the list is synthetic (made-up names), printed to PDF and scanned with noise and a slight
rotation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.schema import Record
from habeas.store.schema_pages import RecordPageCell, RecordPageRow
from habeas.synth.page_lists import HEADERS, render_pdf, scan, synthetic_rows
from habeas.web import create_app
from tests.web.conftest_browser import PASSWORD, Chromium, LiveServer, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 60_000
IMPOSSIBLE = "31/02/1990"  # written on the list: no such day, so the check must flag it
MEANT = "28/02/1990"


@pytest.fixture(scope="module")
def register(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[Store, str, Chromium]]:
    from habeas.access.users import add_user
    from habeas.workspace import init_workspace

    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = Store.open(init_workspace(tmp_path_factory.mktemp("scan") / "ws"), create=True)
    add_user(store, "documenter", "documenter", PASSWORD, actor="test")
    live = LiveServer(create_app(store, secret_key="scan-secret")).start()
    yield store, live.url, chromium
    live.stop()
    store.close()
    mp.undo()


def _scan(folder: Path) -> tuple[Path, list[list[str]]]:
    rows = synthetic_rows(6, seed=21)
    rows[1][3] = IMPOSSIBLE
    pdf = render_pdf(folder / "lista.pdf", HEADERS, rows)
    [png] = scan(pdf, folder / "lista-escaneada.png", angle=0.6, seed=5)
    return png, rows


def test_a_scanned_list_checked_corrected_and_imported(
    register: tuple[Store, str, Chromium], tmp_path: Path
) -> None:
    store, url, chromium = register
    png, rows = _scan(tmp_path)
    truth = [list(r) for r in rows]
    truth[1][3] = MEANT
    context = chromium.context(lang="es")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        log_in(page, url, "documenter")
        page.goto(url + "/sources/import")
        page.locator("#file").set_input_files(str(png))
        page.get_by_label(re.compile(r"^Título de la fuente")).fill("Lista escaneada (prueba)")
        page.locator("#source_kind").select_option("list")
        page.locator("#date_order").select_option("DMY")
        page.get_by_role("button", name="Revisar el archivo").click()
        page.wait_for_url(re.compile(r"/sources/import/[A-Za-z0-9_-]+$"))
        plan_url = page.url
        # flagged cells are errors: no import yet, and a way to the rows
        assert "Importar" not in page.locator("main form button").all_inner_texts()[-1]
        page.locator("#check-rows").click()
        page.wait_for_url(plan_url + "/rows")
        assert page.locator("tbody tr").count() == len(rows)
        # every row beside the image of its place on the page (loaded, not broken)
        images = page.locator("tbody img")
        assert images.count() == len(rows)
        for i in range(images.count()):
            images.nth(i).scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
            )
        date_cell = page.locator("input[name='cell:2:3']")
        assert date_cell.input_value() == IMPOSSIBLE  # read as written, and flagged
        assert "no se lee como fecha" in page.locator("#row-2").inner_text()
        flagged = page.locator("td.to-check input[type=text]")
        assert flagged.count() >= 1
        corrected: dict[tuple[int, int], tuple[str, str]] = {}
        for i in range(flagged.count()):
            field = flagged.nth(i)
            name = str(field.get_attribute("name"))
            _kind, row, index = name.split(":")
            want = truth[int(row) - 1][int(index)]
            corrected[(int(row), int(index))] = (field.input_value(), want)
            field.fill(want)
            if want == corrected[(int(row), int(index))][0]:  # read right: say so
                page.locator(f"input[name='confirm:{row}:{index}']").check()
        page.get_by_role("button", name="Guardar estas correcciones").click()
        page.wait_for_url(plan_url + "/rows")
        assert page.locator("#to-check").inner_text() == "No queda ninguna celda por comprobar."
        assert f"se leyó «{IMPOSSIBLE}»" in page.locator("#row-2").inner_text()
        page.locator("#back-to-plan").click()
        page.wait_for_url(plan_url)
        page.get_by_role("button", name=re.compile(r"^Importar 6 registros")).click()
        page.wait_for_url(re.compile(r"/sources/imports/\d+$"))
        assert not errors, errors
    finally:
        context.close()
    with store.read() as s:
        records = s.execute(select(Record).order_by(Record.row_number)).scalars().all()
        second = records[1]
        cell = s.get(RecordPageCell, (second.id, HEADERS[3]))
        place = s.get(RecordPageRow, second.id)
        machine = {
            (c.record_id, c.header): c.machine_text
            for c in s.execute(select(RecordPageCell)).scalars()
        }
    assert len(records) == len(rows)
    assert second.raw[HEADERS[3]] == MEANT and second.dob_earliest.isoformat() == "1990-02-28"
    assert cell is not None and cell.machine_text == IMPOSSIBLE  # the reading stays on record
    assert place is not None and place.read_by == "ocr" and place.page == 1
    # every flagged cell went in as the person set it; a changed one keeps what OCR read
    # (headers as OCR read them: "A#" may have been read "AH")
    for (row, _index), (read, want) in corrected.items():
        record = records[row - 1]
        assert want in record.raw.values()
        if read != want:
            assert read in {m for (rid, _h), m in machine.items() if rid == record.id}
