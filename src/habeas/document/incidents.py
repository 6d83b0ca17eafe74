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

Counts are computed in the database (:mod:`habeas.document.incident_counts`);
the list filters in SQL with the same conditions, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from habeas import i18n
from habeas.access import policy
from habeas.access.reader import AUDITED_LEVELS, Reader, Withheld
from habeas.document.incident_counts import (
    GROUPINGS,
    SPANS_MONTHS,
    UNDATED,
    IncidentCount,
    SourceRef,
    check_terms,
    count_incidents,
    incident_filter,
    month_key,
    period_filter,
    source_refs,
)
from habeas.document.incident_entry import IncidentSpec, add_incidents
from habeas.errors import NotFound
from habeas.store.db import Store
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
    VocabularyTerm,
)

__all__ = [
    "GROUPINGS",
    "SPANS_MONTHS",
    "UNDATED",
    "IncidentCount",
    "IncidentRow",
    "SourceRef",
    "count_incidents",
    "list_incidents",
    "month_key",
    "record_incident",
    "visible_to",
]


def record_incident(
    store: Store, spec: IncidentSpec, actor: str | None = None, reader: Reader | None = None
) -> int:
    """Record one incident (vocabularies, facility, unit, sources and victims are checked).

    ``reader``: who records it; the sources and victim records they name must be
    ones the reader may view (:func:`check_cited`)."""
    if reader is not None:
        check_cited(store, spec, reader)
    return add_incidents(store, [spec], actor=actor)[0]


def check_cited(store: Store, spec: IncidentSpec, reader: Reader) -> None:
    """Refuse sources and victim records ``reader`` may not view: one above their
    clearance is answered as if it did not exist (naming it must not tell whether it
    does); one that needs a purpose says so."""
    from habeas.audit.reads import PurposeRequired

    titles = {*spec.source_titles, *(title for title, _ in spec.victims)}
    with store.read() as s:
        levels = dict(
            s.execute(
                select(Source.title, Source.sensitivity).where(Source.title.in_(titles))
            ).all()
        )
        for title in sorted(titles):
            if title in levels and reader.why_not(levels[title]) == "level":
                raise NotFound(f"No source titled {title!r}.")
        for title, key in spec.victims:
            level = s.execute(
                select(Record.sensitivity)
                .join(Source, Source.id == Record.source_id)
                .where(Source.title == title, Record.record_key == key)
            ).scalar()
            why = None if level is None else reader.why_not(level)
            if why == "level":
                raise NotFound(f"Source {title!r} has no record {key!r}.")
            if why == "purpose":
                raise PurposeRequired(
                    f"Record {key!r} of {title!r} is restricted: naming it "
                    "as a victim needs a stated purpose."
                )


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
    victims: list[dict[str, Any]]  # {"person_id", "source", "record_id", "name", "sensitivity"}
    perpetrators: list[dict[str, Any]]
    sensitivity: str = policy.RESTRICTED
    source_levels: list[str] = field(default_factory=list)  # the level of each of ``sources``

    @property
    def month(self) -> str:
        return month_key(self.date_earliest, self.date_latest)

    def label(self, lang: str) -> str:
        return i18n.label(self, lang, "act_label")

    def status_label(self, lang: str) -> str:
        return i18n.label(self, lang, "status_label")


def _load(
    store: Store,
    *,
    types: list[str] | None,
    facility: str | None,
    unit: str | None,
    statuses: list[str] | None,
    person_id: int | None,
    ids: list[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    include_overlapping: bool = False,
) -> tuple[list[IncidentRow], dict[int, SourceRef]]:
    types = check_terms(store, "act_type", types, "incident type")
    statuses = check_terms(store, "violation_status", statuses, "verification status")
    with store.read() as s:
        query = (
            select(
                Incident.id,
                Incident.act_type,
                Incident.date_earliest,
                Incident.date_latest,
                Incident.date_precision,
                Incident.date_text,
                Incident.description,
                Incident.verification_status,
                Incident.sensitivity,
                Facility.name.label("facility"),
                FacilityUnit.name.label("unit"),
            )  # columns: no ORM objects to build
            .outerjoin(Facility, Facility.id == Incident.facility_id)
            .outerjoin(FacilityUnit, FacilityUnit.id == Incident.unit_id)
            .where(
                *incident_filter(
                    s,
                    types=types,
                    facility=facility,
                    unit=unit,
                    statuses=statuses,
                    person_id=person_id,
                    ids=ids,
                ),
                *period_filter(start, end, include_overlapping),
            )
            .order_by(Incident.date_earliest.is_(None), Incident.date_earliest, Incident.id)
        )
        rows = s.execute(query).all()
        incident_ids = [inc.id for inc in rows]
        labels = {
            (v, c): (en, es)
            for v, c, en, es in s.execute(
                select(
                    VocabularyTerm.vocabulary,
                    VocabularyTerm.code,
                    VocabularyTerm.label_en,
                    VocabularyTerm.label_es,
                )
            )
        }
        cites: dict[int, list[int]] = {}
        victims: dict[int, list[dict[str, Any]]] = {}
        perps: dict[int, list[dict[str, Any]]] = {}
        for chunk_start in range(0, len(incident_ids), 900):
            chunk = incident_ids[chunk_start : chunk_start + 900]
            for iid, sid in s.execute(
                select(IncidentSource.incident_id, IncidentSource.source_id)
                .where(IncidentSource.incident_id.in_(chunk))
                .order_by(IncidentSource.source_id)
            ):
                cites.setdefault(iid, []).append(sid)
            for iid, key, title, name, pid, level in s.execute(
                select(
                    IncidentVictim.incident_id,
                    Record.record_key,
                    Source.title,
                    Record.full_name,
                    Link.person_id,
                    Record.sensitivity,
                )
                .join(Record, Record.id == IncidentVictim.record_id)
                .join(Source, Source.id == Record.source_id)
                .outerjoin(Link, (Link.record_id == Record.id) & CURRENT)
                .where(IncidentVictim.incident_id.in_(chunk))
                .order_by(Record.id)
            ):
                victims.setdefault(iid, []).append(
                    {
                        "person_id": pid,
                        "source": title,
                        "record_id": key,
                        "name": name,
                        "sensitivity": level,
                    }
                )
            for perp in s.execute(
                select(
                    IncidentPerpetrator.incident_id,
                    IncidentPerpetrator.role,
                    IncidentPerpetrator.unit,
                    IncidentPerpetrator.involvement,
                )
                .where(IncidentPerpetrator.incident_id.in_(chunk))
                .order_by(IncidentPerpetrator.id)
            ):
                perps.setdefault(perp.incident_id, []).append(
                    {
                        "role": perp.role,
                        "unit": perp.unit,
                        "involvement": perp.involvement,
                        "role_label_en": labels.get(("perpetrator_type", perp.role), (perp.role,))[
                            0
                        ],
                        "role_label_es": labels.get(
                            ("perpetrator_type", perp.role), (perp.role, perp.role)
                        )[1],
                    }
                )
        refs = source_refs(s, {sid for sids in cites.values() for sid in sids})
    out = []
    for inc in rows:
        act = labels.get(("act_type", inc.act_type), (inc.act_type, inc.act_type))
        status = labels.get(
            ("violation_status", inc.verification_status),
            (inc.verification_status, inc.verification_status),
        )
        out.append(
            IncidentRow(
                inc.id,
                inc.act_type,
                act[0],
                act[1],
                show_date(inc.date_earliest, inc.date_latest, inc.date_precision),
                inc.date_earliest,
                inc.date_latest,
                inc.date_precision,
                inc.date_text,
                inc.facility,
                inc.unit,
                inc.description,
                inc.verification_status,
                status[0],
                status[1],
                [refs[sid].title for sid in cites.get(inc.id, []) if sid in refs],
                victims.get(inc.id, []),
                perps.get(inc.id, []),
                inc.sensitivity,
                [refs[sid].sensitivity for sid in cites.get(inc.id, []) if sid in refs],
            )
        )
    return out, refs


def list_incidents(
    store: Store,
    *,
    types: list[str] | None = None,
    facility: str | None = None,
    unit: str | None = None,
    statuses: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    person_id: int | None = None,
    include_overlapping: bool = False,
    reader: Reader | None = None,
    withheld: Withheld | None = None,
    audit: bool = True,
) -> list[IncidentRow]:
    """Incidents matching every filter given (types and statuses are vocabulary terms).

    With a period, only incidents dated wholly inside it are listed, unless
    ``include_overlapping`` (then those whose date interval overlaps it are too).
    With ``reader``, see :func:`visible_to`; what is withheld is added to ``withheld``.
    ``audit=False``: the caller logs the read itself (a cached page logs every view).
    """
    rows, _ = _load(
        store,
        types=types,
        facility=facility,
        unit=unit,
        statuses=statuses,
        person_id=person_id,
        start=start,
        end=end,
        include_overlapping=include_overlapping,
    )
    if reader is None:
        return rows
    withheld = withheld if withheld is not None else Withheld()
    shown: Counter[str] = Counter()
    out = visible_to(rows, reader, withheld, shown)
    if audit:
        log_incident_read(store, reader, out, shown, withheld)
    return out


def log_incident_read(
    store: Store,
    reader: Reader,
    rows: list[IncidentRow],
    shown: Counter[str] | dict[str, int],
    withheld: Withheld,
) -> None:
    from habeas.audit.reads import log_read

    log_read(
        store,
        reader,
        "incident",
        None,
        action="view",
        shown=shown,
        withheld=withheld,
        detail={"incidents": [r.id for r in rows][:500]},
    )


def incident_why_not(reader: Reader, level: str) -> str | None:
    """Why ``reader`` may not see an incident (or count it) at ``level``: ``"level"`` (above
    the clearance of their role: aggregate-only roles reach ``internal``), ``"purpose"``
    (restricted or above, no purpose stated), or ``None``."""
    if not policy.allowed(reader.role, "read_summary", sensitivity=level):
        return "level"
    if level in AUDITED_LEVELS and reader.purpose is None:
        return "purpose"
    return None


def incident_levels(reader: Reader) -> list[str]:
    """The levels of the incidents ``reader`` may see and count."""
    return [lv for lv in policy.SENSITIVITY_LEVELS if incident_why_not(reader, lv) is None]


def visible_to(
    rows: list[IncidentRow], reader: Reader, withheld: Withheld, shown: Counter[str]
) -> list[IncidentRow]:
    """The incidents ``reader`` may see and, in them, the victims it may see by name and the
    sources whose titles it may see.

    An incident is listed when its level is within the reader's clearance (roles that
    read aggregates only see incidents up to ``internal``), with a purpose for
    restricted ones; a victim is named when the reader may view the naming record
    (the others are left out and counted). ``shown`` counts what is shown by level."""
    out = []
    for row in rows:
        level = row.sensitivity
        reason = incident_why_not(reader, level)
        if reason is not None:
            withheld.add("incidents", level, reason)
            continue
        shown[level] += 1
        victims = []
        for v in row.victims:
            v_level = v.get("sensitivity") or policy.RESTRICTED
            why = reader.why_not(v_level)
            if why is None:
                victims.append(v)
                shown[v_level] += 1
            else:
                withheld.add("victims", v_level, why)
        sources, levels = [], []
        for title, s_level in zip(row.sources, row.source_levels, strict=True):
            why = incident_why_not(reader, s_level)
            if why is None:
                sources.append(title)
                levels.append(s_level)
            else:  # a source above the reader's clearance: not even its title
                withheld.add("sources", s_level, why)
        out.append(
            IncidentRow(
                **{**row.__dict__, "victims": victims, "sources": sources, "source_levels": levels}
            )
        )
    return out
