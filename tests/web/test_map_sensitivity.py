"""The map's routes × every role × every sensitivity level (a sibling of the matrix in
test_role_matrix): one person stated by four sources, one at each level, each placing them
at a facility of its own on its own day.

* ``/map.json`` counts transfers from the records at the levels the role may aggregate
  (``read_aggregates`` up to its clearance); a role without it is refused.
* ``/persons/{id}/route.json`` shows the stops of the records the role may view (with the
  purpose stated), as the person page does; a role without ``read_identities`` is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.access import policy
from habeas.access.policy import ROLES, SENSITIVITY_LEVELS, allowed
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.facilities import FacilitySpec, add_facility
from habeas.store.queries import CURRENT
from habeas.store.schema import Link, Record, Source
from tests.trace.conftest import merge
from tests.web.conftest import csrf, login

#: level -> (facility, latitude, longitude, day in March 2025)
STOPS = {
    "public": ("Lugar público", 26.1, -97.6, 1),
    "internal": ("Lugar interno", 31.8, -106.4, 5),
    "restricted": ("Lugar reservado", 13.7, -88.9, 9),
    "witness_protected": ("Lugar protegido", 10.5, -66.9, 13),
}
ROUTES = ("map.json", "person_route.json")


def _build(store: Store, folder: Path) -> int:
    records = []
    for level, (place, lat, lon, day) in STOPS.items():
        add_facility(store, FacilitySpec(place, "prison", latitude=lat, longitude=lon), actor="t")
        path = folder / f"{level}.csv"
        row = f"Zoila Ficticia;detention;2025-03-{day:02d};{place}\n"
        path.write_text("Nombre;Tipo de evento;Fecha;Centro\n" + row, encoding="utf-8")
        title = f"Nivel {level}"
        import_file(
            store,
            path,
            ImportOptions(source_title=title, source_kind="list", sensitivity=level),
            actor="test",
        )
        with store.read() as s:
            records += list(
                s.execute(
                    select(Link.person_id)
                    .join(Record, Record.id == Link.record_id)
                    .join(Source, Source.id == Record.source_id)
                    .where(CURRENT, Source.title == title)
                ).scalars()
            )
    return merge(store, records)


def _seen(client: TestClient, route: str, person_id: int) -> set[str] | None:
    url = "/map.json" if route == "map.json" else f"/persons/{person_id}/route.json"
    response = client.get(url, headers={"Accept": "application/json"})
    if response.status_code in (401, 403):
        return None
    assert response.status_code == 200, response.text[:300]
    data = response.json()
    if route == "map.json":
        names = {n for t in data["transfers"] for n in (t["origin"], t["destination"])}
    else:
        names = {s["facility"] for s in data["stops"]}
    return {level for level, (place, *_) in STOPS.items() if place in names}


def _expected(role: str | None, route: str, level: str) -> bool | None:
    if route == "map.json":
        if not allowed(role, "read_aggregates"):
            return None
        return policy.allowed(role, "read_aggregates", sensitivity=level)
    if policy.max_level(role, "view") is None:
        return None
    return policy.may(role, level, "view")


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_map_routes_by_role_and_level(
    app: FastAPI, store: Store, tmp_path: Path, role: str | None
) -> None:
    person_id = _build(store, tmp_path)
    client = TestClient(app)
    if role is not None:
        login(client, role)
        if allowed(role, "read_identities"):
            stated = client.post(
                "/purpose",
                data={"purpose": "documentation", "next": "/", "csrf_token": csrf(client)},
                follow_redirects=False,
            )
            assert stated.status_code == 303, stated.text
    failures = []
    for route in ROUTES:
        seen = _seen(client, route, person_id)
        for level in SENSITIVITY_LEVELS:
            got = None if seen is None else level in seen
            if got != _expected(role, route, level):
                failures.append(f"{role} {route} {level}: got {got}")
    assert not failures, "\n".join(failures)


def test_a_route_without_purpose_withholds_restricted_stops(
    app: FastAPI, store: Store, tmp_path: Path
) -> None:
    person_id = _build(store, tmp_path)
    client = TestClient(app)
    login(client, "legal")
    data = client.get(f"/persons/{person_id}/route.json").json()
    assert {s["facility"] for s in data["stops"]} == {"Lugar público", "Lugar interno"}
    assert data["withheld"]["for_purpose"] >= 1
    page = client.get(f"/persons/{person_id}/route").text
    assert "/purpose?next=" in page
