"""Find a person on the synthetic demo case: noisy queries for ground-truth persons.

Hit @k: a record of the true person (by the generator's ground truth) is among
the records of the top k candidate persons. Exact rates are printed (``-s``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.demo import load_case
from habeas.search import build_search_index
from habeas.search.evaluate import (
    NOISE_LABELS,
    evaluate,
    known_identifier_tokens,
    load_truth,
    make_queries,
)
from habeas.store.db import Store


@pytest.mark.parametrize("backend", ["sqlite"])
def test_noisy_queries_find_the_true_person(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    build_search_index(store, actor="test")
    persons = load_truth(demo_case.parent)
    assert len(persons) > 200
    rates = {}
    noisy = {}
    for kinds, n in ((("name+dob",), 300), (("name",), 300), (("identifier",), 150)):
        queries = make_queries(
            persons, n, seed=11, kinds=kinds, known_identifiers=known_identifier_tokens(store)
        )
        result = evaluate(store, queries)
        rates[kinds[0]] = (result.hit_rate_1, result.hit_rate_5)
        print(
            f"{kinds[0]}: n={result.queries} hit@1={result.hit_rate_1:.3f} "
            f"hit@5={result.hit_rate_5:.3f} hit@10={result.hit_rate_10:.3f} "
            f"misses={result.misses[:3]}"
        )
        if kinds[0] == "name+dob":
            noisy = {NOISE_LABELS[k]: t.rates() for k, t in result.by_noise.items()}
            print(noisy)
    assert rates["name+dob"][1] >= 0.95
    assert rates["name+dob"][0] >= 0.90
    assert rates["identifier"][0] >= 0.99
    # name only: namesakes are frequent in the generator, as in life
    assert rates["name"][1] >= 0.85
    # with a date of birth, every kind of noise is found in the top ten
    for label in (
        "misspelled",
        "accent-stripped",
        "nickname",
        "swapped surnames",
        "missing surname",
    ):
        assert noisy[label]["n"] >= 20, label
        assert noisy[label]["at10"] >= 0.9, (label, noisy[label])
