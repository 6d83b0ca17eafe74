"""A relative's inquiry in the browser, in Spanish, from the form to the answer letter.

Playwright drives Debian's Chromium against the real server on loopback: a documenter
records an inquiry (the form refuses a missing contact, keeping what was typed), states
the purpose of the consultation, matches the inquiry against the register, confirms the
person, changes the status, produces the letter (PDF, read back with pypdf: art. 18(1)
a–g in Spanish, the register's facts with their source and date, no asker), and marks
the inquiry answered. The asker's name never appears on her pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from habeas.store.db import Store
from habeas.web import create_app
from tests.inquiry.case import ASKER, CONTACT, HEALTH, LIST_TITLE, ORDERED_BY, add_person
from tests.web.conftest_browser import PASSWORD, Chromium, LiveServer, keep_file, log_in, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[Store, str, int, Chromium]]:
    from habeas.access.users import add_user
    from habeas.workspace import init_workspace

    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    root = tmp_path_factory.mktemp("inquiry")
    store = Store.open(init_workspace(root / "ws"), create=True)
    pid = add_person(store, root)
    add_user(store, "documenter", "documenter", PASSWORD, actor="test")
    live = LiveServer(create_app(store, secret_key="inquiry-secret")).start()
    yield store, live.url, pid, chromium
    live.stop()
    store.close()
    mp.undo()


def _submit(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()


def test_an_inquiry_from_creation_to_the_answer_letter(
    served: tuple[Store, str, int, Chromium], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    store, url, pid, chromium = served
    context = chromium.context(lang="es", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        log_in(page, url, "documenter")
        page.goto(url + "/inquiries")
        assert page.locator("html").get_attribute("lang") == "es"
        _submit(page, page.get_by_role("link", name="Registrar una consulta"))

        # The form: a missing contact is named next to its field; what was typed stays.
        page.get_by_label("Nombre de quien consulta").fill(ASKER)
        page.get_by_label("Relación con la persona buscada").fill("madre")
        page.get_by_label("Nombre", exact=True).fill("Teodoro Larrazabal")
        page.get_by_label("Fecha de nacimiento").fill("12/08/1994")
        page.get_by_label("Lo que saben").fill("Se lo llevaron de Maracay en marzo de 2025.")
        page.locator("#q-asker-contact").evaluate("e => e.removeAttribute('required')")
        page.locator("#q-asker-contact").fill("  ")
        _submit(page, page.get_by_role("button", name="Registrar la consulta"))
        assert "Indique cómo contactar" in page.locator("#err-asker_contact").inner_text()
        assert page.get_by_label("Nombre de quien consulta").input_value() == ASKER
        page.get_by_label("Cómo contactarle").fill(CONTACT)
        _submit(page, page.get_by_role("button", name="Registrar la consulta"))
        assert re.search(r"/inquiries/\d+$", page.url), page.url
        inquiry_url = page.url

        # Her role may not see who asks; the description needs a stated purpose.
        assert ASKER not in page.content() and CONTACT not in page.content()
        _submit(page, page.get_by_role("link", name="Indique el propósito de esta consulta"))
        page.locator("input[name=purpose][value=relative_request]").check()
        _submit(page, page.get_by_role("button", name="Continuar"))
        assert page.url == inquiry_url
        main = page.locator("main")
        assert "Teodoro Larrazabal" in main.inner_text()
        assert "solicitante reservado" in page.locator("#asker").inner_text()
        assert page.locator("#inquiry-status").inner_text() == "abierta"

        # Match against the register, confirm the person, change the status.
        _submit(page, page.get_by_role("button", name="Cotejar con el registro"))
        card = page.locator(f"#candidate-{pid}")
        assert "Teodoro Ficticio Larrazábal" in card.inner_text()
        _submit(page, card.get_by_role("button", name="Es la persona buscada"))
        assert f"persona {pid}" in page.locator("#confirmed").inner_text()
        page.get_by_label("Nuevo estado").select_option("information_found")
        page.get_by_label("Nota").fill("la madre reconoce los datos")
        _submit(page, page.get_by_role("button", name="Cambiar el estado"))
        assert page.locator("#inquiry-status").inner_text() == "información hallada"
        snapshot(page, "inquiry-1-found")

        # The letter, in Spanish, as a PDF.
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Emitir la carta (PDF)").click()
        pdf_path = tmp_path / "carta.pdf"
        download_info.value.save_as(pdf_path)
        keep_file(pdf_path, "inquiry-letter.pdf")
        reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
        text = " ".join((p.extract_text() or "") for p in reader.pages)
        flat = " ".join(text.split())
        for expected in (
            "Respuesta a su consulta",
            "La autoridad que decidió la privación de libertad",
            "La fecha, la hora y el lugar de la liberación",
            ORDERED_BY,
            HEALTH,
            LIST_TITLE,
            "2 de abril de 2025",
            "16 de marzo de 2025",
            "Lo que el registro no sabe",
        ):
            assert expected in flat, (expected, flat[:1500])
        assert ASKER not in flat and CONTACT not in flat and "ordering_authority" not in flat

        page.goto(inquiry_url)
        page.get_by_label("Nuevo estado").select_option("answered")
        _submit(page, page.get_by_role("button", name="Cambiar el estado"))
        assert page.locator("#inquiry-status").inner_text() == "respondida"
        history = page.locator("#history").inner_text()
        assert "carta de respuesta emitida" in history and "consulta recibida" in history
        snapshot(page, "inquiry-2-answered")
        page.goto(url + "/inquiries?status=answered")
        assert "Teodoro Larrazabal" in page.locator("table.inquiries").inner_text()
        assert ASKER not in page.content()
        assert not errors, errors
    finally:
        context.close()
