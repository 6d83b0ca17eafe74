"""Facilities: capacity figures side by side with their sources, occupancy, m² per person,
crowding thresholds breached and for how many consecutive days.

Data from :func:`habeas.document.conditions.facility_conditions`; the charts are
the reports' own (:mod:`habeas.report.charts`, PNG ``data:`` URIs, labels in the
reader's language), so the page and the PDF report never disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from habeas.document.conditions import FacilityConditions, facility_conditions
from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.schema import Facility
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.pages._common import (
    N_,
    Gettext,
    fmt_date,
    fmt_number,
    fmt_percent,
    jsonable,
    vocabulary_labels,
)
from habeas.web.views import page

FIGURE_KINDS = {"official_capacity": N_("official capacity"),
                "design_capacity": N_("design capacity"), "area_m2": N_("area (m²)")}
ORIGINS = {"figure": N_("stated by a source"), "facility": N_("recorded on the facility"),
           "unit": N_("recorded on the unit"), "derived": N_("sum of the units' areas")}


def facility_id_name(store: Store, facility_id: int) -> str:
    with store.read() as s:
        name = s.execute(select(Facility.name).where(Facility.id == facility_id)).scalar()
    if name is None:
        raise NotFound(f"No facility {facility_id}.")
    return str(name)


def _figure(f: Any, lang: str, _: Gettext) -> dict[str, Any]:
    return {"kind": f.kind, "kind_text": _(FIGURE_KINDS.get(f.kind, f.kind)),
            "value": f.value, "value_text": fmt_number(f.value, lang, 1 if f.kind == "area_m2"
                                                       and f.value % 1 else 0),
            "note": f.note, "source": f.source,
            "origin": f.origin, "origin_text": _(ORIGINS.get(f.origin, f.origin))}


def _breach(b: Any, lang: str, _: Gettext) -> dict[str, Any]:
    run = b.longest_run
    return {"code": b.code, "label": b.label_es if lang == "es" else b.label_en,
            "m2_per_person": b.m2_per_person, "citation": b.citation,
            "days_breached": b.days_breached, "longest_run_days": b.longest_run_days,
            "longest_run": None if run is None else {
                "start": run.start, "end": run.end, "days": run.days,
                "start_text": fmt_date(run.start, lang), "end_text": fmt_date(run.end, lang),
                "min_m2_per_person": round(run.min_m2_per_person, 2),
                "min_text": fmt_number(run.min_m2_per_person, lang, 2),
                "max_population": run.max_population},
            "runs": len(b.runs), "flagged": b.flagged,
            "min_consecutive_days": b.min_consecutive_days, "note": b.note}


def _space(sp: Any, lang: str, _: Gettext) -> dict[str, Any]:
    latest = sp.latest
    return {
        "unit": sp.unit, "building": sp.building,
        "capacities": [_figure(f, lang, _) for f in sp.capacities],
        "areas": [_figure(f, lang, _) for f in sp.areas],
        "observations": [{
            "day": o.day, "day_text": fmt_date(o.day, lang), "population": o.population,
            "population_text": fmt_number(o.population, lang), "source": o.source,
            "rates": [{"capacity": r.capacity, "source": r.capacity_source, "rate": r.rate,
                       "rate_text": fmt_percent(r.rate, lang)} for r in o.rates],
            "m2_per_person": o.m2_per_person,
            "m2_text": fmt_number(o.m2_per_person, lang, 2) if o.m2_per_person else "—"}
            for o in sp.observations],
        "latest": None if latest is None else {
            "day": latest.day, "day_text": fmt_date(latest.day, lang),
            "population": latest.population,
            "population_text": fmt_number(latest.population, lang),
            "m2_text": fmt_number(latest.m2_per_person, lang, 2)
            if latest.m2_per_person else "—",
            "rates": [{"capacity_text": fmt_number(r.capacity, lang), "source": r.capacity_source,
                       "rate_text": fmt_percent(r.rate, lang), "rate": r.rate}
                      for r in latest.rates]},
        "conflicts": sp.conflicts,
        "breaches": [_breach(b, lang, _) for b in sp.breaches],
        "flagged": [b.code for b in sp.breaches if b.flagged],
    }


def _summary(fc: FacilityConditions, facility_id: int, lang: str, _: Gettext,
             kinds: dict[str, str]) -> dict[str, Any]:
    latest = fc.whole.latest
    return {
        "id": facility_id, "name": fc.facility, "kind": fc.kind,
        "kind_text": kinds.get(fc.kind, fc.kind), "country": fc.country,
        "authority": fc.authority,
        "capacities": [_figure(f, lang, _) for f in fc.capacities],
        "latest_population": latest.population if latest else None,
        "latest_population_text": fmt_number(latest.population, lang) if latest else "—",
        "latest_day_text": fmt_date(latest.day, lang) if latest else "",
        "latest_rates": [{"rate": r.rate, "rate_text": fmt_percent(r.rate, lang),
                          "source": r.capacity_source} for r in latest.rates] if latest else [],
        "units_total": fc.units_total, "units_observed": len(fc.units),
        "thresholds_flagged": [{"code": t.code, "label": t.label_es if lang == "es"
                                else t.label_en, "units_flagged": t.units_flagged,
                                "longest_run_days": t.longest_run_days,
                                "longest_run_unit": t.longest_run_unit}
                               for t in fc.thresholds if t.units_flagged],
    }


def facilities_list(store: Store, *, lang: str, _: Gettext,
                    vocab: dict[str, dict[str, str]]) -> dict[str, Any]:
    with store.read() as s:
        rows = s.execute(select(Facility.id, Facility.name).order_by(Facility.name)).all()
    kinds = vocab.get("facility_kind", {})
    items = [_summary(facility_conditions(store, name), fid, lang, _, kinds)
             for fid, name in rows]
    return jsonable({"facilities": items})


def facility_detail(store: Store, facility_id: int, *, lang: str, _: Gettext,
                    vocab: dict[str, dict[str, str]], start: date | None = None,
                    end: date | None = None, charts: bool = True) -> dict[str, Any]:
    from habeas.report import charts as chart_lib

    name = facility_id_name(store, facility_id)
    fc = facility_conditions(store, name, start=start, end=end)
    data = _summary(fc, facility_id, lang, _, vocab.get("facility_kind", {}))
    data.update({
        "whole": _space(fc.whole, lang, _),
        "units": [_space(sp, lang, _) for sp in fc.units],
        "thresholds": [{"code": t.code, "label": t.label_es if lang == "es" else t.label_en,
                        "citation": t.citation, "units_breached": t.units_breached,
                        "units_flagged": t.units_flagged,
                        "longest_run_days": t.longest_run_days,
                        "longest_run_unit": t.longest_run_unit} for t in fc.thresholds],
        "sources": fc.sources, "max_gap_days": fc.max_gap_days,
        "period": {"start": start, "end": end},
        "charts": {"population": None, "space": None},
    })
    if charts:
        data["charts"] = {"population": chart_lib.population_chart(fc, _),
                          "space": chart_lib.space_chart(fc, _)}
    return jsonable(data)


# --------------------------------------------------------------------------- the pages


def _day(value: str | None, what: str, ctx: Context) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(ctx._("%(what)s: expected a date YYYY-MM-DD, not %(value)s.",
                               what=what, value=value)) from None


@page("/facilities", permission="read_aggregates", template="facilities.html",
      name="facilities", nav=N_("Facilities"), nav_order=50, tags=["facilities"])
def facilities_page(ctx: Context) -> dict[str, Any]:
    """Every facility: capacity figures with sources, latest population, thresholds breached."""
    data: dict[str, Any] = cached(ctx.store, ("facilities", ctx.lang), lambda: facilities_list(
        ctx.store, lang=ctx.lang, _=ctx._, vocab=vocabulary_labels(ctx.store, ctx.lang)))
    return data


@page("/facilities/{facility_id}", permission="read_aggregates", template="facility.html",
      name="facility", tags=["facilities"])
def facility_page(ctx: Context, facility_id: int, start: str | None = None,
                  end: str | None = None) -> dict[str, Any]:
    """One facility: capacity, occupancy and m² per person over time, crowding thresholds."""
    lo, hi = _day(start, "start", ctx), _day(end, "end", ctx)
    charts = not ctx.wants_json
    data: dict[str, Any] = cached(
        ctx.store, ("facility", facility_id, ctx.lang, lo, hi, charts),
        lambda: facility_detail(ctx.store, facility_id, lang=ctx.lang, _=ctx._,
                                vocab=vocabulary_labels(ctx.store, ctx.lang), start=lo,
                                end=hi, charts=charts))
    return data
