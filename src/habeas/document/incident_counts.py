"""Counting incidents in the database, and the filters the incident list shares.

:func:`count_incidents` answers "how many, by month, type, facility and status,
and which sources report them" with grouped SQL queries: no incident, victim or
perpetrator is loaded into Python, so a count costs the same handful of queries
at 100 incidents or 100,000. :func:`incident_filter` and :func:`period_filter`
are the WHERE conditions the count and :func:`habeas.document.incidents.list_incidents`
both use, so the list and its counts always agree.

The rule for uncertain dates (see :mod:`habeas.document.incidents`): with a
period, an incident is counted when its whole interval ``[earliest, latest]``
lies inside it; one that only overlaps it is listed in ``uncertain_ids``;
undated incidents are counted in ``undated``. Without a period every incident
is counted, the undated ones under :data:`UNDATED`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, func, not_, or_, select
from sqlalchemy.orm import Session

from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.queries import CURRENT
from habeas.store.schema import (
    Facility,
    FacilityUnit,
    Incident,
    IncidentSource,
    IncidentVictim,
    Link,
    Source,
    SourceFile,
    StoredFile,
)
from habeas.store.vocabulary import VocabularyIndex

SPANS_MONTHS = "spans several months"
UNDATED = "undated"
NO_FACILITY = "(no facility)"
GROUPINGS = ("month", "type", "facility", "status")


@dataclass
class SourceRef:
    id: int
    title: str
    kind: str
    reliability: str | None
    published_on: date | None
    files: list[dict[str, str]]  # {"filename", "sha256"}
    incidents: int = 0  # how many of the listed/counted incidents cite it
    sensitivity: str = "internal"  # the source's level (who may see its title)


def month_key(earliest: date | None, latest: date | None) -> str:
    if earliest is None or latest is None:
        return UNDATED
    if (earliest.year, earliest.month) != (latest.year, latest.month):
        return SPANS_MONTHS
    return f"{earliest.year:04d}-{earliest.month:02d}"


def check_terms(
    store: Store, vocabulary: str, values: list[str] | None, what: str
) -> list[str] | None:
    if not values:
        return None
    index = VocabularyIndex.load(store)
    return [index.require(vocabulary, v, what) for v in values]


def incident_filter(
    s: Session,
    *,
    types: list[str] | None,
    facility: str | None,
    unit: str | None,
    statuses: list[str] | None,
    person_id: int | None,
    ids: list[int] | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE conditions on :class:`Incident` for every filter given (terms already checked).

    Raises :class:`NotFound` for an unknown facility or unit."""
    where: list[ColumnElement[bool]] = []
    if facility is not None:
        fid = s.execute(select(Facility.id).where(Facility.name.ilike(facility))).scalar()
        if fid is None:
            names = s.execute(select(Facility.name).order_by(Facility.name)).scalars().all()
            raise NotFound(
                f"No facility named {facility!r}. Facilities: "
                f"{'; '.join(names) if names else '(none yet)'}"
            )
        where.append(Incident.facility_id == fid)
        if unit is not None:
            uid = s.execute(
                select(FacilityUnit.id).where(
                    FacilityUnit.facility_id == fid, FacilityUnit.name == unit
                )
            ).scalar()
            if uid is None:
                raise NotFound(f"Facility {facility!r} has no unit {unit!r}.")
            where.append(Incident.unit_id == uid)
    elif unit is not None:
        raise UsageError("Give --facility with --unit (unit names repeat across facilities).")
    if types:
        where.append(Incident.act_type.in_(types))
    if statuses:
        where.append(Incident.verification_status.in_(statuses))
    if ids is not None:
        where.append(Incident.id.in_(ids))
    if person_id is not None:
        victim_of = (
            select(IncidentVictim.incident_id)
            .join(Link, (Link.record_id == IncidentVictim.record_id) & CURRENT)
            .where(Link.person_id == person_id)
        )
        where.append(Incident.id.in_(victim_of))
    return where


def _dated() -> ColumnElement[bool]:
    return and_(Incident.date_earliest.is_not(None), Incident.date_latest.is_not(None))


def _inside(start: date | None, end: date | None) -> ColumnElement[bool]:
    """Dated wholly inside the period."""
    bounds = [_dated()]
    if start is not None:
        bounds.append(Incident.date_earliest >= start)
    if end is not None:
        bounds.append(Incident.date_latest <= end)
    return and_(*bounds)


def _touching(start: date | None, end: date | None) -> ColumnElement[bool]:
    """Dated, with an interval that meets the period (inside it or overlapping it)."""
    bounds = [_dated()]
    if start is not None:
        bounds.append(Incident.date_latest >= start)
    if end is not None:
        bounds.append(Incident.date_earliest <= end)
    return and_(*bounds)


def period_filter(
    start: date | None, end: date | None, include_overlapping: bool = False
) -> list[ColumnElement[bool]]:
    """WHERE conditions for a period (none without one; undated incidents are then kept)."""
    if start is None and end is None:
        return []
    return [_touching(start, end) if include_overlapping else _inside(start, end)]


def source_refs(
    s: Session, source_ids: list[int] | set[int], levels: Collection[str] | None = None
) -> dict[int, SourceRef]:
    """The sources with these ids, with their files (only those at ``levels``, if given)."""
    refs: dict[int, SourceRef] = {}
    if not source_ids:
        return refs
    files: dict[int, list[dict[str, str]]] = {}
    file_query = select(SourceFile.source_id, SourceFile.sha256, SourceFile.filename).where(
        SourceFile.source_id.in_(source_ids)
    )
    source_query = select(Source).where(Source.id.in_(source_ids))
    if levels is not None:
        file_query = file_query.join(StoredFile, StoredFile.sha256 == SourceFile.sha256).where(
            StoredFile.sensitivity.in_(levels)
        )
        source_query = source_query.where(Source.sensitivity.in_(levels))
    for sid, sha, name in s.execute(file_query):
        files.setdefault(sid, []).append({"filename": name, "sha256": sha})
    for src in s.execute(source_query).scalars():
        refs[src.id] = SourceRef(
            src.id,
            src.title,
            src.kind,
            src.reliability,
            src.published_on,
            files.get(src.id, []),
            sensitivity=src.sensitivity,
        )
    return refs


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
        return {
            "month": self.by_month,
            "type": self.by_type,
            "facility": self.by_facility,
            "status": self.by_status,
        }[by]


def _most_common(rows: Any) -> dict[str, int]:
    counts = {str(k): int(n) for k, n in rows}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def count_incidents(
    store: Store,
    *,
    types: list[str] | None = None,
    facility: str | None = None,
    unit: str | None = None,
    statuses: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    person_id: int | None = None,
    levels: Collection[str] | None = None,
) -> IncidentCount:
    """Count incidents matching the filters, by month, type, facility and status, with sources.

    ``levels``: count only incidents at these sensitivity levels, and cite only sources
    and files at them (a face passes the levels its reader may see; ``None``: all)."""
    asked = {
        "types": types,
        "facility": facility,
        "unit": unit,
        "statuses": statuses,
        "start": start,
        "end": end,
        "person_id": person_id,
    }
    types = check_terms(store, "act_type", types, "incident type")
    statuses = check_terms(store, "violation_status", statuses, "verification status")
    period = start is not None or end is not None
    order = (Incident.date_earliest.is_(None), Incident.date_earliest, Incident.id)
    with store.read() as s:
        chosen = incident_filter(
            s, types=types, facility=facility, unit=unit, statuses=statuses, person_id=person_id
        )
        if levels is not None:
            chosen.append(Incident.sensitivity.in_(levels))
        counted = [*chosen, *period_filter(start, end)]

        def grouped(*columns: Any) -> Any:
            return s.execute(
                select(*columns, func.count())
                .select_from(Incident)
                .where(*counted)
                .group_by(*columns)
            ).all()

        incident_ids = list(
            s.execute(select(Incident.id).where(*counted).order_by(*order)).scalars()
        )
        by_type = _most_common(grouped(Incident.act_type))
        by_status = _most_common(grouped(Incident.verification_status))
        by_facility = _most_common(
            (name if name is not None else NO_FACILITY, n)
            for name, n in s.execute(
                select(Facility.name, func.count())
                .select_from(Incident)
                .outerjoin(Facility, Facility.id == Incident.facility_id)
                .where(*counted)
                .group_by(Facility.name)
            )
        )
        months: Counter[str] = Counter()
        for y0, m0, y1, m1, n in grouped(
            extract("year", Incident.date_earliest),
            extract("month", Incident.date_earliest),
            extract("year", Incident.date_latest),
            extract("month", Incident.date_latest),
        ):
            if y0 is None or y1 is None:
                months[UNDATED] += n
            elif (y0, m0) != (y1, m1):
                months[SPANS_MONTHS] += n
            else:
                months[f"{int(y0):04d}-{int(m0):02d}"] += n
        cited = dict(
            s.execute(
                select(IncidentSource.source_id, func.count())
                .join(Incident, Incident.id == IncidentSource.incident_id)
                .where(*counted)
                .group_by(IncidentSource.source_id)
            ).all()
        )
        refs = source_refs(s, set(cited), levels)
        uncertain: list[int] = []
        undated = 0
        if period:
            uncertain = list(
                s.execute(
                    select(Incident.id)
                    .where(*chosen, _touching(start, end), not_(_inside(start, end)))
                    .order_by(*order)
                ).scalars()
            )
            undated = int(
                s.execute(
                    select(func.count())
                    .select_from(Incident)
                    .where(
                        *chosen,
                        or_(Incident.date_earliest.is_(None), Incident.date_latest.is_(None)),
                    )
                ).scalar()
                or 0
            )
    sources = list(refs.values())
    for ref in sources:
        ref.incidents = int(cited[ref.id])
    sources.sort(key=lambda ref: (-ref.incidents, ref.title))
    return IncidentCount(
        count=len(incident_ids),
        by_month=dict(sorted(months.items())),
        by_type=by_type,
        by_facility=by_facility,
        by_status=by_status,
        sources=sources,
        incident_ids=incident_ids,
        uncertain_ids=uncertain,
        undated=undated,
        filters=asked,
    )
