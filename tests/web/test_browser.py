"""Browser tests: Playwright driving Debian's Chromium against the real server.

One session-wide setup: the synthetic demo case (200 persons, seed 7) imported
through the real importer and linked, one user per role, the real application
under uvicorn on 127.0.0.1 (a free port), and ``/usr/bin/chromium`` (never a
downloaded browser). Each test gets a fresh browser context (its own cookies),
in Spanish unless it says otherwise, and fails on any JavaScript error or
Content-Security-Policy violation in the page.

Covered (issue 6): log in; find a person from a misspelled name and open their
page; decide review pairs with the keys s / d / u, the next pair arriving without
a page reload; upload a list, see the dry run's mapping, confirm the import;
switch language; a phone-sized screen without horizontal scrolling; landmarks,
labelled form fields and a visible keyboard focus.

When Chromium cannot be launched the tests FAIL if ``CI`` is set (CI installs
it: ``.ci/run``) and are skipped with the reason otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from habeas.store.db import Store
from habeas.store.schema import Record, Source
from habeas.store.schema_linkage import ReviewDecision, ScoredPair
from habeas.web import create_app
from tests.web.conftest_browser import (
    PHONE,
    Chromium,
    LiveServer,
    a_person,
    build_demo_store,
    log_in,
    misspell,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 30_000  # a shared, busy machine: generous waits (never a duration assertion)


# -- the session: workspace, server, browser -----------------------------------


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = build_demo_store(
        tmp_path_factory.mktemp("browser"), roles=("admin", "documenter", "legal", "analyst")
    )
    yield store
    store.close()
    mp.undo()


@pytest.fixture(scope="session")
def server(
    demo: Store, tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[str]:
    app = create_app(
        demo, secret_key="browser-test-secret", upload_dir=tmp_path_factory.mktemp("uploads")
    )
    live = LiveServer(app).start()
    yield live.url
    live.stop()


class Browse:
    """A logged-in page in a fresh context; records JavaScript errors and CSP violations."""

    def __init__(self, chromium: Chromium, url: str) -> None:
        self.chromium, self.url = chromium, url
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def __call__(self, role: str | None, *, lang: str = "es", phone: bool = False) -> Any:
        context = self.chromium.context(lang=lang, phone=phone)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)
        if role is not None:
            log_in(page, self.url, role)
            assert page.url == self.url + "/", f"logging in as {role} did not reach the dashboard"
        return page

    def _console(self, message: Any) -> None:
        where = (message.location or {}).get("url", "")
        # browsers ask for /favicon.ico on their own; the pages do not link one
        if message.type == "error" and not where.endswith("/favicon.ico"):
            self.errors.append(f"console: {message.text} ({where})")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(chromium: Chromium, server: str) -> Iterator[Callable[..., Any]]:
    b = Browse(chromium, server)
    yield b
    b.close()
    assert not b.errors, "errors in the browser:\n" + "\n".join(b.errors)


def _path(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def _mark_document(page: Any) -> None:
    """A marker on the window: it survives htmx swaps and disappears on any page load."""
    page.evaluate("window.__habeasNoReload = 'still the same document'")


def _same_document(page: Any) -> bool:
    return bool(page.evaluate("window.__habeasNoReload === 'still the same document'"))


# -- log in --------------------------------------------------------------------


def test_log_in_refuses_a_wrong_password_then_logs_in(browse: Browse, server: str) -> None:
    page = browse(None)
    page.goto(server + "/")
    assert _path(page).startswith("/login"), "an anonymous visitor is not sent to log in"
    page.get_by_label("Usuario", exact=True).fill("legal")
    page.get_by_label("Contraseña", exact=True).fill("not the password")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_load_state()
    assert _path(page).startswith("/login")
    assert (
        page.locator("main .flash.error").inner_text().strip()
        == "Usuario o contraseña incorrectos."
    )

    page.get_by_label("Usuario", exact=True).fill("legal")
    page.get_by_label("Contraseña", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(server + "/")
    assert page.locator("h1").inner_text() == "Resumen"
    assert "legal" in page.locator("header.site .account").inner_text()
    # the session cookie is HttpOnly: page scripts cannot read it
    assert page.evaluate("document.cookie") == ""

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    assert _path(page).startswith("/login")
    page.goto(server + "/search")
    assert _path(page).startswith("/login"), "still logged in after logging out"


# -- search and person ----------------------------------------------------------


def test_search_with_a_misspelled_name_finds_the_person_and_opens_their_page(
    browse: Browse, server: str, demo: Store
) -> None:
    person = a_person(demo)
    typed = f"{misspell(person.given)} {misspell(person.surname)}"
    assert typed.lower() != f"{person.given} {person.surname}".lower()

    page = browse("legal")
    page.get_by_role("link", name="Buscar a una persona").click()
    page.wait_for_url(re.compile(r"/search"))
    _mark_document(page)
    page.get_by_label("Nombre, número A o cédula").press_sequentially(typed, delay=20)
    # results arrive as the user types (htmx), without a page load
    hit = page.locator(f'#search-results a.candidate-name[href="/persons/{person.person_id}"]')
    hit.wait_for()
    assert _same_document(page), "the results replaced the whole page"
    assert "q=" in page.url, "the search is not in the address bar (cannot be bookmarked)"
    assert person.surname.lower() in hit.inner_text().lower()
    candidate = page.locator(
        "#search-results li.candidate",
        has=page.locator(f'a.candidate-name[href="/persons/{person.person_id}"]'),
    )
    assert candidate.locator("ul.reasons li").count() > 0, "no reasons why it matched"

    hit.click()
    page.wait_for_url(f"{server}/persons/{person.person_id}")
    heading = page.locator("main h1").inner_text()
    assert person.surname.lower() in heading.lower()
    for section in ("identity", "whereabouts", "timeline", "flags", "gaps", "records", "sources"):
        assert page.locator(f"main section#{section}").count() == 1, f"no section {section}"
    assert page.locator("#identity tbody tr").count() > 0
    assert page.locator("#records").inner_text().strip()
    # the contents links work inside the page
    page.locator('nav.toc a[href="#timeline"]').click()
    assert page.evaluate("location.hash") == "#timeline"


# -- review queue with the keyboard ------------------------------------------------


def _pair_id(page: Any) -> int:
    action = page.locator("#review-pair form.decide").get_attribute("action") or ""
    found = re.search(r"/review/(\d+)/decide", action)
    assert found, f"no decision form in the review pair (action {action!r})"
    return int(found.group(1))


def _decision(store: Store, pair_id: int) -> tuple[str, str | None]:
    with store.read() as s:
        status = s.execute(select(ScoredPair.status).where(ScoredPair.id == pair_id)).scalar()
        decision = s.execute(
            select(ReviewDecision.decision).where(
                ReviewDecision.pair_id == pair_id, ReviewDecision.superseded_at.is_(None)
            )
        ).scalar()
    return str(status), decision


def test_review_pairs_are_decided_with_the_keyboard_without_a_page_reload(
    browse: Browse, server: str, demo: Store
) -> None:
    page = browse("documenter")
    page.goto(server + "/review")
    assert page.locator("main h1").inner_text() == "Cola de revisión"
    _mark_document(page)

    # typing in the note field writes the note: the keys do not decide
    first = _pair_id(page)
    note = page.get_by_label("Nota (opcional)")
    note.press_sequentially("sdu")
    assert note.input_value() == "sdu"
    assert _pair_id(page) == first
    assert _decision(demo, first) == ("queued", None)
    note.fill("")
    note.blur()

    for key, expected in (("d", "different"), ("u", "unsure"), ("s", "same")):
        pair = _pair_id(page)
        assert _decision(demo, pair)[1] is None
        page.keyboard.press(key)
        page.wait_for_function(
            "old => { const f = document.querySelector('#review-pair form.decide');"
            " return !f || !f.getAttribute('action').includes('/review/' + old + '/'); }",
            arg=pair,
            timeout=TIMEOUT_MS,
        )
        assert _same_document(page), f"pressing {key!r} reloaded the page"
        assert _path(page) == "/review"
        status = page.locator("#review-pair .flash.ok").inner_text()
        assert status.startswith("Decisión guardada"), status
        assert _decision(demo, pair) == ("decided", expected)
        assert _pair_id(page) != pair, "the next pair did not arrive"
        # the focus moves to the new pair's heading (screen readers announce it)
        assert (
            page.evaluate("document.activeElement && document.activeElement.id")
            == "review-pair-heading"
        )


# -- upload and import a list --------------------------------------------------------


def _mapping(page: Any) -> dict[str, str]:
    """The dry run's mapping table: column in the file -> the option shown as chosen."""
    return {
        page.locator(f'label[for="{select.get_attribute("id")}"]')
        .inner_text()
        .strip(): select.locator("option:checked").inner_text().strip()
        for select in page.locator("#mapping-form select[name^='map:']").all()
    }


LIST_CSV = """\
Nombre,Apellidos,Fecha de nacimiento,Sexo,Cédula
Ana Beatriz,Quintero Salas,14/02/1990,F,V-19.442.871
José Gregorio,Mendoza Rivas,03/11/1985,M,V-17.220.334
Luisa,Pérez de Arcia,27/07/1999,F,V-26.118.905
"""


def test_upload_a_list_see_the_dry_run_and_import_it(
    browse: Browse, server: str, demo: Store, tmp_path: Path
) -> None:
    title = "Lista de prueba del navegador"
    path = tmp_path / "lista_familiares.csv"
    path.write_text(LIST_CSV, encoding="utf-8")
    page = browse("documenter")
    page.goto(server + "/sources")
    page.locator('main a[href="/sources/import"]').first.click()
    page.wait_for_url(f"{server}/sources/import")
    page.get_by_label(re.compile(r"^Archivo")).set_input_files(str(path))
    page.get_by_label(re.compile(r"^Título de la fuente")).fill(title)
    page.locator("#source_kind").select_option("list")
    page.locator("#reliability").select_option("C")
    page.get_by_role("button", name="Revisar el archivo").click()

    # the dry run: the detected mapping of every column, nothing written yet
    page.wait_for_url(re.compile(r"/sources/import/[^/]+$"))
    plan_url = page.url
    assert "lista_familiares.csv" in page.locator("main h1").inner_text()
    mapping = _mapping(page)
    assert mapping["Apellidos"] == "detectado: surnames", mapping
    assert mapping["Fecha de nacimiento"] == "detectado: date_of_birth", mapping
    assert mapping["Cédula"] == "detectado: national_id", mapping
    # "Nombre" beside "Apellidos" holds the given names (ingest.mapping)
    assert mapping["Nombre"] == "detectado: given_names", mapping
    assert "Se importarían 3 registros" in page.locator("main").inner_text()
    with demo.read() as s:
        assert s.execute(select(Source.id).where(Source.title == title)).first() is None

    # choose the field by hand (as a user confirming the guess would); check again
    page.get_by_label("Nombre", exact=True).select_option("given_names")
    page.get_by_role("button", name="Revisar de nuevo").click()
    page.wait_for_url(plan_url)
    assert _mapping(page)["Nombre"] == "given_names"
    sample = page.locator("table", has=page.locator("caption", has_text="primeras filas"))
    first_row = sample.locator("tbody tr").first
    assert first_row.locator('td[data-label="Nombres"]').inner_text().lower() == "ana beatriz"
    assert "quintero" in first_row.locator('td[data-label="Apellidos"]').inner_text().lower()

    page.get_by_role("button", name=re.compile(r"^Importar 3 registros")).click()
    page.wait_for_url(re.compile(r"/sources/imports/\d+$"))
    assert "3" in page.locator("main .flash.ok").inner_text()
    with demo.read() as s:
        imported = s.execute(
            select(func.count())
            .select_from(Record)
            .join(Source, Source.id == Record.source_id)
            .where(Source.title == title)
        ).scalar()
    assert imported == 3


# -- language -------------------------------------------------------------------------


def test_switching_language_changes_the_strings_and_keeps_the_page(
    browse: Browse, server: str
) -> None:
    page = browse("legal")
    page.goto(server + "/search?q=Rodriguez")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("main h1").inner_text() == "Buscar a una persona"
    assert (
        page.get_by_role("navigation", name="Principal").get_by_role("link", name="Resumen").count()
        == 1
    )

    page.locator('nav.lang a[hreflang="en"]').click()
    # during the navigation documentElement can be null for a moment
    page.wait_for_function("document.documentElement?.lang === 'en'")
    assert _path(page) == "/search?q=Rodriguez", "switching language left the page"
    assert page.locator("main h1").inner_text() == "Find a person"
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview").count()
        == 1
    )
    assert page.locator("#search-q").input_value() == "Rodriguez"

    page.goto(server + "/")  # the choice is remembered for the session
    assert page.locator("main h1").inner_text() == "Overview"

    page.locator('nav.lang a[hreflang="es"]').click()
    # during the navigation documentElement can be null for a moment
    page.wait_for_function("document.documentElement?.lang === 'es'")
    assert page.locator("main h1").inner_text() == "Resumen"


# -- phone screens ------------------------------------------------------------------------


def _fits_the_phone(page: Any, path: str) -> None:
    """The page is no wider than the phone's screen (no sideways scrolling).

    Measured against the screen width set for the context: on a mobile viewport
    Chromium widens the layout viewport (``innerWidth``) to fit wider content.
    """
    width = PHONE["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (
        f"{path} scrolls sideways on a phone: the page is {scroll}px wide on a {width}px "
        "screen; what sticks out: " + page.evaluate(_WIDEST_JS, width)
    )


def test_person_page_and_data_pages_fit_a_phone_screen(
    browse: Browse, server: str, demo: Store
) -> None:
    page = browse("admin", phone=True)
    paths = [
        f"/persons/{a_person(demo).person_id}",
        "/search?q=Rodriguez",
        "/review",
        "/facilities",
        "/facilities/1",
        "/incidents",
        "/estimates",
        "/sources",
        "/sources/import",
    ]
    for path in paths:
        page.goto(server + path)
        _fits_the_phone(page, path)
    # the person page on the phone: its tables become one block per row
    page.goto(server + paths[0])
    cell = page.locator("#identity tbody td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"


def test_dashboard_fits_a_phone_screen(browse: Browse, server: str) -> None:
    page = browse("admin", phone=True)
    page.goto(server + "/")
    _fits_the_phone(page, "/")


_WIDEST_JS = """(w) => {
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '')
      + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)').join(', ');
}"""


# -- accessibility --------------------------------------------------------------------------

_A11Y_JS = """() => {
  const controls = [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button');
  const unlabelled = controls.filter(e => !(e.labels && e.labels.length) &&
      !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    .map(e => e.outerHTML.slice(0, 120));
  // elements outside the accessibility tree (hidden, aria-hidden) need no name
  const emptyButtons = [...document.querySelectorAll('button, a[href]')]
    .filter(e => !e.hidden && e.getAttribute('aria-hidden') !== 'true')
    .filter(e => !e.textContent.trim() && !e.getAttribute('aria-label'))
    .map(e => e.outerHTML.slice(0, 120));
  const images = [...document.querySelectorAll('img:not([alt])')].map(e => e.outerHTML);
  return {main: document.querySelectorAll('main').length,
          h1: document.querySelectorAll('h1').length,
          lang: document.documentElement.lang, title: document.title,
          controls: controls.length, unlabelled, emptyButtons, images};
}"""


def test_pages_have_landmarks_labelled_fields_and_a_visible_focus(
    browse: Browse, server: str, demo: Store
) -> None:
    pid = a_person(demo).person_id
    page = browse("admin")
    paths = [
        "/",
        "/search?q=Rodriguez",
        f"/persons/{pid}",
        "/review",
        "/facilities",
        "/facilities/1",
        "/incidents",
        "/estimates",
        "/sources",
        "/sources/import",
        "/admin",
    ]
    labelled_controls = 0
    for path in paths:
        page.goto(server + path)
        found = page.evaluate(_A11Y_JS)
        assert found["main"] == 1, f"{path}: {found['main']} <main> elements"
        assert found["h1"] == 1, f"{path}: {found['h1']} <h1> headings"
        assert found["lang"] == "es" and found["title"], path
        assert not found["unlabelled"], (
            f"{path}: form fields without a label: {found['unlabelled']}"
        )
        assert not found["emptyButtons"], (
            f"{path}: buttons or links without a name: {found['emptyButtons']}"
        )
        assert not found["images"], f"{path}: images without alt text"
        labelled_controls += found["controls"]
    assert labelled_controls > 20, "the label check saw almost no form fields"

    # keyboard: the first Tab shows the skip link, which moves the focus to <main>
    page.goto(server + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the skip link stays hidden"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # every element the keyboard reaches shows where the focus is
    page.goto(server + "/search")
    seen = 0
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            return {tag: e.tagName, outline: s.outlineStyle, width: s.outlineWidth,
                    shadow: s.boxShadow}; }""")
        if style["tag"] == "BODY":
            continue
        seen += 1
        visible = (style["outline"] != "none" and style["width"] != "0px") or style[
            "shadow"
        ] not in ("none", "")
        assert visible, f"no visible focus on a {style['tag']}: {style}"
    assert seen >= 8
