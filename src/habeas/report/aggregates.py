"""Aggregate figures of the register, and their small-cell-suppressed versions.

* :func:`overview` — what the dashboard shows: counts, custody events per month
  and type, flights, facilities with occupancy (exact figures).
* :func:`suppress_overview` — the same dict with every count of people (or of
  records, events and incidents about them) below k written ``"<k"`` and the
  complementary suppressions that keep month totals from giving them away
  (:mod:`habeas.report.suppression`). Roles that may not read identities get this.
* :func:`public_situation` — the public situation page's data: only aggregates,
  every one suppressed; no name, identifier, date of birth or free text from a
  record ever enters it (facility names and flag titles are the register's own
  vocabulary, not anyone's data).
"""

from __future__ import annotations

import copy
import csv
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from habeas import i18n
from habeas.document.conditions import facility_conditions
from habeas.document.crowding import headline_text, space_headline
from habeas.errors import UsageError
from habeas.report.labels import STATUSES
from habeas.report.spreadsheet import csv_row
from habeas.report.suppression import ProtectedTable, below, protect, show
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import (
    CustodyEvent,
    Facility,
    Incident,
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


#: How a capacity figure's kind is shown: a figure is never called "official" on its own
#: (whose claim it is, the source's kind, is shown beside it).
CAPACITY_LABELS = {"official_capacity": "stated capacity", "design_capacity": "design capacity"}


def _capacities(
    fc: Any, population: int | None, kinds: dict[str, str], _: Any
) -> list[dict[str, Any]]:
    """Every capacity figure with whose claim it is and the occupancy it gives."""
    return [
        {
            "kind": c.kind,
            "kind_label": _(CAPACITY_LABELS.get(c.kind, c.kind)),
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


def _protect_months(events: dict[str, Any], k: int) -> tuple[ProtectedTable, list[str], list[str]]:
    """Month × type cells with each month's total published (no type or grand totals: with
    both margins, complementary suppressions cascade across the whole table)."""
    months = [m["month"] for m in events["months"]]
    types = [t["code"] for t in events["types"]]
    cells = {(m["month"], t): int(m["by_type"].get(t, 0)) for m in events["months"] for t in types}
    totals: dict[Any, list[Any]] = {("month", m): [(m, t) for t in types] for m in months}
    return protect(cells, totals, k), months, types


def suppress_events(events: dict[str, Any], k: int) -> dict[str, Any]:
    """:func:`events_by_month` with small cells hidden (month totals stay consistent)."""
    table, months, types = _protect_months(events, k)
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


def _line(counts: dict[str, int], k: int) -> tuple[dict[str, Any], Any]:
    """One distribution (e.g. people by whereabouts status) whose total is published."""
    table = protect(counts, {"total": list(counts)}, k)
    return {key: table.cell(key) for key in counts}, table.total("total")


def public_situation(store: Store, *, k: int, lang: str = "es") -> dict[str, Any]:
    """The public situation page: aggregates only, every count below ``k`` hidden."""
    from habeas.report.situation import trace_aggregates

    lang = i18n.check_language(lang)
    _ = i18n.gettext_for(lang)
    with store.read() as session:
        exact = overview(store, session, lang)
        persons = sorted(
            session.execute(select(Link.person_id).where(queries.CURRENT).distinct()).scalars()
        )
        incidents = dict(
            session.execute(
                select(Incident.act_type, func.count()).group_by(Incident.act_type)
            ).all()
        )
        act_labels = vocabulary_labels(session, "act_type", lang)
    flags, _gaps, _total, whereabouts, incommunicado = trace_aggregates(store, persons, lang)
    statuses, people = _line(whereabouts, k)
    table, months, types = _protect_months(exact["events_over_time"], k)
    incident_cells, incident_total = _line({t or "": n for t, n in incidents.items()}, k)
    flag_rows = []
    if isinstance(people, str):  # fewer than k people: no breakdown of them at all
        statuses, flags = {}, []
    for flag in sorted(flags, key=lambda f: f["code"]):
        cells, _n = _line({s: flag[s] for s in ("raised", "not_raised", "undetermined")}, k)
        flag_rows.append({"code": flag["code"], "title": i18n.label(flag, lang, "title"), **cells})
    counts = exact["counts"]
    return {
        "lang": lang,
        "k": k,
        "below_k": below(k),
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "counts": {
            "persons": people,
            "records": show(counts["records"], k),
            "custody_events": show(counts["events"], k),
            "incidents": incident_total,
            "facilities": counts["facilities"],
            "sources": counts["sources"],
            "held_incommunicado": show(incommunicado, k),
        },
        "whereabouts": [
            {"status": code, "label": _(STATUSES.get(code, code)), "persons": n}
            for code, n in statuses.items()
        ],
        "flags": flag_rows,
        "events_over_time": {
            "types": exact["events_over_time"]["types"],
            "months": [
                {
                    "month": m,
                    "total": table.total(("month", m)),
                    "by_type": {t: table.cell((m, t)) for t in types},
                }
                for m in months
            ],
        },
        "facilities": [
            {
                **{
                    key: fac[key]
                    for key in (
                        "name",
                        "kind",
                        "country",
                        "population",
                        "observed_on",
                        "persons_in_register",
                    )
                },
                "space": {
                    key: fac["space"][key]
                    for key in (
                        "text",
                        "threshold",
                        "threshold_m2",
                        "units_observed",
                        "units_under",
                        "smallest_m2",
                    )
                },
                # whose claim each figure is, by the source's kind (titles stay internal)
                "capacities": [
                    {
                        key: c[key]
                        for key in (
                            "kind",
                            "kind_label",
                            "value",
                            "source_kind",
                            "source_kind_label",
                            "occupancy",
                        )
                    }
                    for c in fac["capacities"]
                ],
            }
            for fac in suppress_facilities(exact["facilities"], k)
        ],
        "incidents": {
            "total": incident_total,
            "by_type": [
                {"code": code, "label": act_labels.get(code, code), "incidents": n}
                for code, n in incident_cells.items()
            ],
        },
    }


# -- the aggregate export ----------------------------------------------------------

AGGREGATE_COLUMNS = ("table", "category", "breakdown", "count")


def aggregate_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`public_situation` as long-format rows (table, category, breakdown, count)."""
    rows: list[tuple[str, str, str, Any]] = []
    rows += [("counts", name, "", n) for name, n in data["counts"].items()]
    rows += [("people_by_whereabouts", w["status"], "", w["persons"]) for w in data["whereabouts"]]
    rows += [
        ("people_by_flag", f["code"], status, f[status])
        for f in data["flags"]
        for status in ("raised", "not_raised", "undetermined")
    ]
    events = data["events_over_time"]
    for month in events["months"]:
        rows += [
            ("events_by_month_and_type", month["month"], t, n) for t, n in month["by_type"].items()
        ]
        rows.append(("events_by_month", month["month"], "total", month["total"]))
    for fac in data["facilities"]:
        rows.append(("facility_people_in_register", fac["name"], "", fac["persons_in_register"]))
        if fac["population"] is not None:
            rows.append(
                (
                    "facility_latest_population",
                    fac["name"],
                    str(fac["observed_on"] or ""),
                    fac["population"],
                )
            )
    rows += [
        ("incidents_by_type", i["code"], "", i["incidents"]) for i in data["incidents"]["by_type"]
    ]
    rows.append(("incidents", "all", "total", data["incidents"]["total"]))
    return [dict(zip(AGGREGATE_COLUMNS, row, strict=True)) for row in rows]


def write_aggregates(
    store: Store, path: Path, *, k: int, lang: str = "es", fmt: str | None = None
) -> int:
    """Write the suppressed aggregates to ``path`` (CSV rows or the JSON document);
    returns the number of figures written."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "json"):
        raise UsageError(
            f"Aggregates are written as csv or json, not {fmt or '(none)'!r} "
            "(give a .csv or .json file name, or --format)."
        )
    data = public_situation(store, k=k, lang=lang)
    rows = aggregate_rows(data)
    if fmt == "json":
        path.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=AGGREGATE_COLUMNS)
            writer.writeheader()
            writer.writerows(csv_row(row) for row in rows)
    return len(rows)
