"""Score and cluster records without a store (for benchmarks such as FEBRL).

:func:`score_frame` takes records as plain columns, builds the same features
and model as :func:`habeas.linkage.link`, trains (or reuses ``model``),
scores and clusters with the same constraints, and returns the pairs and a
cluster id per record. Nothing is written anywhere.

Input columns (``df_a``; ``df_b`` optional, for linking two files — records
of one file are then never paired with each other through a
one-row-per-person constraint on its ``source_id``):

``unique_id`` (int, unique across both frames), ``given_names`` (list of str or
a space-separated str), ``surnames`` (list or space-separated str),
``dob`` (``datetime.date`` or ISO str, optional), ``sex``, ``nationality``,
and any identifier columns named like the store's id types (``a_number``,
``cedula_ve``, ``dui_sv``, ``cedula_co``, ``passport``, ``national_id``;
already normalised), and any residence columns named like the import fields
(:data:`habeas.ingest.fields.RESIDENCE_FIELDS`: ``street_number``, ``address``,
``address_line2``, ``locality``, ``postcode``, ``region``; as written).
Strings are folded (:func:`habeas.domain.text.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from habeas.domain.text import fold
from habeas.ingest.fields import RESIDENCE_FIELDS
from habeas.linkage import model as mdl
from habeas.linkage import training, vectors
from habeas.linkage.cluster import KEEP_FLOOR, cluster, evidence_needed
from habeas.linkage.features import ID_TYPES, featurise_rows


@dataclass
class ScoreResult:
    pairs: pd.DataFrame  # record_a, record_b, match_weight, match_probability, mw_*
    clusters: dict[int, int]  # unique_id → cluster id (a representative unique_id)
    status: list[str]  # per pair: linked / queued / rejected
    model: dict[str, Any]


def _names(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    parts = value if isinstance(value, list | tuple) else str(value).split()
    return [f for p in parts if (f := fold(str(p)))]


def _date(value: Any) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _present(value: Any) -> bool:
    return value is not None and value == value and str(value).strip() != ""


def _frame(df: pd.DataFrame, source_id: int, one_row_per_person: bool) -> tuple[list, dict, dict]:
    rows, ids, residences = [], {}, {}
    for rec in df.to_dict("records"):
        rid = int(rec["unique_id"])
        d = _date(rec.get("dob"))
        rows.append(
            (
                rid,
                source_id,
                one_row_per_person,
                None,
                "import",
                _names(rec.get("given_names")),
                _names(rec.get("surnames")),
                d,
                d,
                "exact" if d else None,
                rec.get("sex") or None,
                rec.get("nationality") or None,
            )
        )
        found = [
            (t, str(rec[t]))
            for t in ID_TYPES
            if t in rec and rec[t] is not None and rec[t] == rec[t] and str(rec[t])
        ]
        if found:
            ids[rid] = found
        home = {f: str(rec[f]).strip() for f in RESIDENCE_FIELDS if _present(rec.get(f))}
        if home:
            residences[rid] = home
    return rows, ids, residences


def score_frame(
    df_a: pd.DataFrame,
    df_b: pd.DataFrame | None = None,
    *,
    model: dict[str, Any] | None = None,
    threshold: float = 0.5,
    review_low: float = 0.2,
    backend: str = "duckdb",
) -> ScoreResult:
    """Featurise, (train,) score and cluster records given as columns (module doc)."""
    rows, ids, residences = _frame(df_a, 1, df_b is not None)
    if df_b is not None:
        more_rows, more_ids, more_homes = _frame(df_b, 2, True)
        rows += more_rows
        ids.update(more_ids)
        residences.update(more_homes)
    frame = featurise_rows(rows, ids, residences=residences)
    # as habeas.linkage.link: training's comparisons are the ones scored
    shared = (
        vectors.start(frame, mdl.splink_frame(frame), backend)
        if model is None and len(frame) <= training.EM_SAMPLE_RECORDS
        else None
    )
    try:
        trained = model or training.train(frame, backend=backend, shared=shared)
        pairs = mdl.predict(
            frame,
            trained,
            backend=backend,
            threshold=min(review_low, threshold, KEEP_FLOOR),
            floor=min(review_low, threshold),
            shared=shared,
        )
    finally:
        if shared is not None:
            shared.close()
    pairs = evidence_needed(frame, pairs, min(review_low, threshold))
    result = cluster(frame, pairs, threshold=threshold, review_low=review_low)
    return ScoreResult(pairs=pairs, clusters=result.cluster_of, status=result.status, model=trained)
