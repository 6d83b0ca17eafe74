"""Facility entry in the browser (#13.4): the forms, each role, errors next to the field."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.document import facility_entry as fe
from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.store.schema import Facility, FacilityFigure, OccupancyObservation, Source
from tests.web.conftest import CSRF_RE

Client = Callable[[str], TestClient]


@pytest.fixture
def facility_id(store: Store) -> int:
    sid = add_source(store, "Government statement", "official_statement", actor="test")
    fe.enter(store, Reader("admin", "test"), fe.FacilityFact("CECOT", "prison", sid, "SLV"))
    with store.read() as s:
        return int(s.execute(select(Facility.id).where(Facility.name == "CECOT")).scalar_one())


def _source_id(store: Store, title: str) -> int:
    with store.read() as s:
        return int(s.execute(select(Source.id).where(Source.title == title)).scalar_one())


def _post(client: TestClient, path: str, data: dict[str, str]) -> object:
    page = client.get("/facilities")
    token = CSRF_RE.search(page.text)
    assert token
    return client.post(path, data={**data, "csrf_token": token.group(1)}, follow_redirects=False)


@pytest.mark.parametrize("role", ["admin", "documenter"])
def test_editors_enter_unit_area_capacity_population(
    client_as: Client, store: Store, facility_id: int, role: str
) -> None:
    c = client_as(role)
    assert 'href="/facility-entry"' in c.get("/facilities").text
    page = c.get(f"/facilities/{facility_id}")
    assert f'href="/facilities/{facility_id}/enter"' in page.text
    form = c.get(f"/facilities/{facility_id}/enter")
    assert form.status_code == 200 and "Government statement" in form.text
    sid = str(_source_id(store, "Government statement"))
    base = f"/facilities/{facility_id}/enter/"
    r = _post(
        c,
        base + "unit",
        {"unit": "Celda 12", "building": "Módulo 3", "area": "100", "source_id": sid},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("#h-units")  # type: ignore[attr-defined]
    # a new source created on the spot, like ``habeas facility source``
    r = _post(
        c,
        base + "capacity",
        {
            "kind": "design_capacity",
            "value": "20.480",
            "new_source_title": "Engineer's account",
            "new_source_kind": "news_report",
        },
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    r = _post(
        c,
        base + "population",
        {"date": "17/03/2025", "population": "50", "unit": "Celda 12", "source_id": sid},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    with store.read() as s:
        kinds = sorted(f.kind for f in s.execute(select(FacilityFigure)).scalars())
        assert kinds == ["area_m2", "design_capacity"]
        obs = s.execute(select(OccupancyObservation)).scalar_one()
        assert obs.population == 50 and obs.observed_on.isoformat() == "2025-03-17"
        src = s.execute(select(Source).where(Source.title == "Engineer's account")).scalar_one()
        assert src.kind == "news_report"
    c.get("/language/en")
    shown = c.get(f"/facilities/{facility_id}").text
    assert "20,480" in shown  # the new capacity figure
    assert "2.00 m²/person" in shown  # 100 m² for 50 people: its m² per person


@pytest.mark.parametrize("role", ["legal", "analyst", "viewer"])
def test_other_roles_are_refused(
    client_as: Client, store: Store, facility_id: int, role: str
) -> None:
    c = client_as(role)
    assert "/facility-entry" not in c.get("/facilities").text
    assert f"/facilities/{facility_id}/enter" not in c.get(f"/facilities/{facility_id}").text
    assert c.get(f"/facilities/{facility_id}/enter").status_code == 403
    assert c.get("/facility-entry").status_code == 403
    sid = str(_source_id(store, "Government statement"))
    r = _post(
        c,
        f"/facilities/{facility_id}/enter/capacity",
        {"kind": "official_capacity", "value": "100", "source_id": sid},
    )
    assert r.status_code == 403  # type: ignore[attr-defined]
    r = _post(c, "/facility-entry", {"name": "X", "kind": "prison", "source_id": sid})
    assert r.status_code == 403  # type: ignore[attr-defined]
    with store.read() as s:
        assert s.execute(select(FacilityFigure)).first() is None


def test_a_bad_value_is_shown_in_spanish_next_to_its_field(
    client_as: Client, store: Store, facility_id: int
) -> None:
    c = client_as("documenter")
    c.get("/language/es")
    sid = str(_source_id(store, "Government statement"))
    r = _post(
        c,
        f"/facilities/{facility_id}/enter/capacity",
        {"kind": "official_capacity", "value": "mucho", "source_id": sid},
    )
    assert r.status_code == 400  # type: ignore[attr-defined]
    html = r.text  # type: ignore[attr-defined]
    found = re.search(
        r'id="c-value"[^>]*aria-invalid="true"[^>]*>'
        r'<p class="field-error" id="err-value" role="alert">([^<]+)</p>',
        html,
    )
    assert found, html[:3000]
    assert "no es un número" in found.group(1).replace("&#39;", "'")
    assert 'value="mucho"' in html  # what was typed is kept
    # a library refusal (a unit that does not exist) is shown by the unit field
    r = _post(
        c,
        f"/facilities/{facility_id}/enter/capacity",
        {"kind": "official_capacity", "unit": "Celda 99", "value": "10", "source_id": sid},
    )
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert re.search(r'id="err-unit" role="alert">[^<]*no tiene', r.text)  # type: ignore[attr-defined]
    # a new facility without a source: the source chooser says what to do
    r = _post(c, "/facility-entry", {"name": "Izalco", "kind": "prison"})
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert 'id="err-source"' in r.text  # type: ignore[attr-defined]
    with store.read() as s:
        assert s.execute(select(FacilityFigure)).first() is None


def test_new_facility_then_json_errors(client_as: Client, store: Store, facility_id: int) -> None:
    c = client_as("admin")
    sid = str(_source_id(store, "Government statement"))
    r = _post(
        c,
        "/facility-entry",
        {"name": "Izalco", "kind": "prison", "country": "SLV", "source_id": sid},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert re.fullmatch(r"/facilities/\d+/enter", r.headers["location"])  # type: ignore[attr-defined]
    token = CSRF_RE.search(c.get("/facilities").text)
    assert token
    r2 = c.post(
        f"/facilities/{facility_id}/enter/population",
        headers={"Accept": "application/json", "X-CSRF-Token": token.group(1)},
        data={"date": "31/02/2025", "population": "5", "source_id": sid},
    )
    assert r2.status_code == 400 and r2.json()["error"]["code"] == "invalid_request"
