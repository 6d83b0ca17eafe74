"""Aggregate figures of the register, and their small-cell-suppressed versions.

* :func:`overview` — what the dashboard shows: counts, custody events per month
  and type, flights, facilities with occupancy (exact figures).
* :func:`suppress_overview` — the same dict with every count of people (or of
  records, events and incidents about them) below k written ``"<k"`` and the
  complementary suppressions that keep month totals from giving them away
  (:mod:`habeas.report.suppression`). Roles that may not read identities get this.

The public situation page's figures, built from these: :mod:`habeas.report.public_figures`.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from habeas import i18n
from habeas.document.conditions import facility_conditions
from habeas.document.crowding import headline_text, space_headline
from habeas.document.figure_labels import FIGURE_KINDS
from habeas.report.suppression import ProtectedTable, protect, show
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import (
    CustodyEvent,
    Facility,
    Link,
    OccupancyObservation,
    Record,
    VocabularyTerm,
)

#: Counts of people, or of records/events/incidents about people: suppressed when small.
#: (Counts of sources, imports, facilities, units and log entries name nobody.)
PERSON_COUNTS = (
    "persons",
    "records",
    "identifiers",
    "invalid_identifiers",
    "events",
    "legal_facts",
    "incidents",
    "records_without_person",
)


def vocabulary_labels(session: Session, vocabulary: str, lang: str) -> dict[str, str]:
    rows = session.execute(
        select(VocabularyTerm.code, VocabularyTerm.label_en, VocabularyTerm.label_es).where(
            VocabularyTerm.vocabulary == vocabulary
        )
    )
    return {row.code: i18n.label(row, lang) for row in rows}


def events_by_month(session: Any, lang: str) -> dict[str, Any]:
    """Custody events per month (of the earliest possible date) and type.

    Only events dated to the day, the month or an estimate are counted (a wider
    date cannot be placed in one month)."""
    rows = session.execute(
        select(CustodyEvent.date_earliest, CustodyEvent.event_type, func.count())
        .where(
            CustodyEvent.date_earliest.is_not(None),
            CustodyEvent.date_precision.in_(("exact", "month", "estimate")),
        )
        .group_by(CustodyEvent.date_earliest, CustodyEvent.event_type)
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, n in rows:
        counts[day.isoformat()[:7]][kind] += n
    labels = vocabulary_labels(session, "event_type", lang)
    types = sorted({k for per in counts.values() for k in per})
    months = sorted(counts)
    peak = max((sum(counts[m].values()) for m in months), default=0)
    return {
        "types": [{"code": t, "label": labels.get(t, t)} for t in types],
        "months": [
            {"month": m, "total": sum(counts[m].values()), "by_type": dict(counts[m])}
            for m in months
        ],
        "peak": peak,
    }


def flights(session: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            CustodyEvent.flight,
            func.min(CustodyEvent.date_earliest),
            func.max(CustodyEvent.date_latest),
            func.count(),
            func.count(func.distinct(Link.person_id)),
        )
        .join(Link, (Link.record_id == CustodyEvent.record_id) & queries.CURRENT)
        .where(CustodyEvent.flight.is_not(None), CustodyEvent.flight != "")
        .group_by(CustodyEvent.flight)
        .order_by(func.min(CustodyEvent.date_earliest))
    ).all()
    return [
        {"flight": f, "first_date": first, "last_date": last, "events": n, "persons": p}
        for f, first, last, n, p in rows
    ]


def _capacities(
    fc: Any, population: int | None, kinds: dict[str, str], _: Any
) -> list[dict[str, Any]]:
    """Every capacity figure with whose claim it is and the occupancy it gives."""
    return [
        {
            "kind": c.kind,
            "kind_label": _(FIGURE_KINDS.get(c.kind, c.kind)),
            "value": c.value,
            "source": c.source,
            "source_kind": c.source_kind,
            "source_kind_label": kinds.get(c.source_kind or "", c.source_kind)
            if c.source_kind
            else None,
            "occupancy": population / c.value if population is not None and c.value > 0 else None,
        }
        for c in fc.capacities
    ]


def _space(fc: Any, lang: str) -> dict[str, Any]:
    """The crowding headline (:mod:`habeas.document.crowding`) of one facility."""
    h = space_headline(fc)
    point = h.smallest if h.units_observed else h.whole
    return {
        "text": headline_text(h, lang),
        "text_without_smallest": headline_text(h, lang, show_smallest=False)
        if h.units_observed
        else None,
        "threshold": h.threshold.code,
        "threshold_m2": h.threshold.m2_per_person,
        "units_observed": h.units_observed,
        "units_under": h.units_under,
        "smallest_m2": round(point.m2_per_person, 2) if point else None,
        "smallest_population": point.population if point else None,
    }


def facility_occupancy(store: Store, session: Any, lang: str = "en") -> list[dict[str, Any]]:
    """Each facility: space per person against the standard first, then every capacity
    figure with whose claim it is, and the latest facility-wide population."""
    _ = i18n.gettext_for(lang)
    kinds = vocabulary_labels(session, "source_kind", lang)
    latest: dict[int, tuple[Any, int]] = {}
    for fid, day, population in session.execute(
        select(
            OccupancyObservation.facility_id,
            OccupancyObservation.observed_on,
            OccupancyObservation.population,
        )
        .where(OccupancyObservation.unit_id.is_(None))
        .order_by(OccupancyObservation.facility_id, OccupancyObservation.observed_on)
    ):
        latest[fid] = (day, population)
    events = dict(
        session.execute(
            select(CustodyEvent.facility_id, func.count(func.distinct(Link.person_id)))
            .join(Link, (Link.record_id == CustodyEvent.record_id) & queries.CURRENT)
            .where(CustodyEvent.facility_id.is_not(None))
            .group_by(CustodyEvent.facility_id)
        ).all()
    )
    out = []
    for fac in session.execute(select(Facility).order_by(Facility.name)).scalars():
        day, population = latest.get(fac.id, (None, None))
        fc = facility_conditions(store, fac.name)
        out.append(
            {
                "id": fac.id,
                "name": fac.name,
                "kind": fac.kind,
                "country": fac.country,
                "space": _space(fc, lang),
                "capacities": _capacities(fc, population, kinds, _),
                "population": population,
                "observed_on": day,
                "persons_in_register": int(events.get(fac.id, 0)),
            }
        )
    return out


def overview(store: Store, session: Session, lang: str) -> dict[str, Any]:
    """Counts, events over time, flights and facilities (exact; whole-table scans)."""
    counts: dict[str, Any] = queries.summary(store)
    unlinked = session.execute(
        select(func.count())
        .select_from(Record)
        .where(~Record.id.in_(select(Link.record_id).where(queries.CURRENT)))
    ).scalar()
    counts["records_without_person"] = int(unlinked or 0)
    return {
        "counts": counts,
        "events_over_time": events_by_month(session, lang),
        "flights": flights(session),
        "facilities": facility_occupancy(store, session, lang),
    }


# -- suppression -----------------------------------------------------------------


def protect_months(events: dict[str, Any], k: int) -> tuple[ProtectedTable, list[str], list[str]]:
    """Month × type cells with each month's total published (no type or grand totals: with
    both margins, complementary suppressions cascade across the whole table)."""
    months = [m["month"] for m in events["months"]]
    types = [t["code"] for t in events["types"]]
    cells = {(m["month"], t): int(m["by_type"].get(t, 0)) for m in events["months"] for t in types}
    totals: dict[Any, list[Any]] = {("month", m): [(m, t) for t in types] for m in months}
    return protect(cells, totals, k), months, types


def suppress_events(events: dict[str, Any], k: int) -> dict[str, Any]:
    """:func:`events_by_month` with small cells hidden (month totals stay consistent)."""
    table, months, types = protect_months(events, k)
    out = copy.deepcopy(events)
    for row in out["months"]:
        row["by_type"] = {t: table.cell((row["month"], t)) for t in types}
        row["total"] = table.total(("month", row["month"]))
    out["peak"] = max((r["total"] for r in out["months"] if isinstance(r["total"], int)), default=0)
    out["k"] = k
    return out


def suppress_facilities(facilities: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
    """Small populations hidden, and every figure that would give one back: the occupancy
    rates, and an m² per person figure of a space holding fewer than ``k`` people."""
    out = []
    for fac in facilities:
        row = dict(fac)
        row["persons_in_register"] = show(fac["persons_in_register"], k)
        row["population"] = show(fac["population"], k)
        hide_rate = isinstance(row["population"], str)
        row["capacities"] = [
            {
                **{key: v for key, v in c.items() if key != "source"},
                "occupancy": None if hide_rate else c["occupancy"],
            }
            for c in fac["capacities"]
        ]
        space = dict(fac["space"])
        if space["smallest_population"] is not None and space["smallest_population"] < k:
            space["text"] = space["text_without_smallest"]
            space["smallest_m2"] = None
        space["smallest_population"] = None
        row["space"] = space
        out.append(row)
    return out


def suppress_overview(data: dict[str, Any], k: int) -> dict[str, Any]:
    """The :func:`overview` dict with small counts of people hidden."""
    counts = {
        name: show(n, k) if name in PERSON_COUNTS else n for name, n in data["counts"].items()
    }
    return {
        **data,
        "counts": counts,
        "k": k,
        "events_over_time": suppress_events(data["events_over_time"], k),
        "flights": [
            {**f, "persons": show(f["persons"], k), "events": show(f["events"], k)}
            for f in data["flights"]
        ],
        "facilities": suppress_facilities(data["facilities"], k),
    }
