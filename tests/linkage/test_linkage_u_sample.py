"""u from random pairs in one pass (:mod:`habeas.linkage.u_sample`)."""

from __future__ import annotations

import numpy as np
import pytest

from habeas.linkage import backend as backends
from habeas.linkage import model as mdl
from habeas.linkage import priors, u_sample
from tests.linkage.test_linkage_vectors import _frame


def test_a_register_with_few_pairs_is_compared_pair_by_pair() -> None:
    assert u_sample.pair_sample(np.arange(10), 45, 1) is None
    assert u_sample.sampled_pairs(10, 1e5) == 45
    assert u_sample.sampled_pairs(1000, 1e5) == 100_000


@pytest.mark.parametrize("n", [2, 3, 17, 60])
def test_sampled_pairs_are_distinct_pairs_of_the_register_lower_id_left(n: int) -> None:
    ids = np.random.default_rng(7).choice(10 * n, size=n, replace=False) + 5
    every = {(int(a), int(b)) for i, a in enumerate(sorted(ids)) for b in sorted(ids)[i + 1 :]}
    k = len(every) - 1  # all but one pair: every position of the triangle is reachable
    if k < 1:
        assert u_sample.pair_sample(ids, 0.5, 1) is not None
        return
    pairs = u_sample.pair_sample(ids, k, 3)
    assert pairs is not None and len(pairs) == k
    got = set(zip(pairs["join_key_l"].tolist(), pairs["join_key_r"].tolist(), strict=True))
    assert len(got) == k and got < every
    again = u_sample.pair_sample(ids[::-1], k, 3)  # the order of the ids does not matter
    assert again is not None and again.equals(pairs)
    other = u_sample.pair_sample(ids, k, 4)
    assert other is not None and not other.equals(pairs)


def test_pairs_are_drawn_evenly_from_every_record() -> None:
    n = 400
    pairs = u_sample.pair_sample(np.arange(n), 20_000, 1)
    assert pairs is not None
    seen = np.bincount(np.concatenate([pairs["join_key_l"], pairs["join_key_r"]]), minlength=n)
    # each record is in 2k/n = 100 pairs on average; binomial spread, no record left out
    assert seen.min() > 50 and seen.max() < 150
    assert abs(seen.mean() - 100) < 1e-9


def _splink_u(frame, max_pairs: float):  # type: ignore[no-untyped-def]
    api = mdl.make_db_api("duckdb", records=len(frame))
    sdf = api.register(mdl.splink_frame(frame), dataset_display_name="records")
    linker = backends.linker(api, sdf, mdl.settings_dict(prior=1e-3))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1, num_chunks=1)
    return {
        c["output_column_name"]: [lv.get("u_probability") for lv in priors.levels(c)]
        for c in linker.misc.save_model_to_json()["comparisons"]
    }


def test_every_pair_gives_the_u_splink_counts_on_the_whole_register() -> None:
    frame = _frame()
    api = mdl.make_db_api("duckdb", records=len(frame))
    sdf = api.register(mdl.splink_frame(frame), dataset_display_name="records")
    linker = backends.linker(api, sdf, mdl.settings_dict(prior=1e-3))
    ours = u_sample.estimate(api, linker, None)
    theirs = _splink_u(frame, 1e6)  # more pairs than the register has: Splink takes all
    assert ours.keys() == theirs.keys()
    observed = 0
    for name, levels in theirs.items():
        assert len(ours[name]) == len(levels)
        for mine, splinks in zip(ours[name], levels, strict=True):
            if splinks is None:  # not observed
                assert mine is None
            else:
                observed += 1
                assert mine == pytest.approx(splinks, rel=1e-12)
    assert observed > 10


def test_sampled_pairs_count_each_pair_once() -> None:
    frame = _frame()
    api = mdl.make_db_api("duckdb", records=len(frame))
    sdf = api.register(mdl.splink_frame(frame), dataset_display_name="records")
    linker = backends.linker(api, sdf, mdl.settings_dict(prior=1e-3))
    n = len(frame)
    total = n * (n - 1) // 2
    pairs = u_sample.pair_sample(frame["unique_id"].to_numpy(), total - 1, 2)
    assert pairs is not None
    sampled = u_sample.estimate(api, linker, pairs)
    every = u_sample.estimate(api, linker, None)
    # one pair fewer than every pair: each level's share moves by at most about 1/total
    for name, levels in every.items():
        for all_u, some_u in zip(levels, sampled[name], strict=True):
            if all_u is not None and some_u is not None:
                assert some_u == pytest.approx(all_u, abs=2.0 / total)
    u = sampled["surnames"]
    assert all(v is None or 0 < v <= 1 for v in u)
    assert sum(v for v in u if v is not None) == pytest.approx(1.0)
