"""The situation report: a facility, a flight or a period, for people who would rather look.

Scope
-----
* ``facility``: the people with at least one recorded custody event at the
  facility; conditions (occupancy, m² per person, thresholds) and incidents at
  the facility.
* ``flight``: the people with a recorded event on that flight.
* neither: everyone with an event in the period (or everyone, without a period).

``start``/``end`` restrict the events, incidents and occupancy observations
shown, with the same rule as :mod:`habeas.document.incidents`: an event or
incident counts when its whole (possibly uncertain) date lies in the period.
The people in scope are not restricted by the period when a facility or flight
is given (their events outside it are just not shown).

Sections: counts; custody events over time (chart); due-process flags and
register gaps aggregated over the people in scope (from :mod:`habeas.trace`);
conditions (charts of population against each capacity figure and of m² per
person against the thresholds); incidents by month and type (chart); sources.

Small cells: every count of people, events or incidents below ``k`` (the
workspace's setting, see :mod:`habeas.report.sharing`; ``k=1`` turns it off) is
written ``"<k"``, and each distribution whose total the report shows (events by
type, people by whereabouts, each flag and register field by status, incidents
by type and by status) gets complementary suppressions so that the total does
not give a hidden count back (:mod:`habeas.report.suppression`). The figures of
the conditions section come from the sources (facility-wide populations,
capacities) and are shown as published there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from habeas.document.conditions import FacilityConditions, facility_conditions
from habeas.document.incidents import IncidentCount, IncidentRow, count_incidents, list_incidents
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.queries import CURRENT
from habeas.store.schema import (
    CustodyEvent,
    Facility,
    Link,
    Record,
    Source,
    SourceFile,
    VocabularyTerm,
)


@dataclass
class SituationReport:
    """Everything the situation report shows (also usable as JSON by other faces)."""

    facility: str | None
    flight: str | None
    start: date | None
    end: date | None
    persons: list[int]
    events_in_period: int
    events_by_type: dict[str, int]
    events_charted: list[tuple[date, str]]
    events_not_charted: int
    conditions: FacilityConditions | None
    incident_count: IncidentCount
    incidents: list[IncidentRow]
    incidents_by_month_type: dict[str, dict[str, int]]
    flags: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    gap_total: int
    whereabouts: dict[str, int]
    incommunicado: int
    sources: list[dict[str, Any]]
    labels: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    #: incidents and sources left out for a reader below their level (situation_clearance)
    withheld_incidents: int = 0
    withheld_sources: int = 0


def _labels(store: Store) -> dict[str, dict[str, tuple[str, str]]]:
    with store.read() as s:
        out: dict[str, dict[str, tuple[str, str]]] = {}
        for term in s.execute(select(VocabularyTerm)).scalars():
            out.setdefault(term.vocabulary, {})[term.code] = (term.label_en, term.label_es)
        return out


def _in_period(
    earliest: date | None, latest: date | None, start: date | None, end: date | None
) -> bool:
    if start is None and end is None:
        return True
    if earliest is None or latest is None:
        return False
    return (start or date.min) <= earliest and latest <= (end or date.max)


def _scope(
    store: Store, facility: str | None, flight: str | None, start: date | None, end: date | None
) -> tuple[str | None, list[int], list[Any], set[int]]:
    with store.read() as s:
        fac_name = None
        events = (
            select(CustodyEvent, Link.person_id)
            .join(Record, Record.id == CustodyEvent.record_id)
            .join(Link, (Link.record_id == Record.id) & CURRENT)
        )
        persons_q = None
        if facility is not None:
            row = s.execute(
                select(Facility.id, Facility.name).where(Facility.name.ilike(facility))
            ).first()
            if row is None:
                names = s.execute(select(Facility.name).order_by(Facility.name)).scalars().all()
                raise NotFound(
                    f"No facility named {facility!r}. Facilities: "
                    f"{'; '.join(names) if names else '(none yet)'}"
                )
            fac_name = row.name
            persons_q = (
                select(Link.person_id)
                .join(Record, Record.id == Link.record_id)
                .join(CustodyEvent, CustodyEvent.record_id == Record.id)
                .where(CURRENT, CustodyEvent.facility_id == row.id)
            )
        if flight is not None:
            q = (
                select(Link.person_id)
                .join(Record, Record.id == Link.record_id)
                .join(CustodyEvent, CustodyEvent.record_id == Record.id)
                .where(CURRENT, CustodyEvent.flight == flight)
            )
            if not s.execute(q.limit(1)).first():
                flights = (
                    s.execute(
                        select(CustodyEvent.flight)
                        .distinct()
                        .where(CustodyEvent.flight.is_not(None))
                    )
                    .scalars()
                    .all()
                )
                raise NotFound(
                    f"No recorded event on flight {flight!r}. Flights: "
                    f"{', '.join(sorted(f for f in flights if f)) or '(none yet)'}"
                )
            persons_q = q if persons_q is None else persons_q.where(Link.person_id.in_(q))
        if persons_q is not None:
            persons = set(s.execute(persons_q).scalars())
            rows = [
                (ev, pid)
                for ev, pid in s.execute(
                    events.where(Link.person_id.in_(persons_q)).order_by(
                        CustodyEvent.date_earliest, CustodyEvent.id
                    )
                ).all()
            ]
        else:
            rows = [
                (ev, pid)
                for ev, pid in s.execute(
                    events.order_by(CustodyEvent.date_earliest, CustodyEvent.id)
                ).all()
            ]
            persons = {
                pid for ev, pid in rows if _in_period(ev.date_earliest, ev.date_latest, start, end)
            }
        in_period = [
            (ev, pid)
            for ev, pid in rows
            if pid in persons and _in_period(ev.date_earliest, ev.date_latest, start, end)
        ]
        source_ids = {ev.source_id for ev, _ in in_period}
    return fac_name, sorted(persons), in_period, source_ids


def _sources(store: Store, ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    with store.read() as s:
        files: dict[int, list[dict[str, str]]] = {}
        for sid, sha, name in s.execute(
            select(SourceFile.source_id, SourceFile.sha256, SourceFile.filename).where(
                SourceFile.source_id.in_(ids)
            )
        ):
            files.setdefault(sid, []).append({"filename": name, "sha256": sha})
        return [
            {
                "id": src.id,
                "title": src.title,
                "kind": src.kind,
                "reliability": src.reliability,
                "published_on": src.published_on,
                "files": files.get(src.id, []),
            }
            for src in s.execute(
                select(Source).where(Source.id.in_(ids)).order_by(Source.id)
            ).scalars()
        ]


def trace_aggregates(
    store: Store, persons: list[int], lang: str = "en"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int, dict[str, int], int]:
    """Due-process flags, register gaps and whereabouts over the people in scope.

    Computed person by person with :mod:`habeas.trace` (the same rules as each
    person's dossier) and summed: per flag, how many people it is raised /
    not raised / undetermined for; per register field, how many people have it
    known, partly known, unknown or not applicable.
    """
    from habeas.trace import load_persons, load_rules
    from habeas.trace.flags import evaluate
    from habeas.trace.gaps import compute_gaps
    from habeas.trace.whereabouts import compute_whereabouts

    flags: dict[str, dict[str, Any]] = {}
    gaps: dict[str, dict[str, Any]] = {}
    whereabouts: Counter[str] = Counter()
    incommunicado = 0
    rules = load_rules()
    for start in range(0, len(persons), 500):
        loaded = load_persons(store, persons[start : start + 500])
        for person in loaded.values():
            for flag in evaluate(person, rules=rules, lang=lang):
                entry = flags.setdefault(
                    flag.code,
                    {
                        "code": flag.code,
                        "title_en": flag.title_en,
                        "title_es": flag.title_es,
                        "raised": 0,
                        "not_raised": 0,
                        "undetermined": 0,
                    },
                )
                entry[flag.status] = entry.get(flag.status, 0) + 1
            for gap in compute_gaps(person, lang):
                g = gaps.setdefault(
                    gap.field,
                    {
                        "field": gap.field,
                        "label": gap.label,
                        "legal_basis": gap.legal_basis,
                        "holder": gap.holder,
                        "known": 0,
                        "partial": 0,
                        "unknown": 0,
                        "not_applicable": 0,
                    },
                )
                g[gap.status] = g.get(gap.status, 0) + 1
            w = compute_whereabouts(person, lang=lang)
            whereabouts[w.status] += 1
            incommunicado += int(w.incommunicado)
    return (
        list(flags.values()),
        list(gaps.values()),
        len(persons),
        dict(whereabouts.most_common()),
        incommunicado,
    )


def build_situation(
    store: Store,
    *,
    facility: str | None = None,
    flight: str | None = None,
    start: date | None = None,
    end: date | None = None,
    max_gap_days: int | None = None,
    lang: str = "en",
) -> SituationReport:
    fac_name, persons, events, source_ids = _scope(store, facility, flight, start, end)
    by_type = Counter(ev.event_type for ev, _ in events)
    charted = [
        (ev.date_earliest, ev.event_type)
        for ev, _ in events
        if ev.date_earliest
        and ev.date_latest
        and ev.date_latest - ev.date_earliest <= timedelta(days=6)
    ]
    conditions = None
    if fac_name is not None:
        kwargs = {"max_gap_days": max_gap_days} if max_gap_days else {}
        conditions = facility_conditions(store, fac_name, start=start, end=end, **kwargs)
        source_ids.update(src["id"] for src in conditions.sources)
    count = count_incidents(store, facility=fac_name, start=start, end=end)
    incidents = list_incidents(store, facility=fac_name, start=start, end=end)
    if flight is not None:  # only incidents with a victim among the flight's people
        scope = set(persons)
        incidents = [r for r in incidents if any(v["person_id"] in scope for v in r.victims)]
        count = _restrict(count, incidents)
    by_month_type: dict[str, dict[str, int]] = {}
    for r in incidents:
        by_month_type.setdefault(r.month, {}).setdefault(r.act_type, 0)
        by_month_type[r.month][r.act_type] += 1
    source_ids.update(src.id for src in count.sources)
    flags, gaps, gap_total, whereabouts, incommunicado = trace_aggregates(store, persons, lang)
    return SituationReport(
        fac_name,
        flight,
        start,
        end,
        persons,
        len(events),
        dict(by_type.most_common()),
        charted,
        len(events) - len(charted),
        conditions,
        count,
        incidents,
        by_month_type,
        flags,
        gaps,
        gap_total,
        whereabouts,
        incommunicado,
        _sources(store, source_ids),
        _labels(store),
    )


def _restrict(count: IncidentCount, rows: list[IncidentRow]) -> IncidentCount:
    """Recount ``count`` over ``rows`` only (used to restrict to a flight's people)."""
    titles = Counter(t for r in rows for t in r.sources)
    sources = [s for s in count.sources if titles[s.title]]
    for s in sources:
        s.incidents = titles[s.title]
    return IncidentCount(
        count=len(rows),
        by_month=dict(sorted(Counter(r.month for r in rows).items())),
        by_type=dict(Counter(r.act_type for r in rows).most_common()),
        by_facility=dict(Counter(r.facility or "(no facility)" for r in rows).most_common()),
        by_status=dict(Counter(r.verification_status for r in rows).most_common()),
        sources=sources,
        incident_ids=[r.id for r in rows],
        filters=count.filters,
    )
