"""Conditions of detention: occupancy rate, m² per person and crowding thresholds over time.

For a facility, each of its units (buildings, modules, cells) and the facility
as a whole, this module computes from the register's occupancy observations:

* the **occupancy rate**: population ÷ capacity, once for *every* capacity
  figure a source gives (CECOT: a claimed 40,000 and a designed 20,480), side
  by side, each with its source — never one figure silently chosen;
* **m² per person**: usable area ÷ population (for a unit, its own area; for the
  facility, a facility-level area figure or else the sum of its units' areas);
* which **thresholds** (:data:`THRESHOLDS`, with citations) are breached, on how
  many days in total and for how many **consecutive days** (the Muršić test
  counts duration: the Court found a violation for 27 consecutive days below
  3 m² per person).

How point-in-time observations become days
-------------------------------------------
An observation states the population on one day. A value **holds from its
date until the day before the next observation** of the same facility or unit,
provided that next observation is at most ``max_gap_days`` (default
:data:`MAX_GAP_DAYS` = 7) days later. If the gap is longer, or the observation
is the last one, the value holds **for its own day only**: habeas does not
assume anything about days nobody observed, and such a day **breaks** a run.
So weekly observations that all breach a threshold from 1 March to 29 March
make one run of 29 days; the same observations with one week missing make two
runs. A run also ends when an observation no longer breaches the threshold.

Conflicting figures, and which one a breach is computed on
----------------------------------------------------------
Every figure is reported with its source. To decide whether a threshold is
breached, habeas uses the figures **most favourable to the authorities**: the
*largest* stated area of the unit and, when sources give different populations
for the same day, the *smallest*. A breach reported here therefore holds under
every source's figures. m² per person under each area figure is still shown.

Which thresholds apply: those for shared accommodation when two or more people
are counted in the space, those for single occupancy when one is. An empty
space (population 0) breaches nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from habeas.document.thresholds import (
    MAX_GAP_DAYS,
    THRESHOLDS,
    Breach,
    Point,
    assess,
)
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import (
    Facility,
    FacilityFigure,
    FacilityUnit,
    OccupancyObservation,
    Source,
)

#: Capacity figure kinds (``FacilityFigure.kind``) that an occupancy rate is computed against.
CAPACITY_KINDS = ("official_capacity", "design_capacity")


# -- figures from the register ----------------------------------------------------------------


@dataclass
class Figure:
    """A capacity or area figure with where it comes from."""

    kind: str  # official_capacity, design_capacity, area_m2
    value: float
    note: str | None
    source: str | None  # source title, or None when the register holds it without a source
    origin: str  # "figure" (a FacilityFigure), "facility", "unit" or "derived"
    #: whose claim it is: the source's kind (official_statement, news_report, ...)
    source_kind: str | None = None


@dataclass
class Rate:
    capacity: float
    capacity_note: str | None
    capacity_source: str | None
    rate: float  # population ÷ capacity


@dataclass
class Observation:
    day: date
    population: int
    source: str | None
    rates: list[Rate]
    m2_per_person: float | None  # on the largest stated area
    m2_by_area: list[tuple[float, float | None]]  # (area, m² per person) for each area figure


@dataclass
class SpaceConditions:
    """One space (the facility as a whole, or one unit) over time."""

    facility: str
    unit: str | None
    building: str | None
    capacities: list[Figure]
    areas: list[Figure]
    observations: list[Observation]
    conflicts: list[dict[str, Any]]  # same day, different populations
    breaches: list[Breach]

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None

    def breach(self, code: str) -> Breach:
        for b in self.breaches:
            if b.code == code:
                return b
        raise KeyError(code)


@dataclass
class ThresholdSummary:
    code: str
    label_en: str
    label_es: str
    citation: str
    units_breached: int
    units_flagged: int
    longest_run_days: int
    longest_run_unit: str | None


@dataclass
class FacilityConditions:
    facility: str
    kind: str
    country: str | None
    authority: str | None
    capacities: list[Figure]
    whole: SpaceConditions
    units: list[SpaceConditions]
    units_total: int
    thresholds: list[ThresholdSummary]
    sources: list[dict[str, Any]]
    max_gap_days: int
    period: tuple[date | None, date | None]
    method: str = field(default=__doc__ or "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("method")
        return data


def _facility(s: Any, name: str) -> Facility:
    row = s.execute(select(Facility).where(Facility.name == name)).scalar_one_or_none()
    if row is None:
        row = s.execute(select(Facility).where(Facility.name.ilike(name))).scalar_one_or_none()
    if row is None:
        names = s.execute(select(Facility.name).order_by(Facility.name)).scalars().all()
        raise NotFound(
            f"No facility named {name!r}. Facilities: {'; '.join(names) if names else '(none yet)'}"
        )
    return row


def _dedupe(figures: list[Figure]) -> list[Figure]:
    """Drop a register column's figure when a sourced figure states the same value."""
    sourced = {(f.kind, f.value) for f in figures if f.origin == "figure"}
    return [f for f in figures if f.origin == "figure" or (f.kind, f.value) not in sourced]


def _space(
    facility: str,
    unit: str | None,
    building: str | None,
    capacities: list[Figure],
    areas: list[Figure],
    rows: list[tuple[date, int, str | None]],
    max_gap_days: int,
) -> SpaceConditions:
    best_area = max((a.value for a in areas if a.value > 0), default=None)
    observations: list[Observation] = []
    by_day: dict[date, list[tuple[int, str | None]]] = {}
    for day, population, source in sorted(rows, key=lambda r: (r[0], r[1], r[2] or "")):
        rates = [
            Rate(c.value, c.note, c.source, population / c.value) for c in capacities if c.value > 0
        ]
        observations.append(
            Observation(
                day,
                population,
                source,
                rates,
                best_area / population if best_area and population else None,
                [(a.value, a.value / population if population else None) for a in areas],
            )
        )
        by_day.setdefault(day, []).append((population, source))
    conflicts = [
        {"day": d, "figures": [{"population": p, "source": src} for p, src in figs]}
        for d, figs in sorted(by_day.items())
        if len({p for p, _ in figs}) > 1
    ]
    points = [
        Point(
            d,
            min(p for p, _ in figs),
            best_area / min(p for p, _ in figs) if best_area and min(p for p, _ in figs) else None,
        )
        for d, figs in sorted(by_day.items())
    ]
    return SpaceConditions(
        facility,
        unit,
        building,
        capacities,
        areas,
        observations,
        conflicts,
        assess(points, max_gap_days),
    )


def facility_conditions(
    store: Store,
    name: str,
    *,
    start: date | None = None,
    end: date | None = None,
    max_gap_days: int = MAX_GAP_DAYS,
) -> FacilityConditions:
    """Conditions in facility ``name`` (and each observed unit) between ``start`` and ``end``."""
    with store.read() as s:
        fac = _facility(s, name)
        titles: dict[int, str] = {}
        source_kinds: dict[int, str] = {}
        for sid, title, skind in s.execute(select(Source.id, Source.title, Source.kind)):
            titles[sid], source_kinds[sid] = title, skind
        units = list(
            s.execute(
                select(FacilityUnit)
                .where(FacilityUnit.facility_id == fac.id)
                .order_by(FacilityUnit.id)
            ).scalars()
        )
        figures = list(
            s.execute(
                select(FacilityFigure)
                .where(FacilityFigure.facility_id == fac.id)
                .order_by(FacilityFigure.id)
            ).scalars()
        )
        query = (
            select(OccupancyObservation)
            .where(OccupancyObservation.facility_id == fac.id)
            .order_by(OccupancyObservation.observed_on, OccupancyObservation.id)
        )
        if start is not None:
            query = query.where(OccupancyObservation.observed_on >= start)
        if end is not None:
            query = query.where(OccupancyObservation.observed_on <= end)
        obs = list(s.execute(query).scalars())
        sources_used: dict[int, dict[str, Any]] = {}
        for src in s.execute(select(Source)).scalars():
            sources_used[src.id] = {
                "id": src.id,
                "title": src.title,
                "kind": src.kind,
                "reliability": src.reliability,
                "published_on": src.published_on,
            }

    def fig(f: FacilityFigure) -> Figure:
        return Figure(
            f.kind,
            f.value,
            f.note,
            titles.get(f.source_id) if f.source_id else None,
            "figure",
            source_kinds.get(f.source_id) if f.source_id else None,
        )

    fac_caps = [fig(f) for f in figures if f.unit_id is None and f.kind in CAPACITY_KINDS]
    if fac.official_capacity:
        fac_caps.append(
            Figure(
                "official_capacity",
                float(fac.official_capacity),
                None,  # kind and origin say what it is (document.figure_labels)
                titles.get(fac.source_id) if fac.source_id else None,
                "facility",
                source_kinds.get(fac.source_id) if fac.source_id else None,
            )
        )
    fac_caps = _dedupe(fac_caps)
    fac_areas = [fig(f) for f in figures if f.unit_id is None and f.kind == "area_m2"]
    unit_areas = [u.area_m2 for u in units if u.area_m2]
    if not fac_areas and unit_areas:
        fac_areas = [
            Figure(
                "area_m2",
                round(sum(unit_areas), 1),
                None,
                None,
                "derived",
            )
        ]

    used: set[int] = {f.source_id for f in figures if f.source_id}
    used.update(o.source_id for o in obs if o.source_id)
    by_unit: dict[int | None, list[tuple[date, int, str | None]]] = {}
    for o in obs:  # one pass, in date order (not one pass per unit)
        by_unit.setdefault(o.unit_id, []).append(
            (o.observed_on, o.population, titles.get(o.source_id) if o.source_id else None)
        )
    whole = _space(fac.name, None, None, fac_caps, fac_areas, by_unit.get(None, []), max_gap_days)
    spaces: list[SpaceConditions] = []
    for u in units:
        rows = by_unit.get(u.id, [])
        if not rows:
            continue
        caps = [fig(f) for f in figures if f.unit_id == u.id and f.kind in CAPACITY_KINDS]
        if u.design_capacity:
            caps.append(
                Figure(
                    "design_capacity",
                    float(u.design_capacity),
                    None,
                    None,
                    "unit",
                )
            )
        areas = [fig(f) for f in figures if f.unit_id == u.id and f.kind == "area_m2"]
        if u.area_m2:
            areas.append(Figure("area_m2", u.area_m2, None, None, "unit"))
        spaces.append(
            _space(fac.name, u.name, u.building, _dedupe(caps), _dedupe(areas), rows, max_gap_days)
        )

    summaries = []
    for t in THRESHOLDS:
        unit_breaches = [(sp.unit, sp.breach(t.code)) for sp in spaces]
        longest = max(unit_breaches, key=lambda ub: ub[1].longest_run_days, default=None)
        summaries.append(
            ThresholdSummary(
                t.code,
                t.label_en,
                t.label_es,
                t.citation,
                sum(1 for _, b in unit_breaches if b.days_breached),
                sum(1 for _, b in unit_breaches if b.flagged),
                longest[1].longest_run_days if longest else 0,
                longest[0] if longest and longest[1].longest_run_days else None,
            )
        )
    return FacilityConditions(
        fac.name,
        fac.kind,
        fac.country,
        fac.authority,
        fac_caps,
        whole,
        spaces,
        len(units),
        summaries,
        [sources_used[i] for i in sorted(used) if i in sources_used],
        max_gap_days,
        (start, end),
    )


def list_facilities(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.execute(select(Facility.name).order_by(Facility.name)).scalars())
