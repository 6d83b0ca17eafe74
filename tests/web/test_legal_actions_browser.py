"""A lawyer's habeas petition, in the browser, in Spanish (#15.3).

Playwright drives Debian's Chromium against the real server on loopback. A
documenter opens a person's page, follows "Registrar una acción legal", enters a
habeas petition (court, case number, filing date, status pending, next date and
what is due then) and finds it on the legal actions list among the upcoming
deadlines — after an overdue one, which is marked as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.access.users import add_user
from habeas.document.legal_action_entry import ActionSpec, add_action
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.schema import Link, Record
from habeas.web import create_app
from habeas.workspace import init_workspace
from tests.web.conftest_browser import PASSWORD, Chromium, LiveServer, log_in, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def register(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[Store, str, Chromium, list[int]]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    root = tmp_path_factory.mktemp("legal-browser")
    store = Store.open(init_workspace(root / "ws"), create=True)
    path = root / "familiares.csv"
    path.write_text(
        "Nombre completo;Cédula\nAna Beatriz Ficticia Salas;V-19442871\n"
        "José Gregorio Inventado Rivas;V-17220334\n",
        encoding="utf-8",
    )
    import_file(
        store,
        path,
        ImportOptions(source_title="Lista de familiares", source_kind="list"),
        actor="test",
    )
    with store.read() as s:
        persons = list(
            s.execute(
                select(Link.person_id)
                .join(Record, Record.id == Link.record_id)
                .where(Link.superseded_at.is_(None))
                .order_by(Record.row_number)
            ).scalars()
        )
    add_user(store, "documenter", "documenter", PASSWORD, actor="test")
    live = LiveServer(create_app(store, secret_key="legal-browser-secret")).start()
    yield store, live.url, chromium, persons
    live.stop()
    store.close()
    mp.undo()


def test_habeas_petition_with_a_deadline_on_the_list(
    register: tuple[Store, str, Chromium, list[int]],
) -> None:
    store, url, chromium, persons = register
    ana, jose = persons
    today = date.today()
    overdue = add_action(  # someone else's deadline that has already passed
        store,
        Reader("admin", "test", "documentation", "cli"),
        ActionSpec(
            "ced_urgent_action",
            jose,
            "Comité contra la Desaparición Forzada",
            filed_on=today - timedelta(days=40),
            status="filed",
            next_date=today - timedelta(days=2),
            next_due="respuesta del Estado",
            sensitivity="internal",
        ),
    )
    context = chromium.context(lang="es")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        log_in(page, url, "documenter")
        page.goto(f"{url}/persons/{ana}")
        page.get_by_role("link", name="Registrar una acción legal").click()
        page.wait_for_url(re.compile(r"/legal-actions/new\?person="))
        assert page.get_by_label("Persona (número)").input_value() == str(ana)
        page.get_by_label("Tipo de acción legal").select_option("habeas_petition")
        page.get_by_label("Tribunal u órgano").fill("Juzgado Federal de Distrito (ficticio)")
        page.get_by_label("Número de expediente").fill("1:25-cv-00999")
        page.get_by_label("Fecha de presentación").fill((today - timedelta(days=3)).isoformat())
        page.get_by_label("Peticionario o peticionaria").fill("Madre (nombre ficticio)")
        page.get_by_label("Situación", exact=True).select_option(label="pendiente")
        page.get_by_label("Próxima fecha", exact=True).fill((today + timedelta(days=5)).isoformat())
        page.get_by_label(re.compile(r"^Qué vence en la próxima fecha")).fill(
            "audiencia de hábeas corpus"
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Registrar la acción legal").click()
        assert re.search(r"/legal-actions/\d+$", page.url), page.url
        new_id = int(page.url.rsplit("/", 1)[1])
        assert f"Acción legal {new_id} registrada." in page.content()
        assert page.get_by_role("heading", name=re.compile("Historial")).is_visible()

        page.get_by_role("link", name="Acciones legales").first.click()
        page.wait_for_url(re.compile(r"/legal-actions$"))
        deadlines = page.locator("#deadlines table tbody tr")
        assert deadlines.count() == 2
        first, second = deadlines.nth(0), deadlines.nth(1)
        assert first.get_attribute("id") == f"deadline-{overdue}"
        assert "overdue" in (first.get_attribute("class") or "")
        assert "vencido" in first.inner_text()
        assert second.get_attribute("id") == f"deadline-{new_id}"
        row = second.inner_text()
        assert "audiencia de hábeas corpus" in row and "en 5 días" in row
        assert "Petición de hábeas corpus" in row and "1:25-cv-00999" in row
        assert "pendiente" in row
        assert page.get_by_role("alert").filter(has_text="1 plazo ya venció.").is_visible()
        snapshot(page, "legal-actions-deadlines")
    finally:
        context.close()
