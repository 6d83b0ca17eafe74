"""Pages write a country by its name in the reader's language (the person page's records,
the map's facilities table), while the JSON answers keep the ISO code a program asks for."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.web.country_names import country_name
from tests.trace.conftest import persons_of_list
from tests.web.map_data import DESTINATION, ORIGIN, build_map_case

Client = Callable[[str], TestClient]


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html)]


def test_country_name_in_the_readers_language() -> None:
    assert country_name("USA", "es") == "Estados Unidos"
    assert country_name("USA", "en") == "United States"
    assert country_name("SLV", "es") == "El Salvador"
    assert country_name("ZZZ", "es") == "ZZZ"  # unknown: as stored
    assert country_name(None, "es") == "" and country_name("", "en") == ""


def test_person_page_names_the_nationality_of_each_record(
    client_as: Client, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(
        "Nombre;Nacionalidad;Fecha de nacimiento\nPersona Ficticia Uno;estadounidense;1990-05-04\n",
        encoding="utf-8",
    )
    import_file(store, path, ImportOptions("Lista de prueba", "list"), actor="test")
    [pid] = persons_of_list(store, "Lista de prueba")
    c = client_as("documenter")
    c.get("/language/es")
    page = c.get(f"/persons/{pid}").text
    row = re.search(r"<tr><th scope=\"row\">Nacionalidad</th>(.*?)</tr>", page, re.S)
    assert row and _cells(row.group(1)) == ["Estados Unidos"]
    c.get("/language/en")
    row = re.search(
        r"<tr><th scope=\"row\">Nationality</th>(.*?)</tr>", c.get(f"/persons/{pid}").text, re.S
    )
    assert row and _cells(row.group(1)) == ["United States"]
    # the JSON keeps the code
    [record] = c.get(f"/persons/{pid}.json").json()["records"]
    assert record["nationality"] == "USA"


def test_map_facilities_table_names_the_country(
    client_as: Client, store: Store, tmp_path: Path
) -> None:
    build_map_case(store, tmp_path)
    c = client_as("analyst")
    c.get("/language/es")
    page = c.get("/map").text
    rows = {
        cells[0]: cells
        for cells in (_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", page, re.S))
        if cells
    }
    assert rows[ORIGIN][2] == "Estados Unidos"
    assert rows[DESTINATION][2] == "El Salvador"
    assert ">USA<" not in page and ">SLV<" not in page
    data = c.get("/map.json").json()
    countries = {f["name"]: f["country"] for f in data["facilities"]}
    assert countries[ORIGIN] == "USA" and countries[DESTINATION] == "SLV"  # codes for programs
    places = {p["label"]: p["detail"] for p in data["map_data"]["places"]}
    assert places[ORIGIN].endswith("Estados Unidos")


def test_facility_pages_name_the_country(client_as: Client, store: Store, tmp_path: Path) -> None:
    build_map_case(store, tmp_path)
    c = client_as("analyst")
    c.get("/language/es")
    listing = c.get("/facilities").text
    assert f'{DESTINATION}</a> <span class="muted">(El Salvador)</span>' in listing
    assert "(SLV)" not in listing and "(USA)" not in listing
    fid = next(
        f["id"] for f in c.get("/facilities.json").json()["facilities"] if f["name"] == DESTINATION
    )
    page = c.get(f"/facilities/{fid}").text
    assert ", El Salvador</small>" in page and ", SLV</small>" not in page
