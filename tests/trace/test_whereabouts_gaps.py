"""Whereabouts (unaccounted for, confirmed, incommunicado) and register gaps."""

from __future__ import annotations

from datetime import date

from habeas.store.db import Store
from habeas.trace import group_gaps, last_known, person_gaps
from tests.trace.conftest import Importer, merge


def _admitted(add: Importer) -> list[int]:
    return add(
        "Prison list",
        "Nombre;Fecha\nAna Pérez;2025-03-16\nEva Ruiz;2025-03-16\n",
        defaults={"event_type": "admission", "facility": "CECOT"},
    )


def test_unaccounted_for_after_n_days_unless_confirmed(store: Store, add_list: Importer) -> None:
    ana, eva = _admitted(add_list)
    w = last_known(store, ana, as_of=date(2025, 4, 10), unaccounted_after_days=30)
    assert w.status == "located" and w.facility == "CECOT" and w.days_since == 25
    w = last_known(store, ana, as_of=date(2025, 5, 1), unaccounted_after_days=30)
    assert w.status == "unaccounted_for" and "46 days" in w.explanation
    assert w.confidence == "high" and w.evidence_sources == ["Prison list"]
    assert w.incommunicado and w.detained_since == "2025-03-16"
    seen = add_list(
        "Sightings",
        "Nombre;Fecha;Lugar\nEva Ruiz;2025-04-25;CECOT\n",
        defaults={"event_type": "sighting"},
        reliability="C",
    )
    eva = merge(store, [eva, *seen])
    w = last_known(store, eva, as_of=date(2025, 5, 1), unaccounted_after_days=30)
    assert w.status == "located" and w.last_event_type == "sighting"
    assert w.confidence == "medium"
    assert not w.incommunicado and w.contact_recorded
    # As of a date before the sighting, the sighting does not count.
    assert last_known(store, eva, as_of=date(2025, 4, 20)).incommunicado


def test_counsel_contact_and_released_and_deceased(store: Store, add_list: Importer) -> None:
    ana, eva = _admitted(add_list)
    denied = add_list(
        "Filings",
        "Petitioner;Fecha;Counsel\nAna Pérez;2025-03-20;Denied access\n"
        "Eva Ruiz;2025-03-20;Pro bono\n",
        kind="court_filing",
        defaults={"event_type": "detention"},
    )
    ana, eva = merge(store, [ana, denied[0]]), merge(store, [eva, denied[1]])
    assert last_known(store, ana, as_of=date(2025, 4, 1)).incommunicado
    assert not last_known(store, eva, as_of=date(2025, 4, 1)).incommunicado
    back = add_list(
        "Returns",
        "Nombre;Fecha;Lugar\nAna Pérez;2025-07-18;Caracas\n",
        defaults={"event_type": "repatriation"},
    )
    w = last_known(store, merge(store, [ana, *back]), as_of=date(2025, 9, 1))
    assert w.status == "released" and w.place == "Caracas" and not w.incommunicado
    assert not w.contact_recorded  # held without any contact until release
    dead = add_list(
        "Deaths", "Nombre;Fecha\nEva Ruiz;2025-05-02\n", defaults={"event_type": "death"}
    )
    assert last_known(store, merge(store, [eva, *dead])).status == "deceased"


def test_disappearance_report_alone_and_nothing(store: Store, add_list: Importer) -> None:
    (pid,) = add_list(
        "Relatives",
        "Nombre;Fecha\nAna Pérez;2025-03-01\n",
        defaults={"event_type": "disappearance_report"},
    )
    assert last_known(store, pid).status == "unaccounted_for"
    (bare,) = add_list("Names", "Nombre\nEva Ruiz\n")
    w = last_known(store, bare)
    assert w.status == "unknown" and w.confidence == "none" and not w.incommunicado


def test_person_gaps_known_and_unknown(store: Store, add_list: Importer) -> None:
    rows = add_list(
        "Manifest",
        "NAME;DOB;FLIGHT;DEPARTURE;AGENCY;AUTHORITY;Ordered by\n"
        "Ana Pérez;1990-01-02;RWG1501;17:25 EDT;ICE Air Operations;AEA;DHS\n"
        "Eva Ruiz;1991-02-03;RWG1502;17:45 EDT;;TITLE 8;\n",
        defaults={"event_type": "removal_flight", "event_date": "2025-03-15", "facility": "CECOT"},
    )
    gaps = {g.field: g for g in person_gaps(store, rows[0])}
    assert gaps["identity"].status == "known"
    assert gaps["ordering_authority"].known and "DHS" in gaps["ordering_authority"].evidence[0]
    assert gaps["grounds"].known
    assert gaps["transfers"].status == "known"
    assert gaps["supervising_authority"].status == "unknown"
    assert gaps["death"].status == "not_applicable"
    assert "ICPPED 17(3)(c)" in gaps["ordering_authority"].legal_basis
    other = {g.field: g for g in person_gaps(store, rows[1])}
    assert other["ordering_authority"].status == "unknown"
    assert other["transfers"].status == "partial"

    group = group_gaps(store)
    assert group.persons == 2
    fields = {f.field: f for f in group.fields}
    assert (fields["ordering_authority"].known, fields["ordering_authority"].unknown) == (1, 1)
    assert fields["health"].unknown == 2
    one = group_gaps(store, flight="rwg1502")
    assert one.persons == 1 and one.person_ids == [rows[1]]
    assert group_gaps(store, facility="Nowhere").persons == 0
    assert "For 2 people" in fields["health"].sentence("removed")
