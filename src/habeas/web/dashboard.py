"""The dashboard: where the register stands (counts, events over time, flights, facilities).

Every role that may log in sees the aggregates; recent activity (who changed
what) is shown only to roles that may read identities.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from habeas.store import queries
from habeas.store.schema import (
    ChangeLogEntry,
    CustodyEvent,
    Facility,
    Link,
    OccupancyObservation,
    Record,
    VocabularyTerm,
)
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.views import N_, page

RECENT = 15


def _labels(session: Any, vocabulary: str, lang: str) -> dict[str, str]:
    rows = session.execute(select(VocabularyTerm.code, VocabularyTerm.label_en,
                                  VocabularyTerm.label_es)
                           .where(VocabularyTerm.vocabulary == vocabulary))
    return {code: (es if lang == "es" else en) for code, en, es in rows}


def events_by_month(session: Any, lang: str) -> dict[str, Any]:
    """Custody events per month (of the earliest possible date) and type."""
    rows = session.execute(
        select(CustodyEvent.date_earliest, CustodyEvent.event_type, func.count())
        .where(CustodyEvent.date_earliest.is_not(None),
               CustodyEvent.date_precision.in_(("exact", "month", "estimate")))
        .group_by(CustodyEvent.date_earliest, CustodyEvent.event_type)).all()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, n in rows:
        counts[day.isoformat()[:7]][kind] += n
    labels = _labels(session, "event_type", lang)
    types = sorted({k for per in counts.values() for k in per})
    months = sorted(counts)
    peak = max((sum(counts[m].values()) for m in months), default=0)
    return {"types": [{"code": t, "label": labels.get(t, t)} for t in types],
            "months": [{"month": m, "total": sum(counts[m].values()),
                        "by_type": dict(counts[m])} for m in months],
            "peak": peak}


def flights(session: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(CustodyEvent.flight, func.min(CustodyEvent.date_earliest),
               func.max(CustodyEvent.date_latest), func.count(),
               func.count(func.distinct(Link.person_id)))
        .join(Link, (Link.record_id == CustodyEvent.record_id) & queries.CURRENT)
        .where(CustodyEvent.flight.is_not(None), CustodyEvent.flight != "")
        .group_by(CustodyEvent.flight).order_by(func.min(CustodyEvent.date_earliest))).all()
    return [{"flight": f, "first_date": first, "last_date": last, "events": n, "persons": p}
            for f, first, last, n, p in rows]


def facility_occupancy(session: Any) -> list[dict[str, Any]]:
    """Each facility with its official capacity and latest facility-wide population."""
    latest: dict[int, tuple[Any, int]] = {}
    for fid, day, population in session.execute(
            select(OccupancyObservation.facility_id, OccupancyObservation.observed_on,
                   OccupancyObservation.population)
            .where(OccupancyObservation.unit_id.is_(None))
            .order_by(OccupancyObservation.facility_id, OccupancyObservation.observed_on)):
        latest[fid] = (day, population)
    events = dict(session.execute(
        select(CustodyEvent.facility_id, func.count(func.distinct(Link.person_id)))
        .join(Link, (Link.record_id == CustodyEvent.record_id) & queries.CURRENT)
        .where(CustodyEvent.facility_id.is_not(None))
        .group_by(CustodyEvent.facility_id)).all())
    out = []
    for fac in session.execute(select(Facility).order_by(Facility.name)).scalars():
        day, population = latest.get(fac.id, (None, None))
        ratio = (population / fac.official_capacity
                 if population is not None and fac.official_capacity else None)
        out.append({"id": fac.id, "name": fac.name, "kind": fac.kind, "country": fac.country,
                    "official_capacity": fac.official_capacity, "population": population,
                    "observed_on": day, "occupancy": ratio,
                    "persons_in_register": int(events.get(fac.id, 0))})
    return out


def recent_activity(session: Any, limit: int = RECENT) -> list[dict[str, Any]]:
    rows = session.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())
                           .limit(limit)).scalars()
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
             "entity": e.entity, "entity_id": e.entity_id} for e in rows]


def aggregates(store: Any, session: Any, lang: str) -> dict[str, Any]:
    """Counts, events over time, flights and facilities (whole-table scans)."""
    counts = queries.summary(store)
    unlinked = session.execute(select(func.count()).select_from(Record).where(
        ~Record.id.in_(select(Link.record_id).where(queries.CURRENT)))).scalar()
    counts["records_without_person"] = int(unlinked or 0)
    return {"counts": counts, "events_over_time": events_by_month(session, lang),
            "flights": flights(session), "facilities": facility_occupancy(session)}


def cached_aggregates(store: Any, session: Any, lang: str) -> dict[str, Any]:
    """The aggregates, recomputed only when the register changes (see habeas.web.cache)."""
    data: dict[str, Any] = cached(store, ("dashboard", lang),
                                  lambda: aggregates(store, session, lang))
    return data


@page("/", permission="read_summary", template="dashboard.html", name="dashboard",
      nav=N_("Overview"), nav_order=10)
def dashboard(ctx: Context) -> dict[str, Any]:
    """Where the register stands: counts, events over time, flights, facilities."""
    with ctx.store.read() as session:
        data = cached_aggregates(ctx.store, session, ctx.lang)
        if ctx.allowed("read_identities"):
            data["recent_activity"] = recent_activity(session)
    return data
