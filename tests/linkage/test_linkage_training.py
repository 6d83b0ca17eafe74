"""Training: the default model, EM with priors, labels and ceilings, sampling at scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linkage_support import pairwise

from habeas.demo import load_case
from habeas.linkage import em, link, priors, training
from habeas.linkage.features import load_features
from habeas.linkage.model import settings
from habeas.store.db import Store


def _model() -> dict:
    return training.default_model()


def test_every_comparison_has_a_prior_for_each_of_its_levels() -> None:
    model = settings().get_settings("duckdb").as_dict()
    priors.check(model)  # raises when a level was added without its prior
    for name, m in priors.M_PRIOR.items():
        assert abs(sum(m) - 1) < 1e-9, name


def _patterns(rows: list[tuple[dict[str, int], int, int, int]]) -> pd.DataFrame:
    names = [c["output_column_name"] for c in _model()["comparisons"]]
    out = []
    for gammas, n, same, different in rows:
        out.append(
            {
                **{f"gamma_{c}": gammas.get(c, -1) for c in names},
                "n": n,
                "same": same,
                "different": different,
            }
        )
    columns = [*(f"gamma_{c}" for c in names), "n", "same", "different"]
    return pd.DataFrame(out, columns=columns)


def _u() -> dict[str, np.ndarray]:
    return {
        c["output_column_name"]: np.array([lv["u_probability"] for lv in priors.levels(c)])
        for c in _model()["comparisons"]
    }


def test_em_on_nothing_returns_the_priors_and_no_matches() -> None:
    result = em.estimate(_patterns([]), _u(), 0)
    assert result.matches == 0
    np.testing.assert_allclose(result.m["dob"], priors.M_PRIOR["dob"], atol=1e-9)


def _g(name: str, position: int) -> int:
    """Splink's gamma of a comparison's level at ``position`` (0 = first; −1 = last)."""
    count = len(priors.M_PRIOR[name])
    return count - 1 - (position % count)


AGREE = {"given": _g("given", 0), "surnames": _g("surnames", 0), "dob": _g("dob", 0)}


def test_em_never_drives_a_level_to_zero_and_keeps_the_ceilings() -> None:
    # 500 pairs agree on everything; nobody ever disagrees on the given name.
    agree = AGREE
    family = {"given": 0, "surnames": _g("surnames", 0), "dob": 0}  # other names and dates
    result = em.estimate(_patterns([(agree, 500, 0, 0), (family, 5000, 0, 0)]), _u(), 1e6)
    for name, m in result.m.items():
        assert (m > 0).all(), name
        assert abs(m.sum() - 1) < 1e-9, name
    assert result.m["given"][-1] <= priors.M_CEILINGS["given"][-1] + 1e-12
    assert result.m["dob"][-1] <= priors.M_CEILINGS["dob"][-1] + 1e-12
    assert 400 < result.matches < 700  # the 500 agreeing pairs, not the 5,000 family pairs


def test_human_decisions_are_labels_that_move_m() -> None:
    """Pairs decided "same" that disagree on the date teach EM that matches sometimes do."""
    typo = {**AGREE, "dob": _g("dob", 2)}  # dob level "one typo" (position 2)
    agree = AGREE
    without = em.estimate(_patterns([(agree, 200, 0, 0), (typo, 10, 0, 0)]), _u(), 1e6)
    with_labels = em.estimate(_patterns([(agree, 200, 0, 0), (typo, 10, 60, 0)]), _u(), 1e6)
    assert with_labels.m["dob"][2] > without.m["dob"][2] * 1.5
    assert with_labels.matches > without.matches


def test_a_register_of_two_records_trains_to_the_default_model() -> None:
    model = training.train(_tiny_frame())
    assert model["habeas_trained_records"] == 2
    assert 0 < model["probability_two_random_records_match"] <= 0.5
    for comparison in model["comparisons"]:
        for level in priors.levels(comparison):
            assert level["m_probability"] >= training.M_FLOOR
            assert level["u_probability"] >= training.U_FLOOR


def _tiny_frame() -> pd.DataFrame:
    from habeas.linkage.features import featurise_rows

    rows = [
        (1, 1, False, None, "import", ["ana"], ["toro"], None, None, None, None, None),
        (2, 2, False, None, "import", ["ana"], ["toro"], None, None, None, None, None),
    ]
    return featurise_rows(rows, {})


def test_household_share_counts_families_not_duplicates() -> None:
    """Among records sharing a surname, how often *different* people share a home."""
    frame = pd.DataFrame(
        {
            "sk1": ["rivera"] * 4 + ["soto"] * 40,
            "given1": ["ana", "luis", "ana", "eva"] + [f"g{i}" for i in range(40)],
            "addr": ["h1", "h1", "h1", "h2"] + [f"a{i}" for i in range(40)],
        }
    )
    share = training.household_share(frame, min_pairs=1)
    # different-given pairs sharing a surname: rivera 5 + soto 780; sharing a home: 2
    assert share == pytest.approx(2 / 785)
    assert training.household_share(frame, min_pairs=10_000) is None


def test_training_on_a_sample_of_records_still_links_well(
    store: Store, demo_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past EM_SAMPLE_RECORDS records EM trains on a seeded sample; λ is the same share
    of matching pairs, give or take, and linkage keeps the accuracy targets."""
    load_case(store, demo_case)
    frame = load_features(store)
    full = training.train(frame)
    assert full["habeas_em_records"] == len(frame)
    monkeypatch.setattr(training, "EM_SAMPLE_RECORDS", int(len(frame) * 0.7))
    sampled = training.train(frame)
    assert sampled["habeas_em_records"] == int(len(frame) * 0.7) < len(frame)
    ratio = (
        sampled["probability_two_random_records_match"]
        / full["probability_two_random_records_match"]
    )
    assert 0.6 < ratio < 1.6, ratio
    report = link(store, actor="tester")
    assert report.trained
    precision, recall, _f1 = pairwise(store, demo_case.parent)
    print(f"sampled training, 300 persons: P={precision:.4f} R={recall:.4f}")
    assert precision >= 0.99 and recall >= 0.85


def test_a_default_prior_is_recomputed_for_the_register_scored() -> None:
    """λ = one expected match per record is about the register scored; an estimate stays."""
    made_on_four = training.default_model(4)
    assert made_on_four["probability_two_random_records_match"] == 0.25
    grown = training.for_register(made_on_four, 50)
    assert grown["probability_two_random_records_match"] == 1 / 50
    assert made_on_four["probability_two_random_records_match"] == 0.25  # stored one unchanged
    estimated = {**made_on_four, "habeas_training_notes": []}
    assert training.for_register(estimated, 50) is estimated


def test_training_runs_with_the_cycle_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Splink's SQL trees are the only cyclic objects training makes; a collector pass in
    the middle would walk every object of the process for them."""
    import gc

    from tests.linkage.test_linkage_vectors import _frame

    inside: list[bool] = []
    estimate = em.estimate

    def watched(*args: object, **kwargs: object) -> em.EMResult:
        inside.append(gc.isenabled())
        return estimate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(em, "estimate", watched)
    model = training.train(_frame())
    assert inside == [False] and gc.isenabled()
    assert model["habeas_em_pairs"] > 0
