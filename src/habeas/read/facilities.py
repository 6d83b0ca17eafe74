"""Facilities and their units by name: what the facility pages and the incident form list.

Facilities and units are places, not people: these reads carry no personal data and
need no reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import Facility, FacilityUnit


@dataclass(frozen=True)
class FacilityName:
    id: int
    name: str


@dataclass(frozen=True)
class UnitName:
    facility: str
    unit: str


def facility_name(store: Store, facility_id: int) -> str:
    """The name of facility ``facility_id`` (:class:`NotFound` when there is none)."""
    with store.read() as s:
        name = s.execute(select(Facility.name).where(Facility.id == facility_id)).scalar()
    if name is None:
        raise NotFound(f"No facility {facility_id}.")
    return str(name)


def facility_names(store: Store) -> list[FacilityName]:
    """Every facility, by name."""
    with store.read() as s:
        return [
            FacilityName(i, n)
            for i, n in s.execute(select(Facility.id, Facility.name).order_by(Facility.name))
        ]


def unit_names(store: Store) -> list[UnitName]:
    """Every unit with its facility, by facility then unit name."""
    with store.read() as s:
        return [
            UnitName(f, u)
            for f, u in s.execute(
                select(Facility.name, FacilityUnit.name)
                .join(Facility, Facility.id == FacilityUnit.facility_id)
                .order_by(Facility.name, FacilityUnit.name)
            )
        ]


def units_of(store: Store, facility_id: int) -> list[str]:
    """The names of facility ``facility_id``'s units, in alphabetical order."""
    with store.read() as s:
        return list(
            s.execute(
                select(FacilityUnit.name)
                .where(FacilityUnit.facility_id == facility_id)
                .order_by(FacilityUnit.name)
            ).scalars()
        )
