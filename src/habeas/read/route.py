"""One person's custody timeline as a route: the facilities in timeline order.

``read_identities`` (the ``view`` column of the policy): the records the reader may not
see are left out and counted, as on the person page (:func:`habeas.trace.visible.restrict`),
and a read that showed restricted records is written to the read audit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from habeas.access.reader import Reader, require_reader_for
from habeas.audit.reads import log_read
from habeas.read.places import facility_places, flight_number
from habeas.store.db import Store
from habeas.trace.facts import load_person
from habeas.trace.items import EventItem
from habeas.trace.timeline import build_timeline, definitely_before
from habeas.trace.visible import restrict


@dataclass(frozen=True)
class RouteStop:
    """One place on a person's route: the facility and the events that put them there."""

    position: int
    facility_id: int | None
    facility: str
    latitude: float | None
    longitude: float | None
    first_date: str
    last_date: str
    event_types: tuple[str, ...]
    flight: str | None
    order_known: bool  # False: the sources do not settle it against the stop before

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Route:
    """A person's places in timeline order; ``withheld`` as on the person page."""

    person_id: int
    stops: list[RouteStop]
    unplaced: int  # dated events naming no facility (e.g. "Texas"), not drawn
    withheld: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "stops": [s.to_dict() for s in self.stops],
            "unplaced": self.unplaced,
            "withheld": self.withheld,
        }


def person_route(store: Store, person_id: int, *, reader: Reader) -> Route:
    """The places of ``person_id``'s timeline in order, from the records ``reader`` may
    see (``view``); consecutive events at one facility are one stop."""
    require_reader_for(reader, "view")
    visible = restrict(store, load_person(store, person_id), reader, "view")
    timeline = build_timeline(visible.person)
    places = {p.id: p for p in facility_places(store)}
    stops: list[RouteStop] = []
    current: list[EventItem] = []
    unplaced = 0

    def close() -> None:
        if not current:
            return
        first, last = current[0], current[-1]
        place = places.get(first.facility_id or -1)
        known = True
        if stops:
            known = bool(previous[-1].when and first.when) and _settled(previous[-1], first)
        stops.append(
            RouteStop(
                len(stops) + 1,
                first.facility_id,
                first.facility or "",
                place.latitude if place else None,
                place.longitude if place else None,
                first.date,
                last.date,
                tuple(dict.fromkeys(e.event_type for e in current)),
                next((flight_number(e.flight) for e in current if flight_number(e.flight)), None),
                known,
            )
        )
        previous[:] = current

    previous: list[EventItem] = []
    for group in timeline.groups:
        for ev in group.events:
            if ev.facility_id is None:
                if ev.event_type != "disappearance_report" and (ev.place or ev.facility):
                    unplaced += 1
                continue
            if current and current[-1].facility_id == ev.facility_id:
                current.append(ev)
                continue
            close()
            current = [ev]
    close()
    log_read(
        store,
        reader,
        "person",
        person_id,
        action="view",
        shown=visible.shown,
        withheld=visible.withheld,
        detail={"person_id": person_id, "route": True},
    )
    return Route(
        person_id,
        stops,
        unplaced,
        visible.withheld.to_dict() if visible.withheld else {},
    )


def _settled(a: EventItem, b: EventItem) -> bool:
    return definitely_before(a, b) is True


__all__ = ["Route", "RouteStop", "person_route"]
