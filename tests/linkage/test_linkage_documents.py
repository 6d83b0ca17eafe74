"""A number copied to a sibling, or one person's record mangled twice? What the register says.

FEBRL-like lists replace a given name and, independently, a date of birth in a record that
keeps its document number; households copy a number onto a sibling's form (another given
name and another date at once). :func:`habeas.linkage.households.errors_independent` tells
the two apart on the register itself: where the pairs sharing a number differ on both no
more often than independent errors make them, a shared number outweighs a replaced given
name whatever the dates say; where copies show, the caution stands (issue #12). Every name
here is invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from linkage_support import current_persons, import_press_list
from test_linkage_families import GIVEN, SURNAMES
from test_linkage_registers import _features

from habeas.linkage import link, training
from habeas.linkage.households import (
    document_sharing,
    documents_personal,
    error_shares,
    errors_independent,
)
from habeas.linkage.model import DIFFERENT_GIVEN_NAMES, level_weights, with_cautions
from habeas.store.db import Store

PEOPLE = 400


def _register(copies: int, *, errors: bool, seed: int = 11) -> list[dict[str, str]]:
    """``PEOPLE`` persons listed twice with their own A-number; with ``errors`` the second
    record has its given name replaced (one in 7) and, independently, its date (one in
    20); ``copies`` more pairs of siblings whose forms carry one number."""
    rng = random.Random(seed)
    rows = []
    for i in range(PEOPLE + copies):
        number = f"2{i:08d}"
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        given = rng.choice(GIVEN)
        surnames = " ".join(rng.sample(SURNAMES, 2))
        second_given, second_born = given, born
        sibling = i >= PEOPLE
        if sibling or (errors and i % 7 == 0):
            second_given = next(
                g for g in GIVEN[rng.randrange(len(GIVEN)) :] + GIVEN if g[:3] != given[:3]
            )
        if sibling or (errors and i % 20 == 3):
            second_born = born + timedelta(days=1000 + rng.randrange(3000))
        for k, (g, d) in enumerate(((given, born), (second_given, second_born))):
            rows.append(
                {
                    "id": f"P{i}-{k}",
                    "given_names": g,
                    "surnames": surnames,
                    "dob": d.isoformat(),
                    "a_number": number,
                }
            )
    return rows


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"unique_id": n + 1, **{k: v for k, v in r.items() if k != "id"}}
            for n, r in enumerate(rows)
        ]
    )


def _model_fields(rows: list[dict[str, str]]) -> dict[str, object]:
    features = _features(_frame(rows))
    dated = document_sharing(features)
    undated = document_sharing(features, dated=False)
    assert dated is not None
    return {
        "habeas_document_sharing": dated.share,
        "habeas_document_pairs": dated.pairs,
        "habeas_document_sharing_undated": None if undated is None else undated.share,
        **error_shares(dated, undated),
    }


def test_independent_errors_are_told_from_copied_numbers() -> None:
    mangled = _model_fields(_register(0, errors=True))
    # 3 pairs (i = 63, 203, 343) differ on both: what 58 names and 20 dates replaced make
    assert 0 < mangled["habeas_document_sharing"] < 0.02  # type: ignore[operator]
    assert documents_personal(mangled) and errors_independent(mangled)
    copied = _model_fields(_register(5, errors=False))
    # few enough to pass for personal numbers, but every pair that differs, differs on both
    assert documents_personal(copied)
    assert not errors_independent(copied)
    assert not errors_independent({})  # never measured
    assert not errors_independent({**mangled, "habeas_document_sharing": 0.05})


def test_a_shared_number_outweighs_any_date_only_where_errors_are_independent() -> None:
    model = training.default_model()
    weights = level_weights(model)
    pair = pd.DataFrame(
        {
            "record_a": [1],
            "record_b": [2],
            "match_weight": [10.0],
            "match_probability": [0.999],
            "mw_given": [weights["given"][-1][0]],
            "mw_a_number": [weights["a_number"][0][0]],
            "mw_dob": [weights["dob"][6][0]],  # another date, within 12 years
        }
    )
    assert weights["dob"][6][1] == "Another date, within 12 years"
    mangled = {**model, **_model_fields(_register(0, errors=True))}
    copied = {**model, **_model_fields(_register(5, errors=False))}
    assert with_cautions(pair, mangled)["caution"][0] is None
    assert with_cautions(pair, copied)["caution"][0] == DIFFERENT_GIVEN_NAMES
    # without the shared number the caution stands in either register
    other = pair.assign(mw_a_number=[weights["a_number"][-1][0]])
    assert with_cautions(other, mangled)["caution"][0] == DIFFERENT_GIVEN_NAMES


def _csv(rows: list[dict[str, str]]) -> str:
    lines = ["ID;Nombres;Apellidos;Fecha de nacimiento;Número A"]
    lines += [
        f"{r['id']};{r['given_names']};{r['surnames']};{r['dob']};{r['a_number']}" for r in rows
    ]
    return "\n".join(lines) + "\n"


def test_a_register_of_mangled_records_links_them(store: Store, tmp_path: Path) -> None:
    rows = _register(0, errors=True)
    ids = import_press_list(store, tmp_path, _csv(rows))
    link(store, actor="tester")
    persons = current_persons(store)
    # i = 63: given name and date replaced, the number kept: one person
    assert persons[ids["P63-0"]] == persons[ids["P63-1"]]
    assert persons[ids["P7-0"]] == persons[ids["P7-1"]]  # a given name replaced


def test_siblings_with_a_copied_number_stay_apart(store: Store, tmp_path: Path) -> None:
    rows = _register(5, errors=False)
    ids = import_press_list(store, tmp_path, _csv(rows))
    link(store, actor="tester")
    persons = current_persons(store)
    for i in range(PEOPLE, PEOPLE + 5):
        assert persons[ids[f"P{i}-0"]] != persons[ids[f"P{i}-1"]]
    assert persons[ids["P1-0"]] == persons[ids["P1-1"]]


def test_a_large_register_is_judged_by_its_counts_not_by_underflow() -> None:
    """At a million records the expected count runs into the thousands: copies that
    double it are still copies (a tail summed from exp(-mean) underflowed and said
    'independent' for any count once the mean passed ~745)."""
    fields = {
        "habeas_document_sharing": 0.019,  # 1,900 of 100,000 pairs differ on both
        "habeas_document_pairs": 100_000,
        "habeas_document_given_share": 0.1,
        "habeas_document_date_share": 0.1,  # independent errors: about 1,000
        "habeas_document_sharing_undated": None,
        "habeas_document_pairs_undated": 0,
    }
    assert documents_personal(fields)
    assert not errors_independent(fields)
    assert errors_independent({**fields, "habeas_document_sharing": 0.0101})
