"""case.json: facilities, occupancy (crowding), incidents grounded in NGO records."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def _titles(case: dict[str, Any]) -> set[str]:
    return {s["title"] for s in case["sources"]} | {d["title"] for d in case["documents"]}


def test_top_level_shape(case: dict[str, Any]) -> None:
    assert case["seed"] == 7 and case["persons"] == 600
    assert set(case) >= {"sources", "facilities", "occupancy", "legal_facts", "incidents"}
    keys = {
        "file",
        "title",
        "kind",
        "publisher",
        "date",
        "url",
        "language",
        "reliability",
        "notes",
        "one_row_per_person",
        "sheet",
        "date_order",
        "map",
        "defaults",
    }
    for source in case["sources"]:
        assert set(source) == keys
        assert source["date_order"] in (None, "DMY", "MDY")
        assert (source["sheet"] is not None) == source["file"].endswith(".xlsx")


def test_cecot_layout_and_conflicting_capacity(case: dict[str, Any]) -> None:
    cecot = next(f for f in case["facilities"] if f["name"] == "CECOT")
    cells = [u for u in cecot["units"] if "/ Celda " in u["name"]]
    assert len(cells) == 256
    assert len({u["building"] for u in cells}) == 8
    assert all(95 <= u["area_m2"] <= 105 and u["design_capacity"] == 80 for u in cells)
    figures = {f["value"]: f["source_title"] for f in cecot["capacity_figures"]}
    assert figures.keys() >= {40000, 20480} and figures[40000] != figures[20480]
    assert set(figures.values()) <= _titles(case)
    # the engineer's design figure is a design capacity, never an "official" one
    kinds_of = {f["value"]: f.get("kind") for f in cecot["capacity_figures"]}
    assert kinds_of[20480] == "design_capacity" and kinds_of[40000] == "official_capacity"
    kinds = {f["kind"] for f in case["facilities"]}
    assert kinds >= {"prison", "immigration_detention", "staging_facility"}


def test_occupancy_has_crowded_cells_for_long_stretches(case: dict[str, Any]) -> None:
    titles = _titles(case)
    units = {u["name"]: u for f in case["facilities"] for u in f["units"]}
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for obs in case["occupancy"]:
        assert obs["source_title"] in titles
        if obs["unit"]:
            assert obs["unit"] in units
            if obs["population"]:
                series[obs["unit"]].append(
                    (obs["date"], units[obs["unit"]]["area_m2"] / obs["population"])
                )
    assert any(o["unit"] is None and o["facility"] == "CECOT" for o in case["occupancy"])

    def longest_below(points: list[tuple[str, float]]) -> int:
        best = run = 0
        for _, m2 in sorted(points):
            run = run + 1 if m2 < 3.0 else 0
            best = max(best, run)
        return best

    crowded = [u for u, pts in series.items() if longest_below(pts) >= 8]  # >= 8 weeks
    assert 1 <= len(crowded) < len(series)


def test_incidents_reference_ngo_records(case: dict[str, Any], tables: dict) -> None:
    incidents = case["incidents"]
    assert 20 <= len(incidents) <= 60
    ngo = next(s for s in case["sources"] if s["title"].startswith("NGO"))
    _, rows = tables[ngo["title"]]
    ids = {row["ID"] for row in rows}
    units = {u["name"] for f in case["facilities"] for u in f["units"]}
    for inc in incidents:
        assert inc["victims"] and inc["perpetrators"] and inc["description"]
        assert inc["unit"] is None or inc["unit"] in units
        assert len(inc["date"]) in (7, 10)
        for victim in inc["victims"]:
            assert victim["source_title"] == ngo["title"] and victim["record_id"] in ids
