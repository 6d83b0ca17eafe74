"""The map: facilities and the custody transfers between them; a facility's location; a
person's route.

Drawn in the browser by the vendored Leaflet (``/static/leaflet.js``) on the shipped
country outlines (``/static/countries-110m.geojson``, Natural Earth, public domain):
no tile server, nothing from another origin (the Content-Security-Policy allows only
``'self'`` anyway). The data comes from :mod:`habeas.read.places`; each page gives the
map's data as a JSON block (``map_data``) that ``/static/habeas-map.js`` reads, and a
table with the same rows for screen readers and browsers without JavaScript.

* ``/map`` (``read_aggregates``): transfers are counts of people, so roles that may not
  read identities see counts below the workspace's k as ``"<k"``.
* ``/persons/{id}/route`` (``read_identities``): the person's places in timeline order,
  from the records the reader may see (the rest withheld and counted, as on the person
  page).
"""

from __future__ import annotations

from typing import Any

from habeas.errors import NotFound
from habeas.messages import N_
from habeas.read.places import (
    Place,
    TransferMap,
    aggregate_levels,
    facility_place,
    transfer_map,
)
from habeas.read.route import Route, person_route
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.country_names import country_name
from habeas.web.pages._common import Gettext, fmt_date, fmt_number, vocabulary_labels
from habeas.web.pages._person_ids import retired_redirect
from habeas.web.pages._withheld import withheld_notice
from habeas.web.views import page

BASEMAP = "/static/countries-110m.geojson"
ATTRIBUTION = N_("Country outlines: Natural Earth (public domain)")


def _count_text(n: Any, lang: str) -> str:
    return fmt_number(n, lang) if isinstance(n, int) else str(n)


def _people(n: Any, ctx: Context) -> str:
    if isinstance(n, int):
        return ctx.ngettext("%(num)s person", "%(num)s people", n)
    return ctx._("%(n)s people", n=n)


def _place_point(p: Place, _: Gettext, kinds: dict[str, str], ctx: Context) -> dict[str, Any]:
    return {
        "id": p.id,
        "lat": p.latitude,
        "lon": p.longitude,
        "label": p.name,
        "detail": ", ".join(
            x for x in (kinds.get(p.kind, p.kind), country_name(p.country, ctx.lang)) if x
        ),
        "url": ctx.url("facility", facility_id=p.id),
    }


def map_view(ctx: Context) -> dict[str, Any]:
    """The ``/map`` page's data (see the module doc)."""
    _, lang = ctx._, ctx.lang
    # the same for every reader of one role (levels, k): computed once per register state
    data: TransferMap = cached(
        ctx.store,
        ("transfer_map", aggregate_levels(ctx.role), ctx.allowed("read_identities")),
        lambda: transfer_map(ctx.store, reader=ctx.reader),
    )
    kinds = vocabulary_labels(ctx.store, lang).get("facility_kind", {})
    places = {p.id: p for p in data.places}
    rows, lines = [], []
    for t in data.transfers:
        origin = places.get(t.origin_id) if t.origin_id is not None else None
        destination = places[t.destination_id]
        drawn = bool(origin and origin.located and destination.located)
        row = {
            **t.to_dict(),
            "origin_text": t.origin or _("not recorded"),
            "date_text": fmt_date(t.date, lang) or t.date,
            "persons_text": _count_text(t.persons, lang),
            "drawn": drawn,
        }
        rows.append(row)
        if drawn and origin is not None:
            lines.append(
                {
                    "from": [origin.latitude, origin.longitude],
                    "to": [destination.latitude, destination.longitude],
                    "persons": t.persons,
                    "label": f"{origin.name} → {destination.name}",
                    "detail": " · ".join(
                        x
                        for x in (
                            row["date_text"],
                            _("flight %(flight)s") % {"flight": t.flight} if t.flight else "",
                            _people(t.persons, ctx),
                        )
                        if x
                    ),
                }
            )
    located = [p for p in data.places if p.located]
    largest = max((t["persons"] for t in lines if isinstance(t["persons"], int)), default=0)
    return {
        "facilities": [
            {
                **p.to_dict(),
                "kind_text": kinds.get(p.kind, p.kind),
                "country_text": country_name(p.country, lang),
                "url": ctx.url("facility", facility_id=p.id),
            }
            for p in data.places
        ],
        "transfers": rows,
        "k": data.k,
        "levels": list(data.levels),
        "unsettled": data.unsettled,
        "unplaced": data.unplaced,
        "map_data": {
            "basemap": BASEMAP,
            "attribution": _(ATTRIBUTION),
            "places": [_place_point(p, _, kinds, ctx) for p in located],
            "transfers": lines,
            "largest": largest,
        },
    }


@page(
    "/map",
    permission="read_aggregates",
    template="map.html",
    name="map",
    nav=N_("Map"),
    nav_order=55,
    tags=["map"],
)
def map_page(ctx: Context) -> dict[str, Any]:
    """Facilities and custody transfers (origin, destination, date, flight, people) on a map,
    with the same transfers as a table.

    Without the permission to read identities, counts below the workspace's k are
    written "<k"."""
    return map_view(ctx)


def facility_location(ctx: Context, facility_id: int) -> dict[str, Any]:
    """What a facility page's small map needs (``located`` False: no coordinates)."""
    place = facility_place(ctx.store, facility_id)
    if place is None:
        raise NotFound(ctx._("No facility %(id)s.", id=facility_id))
    data: dict[str, Any] = {
        "located": place.located,
        "latitude": place.latitude,
        "longitude": place.longitude,
        # decimal degrees with a point, as GPS tools and other maps take them
        "coordinates_text": f"{place.latitude:.4f}, {place.longitude:.4f}" if place.located else "",
        "map_data": None,
    }
    if place.located:
        data["map_data"] = {
            "basemap": BASEMAP,
            "attribution": ctx._(ATTRIBUTION),
            "zoom": 6,
            "places": [
                {
                    "lat": place.latitude,
                    "lon": place.longitude,
                    "label": place.name,
                    "detail": data["coordinates_text"],
                    "emphasis": True,
                }
            ],
        }
    return data


def route_view(ctx: Context, person_id: int) -> dict[str, Any]:
    """The route page's data: the stops in order, the line through the located ones."""
    _, lang = ctx._, ctx.lang
    try:
        route: Route = person_route(ctx.store, person_id, reader=ctx.reader)
    except NotFound:
        raise NotFound(
            _("No person %(id)s (or no record is linked to them now).") % {"id": person_id}
        ) from None
    events = vocabulary_labels(ctx.store, lang).get("event_type", {})
    stops = []
    for s in route.stops:
        stops.append(
            {
                **s.to_dict(),
                "located": s.latitude is not None and s.longitude is not None,
                "first_date_text": fmt_date(s.first_date, lang) or s.first_date,
                "last_date_text": fmt_date(s.last_date, lang) or s.last_date,
                "events_text": ", ".join(events.get(e, e) for e in s.event_types),
            }
        )
    located = [s for s in stops if s["located"]]
    return {
        "person_id": person_id,
        "stops": stops,
        "unplaced": route.unplaced,
        "withheld": route.withheld,
        "person_url": ctx.url("person", person_id=person_id),
        "map_data": {
            "basemap": BASEMAP,
            "attribution": _(ATTRIBUTION),
            "route": [[s["latitude"], s["longitude"]] for s in located],
            "places": [
                {
                    "lat": s["latitude"],
                    "lon": s["longitude"],
                    "label": f"{s['position']}. {s['facility']}",
                    "detail": f"{s['first_date_text']} · {s['events_text']}",
                    "number": s["position"],
                    "url": ctx.url("facility", facility_id=s["facility_id"])
                    if ctx.allowed("read_aggregates")
                    else None,
                }
                for s in located
            ],
        },
    }


@page(
    "/persons/{person_id}/route",
    permission="read_identities",
    template="person_route.html",
    name="person_route",
    tags=["persons"],
)
def person_route_page(ctx: Context, person_id: int) -> Any:
    """A person's custody timeline as a route: the facilities in order, on a map and as a
    list. A retired id redirects to the surviving person's route."""
    _where, moved = retired_redirect(ctx, person_id, "person_route")
    if moved is not None:
        return moved
    data = route_view(ctx, person_id)
    data["purpose_url"] = ctx.purpose_url
    data["withheld_notice"] = withheld_notice(ctx, data.get("withheld"))
    return data
