"""Training the linkage model: u by sampling, m and λ by EM over the blocked pairs.

:func:`train` returns the trained model as a Splink JSON dict (stored in
``LinkageRun.model`` and reused by later runs; see :mod:`habeas.linkage.run`).
It never fails on a register it can read: every step has the default model of
:mod:`habeas.linkage.priors` to fall back on, and says in the model which steps
it could not take (``habeas_training_notes``).

1. **Default model**: m and u of every level from field knowledge
   (:mod:`habeas.linkage.priors`).
2. **u** from random record pairs (:mod:`habeas.linkage.u_sample`: every pair of a
   register of up to :data:`U_MAX_PAIRS` pairs, else that many drawn uniformly from
   all pairs, seeded; every comparison in one pass), blended with the default u in
   proportion to the pairs sampled: a register of ten records has 45 pairs, too few
   to say how often random people share a surname.
3. **m and λ** by EM over every pair the blocking compares
   (:mod:`habeas.linkage.em`): priors keep it from collapsing on a small register;
   human decisions are labels; ceilings keep families apart. Past
   :data:`EM_SAMPLE_RECORDS` records EM runs on a seeded random sample of them —
   m is a property of matching pairs, and a sample holds the same mix.
4. **λ** = expected matches among blocked pairs ÷ all record pairs (blocking
   finds nearly every match; the pairs it leaves out are almost all non-matches).
   Where EM found no match to count (one list of distinct people, a handful of
   records), λ is the default, one expected match per record: a statement about
   the register scored, so a later run recomputes it for its own register
   (:func:`for_register`).

Every m and u then gets a floor (:func:`regularise`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from habeas.linkage import backend as backends
from habeas.linkage import em, households, priors, u_sample, vectors
from habeas.linkage import model as mdl
from habeas.linkage.features import collector_paused
from habeas.linkage.vectors import Shared

logger = logging.getLogger(__name__)

#: Records EM is trained on at most (a seeded random sample past this).
EM_SAMPLE_RECORDS = 200_000
#: Random pairs u is sampled from at most. Drawn independently from the whole register,
#: 100,000 pairs rest on up to 200,000 records; Splink's 500,000 (its habeas default until
#: 2026-12) were every pair among ~1,000 sampled records, and F1 varied as much from one
#: seed to another as it does between the two (see :mod:`habeas.linkage.u_sample`).
U_MAX_PAIRS = 1e5
M_FLOOR = 0.002
U_FLOOR = 1e-5
#: The training notes of a model whose λ is :func:`default_lambda`, not an estimate.
DEFAULT_LAMBDA_NOTES = frozenset({"prior_default", "default"})


@collector_paused()
def train(
    frame: pd.DataFrame,
    *,
    backend: str = "duckdb",
    labels: pd.DataFrame | None = None,
    seed: int = 1,
    u_max_pairs: float = U_MAX_PAIRS,
    shared: Shared | None = None,
) -> dict[str, Any]:
    """Train the model on the feature frame; returns the Splink model (JSON dict).

    ``labels``: human decisions, columns ``record_a, record_b, decision`` ("same",
    "different"; others are ignored). See the module doc for the steps. With
    ``shared`` (:mod:`habeas.linkage.vectors`, on the same frame), the records are not
    registered again and the comparison vectors EM counts are kept there for scoring.
    """
    mdl.quiet()
    notes: list[str] = []
    records = len(frame)
    if shared is not None:
        db_api, sdf = shared.api, shared.records
    else:
        db_api = mdl.make_db_api(backend, records=records)
        sdf = db_api.register(mdl.splink_frame(frame), dataset_display_name="records")
    model = _settings_dict(prior=1.0 / max(records, 2))
    priors.apply_defaults(model)
    sampled_pairs = u_sample.sampled_pairs(records, u_max_pairs)
    linker = None
    if sampled_pairs >= 1:
        try:
            linker = backends.linker(db_api, sdf, _settings_dict(prior=1.0 / max(records, 2)))
            _blend_u(model, _sampled_u(db_api, linker, frame, u_max_pairs, seed), sampled_pairs)
        except Exception as exc:  # noqa: BLE001 - the default u stands; the model says why
            logger.warning("u sampling failed: %s", exc)
            notes.append(f"u_sampling_failed: {type(exc).__name__}")
    _set_household_u(model, frame)
    em_frame = frame
    if records > EM_SAMPLE_RECORDS:
        em_frame = frame.sample(n=EM_SAMPLE_RECORDS, random_state=seed)
    result = None
    try:
        patterns = None
        if shared is not None and em_frame is frame:
            try:  # the levels do not depend on m and u: the u linker will do
                gamma = linker or backends.linker(db_api, sdf, _settings_dict(prior=1e-4))
                vectors.compute(shared, gamma)
                patterns = shared_patterns(shared, model, labels)
            except Exception as exc:  # noqa: BLE001 - the separate passes still work
                logger.warning("shared comparison vectors failed: %s", exc)
                shared.vectors = None
        if patterns is None:
            patterns = comparison_patterns(em_frame, model, labels, backend=backend)
        u = {
            c["output_column_name"]: [float(lv["u_probability"]) for lv in priors.levels(c)]
            for c in model["comparisons"]
        }
        result = em.estimate(
            patterns,
            {k: np.asarray(v) for k, v in u.items()},
            len(em_frame) * (len(em_frame) - 1) / 2,
        )
    except Exception as exc:  # noqa: BLE001 - the default m stands; the model says why
        logger.warning("EM failed: %s", exc)
        notes.append(f"em_failed: {type(exc).__name__}")
    if result is not None:
        for comparison in model["comparisons"]:
            m = result.m[comparison["output_column_name"]]
            for level, value in zip(priors.levels(comparison), m.tolist(), strict=True):
                level["m_probability"] = value
    em_records = len(em_frame)
    em_all_pairs = em_records * (em_records - 1) / 2
    if result is not None and em_all_pairs >= 1 and result.matches > 0:
        lam = result.matches / em_all_pairs
    else:
        lam = default_lambda(records)
        notes.append("prior_default")
    model["probability_two_random_records_match"] = min(max(lam, 1e-9), 0.5)
    regularise(model)
    model["habeas_model_version"] = mdl.MODEL_VERSION
    model["habeas_trained_records"] = records
    model["habeas_em_records"] = em_records
    model["habeas_em_pairs"] = 0 if result is None else int(result.pairs)
    model["habeas_em_matches"] = 0.0 if result is None else round(result.matches, 3)
    model["habeas_labels_used"] = _label_count(labels)
    model["habeas_training_notes"] = notes
    sharing = households.document_sharing(frame)
    model["habeas_document_sharing"] = None if sharing is None else round(sharing[0], 5)
    model["habeas_document_pairs"] = 0 if sharing is None else sharing[1]
    undated = households.document_sharing(frame, dated=False)
    model["habeas_document_sharing_undated"] = None if undated is None else round(undated[0], 5)
    model.update(households.error_shares(sharing, undated))
    return model


def default_lambda(records: int) -> float:
    """λ when nothing estimates it: one expected match per record of the register."""
    return min(1.0 / max(records, 2), 0.5)


def for_register(model: dict[str, Any], records: int) -> dict[str, Any]:
    """``model`` as it scores a register of ``records`` records.

    A model whose λ is the default (EM found no match to count, or it was never
    trained) carries one expected match per record *of the register it was made
    on*. Kept as it is, a model made on a first list of four records would score
    every later register with λ = 1/4 — about 4 bits of prior evidence too many on
    a register of fifty, enough to link two different people who share a surname.
    Such a model gets the default for ``records``; an estimated λ is kept. The
    stored model is not changed (a copy is returned).
    """
    if not DEFAULT_LAMBDA_NOTES & set(model.get("habeas_training_notes") or ()):
        return model
    return {**model, "probability_two_random_records_match": default_lambda(records)}


def default_model(records: int = 2) -> dict[str, Any]:
    """The untrained model with the default m and u (what a register starts from)."""
    model = _settings_dict(prior=default_lambda(records))
    priors.apply_defaults(model)
    regularise(model)
    model["habeas_model_version"] = mdl.MODEL_VERSION
    model["habeas_trained_records"] = 0
    model["habeas_training_notes"] = ["default"]
    return model


def _settings_dict(*, prior: float) -> dict[str, Any]:
    return mdl.settings_dict(prior=prior)


def _label_count(labels: pd.DataFrame | None) -> int:
    if labels is None or not len(labels):
        return 0
    return int(labels["decision"].isin(("same", "different")).sum())


def _sampled_u(
    db_api: Any, linker: Any, frame: pd.DataFrame, max_pairs: float, seed: int
) -> dict[str, list[float | None]]:
    """u of every non-null level from random pairs (:mod:`habeas.linkage.u_sample`; on
    Spark, Splink's own sampling); None where a level is not observed."""
    if backends.is_spark(db_api):
        linker.training.estimate_u_using_random_sampling(
            max_pairs=max_pairs, seed=seed, num_chunks=1
        )
        return {
            c["output_column_name"]: [lv.get("u_probability") for lv in priors.levels(c)]
            for c in linker.misc.save_model_to_json()["comparisons"]
        }
    pairs = u_sample.pair_sample(frame["unique_id"].to_numpy(), max_pairs, seed)
    return u_sample.estimate(db_api, linker, pairs)


def _blend_u(model: dict[str, Any], sampled: dict[str, list[float | None]], pairs: float) -> None:
    """Each level's u := the sampled u and the default u, weighted by pairs (module doc)."""
    weight = pairs / (pairs + priors.U_PRIOR_PAIRS)
    for comparison in model["comparisons"]:
        theirs = sampled[comparison["output_column_name"]]
        for level, u in zip(priors.levels(comparison), theirs, strict=True):
            if u is not None:
                level["u_probability"] = weight * float(u) + (1 - weight) * level["u_probability"]


def household_share(frame: pd.DataFrame, *, min_pairs: int = 200) -> float | None:
    """How often two *different* people who share a surname also share a home.

    The u of the address level "same home, a surname in common": given that two
    records share a surname, how likely the same address is for non-matches.
    Counted over every pair of records with the same first-surname key and
    different first given names (nearly all non-matches: a person's records share
    a given name), as Σ C(n, 2) per (surname, home) ÷ per surname. None when fewer
    than ``min_pairs`` such pairs exist.
    """
    columns = ["sk1", "given1", "addr"]
    if any(c not in frame for c in columns):
        return None
    rows = frame[columns].dropna()
    if not len(rows):
        return None

    def pairs(keys: list[str]) -> float:
        sizes = rows.groupby(keys).size().to_numpy(dtype="float64")
        return float((sizes * (sizes - 1) / 2).sum())

    surname = pairs(["sk1"]) - pairs(["sk1", "given1"])
    home = pairs(["sk1", "addr"]) - pairs(["sk1", "addr", "given1"])
    if surname < min_pairs:
        return None
    return min(max(home / surname, 1e-4), 0.9)


def _set_household_u(model: dict[str, Any], frame: pd.DataFrame) -> None:
    share = household_share(frame)
    if share is None:
        return
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == "address":
            priors.levels(comparison)[0]["u_probability"] = share


def comparison_patterns(
    frame: pd.DataFrame,
    model: dict[str, Any],
    labels: pd.DataFrame | None,
    *,
    backend: str = "duckdb",
) -> pd.DataFrame:
    """Every blocked pair's comparison levels, counted per distinct pattern.

    Columns ``gamma_<comparison>``, ``n`` (pairs without a human decision), ``same``
    and ``different`` (pairs with that decision). Scored by Splink on the model's
    blocking rules; only the pattern counts leave the database.
    """
    names = [c["output_column_name"] for c in model["comparisons"]]
    columns = [*(f"gamma_{c}" for c in names), "n", "same", "different"]
    if len(frame) < 2:
        return pd.DataFrame(columns=columns)
    db_api = mdl.make_db_api(backend, records=len(frame))
    sdf = db_api.register(
        mdl.splink_frame(frame).reset_index(drop=True), dataset_display_name="em_records"
    )
    lean = {k: v for k, v in model.items() if not k.startswith("habeas_")}
    # Splink keeps the gamma (level) columns only with the matching columns.
    lean.update(retain_intermediate_calculation_columns=False, retain_matching_columns=True)
    linker = backends.linker(db_api, sdf, lean)
    scored = linker.inference.predict()
    sql = _pattern_sql(db_api, names, labels)
    out = scored.query_sql(sql).as_pandas_dataframe()
    return out[columns] if len(out) else pd.DataFrame(columns=columns)


def shared_patterns(
    shared: Shared, model: dict[str, Any], labels: pd.DataFrame | None
) -> pd.DataFrame:
    """:func:`comparison_patterns` counted on the comparison vectors ``shared`` holds
    (:func:`habeas.linkage.vectors.compute`): the same pairs, compared once for
    training and scoring."""
    names = [c["output_column_name"] for c in model["comparisons"]]
    columns = [*(f"gamma_{c}" for c in names), "n", "same", "different"]
    out = shared.vectors.query_sql(_pattern_sql(shared.api, names, labels)).as_pandas_dataframe()
    return out[columns] if len(out) else pd.DataFrame(columns=columns)


def _pattern_sql(db_api: Any, names: list[str], labels: pd.DataFrame | None) -> str:
    """The SQL counting the patterns of ``{this}`` (scored pairs or comparison vectors),
    with the human decisions ``labels`` registered on ``db_api``."""
    gammas = ", ".join(f"gamma_{c}" for c in names)
    decided = pd.DataFrame(columns=["a", "b", "decision"])
    if labels is not None and len(labels):
        kept = labels[labels["decision"].isin(("same", "different"))]
        decided = pd.DataFrame(
            {
                "a": kept[["record_a", "record_b"]].min(axis=1).astype("int64"),
                "b": kept[["record_a", "record_b"]].max(axis=1).astype("int64"),
                "decision": kept["decision"].astype(str),
            }
        )
    if len(decided):
        table = db_api.register(
            decided.drop_duplicates(["a", "b"]).reset_index(drop=True),
            dataset_display_name="em_labels",
        ).physical_name
        sql = (
            f"SELECT {gammas}, "
            f"SUM(CASE WHEN d.decision IS NULL THEN 1 ELSE 0 END) AS n, "
            f"SUM(CASE WHEN d.decision = 'same' THEN 1 ELSE 0 END) AS same, "
            f"SUM(CASE WHEN d.decision = 'different' THEN 1 ELSE 0 END) AS different "
            f"FROM {{this}} p LEFT JOIN {table} d "
            f"ON d.a = least(p.unique_id_l, p.unique_id_r) "
            f"AND d.b = greatest(p.unique_id_l, p.unique_id_r) GROUP BY ALL"
        )
    else:
        sql = (
            f"SELECT {gammas}, COUNT(*) AS n, 0 AS same, 0 AS different FROM {{this}} GROUP BY ALL"
        )
    return sql


def regularise(model: dict[str, Any]) -> None:
    """Floor every m at :data:`M_FLOOR` and u at :data:`U_FLOOR`, in place.

    A floored m caps one field's negative evidence at about −9 bits; a floored u
    caps positive evidence at about +17 bits. Missing values (a comparison added
    to a model made elsewhere) take the default.
    """
    for comparison in model.get("comparisons", []):
        name = comparison["output_column_name"]
        m_prior = priors.M_PRIOR.get(name)
        u_prior = priors.U_PRIOR.get(name)
        for i, level in enumerate(priors.levels(comparison)):
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None:
                m = m_prior[i] if m_prior and i < len(m_prior) else 0.5
            if u is None:
                u = u_prior[i] if u_prior and i < len(u_prior) else 0.5
            level["m_probability"] = max(float(m), M_FLOOR)
            level["u_probability"] = max(float(u), U_FLOOR)
