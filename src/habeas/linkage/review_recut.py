"""A review decision applied to the persons: the records it touches are re-clustered.

:func:`apply_decision` merges or splits persons so the current links agree with a
decision, by re-clustering (:func:`recut`) the records of the persons involved with
their stored pair scores and every human decision among them, the new one binding.
:func:`settle` then takes out of the queue the pairs the decision settled. Used by
:mod:`habeas.linkage.review` (one decision, and its undo) and
:mod:`habeas.linkage.review_csv` (a spreadsheet of decisions), inside their write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from habeas.linkage.apply import reassign
from habeas.linkage.cluster import cluster
from habeas.linkage.features import load_features
from habeas.linkage.model import CAUTION_REASONS
from habeas.linkage.run import DEFAULT_REVIEW_BAND, DEFAULT_THRESHOLD
from habeas.store.db import Store
from habeas.store.schema import Link
from habeas.store.schema_linkage import LinkageRun, ReviewDecision, ScoredPair


def current_links(s: Session, record_ids: list[int]) -> dict[int, tuple[int | None, str]]:
    rows = s.execute(
        select(Link.record_id, Link.person_id, Link.method).where(
            Link.record_id.in_(record_ids), Link.superseded_at.is_(None)
        )
    ).all()
    return {r: (p, m) for r, p, m in rows}


def person_records(s: Session, person_id: int) -> list[int]:
    return list(
        s.execute(
            select(Link.record_id).where(Link.person_id == person_id, Link.superseded_at.is_(None))
        ).scalars()
    )


def apply_decision(
    store: Store, s: Session, a: int, b: int, decision: str, actor: str
) -> dict[str, Any]:
    """Merge or split persons so the current links agree with the decision."""
    cur = current_links(s, [a, b])
    pa, pb = cur[a][0], cur[b][0]
    if decision == "same" and pa != pb:
        assert pa is not None and pb is not None
        # Not the two persons merged whole: a person may hold a record of someone else
        # (the pair this decision answers was queued because it did not fit), and a
        # wholesale merge would join that someone else's records too. Re-clustered, the
        # decision binds and every other record goes where its pairs take it.
        records = sorted(set(person_records(s, pa)) | set(person_records(s, pb)))
        return recut(store, s, records, actor)
    if decision == "different" and pa == pb:
        assert pa is not None
        records = sorted(person_records(s, pa))
        return recut(store, s, records, actor)
    return {"merges": [], "splits": []}


def settle(s: Session, a: int, b: int, decision: str) -> int:
    """Take out of the queue the pairs this decision has settled; returns how many.

    After the decision, a queued pair whose two records now belong to one
    person is settled (``linked``); after a "different", so is a queued pair
    between the two persons (``rejected``: joining them would join records a
    human decided are different). Their reason says so.
    """
    cur = current_links(s, [a, b])
    pa, pb = cur[a][0], cur[b][0]
    records = person_records(s, pa) if pa is not None else []
    if pb != pa and pb is not None:
        records += person_records(s, pb)
    if len(records) < 2:
        return 0
    person = {r: p for r, (p, _m) in current_links(s, records).items()}
    # The status is filtered here, not in SQL: SQLite (without statistics) would walk
    # the status index, every linked pair, instead of the few pairs of these records.
    queued = [
        (pid, x, y)
        for pid, x, y, status in s.execute(
            select(
                ScoredPair.id, ScoredPair.record_a, ScoredPair.record_b, ScoredPair.status
            ).where(ScoredPair.record_a.in_(records), ScoredPair.record_b.in_(records))
        )
        if status == "queued"
    ]
    linked = [pid for pid, x, y in queued if person.get(x) == person.get(y)]
    rejected = [
        pid for pid, x, y in queued if decision == "different" and person.get(x) != person.get(y)
    ]
    for ids, status in ((linked, "linked"), (rejected, "rejected")):
        for start in range(0, len(ids), 900):
            s.execute(
                update(ScoredPair)
                .where(ScoredPair.id.in_(ids[start : start + 900]))
                .values(status=status, reason="settled by a decision")
            )
    return len(linked) + len(rejected)


def recut(store: Store, s: Session, records: list[int], actor: str) -> dict[str, Any]:
    """Re-cluster ``records`` (one person's, or two persons' after a "same") with their
    stored pairs and every decision among them."""
    import pandas as pd

    keep = set(records)
    frame = load_features(store, records)
    frame = frame[frame["unique_id"].isin(keep)]
    # A pair the model cautioned against (different given names, a generation apart)
    # stays a question for a reviewer when the person is re-cut, as in a run.
    rows = [
        (*row[:4], row[5] if row[5] in CAUTION_REASONS else None)
        for row in s.execute(
            select(
                ScoredPair.record_a,
                ScoredPair.record_b,
                ScoredPair.match_weight,
                ScoredPair.match_probability,
                ScoredPair.status,
                ScoredPair.reason,
            ).where(ScoredPair.record_a.in_(records), ScoredPair.record_b.in_(records))
        )
        if row[4] in ("linked", "queued", "decided", "rejected")
    ]
    pairs = pd.DataFrame(
        rows, columns=["record_a", "record_b", "match_weight", "match_probability", "caution"]
    )
    pairs = pairs.sort_values("match_weight", ascending=False).drop_duplicates(
        ["record_a", "record_b"]
    )
    decisions = s.execute(
        select(ReviewDecision.record_a, ReviewDecision.record_b, ReviewDecision.decision).where(
            ReviewDecision.superseded_at.is_(None),
            ReviewDecision.record_a.in_(records),
            ReviewDecision.record_b.in_(records),
        )
    ).all()
    params = _last_parameters(s)
    must = [(x, y) for x, y, d in decisions if d == "same"]
    cannot = [(x, y) for x, y, d in decisions if d == "different"]
    result = cluster(
        frame, pairs, threshold=params[0], review_low=params[1], must=must, cannot=cannot
    )
    changes = reassign(
        s,
        result.clusters().values(),
        current_links(s, records),
        actor=actor,
        method="human",
        rewrite_methods=frozenset(),
    )
    return changes.detail()


def _last_parameters(s: Session) -> tuple[float, float]:
    params = (
        s.execute(
            select(LinkageRun.parameters).order_by(LinkageRun.id.desc()).limit(1)
        ).scalar_one_or_none()
        or {}
    )
    band = params.get("review_band") or DEFAULT_REVIEW_BAND
    return float(params.get("threshold", DEFAULT_THRESHOLD)), float(band[0])
