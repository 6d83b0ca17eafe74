"""Each due-process flag raised and not raised, on hand-built cases with known answers."""

from __future__ import annotations

from datetime import date

import pytest

from habeas.store.db import Store
from habeas.trace import due_process_flags, load_rules
from habeas.trace.flags import Flag
from tests.trace.conftest import Importer, merge

AS_OF = date(2026, 1, 31)


def _flags(store: Store, pid: int, as_of: date = AS_OF) -> dict[str, Flag]:
    return {f.code: f for f in due_process_flags(store, pid, as_of=as_of)}


def _manifest(
    add: Importer, title: str, departure: str, *, basis: str = "AEA", name: str = "Ana Pérez"
) -> list[int]:
    return add(
        title,
        f"NAME;FLIGHT;DEPARTURE;AUTHORITY\n{name};RWG1501;{departure};{basis}\n",
        defaults={
            "event_type": "removal_flight",
            "event_date": "2025-03-15",
            "facility": "CECOT",
            "time_zone": "America/New_York",
        },
    )


def _filing(add: Importer, title: str, row: str, header: str) -> list[int]:
    return add(
        title,
        f"Petitioner;Filed;{header}\n{row}\n",
        kind="court_filing",
        reliability="A",
        defaults={"event_type": "detention", "time_zone": "America/New_York"},
        date_order="MDY",
    )


def test_rules_are_data_and_documented() -> None:
    rules = load_rules()
    codes = [r["code"] for r in rules]
    assert codes == [
        "removed_under_aea",
        "removed_without_hearing_or_notice",
        "no_criminal_conviction",
        "removed_while_asylum_pending",
        "removed_despite_order_barring_removal",
        "removed_after_turn_around_order",
        "held_beyond_stated_term",
    ]
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs/due-process-rules.md").read_text("utf-8")
    for code in codes:
        assert f"`{code}`" in doc


def test_turn_around_order_before_and_after_departure(store: Store, add_list: Importer) -> None:
    order = (
        "Ana Pérez;03/17/2025;TRO - turn planes around;03/15/2025;18:45;D.D.C.",
        "Petitioner;Filed;Court order;Order date;Order time;Order issued by",
    )
    late = merge(
        store,
        _manifest(add_list, "M1", "19:37 EDT")
        + _filing(add_list, "F1", order[0], order[1].split(";", 2)[2]),
    )
    flag = _flags(store, late)["removed_after_turn_around_order"]
    assert flag.status == "raised" and flag.raised
    assert "departed after the order" in flag.explanation and "F1" in flag.explanation
    assert {r.source for r in flag.supporting} == {"M1", "F1"}

    early = merge(
        store,
        _manifest(add_list, "M2", "17:25 EDT", name="Eva Ruiz")
        + _filing(
            add_list, "F2", order[0].replace("Ana Pérez", "Eva Ruiz"), order[1].split(";", 2)[2]
        ),
    )
    flag = _flags(store, early)["removed_after_turn_around_order"]
    assert flag.status == "not_raised" and "before the order" in flag.explanation

    # Departed before the order, but handed over at the destination the next day: raised.
    landed = add_list(
        "Arrivals",
        "Nombre;Fecha\nEva Ruiz;2025-03-16\n",
        defaults={"event_type": "admission", "facility": "CECOT"},
    )
    flag = _flags(store, merge(store, [early, *landed]))["removed_after_turn_around_order"]
    assert flag.status == "raised" and "admitted at the destination" in flag.explanation


def test_order_barring_removal(store: Store, add_list: Importer) -> None:
    header = "Court order;Order date;Order issued by"
    cases = {
        "2019": ("Order barring removal;06/03/2019;Immigration Court", "raised"),
        "after": ("Order barring removal;03/20/2025;S.D. Tex.", "not_raised"),
        "same_day": ("Order barring removal;03/15/2025;S.D. Tex.", "undetermined"),
    }
    for n, (key, (row, expected)) in enumerate(cases.items()):
        name = ["Ana Pérez", "Eva Ruiz", "Rosa Díaz"][n]
        pid = merge(
            store,
            _manifest(add_list, f"M-{key}", "17:25 EDT", name=name)
            + _filing(add_list, f"F-{key}", f"{name};03/17/2025;{row}", header),
        )
        flag = _flags(store, pid)["removed_despite_order_barring_removal"]
        assert flag.status == expected, (key, flag.explanation)
    # No order at all: not raised.
    pid = _manifest(add_list, "M-none", "17:25 EDT", name="Olga Mora")[0]
    assert _flags(store, pid)["removed_despite_order_barring_removal"].status == "not_raised"


@pytest.mark.parametrize(("basis", "expected"), [("AEA", "raised"), ("TITLE 8", "not_raised")])
def test_alien_enemies_act(store: Store, add_list: Importer, basis: str, expected: str) -> None:
    pid = _manifest(add_list, "M", "17:25 EDT", basis=basis)[0]
    assert _flags(store, pid)["removed_under_aea"].status == expected


def test_hearing_notice_conviction_asylum(store: Store, add_list: Importer) -> None:
    header = "Hearing;Notice;Criminal record;Asylum claim pending"
    without = merge(
        store,
        _manifest(add_list, "M1", "17:25 EDT")
        + _filing(add_list, "F1", "Ana Pérez;03/17/2025;No;No;None;Yes", header),
    )
    flags = _flags(store, without)
    assert flags["removed_without_hearing_or_notice"].status == "raised"
    assert flags["no_criminal_conviction"].status == "raised"
    assert flags["removed_while_asylum_pending"].status == "raised"
    assert "F1" in flags["removed_while_asylum_pending"].explanation

    due = merge(
        store,
        _manifest(add_list, "M2", "17:25 EDT", basis="TITLE 8", name="Eva Ruiz")
        + _filing(add_list, "F2", "Eva Ruiz;03/17/2025;Yes;Yes;Convicted;No", header),
    )
    flags = _flags(store, due)
    assert flags["removed_without_hearing_or_notice"].status == "not_raised"
    assert flags["no_criminal_conviction"].status == "not_raised"
    assert flags["removed_while_asylum_pending"].status == "not_raised"

    # Nothing stated: undetermined, never raised.
    bare = _manifest(add_list, "M3", "17:25 EDT", name="Rosa Díaz")[0]
    flags = _flags(store, bare)
    assert flags["removed_without_hearing_or_notice"].status == "undetermined"
    assert flags["no_criminal_conviction"].status == "undetermined"
    assert not flags["removed_while_asylum_pending"].raised


def test_held_beyond_stated_term(store: Store, add_list: Importer) -> None:
    ids = add_list(
        "Prison list",
        "Nombre;Plazo\nAna Pérez;1 año renovable\nEva Ruiz;1 año renovable\n",
        defaults={"event_type": "admission", "event_date": "2025-03-16", "facility": "CECOT"},
    )
    released = add_list(
        "Returns", "Nombre;Fecha\nEva Ruiz;2025-07-18\n", defaults={"event_type": "repatriation"}
    )
    still = ids[0]
    flag = _flags(store, still, as_of=date(2026, 4, 1))["held_beyond_stated_term"]
    assert flag.status == "raised" and "365 days" in flag.explanation
    assert (
        _flags(store, still, as_of=date(2025, 12, 1))["held_beyond_stated_term"].status
        == "not_raised"
    )
    back = merge(store, [ids[1], *released])
    assert (
        _flags(store, back, as_of=date(2026, 4, 1))["held_beyond_stated_term"].status
        == "not_raised"
    )
