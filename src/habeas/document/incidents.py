"""Incidents: record, list, filter and count — every number with the sources behind it.

"174 cases of torture and killings in the first half of 2024" is::

    count_incidents(store, types=["torture", "killing"], facility="CECOT",
                    start=date(2024, 1, 1), end=date(2024, 6, 30))

which returns the count, its breakdown by month, type, facility and
verification status, the incident ids and the sources that report them.

Uncertain dates and periods
---------------------------
An incident's date is an interval ``[earliest, latest]`` (a day, a month, a
range). With a period ``start``..``end``, an incident is **counted** when its
whole interval lies inside the period; one whose interval only *overlaps* the
period (e.g. "2024" against the first half of 2024) is not counted but listed
in :attr:`IncidentCount.uncertain_ids`, so nothing is silently added or
dropped; undated incidents are excluded from a dated count and reported in
:attr:`IncidentCount.undated`. By month, an incident dated within a single
calendar month goes under ``YYYY-MM``; one whose interval spans several months
goes under :data:`SPANS_MONTHS` and one without a date under :data:`UNDATED`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.incidents import IncidentSpec, add_incidents
from habeas.store.queries import CURRENT, show_date
from habeas.store.schema import (
    Facility,
    FacilityUnit,
    Incident,
    IncidentPerpetrator,
    IncidentSource,
    IncidentVictim,
    Link,
    Record,
    Source,
    SourceFile,
    VocabularyTerm,
)
from habeas.store.vocabulary import VocabularyIndex

SPANS_MONTHS = "spans several months"
UNDATED = "undated"
GROUPINGS = ("month", "type", "facility", "status")


def record_incident(store: Store, spec: IncidentSpec, actor: str | None = None) -> int:
    """Record one incident (vocabularies, facility, unit, sources and victims are checked)."""
    return add_incidents(store, [spec], actor=actor)[0]


@dataclass
class SourceRef:
    id: int
    title: str
    kind: str
    reliability: str | None
    published_on: date | None
    files: list[dict[str, str]]  # {"filename", "sha256"}
    incidents: int = 0  # how many of the listed/counted incidents cite it


@dataclass
class IncidentRow:
    id: int
    act_type: str
    act_label_en: str
    act_label_es: str
    date: str
    date_earliest: dt.date | None
    date_latest: dt.date | None
    date_precision: str | None
    date_as_written: str | None
    facility: str | None
    unit: str | None
    description: str | None
    verification_status: str
    status_label_en: str
    status_label_es: str
    sources: list[str]
    victims: list[dict[str, Any]]  # {"person_id", "source", "record_id", "name"}
    perpetrators: list[dict[str, Any]]

    @property
    def month(self) -> str:
        return month_key(self.date_earliest, self.date_latest)

    def label(self, lang: str) -> str:
        return self.act_label_es if lang == "es" else self.act_label_en

    def status_label(self, lang: str) -> str:
        return self.status_label_es if lang == "es" else self.status_label_en


def month_key(earliest: date | None, latest: date | None) -> str:
    if earliest is None or latest is None:
        return UNDATED
    if (earliest.year, earliest.month) != (latest.year, latest.month):
        return SPANS_MONTHS
    return f"{earliest.year:04d}-{earliest.month:02d}"


def _check_terms(store: Store, vocabulary: str, values: list[str] | None,
                 what: str) -> list[str] | None:
    if not values:
        return None
    index = VocabularyIndex.load(store)
    return [index.require(vocabulary, v, what) for v in values]


def _in_period(row: IncidentRow, start: date | None, end: date | None) -> str:
    """'in', 'overlaps', 'out' or 'undated' (when a period is given)."""
    if start is None and end is None:
        return "in"
    if row.date_earliest is None or row.date_latest is None:
        return "undated"
    lo, hi = start or date.min, end or date.max
    if lo <= row.date_earliest and row.date_latest <= hi:
        return "in"
    if row.date_latest < lo or row.date_earliest > hi:
        return "out"
    return "overlaps"


def _load(store: Store, *, types: list[str] | None, facility: str | None, unit: str | None,
          statuses: list[str] | None, person_id: int | None,
          ids: list[int] | None = None) -> tuple[list[IncidentRow], dict[int, SourceRef]]:
    types = _check_terms(store, "act_type", types, "incident type")
    statuses = _check_terms(store, "violation_status", statuses, "verification status")
    with store.read() as s:
        query = (select(Incident, Facility.name, FacilityUnit.name)
                 .outerjoin(Facility, Facility.id == Incident.facility_id)
                 .outerjoin(FacilityUnit, FacilityUnit.id == Incident.unit_id)
                 .order_by(Incident.date_earliest.is_(None), Incident.date_earliest, Incident.id))
        if facility is not None:
            fid = s.execute(select(Facility.id).where(Facility.name.ilike(facility))).scalar()
            if fid is None:
                names = s.execute(select(Facility.name).order_by(Facility.name)).scalars().all()
                raise NotFound(f"No facility named {facility!r}. Facilities: "
                               f"{'; '.join(names) if names else '(none yet)'}")
            query = query.where(Incident.facility_id == fid)
            if unit is not None:
                uid = s.execute(select(FacilityUnit.id).where(
                    FacilityUnit.facility_id == fid, FacilityUnit.name == unit)).scalar()
                if uid is None:
                    raise NotFound(f"Facility {facility!r} has no unit {unit!r}.")
                query = query.where(Incident.unit_id == uid)
        elif unit is not None:
            raise UsageError("Give --facility with --unit (unit names repeat across facilities).")
        if types:
            query = query.where(Incident.act_type.in_(types))
        if statuses:
            query = query.where(Incident.verification_status.in_(statuses))
        if ids is not None:
            query = query.where(Incident.id.in_(ids))
        if person_id is not None:
            victim_of = (select(IncidentVictim.incident_id)
                         .join(Link, (Link.record_id == IncidentVictim.record_id) & CURRENT)
                         .where(Link.person_id == person_id))
            query = query.where(Incident.id.in_(victim_of))
        rows = s.execute(query).all()
        incident_ids = [inc.id for inc, _, _ in rows]
        labels = {(v, c): (en, es) for v, c, en, es in s.execute(select(
            VocabularyTerm.vocabulary, VocabularyTerm.code, VocabularyTerm.label_en,
            VocabularyTerm.label_es))}
        cites: dict[int, list[int]] = {}
        victims: dict[int, list[dict[str, Any]]] = {}
        perps: dict[int, list[dict[str, Any]]] = {}
        for chunk_start in range(0, len(incident_ids), 900):
            chunk = incident_ids[chunk_start:chunk_start + 900]
            for iid, sid in s.execute(select(IncidentSource.incident_id, IncidentSource.source_id)
                                      .where(IncidentSource.incident_id.in_(chunk))
                                      .order_by(IncidentSource.source_id)):
                cites.setdefault(iid, []).append(sid)
            for iid, key, title, name, pid in s.execute(
                    select(IncidentVictim.incident_id, Record.record_key, Source.title,
                           Record.full_name, Link.person_id)
                    .join(Record, Record.id == IncidentVictim.record_id)
                    .join(Source, Source.id == Record.source_id)
                    .outerjoin(Link, (Link.record_id == Record.id) & CURRENT)
                    .where(IncidentVictim.incident_id.in_(chunk))
                    .order_by(Record.id)):
                victims.setdefault(iid, []).append(
                    {"person_id": pid, "source": title, "record_id": key, "name": name})
            for perp in s.execute(select(IncidentPerpetrator)
                                  .where(IncidentPerpetrator.incident_id.in_(chunk))
                                  .order_by(IncidentPerpetrator.id)).scalars():
                perps.setdefault(perp.incident_id, []).append(
                    {"role": perp.role, "unit": perp.unit, "involvement": perp.involvement,
                     "role_label_en": labels.get(("perpetrator_type", perp.role), (perp.role,))[0],
                     "role_label_es": labels.get(("perpetrator_type", perp.role),
                                                 (perp.role, perp.role))[1]})
        source_ids = sorted({sid for sids in cites.values() for sid in sids})
        refs: dict[int, SourceRef] = {}
        if source_ids:
            files: dict[int, list[dict[str, str]]] = {}
            for sid, sha, name in s.execute(select(SourceFile.source_id, SourceFile.sha256,
                                                   SourceFile.filename)
                                            .where(SourceFile.source_id.in_(source_ids))):
                files.setdefault(sid, []).append({"filename": name, "sha256": sha})
            for src in s.execute(select(Source).where(Source.id.in_(source_ids))).scalars():
                refs[src.id] = SourceRef(src.id, src.title, src.kind, src.reliability,
                                         src.published_on, files.get(src.id, []))
    out = []
    for inc, fac_name, unit_name in rows:
        act = labels.get(("act_type", inc.act_type), (inc.act_type, inc.act_type))
        status = labels.get(("violation_status", inc.verification_status),
                            (inc.verification_status, inc.verification_status))
        out.append(IncidentRow(
            inc.id, inc.act_type, act[0], act[1],
            show_date(inc.date_earliest, inc.date_latest, inc.date_precision),
            inc.date_earliest, inc.date_latest, inc.date_precision, inc.date_text, fac_name,
            unit_name, inc.description, inc.verification_status, status[0], status[1],
            [refs[sid].title for sid in cites.get(inc.id, []) if sid in refs],
            victims.get(inc.id, []), perps.get(inc.id, [])))
    return out, refs


def list_incidents(store: Store, *, types: list[str] | None = None,
                   facility: str | None = None, unit: str | None = None,
                   statuses: list[str] | None = None, start: date | None = None,
                   end: date | None = None, person_id: int | None = None,
                   include_overlapping: bool = False) -> list[IncidentRow]:
    """Incidents matching every filter given (types and statuses are vocabulary terms).

    With a period, only incidents dated wholly inside it are listed, unless
    ``include_overlapping`` (then those whose date interval overlaps it are too).
    """
    rows, _ = _load(store, types=types, facility=facility, unit=unit, statuses=statuses,
                    person_id=person_id)
    keep = {"in", "overlaps"} if include_overlapping else {"in"}
    return [r for r in rows if _in_period(r, start, end) in keep]


@dataclass
class IncidentCount:
    """A count of incidents and everything needed to cite it."""

    count: int
    by_month: dict[str, int]
    by_type: dict[str, int]
    by_facility: dict[str, int]
    by_status: dict[str, int]
    sources: list[SourceRef]
    incident_ids: list[int]
    uncertain_ids: list[int] = field(default_factory=list)  # dates overlap the period
    undated: int = 0
    filters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def grouped(self, by: str) -> dict[str, int]:
        if by not in GROUPINGS:
            raise UsageError(f"Cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}.")
        return {"month": self.by_month, "type": self.by_type, "facility": self.by_facility,
                "status": self.by_status}[by]


def count_incidents(store: Store, *, types: list[str] | None = None,
                    facility: str | None = None, unit: str | None = None,
                    statuses: list[str] | None = None, start: date | None = None,
                    end: date | None = None, person_id: int | None = None) -> IncidentCount:
    """Count incidents matching the filters, by month, type, facility and status, with sources."""
    rows, refs = _load(store, types=types, facility=facility, unit=unit, statuses=statuses,
                       person_id=person_id)
    placed = [(r, _in_period(r, start, end)) for r in rows]
    counted = [r for r, where in placed if where == "in"]
    cited: Counter[str] = Counter(t for r in counted for t in r.sources)
    by_month = Counter(r.month for r in counted)
    sources = [ref for ref in refs.values() if cited[ref.title]]
    for ref in sources:
        ref.incidents = cited[ref.title]
    sources.sort(key=lambda ref: (-ref.incidents, ref.title))
    return IncidentCount(
        count=len(counted),
        by_month=dict(sorted(by_month.items())),
        by_type=dict(Counter(r.act_type for r in counted).most_common()),
        by_facility=dict(Counter(r.facility or "(no facility)" for r in counted).most_common()),
        by_status=dict(Counter(r.verification_status for r in counted).most_common()),
        sources=sources,
        incident_ids=[r.id for r in counted],
        uncertain_ids=[r.id for r, where in placed if where == "overlaps"],
        undated=sum(1 for _, where in placed if where == "undated"),
        filters={"types": types, "facility": facility, "unit": unit, "statuses": statuses,
                 "start": start, "end": end, "person_id": person_id})
