"""Facilities: capacity figures side by side with their sources, occupancy, m² per person,
crowding thresholds breached and for how many consecutive days.

Data from :func:`habeas.document.conditions.facility_conditions`; the charts are
the reports' own (:mod:`habeas.report.charts`, labels in the reader's language),
so the page and the PDF report never disagree. The page links to them: each
chart is a PNG at ``/facilities/{id}/charts/{population|space}.png``, drawn once
per state of the register and language, and answered with an ETag (``304 Not
Modified`` while the register is unchanged) — the page itself never waits for
matplotlib.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from habeas import i18n
from habeas.document.conditions import FacilityConditions, facility_conditions
from habeas.document.crowding import headline_text, space_headline
from habeas.document.figure_labels import FIGURE_KINDS, ORIGINS
from habeas.errors import NotFound, UsageError
from habeas.messages import N_
from habeas.read.facilities import facility_name, facility_names
from habeas.store.db import Store
from habeas.web.cache import cached, etag, etag_matches, register_state
from habeas.web.context import Context
from habeas.web.pages._common import (
    Gettext,
    fmt_date,
    fmt_number,
    fmt_percent,
    jsonable,
    vocabulary_labels,
)
from habeas.web.pages.map import facility_location
from habeas.web.views import page


def facility_id_name(store: Store, facility_id: int) -> str:
    return facility_name(store, facility_id)


def _figure(
    f: Any, lang: str, _: Gettext, source_kinds: dict[str, str] | None = None
) -> dict[str, Any]:
    who = (source_kinds or {}).get(f.source_kind, f.source_kind) if f.source_kind else None
    return {
        "kind": f.kind,
        "kind_text": _(FIGURE_KINDS.get(f.kind, f.kind)),
        "source_kind": f.source_kind,
        "source_kind_text": who,
        "value": f.value,
        "value_text": fmt_number(f.value, lang, 1 if f.kind == "area_m2" and f.value % 1 else 0),
        "note": f.note,
        "source": f.source,
        "origin": f.origin,
        "origin_text": _(ORIGINS.get(f.origin, f.origin)),
    }


def _breach(b: Any, lang: str, _: Gettext) -> dict[str, Any]:
    run = b.longest_run
    return {
        "code": b.code,
        "label": i18n.label(b, lang),
        "m2_per_person": b.m2_per_person,
        "citation": b.citation,
        "days_breached": b.days_breached,
        "longest_run_days": b.longest_run_days,
        "longest_run": None
        if run is None
        else {
            "start": run.start,
            "end": run.end,
            "days": run.days,
            "start_text": fmt_date(run.start, lang),
            "end_text": fmt_date(run.end, lang),
            "min_m2_per_person": round(run.min_m2_per_person, 2),
            "min_text": fmt_number(run.min_m2_per_person, lang, 2),
            "max_population": run.max_population,
        },
        "runs": len(b.runs),
        "flagged": b.flagged,
        "min_consecutive_days": b.min_consecutive_days,
        "note": b.note,
    }


def _space(sp: Any, lang: str, _: Gettext, shown: int | None = None) -> dict[str, Any]:
    """One space (a unit, or the whole facility); ``shown``: its latest observations only."""
    latest = sp.latest
    observations = sp.observations if shown is None else sp.observations[-shown:] if shown else []
    return {
        "unit": sp.unit,
        "building": sp.building,
        "capacities": [_figure(f, lang, _) for f in sp.capacities],
        "areas": [_figure(f, lang, _) for f in sp.areas],
        "observations": [
            {
                "day": o.day,
                "day_text": fmt_date(o.day, lang),
                "population": o.population,
                "population_text": fmt_number(o.population, lang),
                "source": o.source,
                "rates": [
                    {
                        "capacity": r.capacity,
                        "source": r.capacity_source,
                        "rate": r.rate,
                        "rate_text": fmt_percent(r.rate, lang),
                    }
                    for r in o.rates
                ],
                "m2_per_person": o.m2_per_person,
                "m2_text": fmt_number(o.m2_per_person, lang, 2) if o.m2_per_person else "—",
            }
            for o in observations
        ],
        "observations_count": len(sp.observations),
        "latest": None
        if latest is None
        else {
            "day": latest.day,
            "day_text": fmt_date(latest.day, lang),
            "population": latest.population,
            "population_text": fmt_number(latest.population, lang),
            "m2_per_person": latest.m2_per_person,
            "m2_text": fmt_number(latest.m2_per_person, lang, 2) if latest.m2_per_person else "—",
            "rates": [
                {
                    "capacity_text": fmt_number(r.capacity, lang),
                    "source": r.capacity_source,
                    "rate_text": fmt_percent(r.rate, lang),
                    "rate": r.rate,
                }
                for r in latest.rates
            ],
        },
        "conflicts": sp.conflicts,
        "breaches": [_breach(b, lang, _) for b in sp.breaches],
        "flagged": [b.code for b in sp.breaches if b.flagged],
    }


def _headline(fc: FacilityConditions, lang: str) -> dict[str, Any]:
    """Space per person against the standard: what the page leads with."""
    h = space_headline(fc)
    return {
        "text": headline_text(h, lang),
        "threshold": h.threshold.code,
        "units_observed": h.units_observed,
        "units_under": h.units_under,
        "smallest_m2": h.smallest.m2_per_person if h.smallest else None,
        "smallest_unit": h.smallest.unit if h.smallest else None,
        "smallest_day_text": fmt_date(h.smallest.day, lang) if h.smallest else "",
    }


def _summary(
    fc: FacilityConditions,
    facility_id: int,
    lang: str,
    _: Gettext,
    vocab: dict[str, dict[str, str]],
) -> dict[str, Any]:
    latest = fc.whole.latest
    kinds = vocab.get("facility_kind", {})
    return {
        "id": facility_id,
        "name": fc.facility,
        "kind": fc.kind,
        "kind_text": kinds.get(fc.kind, fc.kind),
        "country": fc.country,
        "authority": fc.authority,
        "space": _headline(fc, lang),
        "capacities": [_figure(f, lang, _, vocab.get("source_kind")) for f in fc.capacities],
        "latest_population": latest.population if latest else None,
        "latest_population_text": fmt_number(latest.population, lang) if latest else "—",
        "latest_day_text": fmt_date(latest.day, lang) if latest else "",
        "latest_rates": [
            {"rate": r.rate, "rate_text": fmt_percent(r.rate, lang), "source": r.capacity_source}
            for r in latest.rates
        ]
        if latest
        else [],
        "units_total": fc.units_total,
        "units_observed": len(fc.units),
        "thresholds_flagged": [
            {
                "code": t.code,
                "label": i18n.label(t, lang),
                "units_flagged": t.units_flagged,
                "longest_run_days": t.longest_run_days,
                "longest_run_unit": t.longest_run_unit,
            }
            for t in fc.thresholds
            if t.units_flagged
        ],
    }


def facilities_list(
    store: Store, *, lang: str, _: Gettext, vocab: dict[str, dict[str, str]]
) -> dict[str, Any]:
    items = [
        _summary(facility_conditions(store, f.name), f.id, lang, _, vocab)
        for f in facility_names(store)
    ]
    return jsonable({"facilities": items})


def worst_first(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units in the order a reader needs them: most thresholds flagged first, then the least
    space per person at the latest observation (units without an area last)."""

    def key(u: dict[str, Any]) -> tuple[int, float, str]:
        m2 = (u["latest"] or {}).get("m2_per_person")
        return (-len(u["flagged"]), m2 if m2 else float("inf"), u["unit"] or "")

    return sorted(units, key=key)


#: The charts a facility page shows (each served as a PNG by :func:`facility_chart`).
CHARTS = ("population", "space")
#: Observations listed per unit (the latest; ``?observations=all`` for every one). A
#: large prison has hundreds of units observed weekly: the charts show the whole series.
OBSERVATIONS_SHOWN = 10


def facility_detail(
    store: Store,
    facility_id: int,
    *,
    lang: str,
    _: Gettext,
    vocab: dict[str, dict[str, str]],
    start: date | None = None,
    end: date | None = None,
    observations_shown: int | None = OBSERVATIONS_SHOWN,
) -> dict[str, Any]:
    """The page's data; ``charts`` says which charts have anything to draw (none drawn).

    Each unit lists its latest ``observations_shown`` observations (``None``: all of
    them); ``observations_count`` always gives how many there are."""
    from habeas.report import charts as chart_lib

    name = facility_id_name(store, facility_id)
    fc = facility_conditions(store, name, start=start, end=end)
    data = _summary(fc, facility_id, lang, _, vocab)
    data.update(
        {
            "whole": _space(fc.whole, lang, _),
            "units": worst_first([_space(sp, lang, _, observations_shown) for sp in fc.units]),
            "thresholds": [
                {
                    "code": t.code,
                    "label": i18n.label(t, lang),
                    "citation": t.citation,
                    "units_breached": t.units_breached,
                    "units_flagged": t.units_flagged,
                    "longest_run_days": t.longest_run_days,
                    "longest_run_unit": t.longest_run_unit,
                }
                for t in fc.thresholds
            ],
            "sources": fc.sources,
            "max_gap_days": fc.max_gap_days,
            "period": {"start": start, "end": end},
            "charts": {
                "population": chart_lib.has_population_chart(fc),
                "space": chart_lib.has_space_chart(fc),
            },
        }
    )
    return jsonable(data)


def chart_png(
    store: Store,
    facility_id: int,
    chart: str,
    *,
    _: Gettext,
    start: date | None = None,
    end: date | None = None,
) -> bytes | None:
    """One chart of the facility page as PNG bytes (``None``: nothing to draw)."""
    from habeas.report import charts as chart_lib

    fc = facility_conditions(store, facility_id_name(store, facility_id), start=start, end=end)
    if chart == "population":
        return chart_lib.population_png(fc, _)
    return chart_lib.space_png(fc, _)


# --------------------------------------------------------------------------- the pages


def _day(value: str | None, what: str, ctx: Context) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            ctx._("%(what)s: expected a date YYYY-MM-DD, not %(value)s.", what=what, value=value)
        ) from None


@page(
    "/facilities",
    permission="read_aggregates",
    template="facilities.html",
    name="facilities",
    nav=N_("Facilities"),
    nav_order=50,
    tags=["facilities"],
)
def facilities_page(ctx: Context) -> dict[str, Any]:
    """Every facility: capacity figures with sources, latest population, thresholds breached."""
    data: dict[str, Any] = cached(
        ctx.store,
        ("facilities", ctx.lang),
        lambda: facilities_list(
            ctx.store, lang=ctx.lang, _=ctx._, vocab=vocabulary_labels(ctx.store, ctx.lang)
        ),
    )
    return data


@page(
    "/facilities/{facility_id}",
    permission="read_aggregates",
    template="facility.html",
    name="facility",
    tags=["facilities"],
)
def facility_page(
    ctx: Context,
    facility_id: int,
    start: str | None = None,
    end: str | None = None,
    observations: str | None = None,
) -> dict[str, Any]:
    """One facility: where it is, capacity, occupancy and m² per person over time, crowding
    thresholds.

    Each unit lists its latest observations (``?observations=all``: every one)."""
    lo, hi = _day(start, "start", ctx), _day(end, "end", ctx)
    shown = None if observations == "all" else OBSERVATIONS_SHOWN
    data: dict[str, Any] = cached(
        ctx.store,
        ("facility", facility_id, ctx.lang, lo, hi, shown),
        lambda: facility_detail(
            ctx.store,
            facility_id,
            lang=ctx.lang,
            _=ctx._,
            vocab=vocabulary_labels(ctx.store, ctx.lang),
            start=lo,
            end=hi,
            observations_shown=shown,
        ),
    )
    period = urlencode({k: v.isoformat() for k, v in (("start", lo), ("end", hi)) if v})
    data["location"] = facility_location(ctx, facility_id)
    data["all_observations_url"] = (
        ctx.url("facility", facility_id=facility_id)
        + "?"
        + urlencode(
            {
                **{k: v.isoformat() for k, v in (("start", lo), ("end", hi)) if v},
                "observations": "all",
            }
        )
    )
    data["charts"] = {
        chart: (
            ctx.url("facility_chart", facility_id=facility_id, chart=chart)
            + (f"?{period}" if period else "")
        )
        if drawn
        else None
        for chart, drawn in data["charts"].items()
    }
    return data


@page(
    "/facilities/{facility_id}/charts/{chart}.png",
    permission="read_aggregates",
    name="facility_chart",
    json=False,
    tags=["facilities"],
)
def facility_chart(
    ctx: Context, facility_id: int, chart: str, start: str | None = None, end: str | None = None
) -> Response:
    """A facility page's chart as PNG (population or space), with an ETag for 304 answers."""
    if chart not in CHARTS:
        raise NotFound(
            ctx._(
                "No chart %(chart)s: the charts are %(charts)s.",
                chart=chart,
                charts=", ".join(CHARTS),
            )
        )
    lo, hi = _day(start, "start", ctx), _day(end, "end", ctx)
    state = register_state(ctx.store)
    key = ("facility_chart", facility_id, chart, ctx.lang, lo, hi)
    tag = etag(state, key)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if etag_matches(ctx.request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    png: bytes | None = cached(
        ctx.store,
        key,
        lambda: chart_png(ctx.store, facility_id, chart, _=ctx._, start=lo, end=hi),
        state=state,
    )
    if png is None:
        raise NotFound(ctx._("No occupancy observations in this period."))
    return Response(png, media_type="image/png", headers=headers)
