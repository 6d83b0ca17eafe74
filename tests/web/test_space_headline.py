"""Facilities lead with space per person against the standard, not occupancy of a claimed capacity.

A facility of 12 observed units (7 of them under 3 m² per person, the smallest
0.6 m²) with a government's claimed capacity of 40,000 and an engineer's design
figure of 20,480, on the ``store`` fixture (SQLite and PostgreSQL). The
facilities list, the facility page, the dashboard and the public page must say
"7 of 12 observed units under 3 m² per person" in both languages, show every
capacity figure with whose claim it is, and never call the design figure (nor
the dashboard's column) "official".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from habeas.document.conditions import facility_conditions
from habeas.document.crowding import headline_text, space_headline
from habeas.ingest.sources import add_source
from habeas.report.public_figures import public_situation
from habeas.report.sharing import set_sharing
from habeas.store.db import Store
from habeas.store.facilities import (
    FacilitySpec,
    FigureSpec,
    OccupancySpec,
    UnitSpec,
    add_facility,
    add_occupancy,
)
from habeas.web import cache

CLAIM = "Government statement on capacity (test)"
DESIGN = "Engineer's account of the design (test)"
COUNT = "Monitoring count (test)"
DAY = date(2025, 6, 2)
EN = "7 of 12 observed units under 3 m² per person (ECtHR Muršić threshold); smallest 0.6 m²"
ES = (
    "7 de 12 unidades observadas con menos de 3 m² por persona (umbral Muršić del TEDH); "
    "la menor, 0,6 m²"
)


def _facility(store: Store) -> int:
    add_source(store, CLAIM, "official_statement", actor="test")
    add_source(store, DESIGN, "news_report", actor="test")
    add_source(store, COUNT, "testimony", actor="test")
    units = [UnitSpec(f"Cell {n}", "Module 1", 30.0) for n in range(1, 12)]
    units.append(UnitSpec("Isolation", "Module 8", 6.0))
    fid = add_facility(
        store,
        FacilitySpec(
            name="Test Prison",
            kind="prison",
            country="SLV",
            units=units,
            figures=[
                FigureSpec("official_capacity", 40000, "claimed", CLAIM),
                FigureSpec("design_capacity", 20480, "designed for", DESIGN),
            ],
        ),
        actor="test",
    )
    # Cells 1-6: 15 people in 30 m² (2 m² each); the isolation cell: 10 in 6 m² (0.6);
    # cells 7-11: 5 people (6 m² each). The whole prison: 15,600 people (39 % of 40,000).
    counts = {
        **{f"Cell {n}": 15 for n in range(1, 7)},
        "Isolation": 10,
        **{f"Cell {n}": 5 for n in range(7, 12)},
    }
    add_occupancy(
        store,
        [OccupancySpec("Test Prison", DAY, n, unit, COUNT) for unit, n in counts.items()]
        + [OccupancySpec("Test Prison", DAY, 15600, None, COUNT)],
        actor="test",
    )
    return fid


@pytest.fixture
def facility_id(store: Store) -> int:
    cache.clear()
    return _facility(store)


def test_headline_counts_units_under_the_standard(store: Store, facility_id: int) -> None:
    h = space_headline(facility_conditions(store, "Test Prison"))
    assert (h.units_observed, h.units_under) == (12, 7)
    assert h.smallest is not None and h.smallest.unit == "Isolation"
    assert h.smallest.m2_per_person == pytest.approx(0.6)
    assert headline_text(h, "en") == EN
    assert headline_text(h, "es") == ES


def test_headline_uses_the_figures_most_favourable_to_the_authorities(
    store: Store, facility_id: int
) -> None:
    # Another source says Cell 1 held 8 people that day (3.75 m² each): the headline
    # counts a unit as under the standard only when every source's figures breach it.
    add_occupancy(store, [OccupancySpec("Test Prison", DAY, 8, "Cell 1", CLAIM)], actor="test")
    h = space_headline(facility_conditions(store, "Test Prison"))
    assert (h.units_observed, h.units_under) == (12, 6)


def test_headline_without_units_uses_the_whole_facility(store: Store) -> None:
    add_facility(
        store,
        FacilitySpec(name="Small", kind="prison", figures=[FigureSpec("area_m2", 100.0)]),
        actor="test",
    )
    add_occupancy(store, [OccupancySpec("Small", DAY, 50)], actor="test")
    h = space_headline(facility_conditions(store, "Small"))
    assert h.units_observed == 0 and h.whole is not None
    assert headline_text(h, "en") == (
        "The facility as a whole: 2.0 m² per person (ECtHR Muršić threshold: 3 m²)"
    )


@pytest.mark.parametrize(
    ("lang", "headline", "claim", "design"),
    [
        ("en", EN, "claimed by: Official statement", "design capacity"),
        ("es", ES, "según: Declaración oficial", "capacidad de diseño"),
    ],
)
def test_facility_pages_lead_with_space_per_person(
    client_as: Callable[[str], TestClient],
    facility_id: int,
    lang: str,
    headline: str,
    claim: str,
    design: str,
) -> None:
    analyst = client_as("analyst")
    analyst.get(f"/language/{lang}")
    listing = analyst.get("/facilities").text
    assert headline in listing
    assert listing.index(headline) < listing.index("40")  # the headline comes first
    assert claim in listing and design in listing
    assert (
        "según: Nota de prensa" in listing if lang == "es" else "claimed by: News report" in listing
    )
    page = analyst.get(f"/facilities/{facility_id}").text
    assert headline in page and page.index(headline) < page.index(
        "40.000" if lang == "es" else "40,000"
    )
    for html in (listing, page):
        assert "official capacity" not in html.lower()
        assert "capacidad oficial" not in html.lower()


@pytest.mark.parametrize(("lang", "headline"), [("en", EN), ("es", ES)])
def test_dashboard_leads_with_space_and_says_whose_claim(
    client_as: Callable[[str], TestClient], facility_id: int, lang: str, headline: str
) -> None:
    for role in ("analyst", "viewer"):  # exact, and with small counts hidden
        client = client_as(role)
        client.get(f"/language/{lang}")
        html = client.get("/").text
        assert headline in html, role
        assert "Official capacity" not in html and "Capacidad oficial" not in html
        data = client.get("/", headers={"Accept": "application/json"}).json()
        row = next(f for f in data["facilities"] if f["name"] == "Test Prison")
        by_kind = {c["kind"]: c for c in row["capacities"]}
        assert by_kind["design_capacity"]["source_kind"] == "news_report"
        assert by_kind["official_capacity"]["source_kind"] == "official_statement"
        assert by_kind["official_capacity"]["occupancy"] == pytest.approx(0.39)
        assert by_kind["design_capacity"]["occupancy"] == pytest.approx(15600 / 20480)


def test_public_page_leads_with_space(
    client_as: Callable[[str], TestClient], store: Store, facility_id: int
) -> None:
    set_sharing(store, k=5, public_page=True, actor="test")
    cache.clear()
    for lang, headline, claim in (
        ("en", EN, "claimed by: Official statement"),
        ("es", ES, "según: Declaración oficial"),
    ):
        html = client_as("viewer").get("/public", headers={"Accept-Language": lang}).text
        assert headline in html and claim in html
        assert "Official capacity" not in html and "Capacidad oficial" not in html
        assert CLAIM not in html  # whose claim by the source's kind; titles stay internal
    # a smallest figure from a space holding fewer than k people would give its count away
    data = public_situation(store, k=11, lang="en")
    row = next(f for f in data["facilities"] if f["name"] == "Test Prison")
    assert row["space"]["text"] == EN.split("; smallest")[0]
    assert row["space"]["smallest_m2"] is None
