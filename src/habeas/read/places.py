"""Where things are and where people were moved: what the map pages draw.

* :func:`facility_places` — every facility with its coordinates (places, not people:
  no reader needed).
* :func:`transfer_map` — custody transfers between facilities: origin → destination, date,
  flight and how many distinct people (an aggregate, ``read_aggregates``). Readers who may
  not read identities get every count below the workspace's k written ``"<k"``
  (:func:`habeas.report.suppression.show`; no totals are published beside them, so no
  complementary suppression is needed). Only records at levels the reader's role may read
  aggregates of are counted.
* one person's places in timeline order: :func:`habeas.read.route.person_route`.

How a transfer is found (one person at a time)
----------------------------------------------
The person's dated custody events that name a facility are put in timeline order
(earliest day, latest day, time of day, id — :mod:`habeas.trace.timeline`). Consecutive
events at the same facility make one *stay*. Between two consecutive stays at different
facilities the person was moved from the first to the second, **if the sources settle the
order**: the last event of the first stay is definitely before the first event of the
second (:func:`habeas.trace.timeline.definitely_before`). Otherwise the move is counted as
*unsettled* and drawn nowhere. The transfer's date is the date of the first event at the
destination, and its flight the flight number of that event or of the last event at the
origin (a removal flight's facility is where the flight took the person). A stay that a
flight began with no settled stay before it (the manifest names the flight and where it
went, nothing names where the person was held before) is a transfer of unknown origin:
listed, never drawn. Transfers are grouped by (origin, destination, date, flight) and count
distinct people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.access.reader import Reader
from habeas.domain.dates import UncertainDate
from habeas.report.suppression import Shown, show
from habeas.store.db import Store
from habeas.store.queries import CURRENT, show_date
from habeas.store.schema import CustodyEvent, Facility, Link, Record
from habeas.trace.items import utc


@dataclass(frozen=True)
class Place:
    """A facility and where it is (``latitude``/``longitude`` ``None``: not recorded)."""

    id: int
    name: str
    kind: str
    country: str | None
    latitude: float | None
    longitude: float | None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "located": self.located}


def facility_places(store: Store) -> list[Place]:
    """Every facility with its coordinates, by name."""
    with store.read() as s:
        return [
            Place(
                int(f.id),
                f.name,
                f.kind,
                f.country,
                None if f.latitude is None else float(f.latitude),
                None if f.longitude is None else float(f.longitude),
            )
            for f in s.execute(select(Facility).order_by(Facility.name)).scalars()
        ]


def facility_place(store: Store, facility_id: int) -> Place | None:
    """One facility's place (``None``: no such facility)."""
    return next((p for p in facility_places(store) if p.id == facility_id), None)


# --------------------------------------------------------------------------- moves


@dataclass(frozen=True)
class Stop:
    """One dated event that places a person at a facility (what the ordering needs)."""

    event_id: int
    facility_id: int
    earliest: date
    latest: date
    precision: str | None
    occurred_at: datetime | None
    flight: str | None

    def before(self, other: Stop) -> bool:
        """Definitely before ``other`` (times of day decide when both are known)."""
        if self.occurred_at is not None and other.occurred_at is not None:
            return self.occurred_at < other.occurred_at
        mine = UncertainDate(self.earliest, self.latest, self.precision or "range")
        theirs = UncertainDate(other.earliest, other.latest, other.precision or "range")
        return mine.definitely_before(theirs)

    def order_key(self) -> tuple[date, date, str, int]:
        at = self.occurred_at.isoformat() if self.occurred_at else "~"
        return (self.earliest, self.latest, at, self.event_id)


@dataclass(frozen=True)
class Move:
    """One person moved from ``origin`` (``None``: not recorded) to ``destination``;
    ``arrival`` dates it."""

    origin: int | None
    destination: int
    arrival: Stop
    flight: str | None


def moves(stops: list[Stop]) -> tuple[list[Move], int]:
    """The moves between facilities that ``stops`` (one person's) settle, and how many
    moves they leave unsettled (see the module doc). A stay entered by a flight with no
    settled origin is a move whose ``origin`` is ``None`` (where it came from is not
    recorded)."""
    ordered = sorted(stops, key=Stop.order_key)
    stays: list[list[Stop]] = []
    for stop in ordered:
        if stays and stays[-1][-1].facility_id == stop.facility_id:
            stays[-1].append(stop)
        else:
            stays.append([stop])
    found: list[Move] = []
    unsettled = 0
    if stays and flight_number(stays[0][0].flight):
        found.append(
            Move(None, stays[0][0].facility_id, stays[0][0], flight_number(stays[0][0].flight))
        )
    for here, there in zip(stays, stays[1:], strict=False):
        last, first = here[-1], there[0]
        if not last.before(first):
            unsettled += 1
            if flight_number(first.flight):
                found.append(Move(None, first.facility_id, first, flight_number(first.flight)))
            continue
        flight = flight_number(first.flight) or flight_number(last.flight)
        found.append(Move(last.facility_id, first.facility_id, first, flight))
    return found, unsettled


def flight_number(text: str | None) -> str | None:
    """A flight number as written, trimmed and in capitals (``None``: none given)."""
    cleaned = (text or "").strip().upper()
    return cleaned or None


# --------------------------------------------------------------------------- transfers


@dataclass(frozen=True)
class Transfer:
    """People moved from one facility to another on one date (by one flight, if known).
    ``origin_id`` ``None``: people a flight brought whose origin no source records (listed,
    not drawn)."""

    origin_id: int | None
    origin: str | None
    destination_id: int
    destination: str
    date: str  # display form of the arrival's (uncertain) date
    date_earliest: dt.date
    date_latest: dt.date
    flight: str | None
    persons: Shown  # distinct people; "<k" when suppressed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_earliest"] = self.date_earliest.isoformat()
        data["date_latest"] = self.date_latest.isoformat()
        return data


@dataclass
class TransferMap:
    """The map's data: places, transfers, and how they were counted."""

    places: list[Place]
    transfers: list[Transfer]
    k: int | None  # None: exact counts
    levels: tuple[str, ...]  # the sensitivity levels of the records counted
    unsettled: Shown  # people with a move whose direction the sources do not settle
    unplaced: list[str] = field(default_factory=list)  # facilities without coordinates

    def to_dict(self) -> dict[str, Any]:
        return {
            "places": [p.to_dict() for p in self.places],
            "transfers": [t.to_dict() for t in self.transfers],
            "k": self.k,
            "levels": list(self.levels),
            "unsettled": self.unsettled,
            "unplaced": self.unplaced,
        }


def aggregate_levels(role: str | None) -> tuple[str, ...]:
    """The sensitivity levels whose records ``role`` may count in aggregates."""
    return tuple(
        lv
        for lv in policy.SENSITIVITY_LEVELS
        if policy.allowed(role, "read_aggregates", sensitivity=lv)
    )


def transfer_map(store: Store, *, reader: Reader, k: int | None = None) -> TransferMap:
    """Facilities and the transfers between them, counted from the records at the levels
    ``reader``'s role may aggregate. Exact for roles that read identities; otherwise
    counts below ``k`` (default: the workspace's) are written ``"<k"``."""
    from habeas.report.sharing import effective_k

    policy.require(reader.role, "read_aggregates")
    levels = aggregate_levels(reader.role)
    hide = None if policy.allowed(reader.role, "read_identities") else effective_k(store, k)
    places = facility_places(store)
    by_id = {p.id: p for p in places}
    per_person: dict[int, list[Stop]] = defaultdict(list)
    with store.read() as s:
        rows = s.execute(
            select(
                Link.person_id,
                CustodyEvent.id,
                CustodyEvent.facility_id,
                CustodyEvent.date_earliest,
                CustodyEvent.date_latest,
                CustodyEvent.date_precision,
                CustodyEvent.occurred_at,
                CustodyEvent.flight,
            )
            .join(Link, (Link.record_id == CustodyEvent.record_id) & CURRENT)
            .join(Record, Record.id == CustodyEvent.record_id)
            .where(
                CustodyEvent.facility_id.is_not(None),
                CustodyEvent.date_earliest.is_not(None),
                CustodyEvent.date_latest.is_not(None),
                CustodyEvent.event_type != "disappearance_report",
                Record.sensitivity.in_(levels),
            )
        )
        for pid, eid, fid, lo, hi, precision, at, flight in rows:
            if fid is not None and lo is not None and hi is not None:  # (the query's where)
                per_person[int(pid)].append(
                    Stop(int(eid), int(fid), lo, hi, precision, utc(at), flight)
                )
    groups: dict[tuple[int | None, int, date, date, str | None], set[int]] = defaultdict(set)
    precisions: dict[tuple[int | None, int, date, date, str | None], str | None] = {}
    unsettled_people = 0
    for pid, stops in per_person.items():
        found, unsettled = moves(stops)
        unsettled_people += 1 if unsettled else 0
        for m in found:
            key = (m.origin, m.destination, m.arrival.earliest, m.arrival.latest, m.flight)
            groups[key].add(pid)
            precisions.setdefault(key, m.arrival.precision)
    transfers = []

    def order(g: tuple[int | None, int, date, date, str | None]) -> tuple[Any, ...]:
        return (g[2], g[3], g[0] is None, by_id[g[0]].name if g[0] else "", by_id[g[1]].name)

    for key in sorted(groups, key=order):
        origin, destination, lo, hi, flight = key
        n = len(groups[key])
        transfers.append(
            Transfer(
                origin,
                None if origin is None else by_id[origin].name,
                destination,
                by_id[destination].name,
                show_date(lo, hi, precisions[key] or "range"),
                lo,
                hi,
                flight,
                n if hide is None else _shown(n, hide),
            )
        )
    return TransferMap(
        places,
        transfers,
        hide,
        levels,
        unsettled_people if hide is None else _shown(unsettled_people, hide),
        [p.name for p in places if not p.located],
    )


def _shown(n: int, k: int) -> Shown:
    value = show(n, k)
    assert value is not None
    return value


__all__ = [
    "Move",
    "Place",
    "Stop",
    "Transfer",
    "TransferMap",
    "facility_place",
    "facility_places",
    "moves",
    "transfer_map",
]
