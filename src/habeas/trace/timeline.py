"""A person's custody timeline, ordered honestly on uncertain dates, with contradictions.

Ordering algorithm
------------------
Every dated event is an interval ``[earliest, latest]`` (an exact date is a
one-day interval; "March 2025" is 1–31 March). Event A is *before* event B only
if A definitely is: ``A.latest < B.earliest``, or — on the same day — both give
a time of day and A's is earlier.

1. Dated events are sorted by (earliest, latest, time of day if any, id).
2. They are swept into **groups**: a new group starts when an event begins
   after every event of the current group has ended (``earliest > max(latest)``);
   otherwise it joins the group. Groups are therefore connected chains of
   overlapping intervals, and *every event of a group is definitely after every
   event of the previous group*.
3. Inside a group of several events the order is **unknown** (``order_known``
   is False) unless every event of the group has a time of day and the
   times are all different — then the times order them. The events are still
   listed by earliest date, but the display says "order unknown".
4. Undated events are listed apart (they cannot be placed).

Contradictions
--------------
Sources are compared, never reconciled. Two events from *different records*
contradict each other when:

* **date**: they are of a one-time type (apprehension, removal flight,
  repatriation, release, death — and admission *to the same facility*) and
  their dates cannot be the same day (the intervals do not overlap);
* **place**: they are of a one-time type, their dates overlap, and they name
  different facilities (or, for removal flights, different flight numbers).

Each contradiction lists every distinct value with the events and sources
that state it, side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from habeas.domain.text import fold
from habeas.i18n import check_language, translator
from habeas.store.db import Store
from habeas.trace.facts import load_person
from habeas.trace.items import EventItem, LegalFactItem, PersonFacts, event_label, to_jsonable

ONE_TIME_TYPES = ("apprehension", "removal_flight", "repatriation", "release", "death")


@dataclass
class TimelineGroup:
    """Events that cannot be ordered against each other (or one event alone)."""

    position: int
    earliest: date
    latest: date
    order_known: bool
    events: list[EventItem]


@dataclass
class ContradictionValue:
    value: str
    event_ids: list[int]
    sources: list[str]
    records: list[str]


@dataclass
class Contradiction:
    kind: str  # "date" or "place"
    event_type: str
    description: str
    values: list[ContradictionValue]


@dataclass
class Timeline:
    person_id: int
    groups: list[TimelineGroup] = field(default_factory=list)
    undated: list[EventItem] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)

    @property
    def events(self) -> list[EventItem]:
        return [e for g in self.groups for e in g.events] + self.undated

    def to_dict(self) -> dict[str, object]:
        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


def person_timeline(store: Store, person_id: int, lang: str = "en") -> Timeline:
    """Every event of every record currently linked to the person, ordered honestly."""
    return build_timeline(load_person(store, person_id), lang)


def build_timeline(person: PersonFacts, lang: str = "en") -> Timeline:
    timeline = Timeline(person.person_id)
    dated = [e for e in person.events if e.when is not None]
    timeline.undated = [e for e in person.events if e.when is None]
    dated.sort(key=_sort_key)
    current: list[EventItem] = []
    end: date | None = None
    for ev in dated:
        assert ev.date_earliest is not None and ev.date_latest is not None
        if current and end is not None and ev.date_earliest > end:
            timeline.groups.append(_group(len(timeline.groups) + 1, current))
            current, end = [], None
        current.append(ev)
        end = ev.date_latest if end is None else max(end, ev.date_latest)
    if current:
        timeline.groups.append(_group(len(timeline.groups) + 1, current))
    timeline.contradictions = find_contradictions(person.events, lang)
    return timeline


def _sort_key(ev: EventItem) -> tuple[date, date, str, int]:
    assert ev.date_earliest is not None and ev.date_latest is not None
    return (
        ev.date_earliest,
        ev.date_latest,
        ev.occurred_at.isoformat() if ev.occurred_at else "~",
        ev.id,
    )


def _group(position: int, events: list[EventItem]) -> TimelineGroup:
    known = len(events) == 1
    times = [e.occurred_at for e in events]
    if not known and all(t is not None for t in times) and len(set(times)) == len(times):
        known = True
        events = sorted(events, key=lambda e: e.occurred_at)  # type: ignore[arg-type,return-value]
    earliest = min(e.date_earliest for e in events if e.date_earliest)
    latest = max(e.date_latest for e in events if e.date_latest)
    return TimelineGroup(position, earliest, latest, known, events)


def definitely_before(a: EventItem | LegalFactItem, b: EventItem | LegalFactItem) -> bool | None:
    """True/False when the sources settle the order of a and b; None when they do not.

    Times of day decide when both are known; otherwise the uncertain dates must
    not overlap. Used for events and for legal facts (a court order vs a flight).
    """
    if a.occurred_at is not None and b.occurred_at is not None:
        return a.occurred_at < b.occurred_at
    wa, wb = a.when, b.when
    if wa is None or wb is None:
        return None
    if wa.definitely_before(wb):
        return True
    if wb.definitely_before(wa):
        return False
    return None


def _place(ev: EventItem, lang: str = "en") -> str | None:
    if ev.event_type == "removal_flight" and ev.flight:
        return str(
            translator(lang).gettext("flight %(flight)s") % {"flight": ev.flight.strip().upper()}
        )
    if ev.facility:
        return ev.facility
    return None


def find_contradictions(events: list[EventItem], lang: str = "en") -> list[Contradiction]:
    lang = check_language(lang)
    _ = translator(lang).gettext
    found: list[Contradiction] = []
    by_key: dict[tuple[str, str], list[EventItem]] = {}
    for ev in events:
        if ev.when is None:
            continue
        if ev.event_type in ONE_TIME_TYPES:
            by_key.setdefault((ev.event_type, ""), []).append(ev)
        elif ev.event_type == "admission" and ev.facility:
            by_key.setdefault(("admission", fold(ev.facility)), []).append(ev)
    for (event_type, facility), evs in sorted(by_key.items()):
        label = event_label(event_type, lang)
        if facility:
            label = _("%(event)s to %(facility)s") % {"event": label, "facility": evs[0].facility}
        if _clashing(evs, _date_clash):
            found.append(
                Contradiction(
                    "date",
                    event_type,
                    _("Sources give dates for the %(what)s that cannot be the same day.")
                    % {"what": label},
                    _values(evs, lambda e: e.date),
                )
            )
        if event_type in ONE_TIME_TYPES and _clashing(evs, _place_clash):
            found.append(
                Contradiction(
                    "place",
                    event_type,
                    _(
                        "Sources name different places or flights for the %(what)s "
                        "on overlapping dates."
                    )
                    % {"what": label},
                    _values([e for e in evs if _place(e)], lambda e: _place(e, lang) or ""),
                )
            )
    return found


def _place_clash(a: EventItem, b: EventItem) -> bool:
    wa, wb, pa, pb = a.when, b.when, _place(a), _place(b)
    return bool(wa and wb and wa.overlaps(wb) and pa and pb and fold(pa) != fold(pb))


def _date_clash(a: EventItem, b: EventItem) -> bool:
    wa, wb = a.when, b.when
    return wa is not None and wb is not None and not wa.overlaps(wb)


def _clashing(evs: list[EventItem], clash: Callable[[EventItem, EventItem], bool]) -> bool:
    for i, a in enumerate(evs):
        for b in evs[i + 1 :]:
            if a.record_id != b.record_id and clash(a, b):
                return True
    return False


def _values(evs: list[EventItem], key: Callable[[EventItem], str]) -> list[ContradictionValue]:
    values: dict[str, ContradictionValue] = {}
    for ev in evs:
        v = key(ev)
        cv = values.setdefault(v, ContradictionValue(v, [], [], []))
        cv.event_ids.append(ev.id)
        if ev.source_title not in cv.sources:
            cv.sources.append(ev.source_title)
        cv.records.append(f"{ev.source_title} #{ev.record_key}")
    return list(values.values())
