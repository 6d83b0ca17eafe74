"""A small hand-built case with known answers: a prison with three cells, figures that
conflict, occupancy observations, two listed people and incidents reported by two sources."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from habeas.document.incident_entry import IncidentSpec, PerpetratorSpec, add_incidents
from habeas.domain.dates import parse_date
from habeas.ingest.importer import ImportOptions, import_file
from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.store.facilities import (
    FacilitySpec,
    FigureSpec,
    OccupancySpec,
    UnitSpec,
    add_facility,
    add_occupancy,
)
from habeas.workspace import init_workspace

LIST = "Prisoner list (test)"
CLAIM = "Government capacity claim (test)"
DESIGN = "Technician on the design (test)"
NGO = "NGO report (test)"
PRESS = "Press report (test)"
ROSTER = (
    "ID,NAME,DOB,NATIONALITY\n"
    'P-1,"PÉREZ GÓMEZ, JOSÉ LUIS",1990-05-04,VEN\n'
    'P-2,"RAMÍREZ, YEFERSON",1995-12-25,VEN\n'
)


def build_case(store: Store, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    import_file(
        store,
        roster,
        ImportOptions(source_title=LIST, source_kind="list", date_order="YMD"),
        actor="test",
    )
    add_source(store, CLAIM, "official_statement", reliability="D", actor="test")
    add_source(store, DESIGN, "news_report", reliability="C", actor="test")
    add_source(store, NGO, "testimony", reliability="B", actor="test")
    add_source(store, PRESS, "news_report", reliability="C", actor="test")
    add_facility(
        store,
        FacilitySpec(
            name="Test Prison",
            kind="prison",
            country="SLV",
            official_capacity=400,
            authority="Prison authority",
            units=[
                UnitSpec("Cell 1", "Module 1", 100.0, 80),  # always crowded
                UnitSpec("Cell 2", "Module 1", 100.0, 80),  # crowded with a break
                UnitSpec("Cell 3", "Module 2", 100.0, 80),  # never crowded
                UnitSpec("Iso 1", "Module 2", 6.0, 1),
            ],  # single cell
            figures=[
                FigureSpec("official_capacity", 400, "claimed capacity", CLAIM),
                FigureSpec("design_capacity", 200, "designed for", DESIGN),
            ],
        ),
        actor="test",
    )
    obs = []
    # Cell 1: 50 people (2 m² each) every 7 days from 1 March to 29 March -> 29 days.
    for d in (1, 8, 15, 22, 29):
        obs.append(OccupancySpec("Test Prison", date(2025, 3, d), 50, "Cell 1", NGO))
    # Cell 2: below 3 m² on 1, 8, 15; 20 people (5 m²) on 22; below again on 29 March.
    for d, n in ((1, 40), (8, 40), (15, 40), (22, 20), (29, 40)):
        obs.append(OccupancySpec("Test Prison", date(2025, 3, d), n, "Cell 2", NGO))
    # Cell 3: 20 people (5 m²).
    for d in (1, 8):
        obs.append(OccupancySpec("Test Prison", date(2025, 3, d), 20, "Cell 3", NGO))
    # Isolation cell: one person in 6 m² (breaches ICRC 5.4? no; CPT 6? no: 6 is not < 6).
    obs.append(OccupancySpec("Test Prison", date(2025, 3, 1), 1, "Iso 1", NGO))
    # The whole facility: 300 on 1 March (NGO), and two sources disagree on 15 March.
    obs.append(OccupancySpec("Test Prison", date(2025, 3, 1), 300, None, NGO))
    obs.append(OccupancySpec("Test Prison", date(2025, 3, 15), 320, None, NGO))
    obs.append(OccupancySpec("Test Prison", date(2025, 3, 15), 360, None, PRESS))
    add_occupancy(store, obs, actor="test")

    def when(text: str) -> object:
        return parse_date(text, "YMD")

    add_incidents(
        store,
        [
            IncidentSpec(
                "torture",
                "confirmed",
                [NGO],
                when("2024-01-15"),
                "2024-01-15",
                "Test Prison",
                "Cell 1",
                "Beaten during interrogation.",
                victims=[(LIST, "P-1")],
                perpetrators=[
                    PerpetratorSpec("prison_officials", "Guards", "directly_carried_out")
                ],
            ),
            IncidentSpec(
                "killing",
                "likely",
                [NGO, PRESS],
                when("2024-02"),
                "2024-02",
                "Test Prison",
                None,
                "Death after a beating.",
            ),
            IncidentSpec(
                "torture",
                "possible",
                [PRESS],
                when("2024-06-30"),
                "2024-06-30",
                "Test Prison",
                "Cell 2",
                None,
                victims=[(LIST, "P-2")],
            ),
            IncidentSpec(
                "beating", "confirmed", [NGO], when("2024-03-03"), "2024-03-03", "Test Prison"
            ),
            # Dated only to 2024: overlaps the first half but is not inside it.
            IncidentSpec("torture", "likely", [NGO], when("2024"), "2024", "Test Prison"),
            # Second half: outside.
            IncidentSpec(
                "killing", "confirmed", [PRESS], when("2024-07-02"), "2024-07-02", "Test Prison"
            ),
            # Undated, no facility.
            IncidentSpec("torture", "unlikely", [PRESS], None, None, None),
        ],
        actor="test",
    )


@pytest.fixture
def case(store: Store, tmp_path: Path) -> Store:
    build_case(store, tmp_path)
    return store


@pytest.fixture
def sqlite_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The same case on SQLite only (for slower rendering tests)."""
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    store = Store.open(init_workspace(tmp_path / "ws", name="Test register"), create=True)
    build_case(store, tmp_path)
    yield store
    store.close()
