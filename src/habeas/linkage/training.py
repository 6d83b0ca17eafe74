"""Training the linkage model: u by sampling, m by EM (and from human labels), then λ.

:func:`train` returns the trained model as a Splink JSON dict (stored in
``LinkageRun.model`` and reused by later runs; see :mod:`habeas.linkage.run`).

* **u** by random sampling (seeded).
* **m** by EM in three sessions (blocked on date of birth, on A-number, on
  first-surname key + given name), then — when enough exist — from human
  review labels (pairs decided "same"). A session that would compare more than
  :data:`EM_MAX_PAIRS` pairs (a million records share dates of birth in tens of
  millions of pairs) runs on a hash-sampled share of the records instead, so
  training memory stays flat as the register grows.
* **λ** (the probability that two random records match) is estimated last,
  from the data as scored by the trained m and u (:func:`estimate_prior`). Its
  first value comes from pairs sharing a document number (recall assumed 0.6),
  a guess that on the synthetic case is three times too low; a too-low λ
  pushes every name-only match under the threshold. Past
  :data:`PRIOR_SAMPLE_RECORDS` records λ is estimated on a seeded random sample
  of them (the share of matching pairs is the same in expectation).

Levels training could not reach get defaults and every m and u a floor
(:func:`regularise`).
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker, block_on
from splink.internals.exceptions import EMTrainingException

from habeas.linkage import model as mdl
from habeas.linkage.features import MAIN_ID_TYPES


def train(frame: pd.DataFrame, *, backend: str = "duckdb",
          labels: pd.DataFrame | None = None, min_labels: int = 20,
          max_pairs: float = 5e5, seed: int = 1) -> dict[str, Any]:
    """Train the model on the feature frame; returns the Splink model (JSON dict).

    ``labels``: human decisions, columns ``record_a, record_b, decision``;
    when at least ``min_labels`` are "same", m is also estimated from them.
    """
    mdl.quiet()
    db_api = mdl.make_db_api(backend)
    sdf = db_api.register(mdl.splink_frame(frame), dataset_display_name="records")
    # The prior is estimated from pairs sharing a document number. Lists with no
    # shared document number at all (name-only lists, FEBRL) would give 0 — "no
    # two records ever match" — so there it starts at one expected match per record.
    floor = 1.0 / max(len(frame), 2)
    linker = Linker(sdf, mdl.settings(prior=floor), log_level=None, validate_settings=False)
    t = linker.training
    if any(frame[c].dropna().duplicated().any() for c in MAIN_ID_TYPES if c in frame):
        # A tiny register where shared documents are most of all pairs (two records,
        # one A-number): "recall 0.6" would put λ above 1 and Splink refuses. Keep the
        # floor; λ is estimated from the scored data at the end anyway.
        with contextlib.suppress(ValueError):
            t.estimate_probability_two_random_records_match(
                [block_on(c) for c in MAIN_ID_TYPES], recall=0.6)
    # One chunk: Splink's default (10) re-runs the sample query per chunk and per rare
    # level until each level has been seen 100 times; one pass over max_pairs pairs
    # costs half the time.
    t.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed, num_chunks=1)
    skipped: list[str] = []
    sampled: dict[str, int] = {}
    for name, columns in EM_SESSIONS:
        pairs = pairs_sharing(frame, columns)
        limit: dict[str, Any] = {}
        if pairs > EM_MAX_PAIRS:
            # Millions of records: "same date of birth" alone is tens of millions of
            # pairs. Splink then compares a hash-sampled share of the records on each
            # side, so about EM_MAX_PAIRS pairs, drawn evenly from every block.
            limit = {"max_pairs": EM_MAX_PAIRS, "record_sample_proportion": 0.05}
            sampled[name] = pairs
        try:
            t.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), **limit)
        except EMTrainingException:
            # A small register may have no pair agreeing on this field: EM then has
            # nothing to learn from; the levels it would have trained keep their
            # defaults (see ``regularise``) and the model says so.
            skipped.append(name)
    if labels is not None:
        same = labels[labels["decision"] == "same"]
        if len(same) >= min_labels:
            table = pd.DataFrame({"source_dataset_l": "records", "unique_id_l": same["record_a"],
                                  "source_dataset_r": "records",
                                  "unique_id_r": same["record_b"]})
            lsdf = db_api.register(table, dataset_display_name="habeas_labels")
            t.estimate_m_from_pairwise_labels(lsdf)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    prior = float(model.get("probability_two_random_records_match") or 0.0)
    model["probability_two_random_records_match"] = min(max(prior, 1e-9) if prior > 0
                                                         else floor, 0.5)
    regularise(model)
    prior_frame = frame
    if len(frame) > PRIOR_SAMPLE_RECORDS:
        # λ is a share of pairs: a random sample of records has, in expectation, the
        # same share of matching pairs as the whole register, at a fraction of the cost.
        prior_frame = frame.sample(n=PRIOR_SAMPLE_RECORDS, random_state=seed)
        sdf = db_api.register(mdl.splink_frame(prior_frame).reset_index(drop=True),
                              dataset_display_name="prior_sample")
    model["probability_two_random_records_match"] = estimate_prior(
        db_api, sdf, model, len(prior_frame),
        fallback=model["probability_two_random_records_match"])
    model["habeas_model_version"] = mdl.MODEL_VERSION
    model["habeas_em_rules_skipped"] = skipped
    model["habeas_em_sampled"] = sampled
    model["habeas_prior_sample"] = len(prior_frame)
    model["habeas_trained_records"] = len(frame)
    return model


#: EM sessions: (name, columns the training pairs agree on).
EM_SESSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dob", ("dob",)), ("a_number", ("a_number",)), ("surname+given", ("sk1", "given1")))
#: Pairs an EM session compares at most; past this Splink samples records.
EM_MAX_PAIRS = 2_000_000
#: Records λ is estimated on at most (a seeded random sample past this).
PRIOR_SAMPLE_RECORDS = 200_000


def pairs_sharing(frame: pd.DataFrame, columns: tuple[str, ...]) -> int:
    """How many record pairs agree on every one of ``columns`` (nulls agree with nothing)."""
    if not len(frame) or any(c not in frame for c in columns):
        return 0
    sizes = frame[list(columns)].dropna().value_counts().to_numpy(dtype="float64")
    return int((sizes * (sizes - 1) / 2).sum())


# Defaults for levels training could not reach (a document type absent from the
# data, say), by level position: first = exact, last = else, between = fuzzy.
_DEFAULT_M = {"first": 0.9, "middle": 0.05, "last": 0.05}
_DEFAULT_U = {"first": 0.001, "middle": 0.001, "last": 0.99}
_WEAK = ("sex", "nationality")
M_FLOOR = 0.002
U_FLOOR = 1e-5


def regularise(model: dict[str, Any]) -> None:
    """Fill untrained m/u with defaults and floor them, in place.

    EM on a few hundred pairs drives some m to 1e-29 ("a different second
    given name never happens among matches"), which would make one typo veto
    any link. Flooring m at :data:`M_FLOOR` caps a single field's negative
    evidence at about −9 bits; flooring u at :data:`U_FLOOR` caps positive
    evidence at about +17 bits. A level Splink could not train (m = u = 1:
    one value only, like sex when every record says male) is made neutral;
    weak fields (sex, nationality) default to neutral too.
    """
    for comparison in model.get("comparisons", []):
        weak = comparison["output_column_name"] in _WEAK
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for i, level in enumerate(levels):
            where = "first" if i == 0 else "last" if i == len(levels) - 1 else "middle"
            m, u = level.get("m_probability"), level.get("u_probability")
            if len(levels) > 1 and m == 1.0 and u == 1.0:
                m = u = 0.5
            if m is None:
                m = 0.5 if weak else _DEFAULT_M[where]
            if u is None:
                u = 0.5 if weak else _DEFAULT_U[where]
            level["m_probability"] = max(float(m), M_FLOOR)
            level["u_probability"] = max(float(u), U_FLOOR)


def estimate_prior(db_api: Any, sdf: Any, model: dict[str, Any], records: int, *,
                   fallback: float, iterations: int = 50) -> float:
    """λ as the fixed point "expected matches among all pairs", given the trained m and u.

    Every blocked pair is scored once; its Bayes factor (match weight minus the
    prior's weight) does not depend on λ. Then λ ← Σ P(match | pair, λ) / all
    pairs, repeated until it settles: the share of record pairs the model itself
    believes to be matches. Blocking finds nearly every match and pairs left
    out contribute almost nothing, so the sum over blocked pairs stands for the
    sum over all pairs. Returns ``fallback`` when nothing is blocked.
    """
    total = records * (records - 1) / 2
    if total < 1:
        return fallback
    lean = {k: v for k, v in model.items() if not k.startswith("habeas_")}
    lean.update(retain_intermediate_calculation_columns=False, retain_matching_columns=False)
    linker = Linker(sdf, lean, log_level=None, validate_settings=False)
    # Pairs far below any threshold still count towards λ, a little: keep them
    # down to a match weight of -10 at the starting λ (1/1000 of a match each).
    scored = linker.inference.predict(threshold_match_weight=-10.0)
    weights = np.asarray(scored.as_pandas_dataframe()["match_weight"], dtype="float64")
    if not len(weights):
        return fallback
    lam0 = float(model["probability_two_random_records_match"])
    bayes = weights - math.log2(lam0 / (1 - lam0))
    lam = lam0
    for _ in range(iterations):
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp2(-(bayes + math.log2(lam / (1 - lam)))))
        new = float(p.sum() / total)
        new = min(max(new, 1e-12), 0.5)
        if abs(new - lam) <= 1e-6 * lam:
            lam = new
            break
        lam = new
    return lam
