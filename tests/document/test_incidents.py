"""Incidents: filters, counts by month/type/facility/status with sources, uncertain dates."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from habeas.document.incident_entry import IncidentSpec
from habeas.document.incidents import (
    SPANS_MONTHS,
    UNDATED,
    count_incidents,
    list_incidents,
    month_key,
    record_incident,
)
from habeas.domain.dates import parse_date
from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.queries import iter_records
from tests.document.conftest import LIST, NGO, PRESS

H1 = {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}


def test_the_174_cases_query(case: Store) -> None:
    """'N cases of torture and killings in the first half of 2024', with its sources."""
    got = count_incidents(case, types=["torture", "killing"], facility="Test Prison", **H1)
    assert got.count == 3
    assert got.by_month == {"2024-01": 1, "2024-02": 1, "2024-06": 1}
    assert got.by_type == {"torture": 2, "killing": 1}
    assert got.by_status == {"confirmed": 1, "likely": 1, "possible": 1}
    assert got.by_facility == {"Test Prison": 3}
    assert [(s.title, s.incidents) for s in got.sources] == [(NGO, 2), (PRESS, 2)]
    # The torture dated only "2024" overlaps the half-year: listed apart, not counted.
    assert len(got.uncertain_ids) == 1
    assert len(got.incident_ids) == 3


def test_labels_synonyms_and_unknown_terms(case: Store) -> None:
    # Spanish label and synonym resolve to the codes.
    got = count_incidents(case, types=["Tortura", "homicidio"], facility="Test Prison", **H1)
    assert got.count == 3
    with pytest.raises(UsageError, match="act_type"):
        count_incidents(case, types=["levitation"])
    with pytest.raises(NotFound):
        count_incidents(case, facility="Nowhere")


def test_counts_without_period_and_undated(case: Store) -> None:
    everything = count_incidents(case)
    assert everything.count == 7 and everything.undated == 0
    assert everything.by_month[SPANS_MONTHS] == 1 and everything.by_month[UNDATED] == 1
    assert everything.by_facility["(no facility)"] == 1
    dated = count_incidents(case, types=["torture"], **H1)
    assert dated.undated == 1 and dated.count == 2


def test_filters(case: Store) -> None:
    assert [r.date for r in list_incidents(case, statuses=["confirmed"])] == [
        "2024-01-15",
        "2024-03-03",
        "2024-07-02",
    ]
    cell1 = list_incidents(case, facility="Test Prison", unit="Cell 1")
    assert len(cell1) == 1 and cell1[0].unit == "Cell 1"
    assert cell1[0].perpetrators[0]["role"] == "prison_officials"
    assert cell1[0].label("es") == "Tortura" and cell1[0].status_label("es") == "Confirmado"
    h1 = list_incidents(case, **H1)
    assert len(h1) == 4
    assert len(list_incidents(case, include_overlapping=True, **H1)) == 5
    with pytest.raises(UsageError):
        list_incidents(case, unit="Cell 1")


def test_victim_filter_follows_the_person(case: Store) -> None:
    person = next(r["person_id"] for r in iter_records(case, LIST) if r["record_id"] == "P-1")
    rows = list_incidents(case, person_id=person)
    assert [r.act_type for r in rows] == ["torture"]
    assert rows[0].victims[0]["name"] == "PÉREZ GÓMEZ, JOSÉ LUIS"
    assert count_incidents(case, person_id=person).count == 1


def test_record_incident_and_month_keys(case: Store) -> None:
    new = record_incident(
        case,
        IncidentSpec(
            "denial_of_medical_care",
            "likely",
            [NGO],
            parse_date("2024-05-10", "YMD"),
            "2024-05-10",
            "Test Prison",
            "Cell 2",
            victims=[(LIST, "P-2")],
        ),
        actor="test",
    )
    got = count_incidents(case, types=["denial_of_medical_care"], **H1)
    assert got.incident_ids == [new] and got.by_month == {"2024-05": 1}
    assert case.verify_log().ok
    assert month_key(date(2024, 5, 1), date(2024, 5, 31)) == "2024-05"
    assert month_key(date(2024, 5, 1), date(2024, 6, 1)) == SPANS_MONTHS
    assert month_key(None, None) == UNDATED
    with pytest.raises(NotFound):
        record_incident(case, IncidentSpec("beating", "likely", ["No such source"]))


@pytest.mark.parametrize(
    "period",
    [
        {},
        H1,
        {"start": date(2024, 2, 1)},
        {"end": date(2024, 1, 31)},
        {"start": date(2024, 1, 15), "end": date(2024, 1, 15)},
        {"start": date(2030, 1, 1), "end": date(2030, 12, 31)},
    ],
)
def test_counts_agree_with_the_list(case: Store, period: dict[str, date]) -> None:
    """The counts (grouped in SQL) and the list (filtered in SQL) always say the same thing."""
    listed = list_incidents(case, **period)
    wider = list_incidents(case, include_overlapping=True, **period)
    got = count_incidents(case, **period)
    assert got.incident_ids == [r.id for r in listed] and got.count == len(listed)
    assert got.uncertain_ids == [r.id for r in wider if r.id not in got.incident_ids]
    assert got.by_month == dict(sorted(Counter(r.month for r in listed).items()))
    assert got.by_type == dict(Counter(r.act_type for r in listed))
    assert got.by_status == dict(Counter(r.verification_status for r in listed))
    assert got.by_facility == dict(Counter(r.facility or "(no facility)" for r in listed))
    assert {s.title: s.incidents for s in got.sources} == dict(
        Counter(t for r in listed for t in r.sources)
    )
    everything = list_incidents(case)
    assert got.undated == (sum(1 for r in everything if r.date_earliest is None) if period else 0)
