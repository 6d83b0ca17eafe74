"""Facilities, their units (buildings, cells), the figures sources give, and occupancy.

Figures conflict (CECOT: a claimed capacity of 40,000 against a design of
20,480): each is kept as a :class:`FacilityFigure` with its source, side by
side. ``official_capacity`` on the facility is the figure the documenter chose
to show first; it never replaces the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.schema import (
    Facility,
    FacilityFigure,
    FacilityUnit,
    OccupancyObservation,
    Source,
)
from habeas.store.vocabulary import VocabularyIndex


@dataclass
class UnitSpec:
    name: str
    building: str | None = None
    area_m2: float | None = None
    design_capacity: int | None = None


@dataclass
class FigureSpec:
    kind: str  # official_capacity, design_capacity, area_m2, population
    value: float
    note: str | None = None
    source_title: str | None = None
    unit: str | None = None


@dataclass
class FacilitySpec:
    name: str
    kind: str
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    official_capacity: int | None = None
    authority: str | None = None
    notes: str | None = None
    source_title: str | None = None
    units: list[UnitSpec] = field(default_factory=list)
    figures: list[FigureSpec] = field(default_factory=list)


@dataclass
class OccupancySpec:
    facility: str
    observed_on: date
    population: int
    unit: str | None = None
    source_title: str | None = None


def _source_id(session: object, title: str | None) -> int | None:
    if title is None:
        return None
    found = session.execute(select(Source.id).where(Source.title == title)).scalar()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound(f"No source titled {title!r}; import or add the source first.")
    return int(found)


def add_facility(store: Store, spec: FacilitySpec, actor: str | None = None) -> int:
    vocab = VocabularyIndex.load(store)
    kind = vocab.require("facility_kind", spec.kind, "facility kind")
    with store.write(actor) as op:
        s = op.session
        if s.execute(select(Facility.id).where(Facility.name == spec.name)).first():
            raise UsageError(f"A facility named {spec.name!r} already exists.")
        facility = Facility(
            name=spec.name,
            kind=kind,
            country=spec.country,
            latitude=spec.latitude,
            longitude=spec.longitude,
            official_capacity=spec.official_capacity,
            authority=spec.authority,
            notes=spec.notes,
            source_id=_source_id(s, spec.source_title),
            created_by=op.actor,
            created_at=datetime.now(UTC),
        )
        s.add(facility)
        s.flush()
        unit_ids: dict[str, int] = {}
        for unit in spec.units:
            row = FacilityUnit(
                facility_id=facility.id,
                name=unit.name,
                building=unit.building,
                area_m2=unit.area_m2,
                design_capacity=unit.design_capacity,
            )
            s.add(row)
            s.flush()
            unit_ids[unit.name] = row.id
        for fig in spec.figures:
            if fig.unit is not None and fig.unit not in unit_ids:
                raise NotFound(f"Facility {spec.name!r} has no unit {fig.unit!r}.")
            s.add(
                FacilityFigure(
                    facility_id=facility.id,
                    unit_id=unit_ids[fig.unit] if fig.unit else None,
                    kind=fig.kind,
                    value=fig.value,
                    note=fig.note,
                    source_id=_source_id(s, fig.source_title),
                )
            )
        op.log(
            "add",
            "facility",
            facility.id,
            {
                "name": spec.name,
                "kind": kind,
                "units": len(spec.units),
                "figures": [
                    {"kind": f.kind, "value": f.value, "source": f.source_title}
                    for f in spec.figures
                ],
            },
        )
        return facility.id


def add_occupancy(store: Store, observations: list[OccupancySpec], actor: str | None = None) -> int:
    """Add occupancy observations (one logged operation for the whole batch)."""
    with store.write(actor) as op:
        s = op.session
        facilities = {n: i for i, n in s.execute(select(Facility.id, Facility.name))}
        units = {
            (f, n): i
            for i, f, n in s.execute(
                select(FacilityUnit.id, FacilityUnit.facility_id, FacilityUnit.name)
            )
        }
        sources: dict[str | None, int | None] = {}
        for obs in observations:
            if obs.facility not in facilities:
                raise NotFound(f"No facility named {obs.facility!r}.")
            fid = facilities[obs.facility]
            uid = None
            if obs.unit is not None:
                if (fid, obs.unit) not in units:
                    raise NotFound(f"Facility {obs.facility!r} has no unit {obs.unit!r}.")
                uid = units[(fid, obs.unit)]
            if obs.population < 0:
                raise UsageError(f"Population cannot be negative ({obs.population}).")
            if obs.source_title not in sources:
                sources[obs.source_title] = _source_id(s, obs.source_title)
            s.add(
                OccupancyObservation(
                    facility_id=fid,
                    unit_id=uid,
                    observed_on=obs.observed_on,
                    population=obs.population,
                    source_id=sources[obs.source_title],
                )
            )
        op.log("add", "occupancy_observation", None, {"observations": len(observations)})
    return len(observations)
