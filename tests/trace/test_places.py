"""The map's reads (habeas.read.places, habeas.read.route): transfers between facilities,
counts of distinct people, suppression below k, levels by role, and one person's route
through the reader."""

from __future__ import annotations

from datetime import date

import pytest

from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader
from habeas.read.places import Stop, facility_places, moves, transfer_map
from habeas.read.route import person_route
from habeas.store.db import Store
from habeas.store.facilities import FacilitySpec, add_facility
from tests.trace.conftest import Importer, merge

ADMIN = Reader("admin", "ana", "documentation", "cli")
ANALYST = Reader("analyst", "rita", None, "cli")
LEGAL = Reader("legal", "lucia", "lawyer_request", "cli")

#: name -> (latitude, longitude); "Sin mapa" has no coordinates
PLACES = {
    "Centro Norte": (31.8, -106.4),
    "Centro Sur": (26.1, -97.6),
    "Penal Lejano": (13.7, -88.9),
    "Sin mapa": None,
}


@pytest.fixture
def places(store: Store) -> dict[str, int]:
    ids = {}
    for name, where in PLACES.items():
        lat, lon = where if where else (None, None)
        ids[name] = add_facility(
            store, FacilitySpec(name, "prison", latitude=lat, longitude=lon), actor="test"
        )
    return ids


def _two_stops(add_list: Importer, title: str, rows: list[tuple[str, str, str, str, str]], **kw):  # type: ignore[no-untyped-def]
    """One list with one row per (name, event, date, facility, flight)."""
    text = "Nombre;Tipo de evento;Fecha;Centro;Vuelo\n" + "".join(
        f"{n};{e};{d};{f};{v}\n" for n, e, d, f, v in rows
    )
    return add_list(title, text, **kw)


def _people(
    store: Store, add_list: Importer, n: int, *, prefix: str = "Persona", flight: str = "RWG1"
) -> list[int]:
    """``n`` people, each held at Centro Norte on 10 March, then flown to Penal Lejano on
    15 March (two rows of one list each, merged into one person)."""
    rows = []
    for i in range(n):
        name = f"{prefix} {chr(65 + i)}"
        rows.append((name, "detention", "2025-03-10", "Centro Norte", ""))
        rows.append((name, "removal", "2025-03-15", "Penal Lejano", flight))
    ids = _two_stops(add_list, f"Lista {prefix}", rows)
    return [merge(store, ids[2 * i : 2 * i + 2]) for i in range(n)]


def test_places_carry_their_coordinates(store: Store, places: dict[str, int]) -> None:
    found = {p.name: p for p in facility_places(store)}
    assert found["Penal Lejano"].latitude == 13.7 and found["Penal Lejano"].located
    assert not found["Sin mapa"].located


def test_transfers_are_grouped_and_count_distinct_people(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    _people(store, add_list, 6)
    m = transfer_map(store, reader=ADMIN)
    (t,) = m.transfers
    assert (t.origin, t.destination, t.date_earliest, t.flight) == (
        "Centro Norte",
        "Penal Lejano",
        date(2025, 3, 15),
        "RWG1",
    )
    assert t.persons == 6 and m.k is None
    assert m.unplaced == ["Sin mapa"]


def test_a_person_stated_twice_is_counted_once(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    (pid,) = _people(store, add_list, 1)
    again = _two_stops(
        add_list,
        "Otra fuente",
        [("Persona A", "removal", "2025-03-15", "Penal Lejano", "rwg1 ")],
    )
    merge(store, [pid, *again])
    (t,) = transfer_map(store, reader=ADMIN).transfers
    assert t.persons == 1 and t.flight == "RWG1"


def test_small_counts_are_suppressed_for_roles_without_identities(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    _people(store, add_list, 2)
    exact = transfer_map(store, reader=LEGAL)
    hidden = transfer_map(store, reader=ANALYST)
    assert exact.transfers[0].persons == 2
    assert hidden.transfers[0].persons == "<5" and hidden.k == 5
    assert transfer_map(store, reader=ANALYST, k=1).transfers[0].persons == 2
    with pytest.raises(PermissionDenied):
        transfer_map(store, reader=Reader("viewer", "v", None, "cli"))


def test_overlapping_dates_leave_the_move_unsettled(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    ids = _two_stops(
        add_list,
        "Fechas vagas",
        [
            ("Beto", "detention", "2025-03", "Centro Norte", ""),  # all of March
            ("Beto", "admission", "2025-03-15", "Centro Sur", ""),
        ],
    )
    merge(store, ids)
    m = transfer_map(store, reader=ADMIN)
    assert m.transfers == [] and m.unsettled == 1


def test_a_flight_with_no_recorded_origin_is_listed_without_one(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    _two_stops(add_list, "Manifiesto", [("Caro", "removal", "2025-03-15", "Penal Lejano", "X9")])
    (t,) = transfer_map(store, reader=ADMIN).transfers
    assert t.origin_id is None and t.destination == "Penal Lejano" and t.flight == "X9"


def test_records_above_a_roles_levels_are_not_counted(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    """A move known only from a restricted record counts for legal, not for an analyst."""
    ids = _two_stops(add_list, "Visible", [("Dora", "detention", "2025-03-10", "Centro Norte", "")])
    hidden = _two_stops(
        add_list,
        "Testimonio",
        [("Dora", "admission", "2025-03-20", "Centro Sur", "")],
        kind="testimony",  # restricted by its kind
    )
    merge(store, [*ids, *hidden])
    assert [t.destination for t in transfer_map(store, reader=LEGAL).transfers] == ["Centro Sur"]
    assert transfer_map(store, reader=ANALYST).transfers == []


def test_moves_between_stays() -> None:
    def stop(i: int, fid: int, day: int, flight: str | None = None) -> Stop:
        d = date(2025, 3, day)
        return Stop(i, fid, d, d, "exact", None, flight)

    found, unsettled = moves([stop(3, 2, 15, "F1"), stop(1, 1, 1), stop(2, 1, 5), stop(4, 2, 16)])
    assert [(m.origin, m.destination, m.arrival.event_id, m.flight) for m in found] == [
        (1, 2, 3, "F1")
    ]
    assert unsettled == 0
    back, _ = moves([stop(1, 1, 1), stop(2, 2, 2), stop(3, 1, 3)])
    assert [(m.origin, m.destination) for m in back] == [(1, 2), (2, 1)]


def test_a_persons_route_in_timeline_order(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    ids = _two_stops(
        add_list,
        "Ruta",
        [
            ("Eva", "admission", "2025-03-20", "Penal Lejano", ""),
            ("Eva", "detention", "2025-03-01", "Centro Norte", ""),
            ("Eva", "transfer", "2025-03-05", "Centro Sur", ""),
            ("Eva", "cell", "2025-03-21", "Penal Lejano", ""),
            ("Eva", "sighting", "2025-03-25", "Texas", ""),
        ],
    )
    pid = merge(store, ids)
    route = person_route(store, pid, reader=LEGAL)
    assert [s.facility for s in route.stops] == ["Centro Norte", "Centro Sur", "Penal Lejano"]
    assert route.stops[2].event_types == ("admission", "cell_assignment")
    assert route.stops[0].latitude == 31.8 and all(s.order_known for s in route.stops)
    assert route.unplaced == 1  # "Texas" is not a facility of the register
    with pytest.raises(PermissionDenied):
        person_route(store, pid, reader=ANALYST)


def test_a_route_leaves_out_what_the_reader_may_not_see(
    store: Store, add_list: Importer, places: dict[str, int]
) -> None:
    ids = _two_stops(
        add_list, "Pública", [("Fabio", "detention", "2025-03-01", "Centro Norte", "")]
    )
    secret = _two_stops(
        add_list,
        "Testimonio reservado",
        [("Fabio", "admission", "2025-03-09", "Centro Sur", "")],
        kind="testimony",
    )
    pid = merge(store, [*ids, *secret])
    no_purpose = Reader("legal", "lucia", None, "web")
    route = person_route(store, pid, reader=no_purpose)
    assert [s.facility for s in route.stops] == ["Centro Norte"]
    assert route.withheld["counts"]["records"] == 1 and route.withheld["for_purpose"] >= 1
    assert [s.facility for s in person_route(store, pid, reader=LEGAL).stops] == [
        "Centro Norte",
        "Centro Sur",
    ]
