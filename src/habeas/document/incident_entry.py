"""Incidents (acts such as torture, beatings, deaths in custody), classified with vocabularies.

Victims are named by the record that describes them (source title + the
source's record id), so an incident follows its victim through linkage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from habeas.access.policy import check_level
from habeas.domain.dates import UncertainDate
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import (
    Facility,
    FacilityUnit,
    Incident,
    IncidentPerpetrator,
    IncidentSource,
    IncidentVictim,
    Record,
    Source,
)
from habeas.store.vocabulary import VocabularyIndex


@dataclass
class PerpetratorSpec:
    role: str
    unit: str | None = None
    involvement: str | None = None


@dataclass
class IncidentSpec:
    act_type: str
    verification_status: str
    source_titles: list[str]
    when: UncertainDate | None = None
    date_text: str | None = None
    facility: str | None = None
    unit: str | None = None
    description: str | None = None
    victims: list[tuple[str, str]] = field(default_factory=list)  # (source title, record id)
    perpetrators: list[PerpetratorSpec] = field(default_factory=list)
    sensitivity: str = "restricted"  # acts of violence name victims and witnesses


def add_incidents(store: Store, specs: list[IncidentSpec], actor: str | None = None) -> list[int]:
    """Add incidents in one logged operation; every name is checked first."""
    vocab = VocabularyIndex.load(store)
    ids: list[int] = []
    with store.write(actor) as op:
        s = op.session
        sources = {t: i for i, t in s.execute(select(Source.id, Source.title))}
        facilities = {n: i for i, n in s.execute(select(Facility.id, Facility.name))}
        units = {
            (f, n): i
            for i, f, n in s.execute(
                select(FacilityUnit.id, FacilityUnit.facility_id, FacilityUnit.name)
            )
        }
        for spec in specs:
            act = vocab.require("act_type", spec.act_type, "incident type")
            status = vocab.require(
                "violation_status", spec.verification_status, "verification status"
            )
            fid = uid = None
            if spec.facility is not None:
                if spec.facility not in facilities:
                    raise NotFound(f"No facility named {spec.facility!r}.")
                fid = facilities[spec.facility]
                if spec.unit is not None:
                    if (fid, spec.unit) not in units:
                        raise NotFound(f"Facility {spec.facility!r} has no unit {spec.unit!r}.")
                    uid = units[(fid, spec.unit)]
            incident = Incident(
                act_type=act,
                verification_status=status,
                date_earliest=spec.when.earliest if spec.when else None,
                date_latest=spec.when.latest if spec.when else None,
                date_precision=spec.when.precision if spec.when else None,
                date_text=spec.date_text,
                facility_id=fid,
                unit_id=uid,
                description=spec.description,
                sensitivity=check_level(spec.sensitivity),
                created_by=op.actor,
                created_at=datetime.now(UTC),
            )
            s.add(incident)
            s.flush()
            for title in spec.source_titles:
                if title not in sources:
                    raise NotFound(f"No source titled {title!r}.")
                s.add(IncidentSource(incident_id=incident.id, source_id=sources[title]))
            for title, key in spec.victims:
                if title not in sources:
                    raise NotFound(f"No source titled {title!r}.")
                rid = s.execute(
                    select(Record.id).where(
                        Record.source_id == sources[title], Record.record_key == key
                    )
                ).scalar()
                if rid is None:
                    raise NotFound(f"Source {title!r} has no record {key!r}.")
                s.add(IncidentVictim(incident_id=incident.id, record_id=rid))
            for perp in spec.perpetrators:
                s.add(
                    IncidentPerpetrator(
                        incident_id=incident.id,
                        unit=perp.unit,
                        role=vocab.require("perpetrator_type", perp.role, "perpetrator role"),
                        involvement=vocab.require("involvement", perp.involvement, "involvement")
                        if perp.involvement
                        else None,
                    )
                )
            ids.append(incident.id)
        op.log("add", "incident", None, {"incidents": len(ids), "ids": ids})
    return ids
