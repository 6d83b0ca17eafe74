"""The facility page's charts: PNGs at their own URL, drawn once per register state.

A small facility (two cells, weekly occupancy) on the ``store`` fixture (SQLite
and PostgreSQL). The page links to its charts instead of embedding them; each
chart answers ``image/png`` with an ETag, ``304 Not Modified`` to a client that
sends that ETag back, and a new ETag (and image) after the register changes or
in the other language; roles without ``read_aggregates`` are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.store.facilities import (
    FacilitySpec,
    OccupancySpec,
    UnitSpec,
    add_facility,
    add_occupancy,
)
from habeas.web import cache

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NGO = "Monitoring report (test)"


def _facility(store: Store) -> int:
    add_source(store, NGO, "testimony", reliability="B", actor="test")
    fid = add_facility(
        store,
        FacilitySpec(
            name="Test Prison",
            kind="prison",
            country="SLV",
            official_capacity=300,
            units=[
                UnitSpec("Cell 1", "Module 1", 100.0, 40),
                UnitSpec("Cell 2", "Module 1", 100.0, 40),
            ],
        ),
        actor="test",
    )
    add_occupancy(
        store,
        [
            OccupancySpec("Test Prison", date(2025, 3, d), n, unit, NGO)
            for d in (1, 8, 15)
            for unit, n in (("Cell 1", 50), ("Cell 2", 20), (None, 280))
        ],
        actor="test",
    )
    return fid


@pytest.fixture
def facility_id(store: Store) -> int:
    cache.clear()
    return _facility(store)


def test_page_links_to_its_charts(client_as: Callable[[str], TestClient], facility_id: int) -> None:
    analyst = client_as("analyst")
    html = analyst.get(f"/facilities/{facility_id}").text
    assert "data:image/png" not in html  # nothing drawn for the page itself
    for chart in ("population", "space"):
        assert f'src="/facilities/{facility_id}/charts/{chart}.png"' in html
    data = analyst.get(
        f"/facilities/{facility_id}.json", params={"start": "2025-03-01", "end": "2025-03-10"}
    ).json()
    assert data["charts"] == {
        "population": f"/facilities/{facility_id}/charts/population.png"
        "?start=2025-03-01&end=2025-03-10",
        "space": f"/facilities/{facility_id}/charts/space.png?start=2025-03-01&end=2025-03-10",
    }
    empty = analyst.get(
        f"/facilities/{facility_id}.json", params={"start": "2024-01-01", "end": "2024-01-31"}
    ).json()
    assert empty["charts"] == {"population": None, "space": None}


def test_chart_png_etag_and_304(
    client_as: Callable[[str], TestClient], store: Store, facility_id: int
) -> None:
    analyst = client_as("analyst")
    analyst.get("/language/en")
    url = f"/facilities/{facility_id}/charts/population.png"
    first = analyst.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "image/png"
    assert first.content.startswith(PNG_SIGNATURE)
    tag = first.headers["etag"]
    assert "no-cache" in first.headers["cache-control"]
    assert "no-store" not in first.headers["cache-control"]
    again = analyst.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert analyst.get(url, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
    assert analyst.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    # the same chart in the other language is another image with another tag
    analyst.get("/language/es")
    spanish = analyst.get(url, headers={"If-None-Match": tag})
    assert spanish.status_code == 200 and spanish.headers["etag"] != tag
    assert spanish.content.startswith(PNG_SIGNATURE) and spanish.content != first.content
    # a change to the register gives a new tag: the old one is no longer current
    add_occupancy(
        store, [OccupancySpec("Test Prison", date(2025, 3, 22), 400, None, NGO)], actor="test"
    )
    changed = analyst.get(url, headers={"If-None-Match": spanish.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != spanish.headers["etag"]
    assert changed.content != spanish.content  # redrawn with the new observation


def test_chart_space_and_errors(client_as: Callable[[str], TestClient], facility_id: int) -> None:
    analyst = client_as("analyst")
    space = analyst.get(f"/facilities/{facility_id}/charts/space.png")
    assert space.status_code == 200 and space.content.startswith(PNG_SIGNATURE)
    assert analyst.get(f"/facilities/{facility_id}/charts/pie.png").status_code == 404
    assert analyst.get(f"/facilities/{facility_id + 999}/charts/space.png").status_code == 404
    nothing = analyst.get(
        f"/facilities/{facility_id}/charts/space.png",
        params={"start": "2024-01-01", "end": "2024-01-31"},
    )
    assert nothing.status_code == 404
    assert (
        analyst.get(
            f"/facilities/{facility_id}/charts/space.png", params={"start": "March"}
        ).status_code
        == 400
    )


def test_chart_permission(
    client_as: Callable[[str], TestClient], client: TestClient, facility_id: int
) -> None:
    url = f"/facilities/{facility_id}/charts/population.png"
    assert client.get(url, headers={"Accept": "application/json"}).status_code == 401
    assert client_as("viewer").get(url, headers={"Accept": "application/json"}).status_code == 403
    assert client_as("legal").get(url).status_code == 200


def test_units_list_their_latest_observations(
    client_as: Callable[[str], TestClient],
    store: Store,
    facility_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from habeas.web.pages import facilities as page_module

    monkeypatch.setattr(page_module, "OBSERVATIONS_SHOWN", 2)
    analyst = client_as("analyst")
    analyst.get("/language/en")
    units = analyst.get(f"/facilities/{facility_id}.json").json()["units"]
    assert [u["observations_count"] for u in units] == [3, 3]
    assert [[o["day"] for o in u["observations"]] for u in units] == [
        ["2025-03-08", "2025-03-15"]
    ] * 2  # the latest, in date order
    html = analyst.get(f"/facilities/{facility_id}").text
    assert "The latest 2 of 3 observations." in html
    assert f'href="/facilities/{facility_id}?observations=all#h-units"' in html
    every = analyst.get(f"/facilities/{facility_id}.json", params={"observations": "all"}).json()
    assert [len(u["observations"]) for u in every["units"]] == [3, 3]
