"""Conditions: occupancy rate, m² per person, thresholds and the Muršić consecutive-days rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from habeas.document.conditions import facility_conditions
from habeas.document.thresholds import (
    MAX_GAP_DAYS,
    THRESHOLDS,
    Point,
    assess,
    breach_runs,
    spans,
    threshold,
)
from habeas.errors import NotFound
from habeas.store.db import Store
from tests.document.conftest import CLAIM, DESIGN, NGO, PRESS

MURSIC = threshold("ecthr_mursic_3")
D0 = date(2025, 3, 1)


def _points(*pairs: tuple[int, float], population: int = 40) -> list[Point]:
    """Points (day offset from 1 March, m² per person)."""
    return [Point(D0 + timedelta(days=k), population, m2) for k, m2 in pairs]


def test_thresholds_are_data_with_citations() -> None:
    by_code = {t.code: t for t in THRESHOLDS}
    assert by_code["icrc_shared_3_4"].m2_per_person == 3.4
    assert by_code["cpt_multi_4"].m2_per_person == 4.0
    assert by_code["ecthr_mursic_3"].m2_per_person == 3.0
    assert by_code["ecthr_mursic_3"].min_consecutive_days == 27
    assert "Muršić" in by_code["ecthr_mursic_3"].citation
    assert "CPT/Inf (2015) 44" in by_code["cpt_multi_4"].citation
    assert all(t.citation and t.label_es and t.label_en for t in THRESHOLDS)


def test_a_value_holds_until_the_next_observation_within_the_gap() -> None:
    got = spans(_points((0, 2.0), (7, 2.0), (20, 2.0)))
    # 0 -> 6 (next is 7 days later), 7 -> 7 (next is 13 days later: too far), 20 -> 20 (last)
    assert [(s.start.day, s.end.day) for s in got] == [(1, 7), (8, 8), (21, 21)]
    assert MAX_GAP_DAYS == 7


def test_mursic_27_consecutive_days_is_flagged() -> None:
    points = _points((0, 2.5), (7, 2.4), (14, 2.9), (21, 2.0), (26, 2.8))
    runs = breach_runs(points, MURSIC)
    assert [(r.start, r.end, r.days) for r in runs] == [(D0, date(2025, 3, 27), 27)]
    result = next(b for b in assess(points) if b.code == "ecthr_mursic_3")
    assert result.longest_run_days == 27 and result.flagged
    assert result.longest_run is not None and result.longest_run.min_m2_per_person == 2.0


def test_26_days_is_shown_but_not_flagged() -> None:
    points = _points((0, 2.5), (7, 2.4), (14, 2.9), (21, 2.0), (25, 2.8))
    result = next(b for b in assess(points) if b.code == "ecthr_mursic_3")
    assert result.longest_run_days == 26 and result.days_breached == 26
    assert not result.flagged


def test_a_break_resets_the_count() -> None:
    # 3 m² exactly on day 14 is not *below* 3: the run stops the day before.
    points = _points((0, 2.5), (7, 2.5), (14, 3.0), (21, 2.5), (28, 2.5), (35, 2.5), (42, 2.5))
    runs = breach_runs(points, MURSIC)
    assert [(r.start.day, r.days) for r in runs] == [(1, 14), (22, 22)]
    result = next(b for b in assess(points) if b.code == "ecthr_mursic_3")
    assert result.days_breached == 36 and result.longest_run_days == 22 and not result.flagged


def test_a_long_unobserved_gap_breaks_the_run() -> None:
    points = _points((0, 2.0), (7, 2.0), (14, 2.0), (30, 2.0), (37, 2.0), (44, 2.0))
    assert [r.days for r in breach_runs(points, MURSIC)] == [15, 15]
    assert [r.days for r in breach_runs(points, MURSIC, max_gap_days=16)] == [45]


def test_thresholds_apply_by_occupancy() -> None:
    single = [Point(D0, 1, 5.0)]
    shared = [Point(D0, 2, 5.0)]
    by_code = {b.code: b for b in assess(single)}
    assert by_code["icrc_single_5_4"].flagged and by_code["cpt_single_6"].flagged
    assert not by_code["cpt_multi_4"].runs
    by_code = {b.code: b for b in assess(shared)}
    assert not by_code["icrc_single_5_4"].runs and not by_code["cpt_multi_4"].runs
    empty = {b.code: b for b in assess([Point(D0, 0, None)])}
    assert not any(b.runs for b in empty.values())


def test_facility_conditions_known_answers(case: Store) -> None:
    fc = facility_conditions(case, "Test Prison")
    # Conflicting capacity figures, side by side, each with its source; the facility's own
    # official_capacity (400) is the claimed figure and is not repeated.
    assert [(c.value, c.source) for c in fc.capacities] == [(400, CLAIM), (200, DESIGN)]
    first = fc.whole.observations[0]
    assert first.day == date(2025, 3, 1) and first.population == 300
    assert [r.rate for r in first.rates] == [0.75, 1.5]
    # Facility area: the sum of its four units (100 + 100 + 100 + 6 m²).
    assert fc.whole.areas[0].value == 306.0 and fc.whole.areas[0].origin == "derived"
    assert first.m2_per_person == pytest.approx(306 / 300)
    # Two sources disagree on 15 March: both kept, the smaller used for breaches.
    assert fc.whole.conflicts == [
        {
            "day": date(2025, 3, 15),
            "figures": [{"population": 320, "source": NGO}, {"population": 360, "source": PRESS}],
        }
    ]
    assert [o.population for o in fc.whole.observations] == [300, 320, 360]

    units = {u.unit: u for u in fc.units}
    assert set(units) == {"Cell 1", "Cell 2", "Cell 3", "Iso 1"}
    cell1 = units["Cell 1"]
    assert cell1.latest is not None and cell1.latest.m2_per_person == 2.0
    assert [r.rate for r in cell1.latest.rates] == [50 / 80]
    assert cell1.breach("ecthr_mursic_3").longest_run_days == 29
    assert cell1.breach("ecthr_mursic_3").flagged
    cell2 = units["Cell 2"]
    mursic2 = cell2.breach("ecthr_mursic_3")
    assert [(r.start, r.end, r.days) for r in mursic2.runs] == [
        (date(2025, 3, 1), date(2025, 3, 21), 21),
        (date(2025, 3, 29), date(2025, 3, 29), 1),
    ]
    assert mursic2.days_breached == 22 and not mursic2.flagged
    assert cell2.breach("cpt_multi_4").flagged  # CPT/ICRC flag any breach
    assert not any(b.runs for b in units["Cell 3"].breaches)
    assert not any(b.runs for b in units["Iso 1"].breaches)  # 6 m² is not below 6 m²

    summary = {t.code: t for t in fc.thresholds}
    assert summary["ecthr_mursic_3"].units_breached == 2
    assert summary["ecthr_mursic_3"].units_flagged == 1
    assert summary["ecthr_mursic_3"].longest_run_unit == "Cell 1"
    assert {s["title"] for s in fc.sources} == {CLAIM, DESIGN, NGO, PRESS}
    data = fc.to_dict()
    assert data["capacities"][1]["source"] == DESIGN


def test_period_restricts_observations(case: Store) -> None:
    fc = facility_conditions(case, "test prison", start=date(2025, 3, 8), end=date(2025, 3, 15))
    cell1 = next(u for u in fc.units if u.unit == "Cell 1")
    assert [o.day.day for o in cell1.observations] == [8, 15]
    assert cell1.breach("ecthr_mursic_3").longest_run_days == 8  # 8..14 and 15 itself


def test_unknown_facility_names_the_known_ones(case: Store) -> None:
    with pytest.raises(NotFound, match="Test Prison"):
        facility_conditions(case, "Nowhere")
