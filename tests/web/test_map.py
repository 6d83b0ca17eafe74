"""The map pages (TestClient): /map and its JSON, a facility's location, a person's route,
coordinates in the facility form; counts suppressed for roles without identities."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.store.db import Store
from tests.web.conftest import CSRF_RE
from tests.web.map_data import (
    DESTINATION,
    FLIGHT,
    ORIGIN,
    PEOPLE,
    STAGING,
    UNPLACED,
    MapCase,
    build_map_case,
)

Client = Callable[[str], TestClient]


@pytest.fixture
def case(store: Store, tmp_path: Path) -> MapCase:
    return build_map_case(store, tmp_path)


def test_map_json_lists_transfers_and_draws_them(client_as: Client, case: MapCase) -> None:
    data = client_as("documenter").get("/map.json").json()
    legs = [(t["origin"], t["destination"], t["flight"], t["persons"]) for t in data["transfers"]]
    assert legs == [(ORIGIN, STAGING, None, PEOPLE), (STAGING, DESTINATION, FLIGHT, PEOPLE)]
    assert data["k"] is None and data["unplaced"] == [UNPLACED]
    drawn = data["map_data"]
    assert drawn["basemap"] == "/static/countries-110m.geojson"
    assert len(drawn["places"]) == 3  # the facility without coordinates is not drawn
    assert [line["from"] for line in drawn["transfers"]] == [[26.1, -97.6], [31.8, -106.4]]
    assert drawn["largest"] == PEOPLE


def test_map_suppresses_small_counts_for_analysts(
    client_as: Client, store: Store, case: MapCase
) -> None:
    from habeas.report.sharing import set_sharing

    set_sharing(store, k=10, actor="test")  # 7 people fall below k = 10
    analyst = client_as("analyst").get("/map.json").json()
    assert {t["persons"] for t in analyst["transfers"]} == {"<10"} and analyst["k"] == 10
    assert {t["persons"] for t in client_as("legal").get("/map.json").json()["transfers"]} == {
        PEOPLE
    }
    assert client_as("viewer").get("/map.json").status_code == 403


def test_map_page_has_a_table_fallback_and_a_legend_in_spanish(
    client_as: Client, case: MapCase
) -> None:
    page = client_as("analyst").get("/map").text
    assert 'src="/static/leaflet.js"' in page and "https://" not in page.split("<footer")[0]
    table = page[page.index('id="transfers-table"') :]
    table = table[: table.index("</table>")]
    assert ORIGIN in table and DESTINATION in table and FLIGHT in table
    assert re.search(r"<td class=\"num\">7</td>", table)
    assert "Mapa de centros y traslados" in page and "Leyenda" in page
    assert 'id="transfer-map-data"' in page


def test_facility_page_shows_where_it_is(client_as: Client, case: MapCase) -> None:
    c = client_as("analyst")
    fid = case.facility_ids[DESTINATION]
    data = c.get(f"/facilities/{fid}.json").json()["location"]
    assert data["located"] and data["coordinates_text"] == "13.7000, -88.9000"
    assert data["map_data"]["places"][0]["lat"] == 13.7
    assert 'id="facility-map"' in c.get(f"/facilities/{fid}").text
    none = c.get(f"/facilities/{case.facility_ids[UNPLACED]}").text
    assert 'id="facility-map"' not in none and "No hay coordenadas" in none


def test_a_persons_route(client_as: Client, case: MapCase) -> None:
    c = client_as("legal")
    pid = case.person_ids[0]
    assert f'href="/persons/{pid}/route"' in c.get(f"/persons/{pid}").text
    data = c.get(f"/persons/{pid}/route.json").json()
    assert [s["facility"] for s in data["stops"]] == [ORIGIN, STAGING, DESTINATION]
    assert data["stops"][2]["flight"] == FLIGHT
    assert data["map_data"]["route"] == [[26.1, -97.6], [31.8, -106.4], [13.7, -88.9]]
    page = c.get(f"/persons/{pid}/route").text
    assert 'id="route-stops"' in page and "Paradas" in page
    assert client_as("analyst").get(f"/persons/{pid}/route.json").status_code == 403


def _post_new_facility(c: TestClient, data: dict[str, str]) -> object:
    token = CSRF_RE.search(c.get("/facility-entry").text)
    assert token
    return c.post(
        "/facility-entry", data={**data, "csrf_token": token.group(1)}, follow_redirects=False
    )


def test_facility_form_takes_coordinates(client_as: Client, store: Store, case: MapCase) -> None:
    c = client_as("documenter")
    form = c.get("/facility-entry").text
    assert 'name="latitude"' in form and 'name="longitude"' in form
    base = {"name": "Penal Nuevo", "kind": "prison", "new_source_title": "Nota (prueba)"}
    base["new_source_kind"] = "news_report"
    bad = _post_new_facility(c, {**base, "latitude": "13,7", "longitude": "oeste"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "no es una coordenada" in bad.text  # type: ignore[attr-defined]
    assert 'value="oeste"' in bad.text  # type: ignore[attr-defined]
    ok = _post_new_facility(c, {**base, "latitude": "13,7", "longitude": "-88,9"})
    assert ok.status_code == 303  # type: ignore[attr-defined]
    places = {p["name"]: p for p in c.get("/map.json").json()["facilities"]}
    assert (places["Penal Nuevo"]["latitude"], places["Penal Nuevo"]["longitude"]) == (13.7, -88.9)


def test_a_facility_without_coordinates_is_located_in_the_form(
    client_as: Client, store: Store, case: MapCase
) -> None:
    c = client_as("documenter")
    fid = case.facility_ids[UNPLACED]
    assert f"/facilities/{fid}/enter#enter-location" in c.get(f"/facilities/{fid}").text
    form = c.get(f"/facilities/{fid}/enter").text
    assert 'id="enter-location"' in form and 'id="l-latitude"' in form
    token = CSRF_RE.search(form)
    assert token
    data = {"new_source_title": "Visita (prueba)", "new_source_kind": "news_report"}
    path = f"/facilities/{fid}/enter/location"
    bad = c.post(path, data={**data, "latitude": "95", "longitude": "-88", "csrf_token": token[1]})
    assert bad.status_code == 400 and "La latitud debe" in bad.text
    ok = c.post(
        path,
        data={**data, "latitude": "13,5", "longitude": "-88,1", "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith("#h-location")
    location = c.get(f"/facilities/{fid}.json").json()["location"]
    assert location["located"] and (location["latitude"], location["longitude"]) == (13.5, -88.1)
    assert 'id="l-latitude"' not in c.get(f"/facilities/{fid}/enter").text
