"""The synthetic persons: names from our own pools, valid and unique identifiers."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from habeas.synth.names import ALL_GIVEN, ALL_SURNAMES
from habeas.synth.population import build_population, dui_check_digit

# A few public figures connected with the case: none of their names may be in the pools.


def _dui_ok(dui: str) -> bool:
    digits, check = dui.split("-")
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    return len(digits) == 8 and (10 - total % 10) % 10 == int(check)


def test_names_come_only_from_pools(persons: list) -> None:
    for p in persons:
        assert p["first_surname"] in ALL_SURNAMES and p["second_surname"] in ALL_SURNAMES
        given = p["given_names"]
        first = next(
            g
            for g in sorted(ALL_GIVEN, key=len, reverse=True)
            if given == g or given.startswith(g + " ")
        )
        rest = given[len(first) :].strip()
        assert rest == "" or rest in ALL_GIVEN, given


def test_dui_check_digit_matches_spec() -> None:
    base = np.array([12345678, 0, 99999999, 2469], dtype=np.int64)
    expect = [_dui_ok(f"{b:08d}-{c}") for b, c in zip(base, dui_check_digit(base), strict=True)]
    assert all(expect)
    # 0,1,2,3,4,5,6,7 -> 0*9+1*8+2*7+3*6+4*5+5*4+6*3+7*2 = 112 -> check 8
    assert int(dui_check_digit(np.array([1234567]))[0]) == 8


def test_identifiers(persons: list) -> None:
    slv = [p for p in persons if p["nationality"] == "SLV"]
    ven = [p for p in persons if p["nationality"] == "VEN"]
    assert 0.05 <= len(slv) / len(persons) <= 0.16
    assert all(_dui_ok(p["dui"]) for p in slv)
    assert all(p["cedula"][0] in "VE" and 7 <= len(p["cedula"][1:]) <= 8 for p in ven)
    for column in ("a_number", "cedula", "dui", "passport"):
        values = [p[column] for p in persons if p[column]]
        assert len(values) == len(set(values)), column
    a_numbers = [p["a_number"] for p in persons if p["a_number"]]
    assert all(len(a) == 9 and a.isdigit() for a in a_numbers)
    assert any(a.startswith("0") for a in a_numbers)  # 8 significant digits


def test_ages_sex_and_status(persons: list) -> None:
    ref = dt.date(2025, 3, 15)
    ages = [(ref - dt.date.fromisoformat(p["dob"])).days / 365.25 for p in persons]
    assert min(ages) >= 18 and max(ages) < 56
    sexes = Counter(p["sex"] for p in persons)
    assert 0 < sexes["female"] < 0.08 * len(persons)
    status = Counter(p["status"] for p in persons)
    assert status["removed_2025-03-15"] > status["removed_later"] > 0 and status["held_us"] > 0
    assert all(p["repatriated"] == "0" for p in persons if p["nationality"] == "SLV")


def test_namesakes_and_siblings_make_names_weak(persons: list) -> None:
    full = Counter((p["given_names"], p["surnames"]) for p in persons)
    assert sum(c for c in full.values() if c > 1) >= 10
    assert sum(1 for p in persons if p["sibling_of"]) >= 10
    assert sum(1 for p in persons if p["namesake_of"]) >= 3
    by_key = {p["person_key"]: p for p in persons}
    for p in persons:
        if p["sibling_of"]:
            assert by_key[p["sibling_of"]]["surnames"] == p["surnames"]


def test_population_scales_vectorised() -> None:
    pop = build_population(20_000, seed=5)
    assert len(set(pop.a_number[pop.a_number > 0].tolist())) == int((pop.a_number > 0).sum())
    ced = pop.cedula[pop.cedula > 0]
    assert len(np.unique(ced)) == ced.size
