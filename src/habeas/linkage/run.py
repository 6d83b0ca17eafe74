"""One linkage run: features → (train) → score → cluster → write, in one operation.

Which run :func:`link` does:

* **full** — no trained model is stored yet, or ``full=True``: every blocked
  pair of every record is scored and every record re-clustered (human
  decisions still bind).
* **retrain** — ``retrain=True``: as *full*, after training a new model.
* **incremental** — a model exists: only the *new* records (current link
  method ``import``, i.e. imported since the last run) are scored, against
  the existing records (``predict_between``) and among themselves
  (``predict_within``). Existing persons are extended, never re-cut; old pairs
  are not scored again.

The trained model (Splink JSON) is kept in ``LinkageRun.model`` of the run
that trained it; later runs read the latest one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from habeas.errors import UsageError
from habeas.linkage import model as mdl
from habeas.linkage import training, vectors
from habeas.linkage.apply import now
from habeas.linkage.cluster import (
    KEEP_FLOOR,
    cluster,
    evidence_needed,
)
from habeas.linkage.features import MAIN_ID_TYPES, load_features
from habeas.linkage.write import write_run
from habeas.store.db import Store, default_actor
from habeas.store.schema_linkage import LinkageRun, ReviewDecision

Progress = Callable[[str, int, int], None]

DEFAULT_THRESHOLD = 0.5
DEFAULT_REVIEW_BAND = (0.2, 0.5)
AMBIGUITY_MARGIN = 2.0
OUTGROWN_FACTOR = 2  # see LinkReport.model_outgrown
#: The frame's columns clustering (:func:`cluster`) and writing (:func:`write_run`) read.
AFTER_SCORING = ("unique_id", "source_id", "rpp", "ids", "name_only", "person_id", "method")


@dataclass
class LinkReport:
    """What a run did (the CLI prints it; benchmarks read it)."""

    run_id: int
    kind: str
    persons: int
    records: int
    merges: int
    splits: int
    pairs_scored: int
    auto_links: int
    queued: int
    trained: bool
    seconds: float
    model_records: int | None = None  # records the model in use was trained on

    @property
    def model_outgrown(self) -> bool:
        """The register has grown to at least twice what the model was trained on.

        EM learns what matches look like from the duplicates it sees: a model
        trained on one list (few duplicates) under-rates the evidence later lists
        bring. ``habeas link --retrain`` trains on everything (decisions are kept).
        """
        return (
            not self.trained
            and bool(self.model_records)
            and self.records >= OUTGROWN_FACTOR * (self.model_records or 0)
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "model_outgrown": self.model_outgrown}


def latest_model(store: Store) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The most recently trained model and its run parameters, or None."""
    with store.read() as s:
        row = s.execute(
            select(LinkageRun.model, LinkageRun.parameters)
            .where(LinkageRun.model.is_not(None))
            .order_by(LinkageRun.id.desc())
            .limit(1)
        ).first()
    return (json.loads(row[0]), dict(row[1] or {})) if row else None


def store_model(store: Store, model: dict[str, Any], *, actor: str | None = None) -> int:
    """Keep a model trained elsewhere (another register, an earlier copy) as the latest one.

    Later runs reuse it as if this store had trained it; returns the run id.
    Nothing is scored or linked.
    """
    if model.get("habeas_model_version") != mdl.MODEL_VERSION:
        raise UsageError(
            f"This is not a {mdl.MODEL_VERSION} model "
            f"(it says {model.get('habeas_model_version')!r})."
        )
    with store.write(actor or default_actor()) as op:
        run = LinkageRun(
            started_at=now(),
            finished_at=now(),
            actor=op.actor,
            kind="model",
            model=json.dumps(model),
            parameters={"model_version": model["habeas_model_version"]},
            counts={},
        )
        op.session.add(run)
        op.session.flush()
        op.log(
            "link_model",
            "linkage_run",
            run.id,
            {"kind": "model", "model_version": mdl.MODEL_VERSION},
        )
    return run.id


def human_decisions(store: Store) -> pd.DataFrame:
    """Current decisions: record_a, record_b, decision, reviewer — the newest of each
    pair only (should two be current), and none where the newest was an undo
    (``undone``: the pair binds nothing and may be queued again)."""
    with store.read() as s:
        rows = s.execute(
            select(
                ReviewDecision.record_a,
                ReviewDecision.record_b,
                ReviewDecision.decision,
                ReviewDecision.reviewer,
            )
            .where(ReviewDecision.superseded_at.is_(None))
            .order_by(ReviewDecision.decided_at, ReviewDecision.id)
        ).all()
    frame = pd.DataFrame(rows, columns=["record_a", "record_b", "decision", "reviewer"])
    frame = frame.drop_duplicates(["record_a", "record_b"], keep="last")
    return frame[frame["decision"] != "undone"].reset_index(drop=True)


def constraints(
    decisions: pd.DataFrame,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """(must-links, cannot-links, every decided pair) from human decisions."""

    def pairs(d: pd.DataFrame) -> list[tuple[int, int]]:
        return [(int(a), int(b)) for a, b in zip(d["record_a"], d["record_b"], strict=True)]

    return (
        pairs(decisions[decisions["decision"] == "same"]),
        pairs(decisions[decisions["decision"] == "different"]),
        pairs(decisions),
    )


def link(
    store: Store,
    *,
    retrain: bool = False,
    full: bool = False,
    backend: str = "duckdb",
    actor: str | None = None,
    progress: Progress | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    review_band: tuple[float, float] = DEFAULT_REVIEW_BAND,
    ambiguity_margin: float = AMBIGUITY_MARGIN,
) -> LinkReport:
    """Link the store's records into persons (see the module doc for the kinds of run)."""
    started = time.perf_counter()
    actor = actor or default_actor()
    step = progress or (lambda stage, done, total: None)
    steps = 5
    step("features", 0, steps)
    frame = load_features(store)
    decisions = human_decisions(store)
    must, cannot, decided = constraints(decisions)
    saved = None if retrain else latest_model(store)
    if saved is not None and saved[0].get("habeas_model_version") != mdl.MODEL_VERSION:
        saved = None  # made by an older habeas, for other features: train anew
    step("training" if saved is None else "model", 1, steps)
    trained = saved is None
    # Training compares every blocked pair for EM; scoring reads the same comparisons.
    shared = (
        vectors.start(frame, mdl.splink_frame(frame), backend)
        if trained and len(frame) <= training.EM_SAMPLE_RECORDS
        else None
    )
    model = (
        training.train(frame, backend=backend, labels=decisions, shared=shared)
        if saved is None
        else training.for_register(saved[0], len(frame))
    )
    new_ids = set(frame.loc[frame["method"] == "import", "unique_id"].astype(int))
    incremental = not trained and not full and len(new_ids) < len(frame)
    kind = "retrain" if retrain else "incremental" if incremental else "full"
    step("scoring", 2, steps)
    # Pairs far under the review band are kept too: they are what stops a chain
    # (see cluster.UNLIKE) from joining two people through a third record.
    low = min(review_band[0], threshold, KEEP_FLOOR)
    if not len(frame) or (incremental and not new_ids):
        pairs = mdl._tidy(
            pd.DataFrame(
                columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
            )
        )
    elif incremental:
        pairs = mdl.predict_new(frame, new_ids, model, backend=backend, threshold=low)
        pairs = evidence_needed(frame, pairs, min(review_band[0], threshold))
    else:
        # the engine keeps what evidence_needed would (and a copy of a million pairs is spared)
        pairs = mdl.predict(
            frame,
            model,
            backend=backend,
            threshold=low,
            floor=min(review_band[0], threshold),
            shared=shared,
        )
    pairs = _with_document_pairs(
        frame,
        pairs,
        model,
        backend=backend,
        new_ids=new_ids if incremental else None,
        shared=None if incremental else shared,
    )
    if shared is not None:
        shared.close()
    # Clustering and writing read a few columns: the features (names, keys, a million
    # lists of blocking keys) are let go before the pairs are clustered.
    frame = frame[[c for c in AFTER_SCORING if c in frame]]
    step("clustering", 3, steps)
    groups = None
    if incremental:
        old = frame[~frame["unique_id"].isin(new_ids)]
        groups = dict(zip(old["unique_id"].astype(int), old["person_id"].astype(int), strict=True))
    clustering = cluster(
        frame,
        pairs,
        threshold=threshold,
        review_low=review_band[0],
        ambiguity_margin=ambiguity_margin,
        must=must,
        cannot=cannot,
        decided=decided,
        groups=groups,
    )
    step("writing", 4, steps)
    parameters = {
        "threshold": threshold,
        "review_band": list(review_band),
        "ambiguity_margin": ambiguity_margin,
        "backend": backend,
        "model_version": model.get("habeas_model_version"),
    }
    written = write_run(
        store,
        actor,
        frame=frame,
        pairs=pairs,
        clustering=clustering,
        model=model,
        kind=kind,
        trained=trained,
        new_ids=new_ids if incremental else None,
        parameters=parameters,
    )
    changes, persons = written.changes, written.persons
    auto_links, queued = written.counts["auto_links"], written.counts["queued"]
    run_id = written.run_id
    step("done", steps, steps)
    return LinkReport(
        run_id=run_id,
        kind=kind,
        persons=persons,
        records=len(frame),
        merges=len(changes.merges),
        splits=len(changes.splits),
        pairs_scored=len(pairs),
        auto_links=auto_links,
        queued=queued,
        trained=trained,
        seconds=round(time.perf_counter() - started, 3),
        model_records=model.get("habeas_trained_records"),
    )


def _with_document_pairs(
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    model: dict[str, Any],
    *,
    backend: str,
    new_ids: set[int] | None,
    shared: vectors.Shared | None = None,
) -> pd.DataFrame:
    """``pairs`` plus the pairs sharing a document number that scored under the floor.

    Clustering queues those for review (reason ``same document``) instead of
    letting them vanish; in an incremental run only pairs with a new record count.
    The result is in the order of :func:`habeas.linkage.model.predict` (strongest
    first, ties by record ids). ``pairs`` is emptied (its columns are moved into
    the result one at a time): a million scored pairs are not held twice.
    """
    if not len(frame):
        return pairs
    # pairs as single integers: a million scored pairs are not held as a set of tuples
    span = int(frame["unique_id"].max()) + 1
    keys = document_pair_keys(frame, span)
    if new_ids is not None and len(keys):
        fresh = np.fromiter(new_ids, dtype="int64", count=len(new_ids))
        keys = keys[np.isin(keys // span, fresh) | np.isin(keys % span, fresh)]
    scored = pairs["record_a"].to_numpy(dtype="int64") * span + pairs["record_b"].to_numpy(
        dtype="int64"
    )
    keys = keys[~np.isin(keys, scored)]
    wanted = {(int(k // span), int(k % span)) for k in keys.tolist()}
    extra = mdl.predict_documents(frame, wanted, model, backend=backend, shared=shared)
    if not len(extra):
        return pairs
    return _merge_strongest_first(pairs, extra)


def document_pair_keys(frame: pd.DataFrame, span: int, *, max_group: int = 20) -> np.ndarray:
    """:func:`habeas.linkage.model.document_pairs` as sorted keys ``a * span + b`` (a < b).

    The same pairs (records sharing a valid A-number, Venezuelan cédula or DUI,
    numbers held by more than ``max_group`` records left out), found with NumPy:
    grouped by number, the records of a group in ascending order, each paired
    with the 1…``max_group − 1`` records after it in its group.
    """
    found: list[np.ndarray] = []
    for column in MAIN_ID_TYPES:
        if column not in frame:
            continue
        held = frame[column].notna().to_numpy()
        if held.sum() < 2:
            continue
        codes, _ = pd.factorize(frame.loc[held, column])
        uids = frame.loc[held, "unique_id"].to_numpy(dtype="int64")
        sizes = np.bincount(codes)
        ok = (sizes[codes] > 1) & (sizes[codes] <= max_group)
        codes, uids = codes[ok], uids[ok]
        order = np.lexsort((uids, codes))
        codes, uids = codes[order], uids[order]
        for step in range(1, max_group):
            if step >= len(codes):
                break
            same = codes[step:] == codes[:-step]
            if not same.any():
                break
            found.append(uids[:-step][same] * span + uids[step:][same])
    if not found:
        return np.empty(0, dtype="int64")
    return np.unique(np.concatenate(found))


def _merge_strongest_first(pairs: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` and ``extra`` (both strongest first) as one frame in that order.

    Column by column, each of ``pairs`` dropped once moved: the peak is one
    column more than the pairs, not two more copies of them (a concatenation,
    then a sort).
    """
    n = len(pairs) + len(extra)
    weight = np.concatenate(
        [pairs["match_weight"].to_numpy(dtype="float64"), extra["match_weight"].to_numpy("float64")]
    )
    rec_a = np.concatenate(
        [pairs["record_a"].to_numpy(dtype="int64"), extra["record_a"].to_numpy(dtype="int64")]
    )
    rec_b = np.concatenate(
        [pairs["record_b"].to_numpy(dtype="int64"), extra["record_b"].to_numpy(dtype="int64")]
    )
    if np.isnan(weight).any():  # pandas puts NaN last; keep its order exactly
        both = pd.concat([pairs, extra], ignore_index=True)
        return both.sort_values(
            ["match_weight", "record_a", "record_b"], ascending=[False, True, True], kind="stable"
        ).reset_index(drop=True)
    order = np.lexsort((rec_b, rec_a, -weight))
    del weight, rec_a, rec_b
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for column in list(pairs.columns) + [c for c in extra.columns if c not in pairs]:
        # as pd.concat of the two frames would make it (a side without it: NaN)
        ours = pairs[[column]] if column in pairs else pd.DataFrame(index=range(len(pairs)))
        theirs = extra[[column]] if column in extra else pd.DataFrame(index=range(len(extra)))
        if column in pairs:
            del pairs[column]
        both = pd.concat([ours, theirs], ignore_index=True)[column]
        del ours
        out[column] = both.take(order).to_numpy()
        del both
    return out
