"""Write one linkage run to the store: the run, its scored pairs, links and persons.

Everything is one :meth:`habeas.store.db.Store.write` operation: one transaction
and one change-log entry, so a run that fails writes nothing. The rows go
through the database driver's bulk paths (:mod:`habeas.store.bulk`: ``COPY`` on
PostgreSQL, the driver's ``executemany`` on SQLite); what is written is what
SQLAlchemy would write row by row.

What a run writes
-----------------
* the :class:`LinkageRun` (its model when it trained one, its counts);
* the scored pairs worth keeping (linked, queued, decided, rejected in the band);
  a full run first marks the previous runs' open pairs ``superseded``;
* links only for records whose person changes (or whose link still says
  ``import``), persons only where a cluster has no free existing id, and
  ``person_change`` rows for the moves (:func:`habeas.linkage.apply.reassign`).
  An incremental run therefore writes only what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import update

from habeas.linkage import model as mdl
from habeas.linkage.apply import Changes, now, reassign
from habeas.linkage.cluster import Clustering
from habeas.linkage.review_order import priorities
from habeas.store.bulk import insert_tuples, large_cache
from habeas.store.db import Store
from habeas.store.schema_linkage import LinkageRun, ScoredPair


@dataclass
class Written:
    """What :func:`write_run` wrote."""

    run_id: int
    counts: dict[str, Any]
    changes: Changes
    persons: int


def write_run(
    store: Store,
    actor: str,
    *,
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    clustering: Clustering,
    model: dict[str, Any],
    kind: str,
    trained: bool,
    new_ids: set[int] | None,
    parameters: dict[str, Any],
) -> Written:
    """Write a clustered run (``new_ids``: the new records of an incremental run, else None)."""
    current = {
        int(r): (None if p != p or p is None else int(p), str(m))  # p != p: NaN
        for r, p, m in zip(
            frame["unique_id"].tolist(),
            frame["person_id"].tolist(),
            frame["method"].tolist(),
            strict=True,
        )
    }
    best = best_scores(pairs, clustering)
    with store.write(actor) as op, large_cache(op.session.connection()):
        s = op.session
        run = LinkageRun(
            started_at=now(),
            actor=op.actor,
            kind=kind,
            model=json.dumps(model) if trained else None,
            parameters=parameters,
            counts={},
        )
        s.add(run)
        s.flush()
        if new_ids is None:
            s.execute(
                update(ScoredPair)
                .where(ScoredPair.status.in_(("queued", "linked", "rejected")))
                .values(status="superseded")
            )
        stored = write_pairs(s, run.id, pairs, clustering, model)
        changes = reassign(
            s, clustering.clusters().values(), current, actor=op.actor, method="model", scores=best
        )
        persons = len(set(changes.person_of.values()))
        counts: dict[str, Any] = {
            "records": len(frame),
            "new_records": len(frame) if new_ids is None else len(new_ids),
            "pairs_scored": len(pairs),
            "pairs_stored": stored,
            "auto_links": clustering.status.count("linked"),
            "queued": clustering.status.count("queued"),
            "persons": persons,
            "merges": len(changes.merges),
            "splits": len(changes.splits),
            "links_written": changes.links_written,
            "trained": trained,
            "decision_conflicts": clustering.conflicts,
        }
        run.counts = counts
        run.finished_at = now()
        op.log(
            "link",
            "linkage_run",
            run.id,
            {"kind": kind, "counts": counts, "parameters": parameters, **changes.detail()},
        )
    return Written(run_id=run.id, counts=counts, changes=changes, persons=persons)


def best_scores(pairs: pd.DataFrame, clustering: Clustering) -> dict[int, float]:
    """Each record's best match probability among the pairs that linked it."""
    best: dict[int, float] = {}
    for a, b, p, st in zip(
        pairs["record_a"].astype("int64").tolist(),
        pairs["record_b"].astype("int64").tolist(),
        pairs["match_probability"].astype("float64").tolist(),
        clustering.status,
        strict=True,
    ):
        if st == "linked":
            if p > best.get(a, 0.0):
                best[a] = p
            if p > best.get(b, 0.0):
                best[b] = p
    return best


WRITE_BATCH = 100_000  # scored pairs serialised and inserted at a time
PAIR_COLUMNS = (
    "run_id",
    "record_a",
    "record_b",
    "match_weight",
    "match_probability",
    "evidence",
    "status",
    "reason",
    "priority",
)


def write_pairs(
    session: Any, run_id: int, pairs: pd.DataFrame, clustering: Clustering, model: dict[str, Any]
) -> int:
    """Insert the pairs worth keeping (linked, queued, decided, rejected-in-band).

    Through the driver's bulk path (:func:`habeas.store.bulk.insert_tuples`), the
    evidence serialised as SQLAlchemy's JSON type would (``json.dumps``).
    """
    status, reason = clustering.status, clustering.reason
    keep = [
        i for i, (st, why) in enumerate(zip(status, reason, strict=True)) if st != "rejected" or why
    ]
    if not keep:
        return 0
    # Only a queued pair's priority is stored: computed for those alone.
    queued = [i for i in keep if status[i] == "queued"]
    prio = dict(
        zip(
            queued,
            priorities(
                Clustering(
                    cluster_of=clustering.cluster_of,
                    status=[status[i] for i in queued],
                    reason=[reason[i] for i in queued],
                ),
                pairs.iloc[queued],
            ),
            strict=True,
        )
    )
    weights = mdl.level_weights(model)
    # In batches: a million pairs' evidence text and row tuples need not be held at once.
    for start in range(0, len(keep), WRITE_BATCH):
        batch = keep[start : start + WRITE_BATCH]
        kept = pairs.iloc[batch]
        evidence = mdl.evidence_json(kept, weights)
        rows = [
            (
                run_id,
                a,
                b,
                w,
                p,
                ev,
                status[i],
                reason[i],
                prio.get(i, 0.0),
            )
            for i, a, b, w, p, ev in zip(
                batch,
                kept["record_a"].astype("int64").tolist(),
                kept["record_b"].astype("int64").tolist(),
                kept["match_weight"].astype("float64").tolist(),
                kept["match_probability"].astype("float64").tolist(),
                evidence,
                strict=True,
            )
        ]
        insert_tuples(
            session.connection(),
            ScoredPair.__table__,
            PAIR_COLUMNS,
            rows,
            ready={"evidence", "match_weight", "match_probability", "priority"},  # floats already
        )
    return len(keep)
