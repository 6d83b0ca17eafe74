"""Uncertain-date ordering and contradictions between sources."""

from __future__ import annotations

from datetime import date

from habeas.store.db import Store
from habeas.trace import last_known, person_timeline
from habeas.trace.items import EventItem
from habeas.trace.timeline import definitely_before
from tests.trace.conftest import Importer, merge

EVENTS = (
    "Nombre;Tipo de evento;Fecha;Centro\n"
    "Ana Pérez;detention;2025-03;\n"  # month: 1-31 March
    "Ana Pérez;removal;2025-03-15;CECOT\n"  # exact, inside March
    "Ana Pérez;admission;entre 2025-04-01 y 2025-04-10;CECOT\n"  # range
    "Ana Pérez;cell;2025-04-10;CECOT\n"  # exact, last day of the range
    "Ana Pérez;released;2025-07-18;\n"
    "Ana Pérez;sighting;;\n"
)  # undated


def test_overlapping_dates_are_grouped_as_order_unknown(store: Store, add_list: Importer) -> None:
    pid = merge(store, add_list("Events", EVENTS))
    timeline = person_timeline(store, pid)
    groups = [[e.event_type for e in g.events] for g in timeline.groups]
    assert groups == [
        ["detention", "removal_flight"],
        ["admission", "cell_assignment"],
        ["release"],
    ]
    assert [g.order_known for g in timeline.groups] == [False, False, True]
    assert [e.event_type for e in timeline.undated] == ["sighting"]
    assert timeline.groups[0].earliest == date(2025, 3, 1)
    assert not timeline.contradictions
    month, exact = timeline.groups[0].events
    assert definitely_before(month, exact) is None  # March may be before or after 15 March
    assert definitely_before(exact, timeline.groups[2].events[0]) is True
    assert definitely_before(timeline.groups[2].events[0], exact) is False


def test_same_day_events_with_times_are_ordered(store: Store, add_list: Importer) -> None:
    pid = merge(
        store,
        add_list(
            "Timed",
            "Nombre;Evento;Fecha;Hora;Vuelo\n"
            "Ana Pérez;removal;2025-03-15;19:37 EDT;RWG1503\n"
            "Ana Pérez;transfer;2025-03-15;2:10 PM EDT;\n",
        ),
    )
    (group,) = person_timeline(store, pid).groups
    assert group.order_known
    assert [e.event_type for e in group.events] == ["transfer", "removal_flight"]
    assert group.events[1].occurred_at is not None
    assert group.events[1].occurred_at.isoformat() == "2025-03-15T23:37:00+00:00"


def test_contradictions_are_shown_side_by_side(store: Store, add_list: Importer) -> None:
    a = add_list(
        "Press list",
        "Nombre;Evento;Fecha;Centro;Vuelo\n"
        "Luis Gómez;admission;2025-03-16;CECOT;\n"
        "Luis Gómez;removal;2025-03-15;CECOT;RWG1501\n",
        reliability="C",
    )
    b = add_list(
        "NGO interviews",
        "Nombre;Evento;Fecha;Centro;Vuelo\n"
        "Luis Gómez;admission;20/03/2025;CECOT;\n"
        "Luis Gómez;removal;15/03/2025;CECOT;RWG1502\n",
    )
    pid = merge(store, a + b)
    found = {(c.kind, c.event_type): c for c in person_timeline(store, pid).contradictions}
    assert set(found) == {("date", "admission"), ("place", "removal_flight")}
    dates = {v.value: v.sources for v in found[("date", "admission")].values}
    assert dates == {"2025-03-16": ["Press list"], "2025-03-20": ["NGO interviews"]}
    flights = {v.value for v in found[("place", "removal_flight")].values}
    assert flights == {"flight RWG1501", "flight RWG1502"}
    # Both admissions stay on the timeline: nothing is resolved silently.
    assert len([e for e in person_timeline(store, pid).events if e.event_type == "admission"]) == 2
    # A month-only admission overlapping an exact one is not a contradiction.
    c = add_list("Relatives", "Nombre;Evento;Fecha;Centro\nEva Ruiz;admission;03/2025;CECOT\n")
    d = add_list("Official", "Nombre;Evento;Fecha;Centro\nEva Ruiz;admission;2025-03-16;CECOT\n")
    pid2 = merge(store, c + d)
    assert not [x for x in person_timeline(store, pid2).contradictions if x.kind == "date"]


def test_unknown_person_is_not_found(store: Store) -> None:
    import pytest

    from habeas.errors import NotFound

    with pytest.raises(NotFound):
        person_timeline(store, 999_999)
    with pytest.raises(NotFound):
        last_known(store, 999_999)


def test_event_describe_mentions_flight_and_time() -> None:
    ev = EventItem(
        1,
        "removal_flight",
        "2025-03-15",
        date(2025, 3, 15),
        date(2025, 3, 15),
        "exact",
        "2025-03-15",
        None,
        "17:25 EDT",
        None,
        "CECOT",
        None,
        None,
        "RWG1501",
        None,
        None,
        1,
        "1",
        1,
        "Manifest",
        "B",
    )
    assert ev.describe() == "removal flight Mar 15, 2025 at 17:25 EDT flight RWG1501 at CECOT"
