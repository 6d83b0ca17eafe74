"""The map pages in Debian's Chromium, offline (issue 15.6).

Playwright drives Chromium against the real server on loopback, on a workspace of its
own (:mod:`tests.web.map_data`). Every request that is not to the loopback server is
blocked and recorded: the test asserts that none was attempted (no tile server, no CDN,
no font service). On each map view it asserts what Leaflet drew: the country outlines
(the shipped Natural Earth GeoJSON), the facility markers, the transfer lines, the
numbered route.

With ``HABEAS_SCREENSHOTS`` set (a folder), each map view is photographed there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from habeas.access.users import add_user
from habeas.store.db import Store
from habeas.web import create_app
from habeas.workspace import init_workspace
from tests.web.conftest_browser import PASSWORD, Chromium, LiveServer, log_in
from tests.web.map_data import DESTINATION, FLIGHT, ORIGIN, MapCase, build_map_case

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[str, MapCase, Chromium]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    root = tmp_path_factory.mktemp("map")
    store = Store.open(init_workspace(root / "ws"), create=True)
    case = build_map_case(store, root)
    for role in ("legal", "analyst"):
        add_user(store, role, role, PASSWORD, actor="test")
    live = LiveServer(create_app(store, secret_key="map-secret")).start()
    yield live.url, case, chromium
    live.stop()
    store.close()
    mp.undo()


class Offline:
    """A browser context that lets only the loopback server through and records the rest."""

    def __init__(self, chromium: Chromium, base_url: str, lang: str) -> None:
        self.base_url = base_url
        self.blocked: list[str] = []
        self.asked: list[str] = []
        self.context = chromium.context(lang=lang)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.asked.append(url)
        if url.startswith(self.base_url + "/"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path)
        self.page.wait_for_selector("[data-map][data-ready]", timeout=TIMEOUT_MS)
        assert self.page.get_attribute("[data-map]", "data-ready") == "true"
        return self.page

    def shot(self, name: str) -> None:
        folder = os.environ.get("HABEAS_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def _count(page: Any, selector: str) -> int:
    return int(page.locator(selector).count())


def test_the_map_draws_offline(server: tuple[str, MapCase, Chromium]) -> None:
    base_url, case, chromium = server
    browser = Offline(chromium, base_url, "es")
    try:
        log_in(browser.page, base_url, "legal")
        page = browser.open("/map")
        assert _count(page, "#transfer-map path.map-country") > 150  # Natural Earth 1:110m
        assert _count(page, "#transfer-map path.map-facility") == 3  # the located ones
        assert _count(page, "#transfer-map path.map-transfer") == 2
        assert page.locator("#transfer-map .leaflet-tile").count() == 0  # no tiles at all
        table = page.locator("#transfers-table").inner_text()
        assert ORIGIN in table and DESTINATION in table and FLIGHT in table
        assert page.get_by_role("heading", name="Mapa de centros y traslados").is_visible()
        browser.shot("map-es")

        page = browser.open(f"/facilities/{case.facility_ids[DESTINATION]}")
        assert _count(page, "#facility-map path.map-country") > 150
        assert _count(page, "#facility-map path.map-facility-main") == 1
        browser.shot("facility-location-es")

        page = browser.open(f"/persons/{case.person_ids[0]}/route")
        assert _count(page, "#route-map path.map-route") == 1
        assert _count(page, "#route-map .map-stop-number") == 3
        assert page.locator("#route-stops li").count() == 3
        browser.shot("route-es")
        assert not browser.errors, browser.errors
        assert any(u.endswith("/static/countries-110m.geojson") for u in browser.asked)
        assert browser.blocked == [], f"requests outside the server: {browser.blocked}"
    finally:
        browser.close()


def test_the_map_for_an_analyst_in_english(server: tuple[str, MapCase, Chromium]) -> None:
    base_url, _case, chromium = server
    browser = Offline(chromium, base_url, "en")
    try:
        log_in(browser.page, base_url, "analyst")
        browser.page.goto(base_url + "/language/en?next=/map")
        page = browser.open("/map")
        assert page.get_by_role("heading", name="Map of facilities and transfers").is_visible()
        assert _count(page, "#transfer-map path.map-transfer") == 2
        browser.shot("map-en-analyst")
        assert browser.blocked == [], f"requests outside the server: {browser.blocked}"
    finally:
        browser.close()
