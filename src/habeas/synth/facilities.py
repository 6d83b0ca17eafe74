"""Facilities, their units and occupancy observations over time.

CECOT is modelled as 8 buildings ("Módulo 1".."Módulo 8") x 32 cells
("Módulo 3 / Celda 12") of about 100 m² (80 bunks each) plus isolation
("punishment") cells, with the conflicting capacity figures the
case has (40,000 claimed vs 20,480 designed, each with its own source). Per-cell
occupancy is *derived from the synthetic population* (who was in which cell on
which day), so crowding indicators computed on it are consistent with the
ground truth. US detention and staging centres carry generic names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from habeas.synth.population import (
    BUILDINGS,
    CELLS_PER_BUILDING,
    HELD_US,
    REMOVED_0315,
    REPATRIATION_DAY,
    US_DETENTION,
    US_STAGING,
    Population,
    unit_name,
)

DOC_CAPACITY_CLAIM = "Government statement on CECOT capacity (synthetic)"
DOC_DESIGN = "Construction technician's account of CECOT's design (press; synthetic)"
DOC_CELLS = "Public works ministry description of CECOT cells (synthetic)"
DOC_POPULATION = "Press estimates of CECOT's population (synthetic)"
DOC_US = "US detention statistics release (synthetic)"
ISOLATION_CELLS = 4


def isolation_unit(k: int) -> str:
    return f"Módulo 8 / Aislamiento {k}"


def documents() -> list[dict[str, Any]]:
    """Sources without a list file that capacity figures and occupancy cite."""

    def doc(
        title: str, kind: str, publisher: str, date: str, lang: str, rel: str, notes: str
    ) -> dict[str, Any]:
        return {
            "title": title,
            "kind": kind,
            "publisher": publisher,
            "date": date,
            "url": None,
            "language": lang,
            "reliability": rel,
            "notes": notes,
        }

    return [
        doc(
            DOC_CAPACITY_CLAIM,
            "official_statement",
            "Government of El Salvador (synthetic)",
            "2023-02-01",
            "es",
            "D",
            "Synthetic. Claims a capacity of 40,000.",
        ),
        doc(
            DOC_DESIGN,
            "news_report",
            "Regional newspaper (synthetic)",
            "2024-05-10",
            "es",
            "C",
            "Synthetic. A construction technician: designed for 20,480 (256 cells x 80).",
        ),
        doc(
            DOC_CELLS,
            "official_statement",
            "Ministry of public works (synthetic)",
            "2023-02-01",
            "es",
            "C",
            "Synthetic. 8 buildings x 32 cells of about 100 m², 80 bunks per cell.",
        ),
        doc(
            DOC_POPULATION,
            "news_report",
            "Several news outlets (synthetic)",
            "2025-07-01",
            "en",
            "C",
            "Synthetic. Estimates of the prison's total population over time.",
        ),
        doc(
            DOC_US,
            "official_statement",
            "US immigration authorities (synthetic)",
            "2025-03-20",
            "en",
            "B",
            "Synthetic. Population of detention facilities.",
        ),
    ]


def facilities(rng: np.random.Generator) -> list[dict[str, Any]]:
    """CECOT with 256 cells (+ isolation cells) and three US facilities."""
    units = [
        {
            "name": unit_name(b, c),
            "building": f"Módulo {b}",
            "area_m2": round(float(rng.uniform(96.0, 104.0)), 1),
            "design_capacity": 80,
        }
        for b in range(1, BUILDINGS + 1)
        for c in range(1, CELLS_PER_BUILDING + 1)
    ]
    units += [
        {"name": isolation_unit(k), "building": "Módulo 8", "area_m2": 6.0, "design_capacity": 1}
        for k in range(1, ISOLATION_CELLS + 1)
    ]
    cecot = {
        "name": "CECOT",
        "kind": "prison",
        "country": "SLV",
        "latitude": 13.7,
        "longitude": -88.9,
        "official_capacity": 40000,
        "authority": "Prison authority of El Salvador",
        "capacity_figures": [
            {
                "kind": "official_capacity",
                "value": 40000,
                "note": "claimed capacity",
                "source_title": DOC_CAPACITY_CLAIM,
            },
            {
                "kind": "design_capacity",
                "value": 20480,
                "note": "designed for (256 cells × 80)",
                "source_title": DOC_DESIGN,
            },
        ],
        "units": units,
    }

    def pods(prefix: str, k: int, area: float, cap: int) -> list[dict[str, Any]]:
        return [
            {
                "name": f"{prefix} {chr(65 + j)}",
                "building": None,
                "area_m2": area,
                "design_capacity": cap,
            }
            for j in range(k)
        ]

    us = [
        {
            "name": US_DETENTION[0],
            "kind": "immigration_detention",
            "country": "USA",
            "latitude": 26.1,
            "longitude": -97.6,
            "official_capacity": 1200,
            "authority": "US immigration authorities (contract operator)",
            "capacity_figures": [],
            "units": pods("Pod", 10, 180.0, 120),
        },
        {
            "name": US_DETENTION[1],
            "kind": "immigration_detention",
            "country": "USA",
            "latitude": 26.3,
            "longitude": -98.2,
            "official_capacity": 900,
            "authority": "US immigration authorities (contract operator)",
            "capacity_figures": [],
            "units": pods("Pod", 8, 170.0, 110),
        },
        {
            "name": US_STAGING,
            "kind": "staging_facility",
            "country": "USA",
            "latitude": 31.8,
            "longitude": -106.4,
            "official_capacity": 600,
            "authority": "US immigration authorities",
            "capacity_figures": [],
            "units": pods("Hangar", 2, 900.0, 300),
        },
    ]
    return [cecot, *us]


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def occupancy(pop: Population, rng: np.random.Generator, cell_source: str) -> list[dict[str, Any]]:
    """Facility-level and per-cell occupancy observations (per cell: derived from truth)."""
    obs: list[dict[str, Any]] = []
    level = 14500.0
    for month in range(3, 8):
        level += float(rng.normal(180.0, 250.0))
        obs.append(
            {
                "facility": "CECOT",
                "unit": None,
                "date": f"2025-{month:02d}-01",
                "population": int(round(level, -1)),
                "source_title": DOC_POPULATION,
            }
        )
    # Venezuelans' cells, weekly: who was in which cell on each date.
    never = _day(dt.date(2100, 1, 1))
    ven = np.flatnonzero((pop.nationality == "VEN") & (pop.status != HELD_US))
    names = sorted(
        {pop.cell[i] for i in ven.tolist()} | {pop.moved_cell[i] for i in ven.tolist()} - {""}
    )
    index = {name: k for k, name in enumerate(names)}
    cell0 = np.array([index[pop.cell[i]] for i in ven.tolist()], dtype=np.int64)
    cell1 = np.array([index.get(pop.moved_cell[i], -1) for i in ven.tolist()], dtype=np.int64)
    arrive = np.array(
        [_day(pop.removal_date[i] or dt.date(2025, 3, 15)) + 1 for i in ven.tolist()],
        dtype=np.int64,
    )
    move = np.array(
        [_day(d) if (d := pop.move_date[i]) else never for i in ven.tolist()], dtype=np.int64
    )
    dates = [dt.date(2025, 3, 17) + dt.timedelta(weeks=w) for w in range(18)]
    dates.append(REPATRIATION_DAY - dt.timedelta(days=1))
    for d in dates:
        day = _day(d)
        where = np.where((move <= day) & (cell1 >= 0), cell1, cell0)[arrive <= day]
        counts = np.bincount(where, minlength=len(names))
        for name, count in zip(names, counts.tolist(), strict=True):
            obs.append(
                {
                    "facility": "CECOT",
                    "unit": name,
                    "date": d.isoformat(),
                    "population": int(count),
                    "source_title": cell_source,
                }
            )
    # US facilities: synthetic persons present plus other detainees.
    fac_idx = np.array([US_DETENTION.index(f) for f in pop.us_facility], dtype=np.int64)
    arrested = np.array([_day(d) for d in pop.arrest_date], dtype=np.int64)
    removed = np.array([_day(d) if d else never for d in pop.removal_date], dtype=np.int64)
    for d in (dt.date(2025, 3, 1), dt.date(2025, 3, 14), dt.date(2025, 4, 1)):
        day = _day(d)
        inside = np.bincount(
            fac_idx[(arrested <= day) & (removed > day)], minlength=len(US_DETENTION)
        )
        for fac, present in zip(US_DETENTION, inside.tolist(), strict=True):
            obs.append(
                {
                    "facility": fac,
                    "unit": None,
                    "date": d.isoformat(),
                    "population": present + int(rng.integers(500, 900)),
                    "source_title": DOC_US,
                }
            )
    staged = int((pop.status == REMOVED_0315).sum())
    obs.append(
        {
            "facility": US_STAGING,
            "unit": None,
            "date": "2025-03-14",
            "population": staged + int(rng.integers(20, 80)),
            "source_title": DOC_US,
        }
    )
    return obs
