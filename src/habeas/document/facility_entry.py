"""Entering facilities, their units, areas, capacity figures and occupancy: each fact sourced.

A documenter records what a source says, one fact at a time:

* :class:`FacilityFact` — a facility (name, kind, country, operator, where it is);
* :class:`LocationFact` — where a facility recorded without coordinates is (coordinates
  once recorded are never overwritten);
* :class:`UnitFact` — a building, module or cell of it;
* :class:`AreaFact` — a unit's area in m², as one source states it;
* :class:`CapacityFact` — a capacity figure (``official_capacity``: what a source
  states the capacity is; ``design_capacity``: what it was designed for), of the
  facility or of a unit; whose claim it is is the source's kind (official
  statement, news report, ...);
* :class:`PopulationFact` — the population counted on a day, of a unit or of the
  facility as a whole.

Every fact cites a source (by id) and is checked by the one policy (``edit``).
Nothing is ever overwritten: a figure that contradicts another is kept beside it,
and a correction is a new fact citing the source that corrects. :func:`enter`
writes one fact (one change-log entry); :func:`enter_all` writes many as one
operation, all or nothing (what the spreadsheet importer and a form use).
Errors are :class:`EntryError`: an English message id with its values, and the
field it is about, so each face can translate it and point at the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.access.reader import Reader
from habeas.document.conditions import CAPACITY_KINDS
from habeas.domain.countries import normalise_country
from habeas.errors import FieldError, UsageError
from habeas.store.db import Store
from habeas.store.schema import (
    Facility,
    FacilityFigure,
    FacilityUnit,
    OccupancyObservation,
    Source,
)
from habeas.store.vocabulary import VocabularyIndex


class EntryError(FieldError):
    """A fact that cannot be entered; ``field`` names what is wrong (``None``: the fact)."""


@dataclass(frozen=True)
class FacilityFact:
    name: str
    kind: str
    source_id: int
    country: str | None = None
    operator: str | None = None
    notes: str | None = None
    #: where it is, in decimal degrees (WGS 84): both or neither
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class LocationFact:
    """Where a facility recorded without coordinates is (decimal degrees, WGS 84). Recorded
    coordinates are never overwritten."""

    facility: str
    latitude: float | None
    longitude: float | None
    source_id: int


@dataclass(frozen=True)
class UnitFact:
    facility: str
    name: str
    source_id: int
    building: str | None = None


@dataclass(frozen=True)
class AreaFact:
    facility: str
    unit: str
    area_m2: float
    source_id: int
    note: str | None = None


@dataclass(frozen=True)
class CapacityFact:
    facility: str
    kind: str  # one of habeas.document.conditions.CAPACITY_KINDS
    value: float
    source_id: int
    unit: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PopulationFact:
    facility: str
    observed_on: date
    population: int
    source_id: int
    unit: str | None = None


Fact = FacilityFact | LocationFact | UnitFact | AreaFact | CapacityFact | PopulationFact


@dataclass(frozen=True)
class Entered:
    """What one fact became: the row written (entity, id) and where."""

    entity: (
        str  # facility, facility_location, facility_unit, facility_figure, occupancy_observation
    )
    id: int
    facility: str
    unit: str | None
    source_id: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "facility": self.facility,
            "unit": self.unit,
            "source_id": self.source_id,
        }


MISSING = {"name": "The facility's name is missing.", "unit": "The unit's name is missing."}


def _text(value: str | None, field: str, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise EntryError(MISSING[field], field)
        return None
    return text


def _source(s: Any, source_id: int) -> int:
    if s.execute(select(Source.id).where(Source.id == source_id)).first() is None:
        raise EntryError("There is no source {id}.", "source", id=source_id)
    return source_id


def _facility(s: Any, name: str) -> Facility:
    row = s.execute(select(Facility).where(Facility.name == name)).scalar_one_or_none()
    if row is None:
        row = s.execute(select(Facility).where(Facility.name.ilike(name))).scalar_one_or_none()
    if row is None:
        raise EntryError("There is no facility named {name!r}.", "facility", name=name)
    return row


def _unit(s: Any, facility: Facility, name: str) -> FacilityUnit:
    row = s.execute(
        select(FacilityUnit).where(
            FacilityUnit.facility_id == facility.id, FacilityUnit.name == name
        )
    ).scalar_one_or_none()
    if row is None:
        raise EntryError(
            "Facility {facility!r} has no unit {unit!r}.", "unit", facility=facility.name, unit=name
        )
    return row


#: coordinate -> (field, bound): latitude within ±90°, longitude within ±180°
COORDINATES = {"latitude": 90.0, "longitude": 180.0}
COORDINATE_ERRORS = {
    "latitude": "The latitude must be a number of degrees from -90 to 90, not {value}.",
    "longitude": "The longitude must be a number of degrees from -180 to 180, not {value}.",
}


def _coordinates(
    fact: FacilityFact | LocationFact, required: bool = False
) -> tuple[float | None, float | None]:
    """The fact's coordinates, checked: both (``required``) or neither, each within range."""
    values = {"latitude": fact.latitude, "longitude": fact.longitude}
    if required and fact.latitude is None and fact.longitude is None:
        raise EntryError("Give the latitude and the longitude.", "latitude")
    given = [name for name, v in values.items() if v is not None]
    if len(given) == 1:
        missing = "longitude" if given[0] == "latitude" else "latitude"
        raise EntryError(
            "Give both the latitude and the longitude, or neither.", missing, value=None
        )
    for name, value in values.items():
        if value is not None and (not math.isfinite(value) or abs(value) > COORDINATES[name]):
            raise EntryError(COORDINATE_ERRORS[name], name, value=value)
    return fact.latitude, fact.longitude


NOT_POSITIVE = {
    "area": "The area must be a number above 0, not {value}.",
    "capacity": "The capacity must be a number above 0, not {value}.",
}


def _positive(value: float, field: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise EntryError(NOT_POSITIVE[field], field, value=value)
    return float(value)


def _figure(
    s: Any,
    facility: Facility,
    unit: FacilityUnit | None,
    kind: str,
    value: float,
    source_id: int,
    note: str | None,
) -> int:
    where_unit = (
        FacilityFigure.unit_id == unit.id if unit is not None else FacilityFigure.unit_id.is_(None)
    )
    same = s.execute(
        select(FacilityFigure.id).where(
            FacilityFigure.facility_id == facility.id,
            FacilityFigure.kind == kind,
            where_unit,
            FacilityFigure.value == value,
            FacilityFigure.source_id == source_id,
        )
    ).first()
    if same is not None:
        raise EntryError("This source's figure {value} is already recorded.", "value", value=value)
    row = FacilityFigure(
        facility_id=facility.id,
        unit_id=unit.id if unit else None,
        kind=kind,
        value=value,
        note=note,
        source_id=source_id,
    )
    s.add(row)
    s.flush()
    return int(row.id)


def apply_fact(s: Any, fact: Fact, vocab: VocabularyIndex, actor: str) -> Entered:
    """Write one fact in the open session ``s`` (no log entry; the caller logs)."""
    source_id = _source(s, fact.source_id)
    if isinstance(fact, FacilityFact):
        name = _text(fact.name, "name", required=True)
        assert name is not None
        try:
            kind = vocab.require("facility_kind", fact.kind, "facility kind")
        except UsageError:
            raise EntryError(
                "{value!r} is not a facility kind (known: {known}).",
                "kind",
                value=fact.kind,
                known=", ".join(vocab.codes("facility_kind")),
            ) from None
        country = None
        if _text(fact.country, "country"):
            country = normalise_country(fact.country)
            if country is None:
                raise EntryError(
                    "{value!r} is not a country habeas knows.", "country", value=fact.country
                )
        latitude, longitude = _coordinates(fact)
        if s.execute(select(Facility.id).where(Facility.name.ilike(name))).first():
            raise EntryError("A facility named {name!r} already exists.", "name", name=name)
        row = Facility(
            name=name,
            kind=kind,
            country=country,
            latitude=latitude,
            longitude=longitude,
            authority=_text(fact.operator, "operator"),
            notes=_text(fact.notes, "notes"),
            source_id=source_id,
            created_by=actor,
            created_at=datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        return Entered("facility", int(row.id), name, None, source_id)
    facility = _facility(s, fact.facility)
    if isinstance(fact, LocationFact):
        latitude, longitude = _coordinates(fact, required=True)
        if facility.latitude is not None or facility.longitude is not None:
            raise EntryError(
                "Facility {facility!r} already has coordinates ({latitude}, {longitude}); "
                "recorded coordinates are not overwritten.",
                "latitude",
                facility=facility.name,
                latitude=facility.latitude,
                longitude=facility.longitude,
            )
        facility.latitude, facility.longitude = latitude, longitude
        s.flush()
        return Entered("facility_location", int(facility.id), facility.name, None, source_id)
    if isinstance(fact, UnitFact):
        name = _text(fact.name, "unit", required=True)
        exists = s.execute(
            select(FacilityUnit.id).where(
                FacilityUnit.facility_id == facility.id, FacilityUnit.name == name
            )
        ).first()
        if exists:
            raise EntryError(
                "Facility {facility!r} already has a unit {unit!r}.",
                "unit",
                facility=facility.name,
                unit=name,
            )
        unit_row = FacilityUnit(
            facility_id=facility.id, name=name, building=_text(fact.building, "building")
        )
        s.add(unit_row)
        s.flush()
        return Entered("facility_unit", int(unit_row.id), facility.name, name, source_id)
    if isinstance(fact, AreaFact):
        cell = _unit(s, facility, fact.unit)
        fid = _figure(
            s,
            facility,
            cell,
            "area_m2",
            _positive(fact.area_m2, "area"),
            source_id,
            _text(fact.note, "note"),
        )
        return Entered("facility_figure", fid, facility.name, cell.name, source_id)
    unit: FacilityUnit | None
    if isinstance(fact, CapacityFact):
        if fact.kind not in CAPACITY_KINDS:
            raise EntryError(
                "{value!r} is not a capacity kind (known: {known}).",
                "kind",
                value=fact.kind,
                known=", ".join(CAPACITY_KINDS),
            )
        unit = _unit(s, facility, fact.unit) if fact.unit else None
        fid = _figure(
            s,
            facility,
            unit,
            fact.kind,
            _positive(fact.value, "capacity"),
            source_id,
            _text(fact.note, "note"),
        )
        return Entered(
            "facility_figure", fid, facility.name, unit.name if unit else None, source_id
        )
    unit = _unit(s, facility, fact.unit) if fact.unit else None
    if fact.population < 0:
        raise EntryError(
            "A population cannot be negative ({value}).", "population", value=fact.population
        )
    obs = OccupancyObservation(
        facility_id=facility.id,
        unit_id=unit.id if unit else None,
        observed_on=fact.observed_on,
        population=fact.population,
        source_id=source_id,
    )
    s.add(obs)
    s.flush()
    return Entered(
        "occupancy_observation", int(obs.id), facility.name, unit.name if unit else None, source_id
    )


def may_edit(reader: Reader) -> str:
    """The actor for the change log, once the one policy allows ``reader`` to edit."""
    policy.require(reader.role, "edit")
    return reader.user


def enter_all(
    store: Store, reader: Reader, facts: list[Fact], detail: dict[str, Any] | None = None
) -> list[Entered]:
    """Write ``facts`` in order as one logged operation: all of them, or (on any error)
    none. ``detail`` is added to the change-log entry (e.g. the file imported)."""
    actor = may_edit(reader)
    if not facts:
        raise EntryError("Nothing to enter.")
    vocab = VocabularyIndex.load(store)
    with store.write(actor) as op:
        done = [apply_fact(op.session, fact, vocab, op.actor) for fact in facts]
        first = done[0]
        op.log(
            "add",
            first.entity if len(done) == 1 else "facility_facts",
            first.id if len(done) == 1 else None,
            {**(detail or {}), "facts": [d.to_dict() for d in done]},
        )
    return done


def enter(store: Store, reader: Reader, fact: Fact) -> Entered:
    """Write one fact (one change-log entry)."""
    return enter_all(store, reader, [fact])[0]
