"""The order of the review queue: the decision expected to change most comes first.

A reviewer's time is the queue's budget, so each queued pair is ranked by the
number of **record pairs** its decision is expected to join or separate — what
pairwise precision and recall count — using only what habeas knows (the model's
probability, why the pair was queued, the persons it sits between, and the
decisions already made), never the truth:

* a pair between two persons of ``n`` and ``m`` records: a "same" joins
  ``n × m`` record pairs, a "different" changes nothing (they are apart
  already). Expected change ``q × n × m``;
* a pair inside one person of ``n`` records: a "different" splits it, moving at
  least one record away from the ``n − 1`` others. Expected change
  ``(1 − q) × (n − 1)``;
* ``q``, the chance of a "same", is the model's probability where the model is
  what queued the pair (the review band), and field knowledge where a rule did
  (:data:`PRIOR_SAME`): two different valid numbers of one document type
  (``conflict``) are rarely one person, one valid number on both records
  (``same document``) usually is, and the cautions (completely different given
  names, a generation apart) are kept apart because relatives look like that. A
  bare name that fits ``k`` persons about equally (``ambiguous``) is at most one
  of them: ``p / k``;
* a small term, largest at ``q = ½``, orders otherwise equal pairs by the
  uncertainty a decision removes.

**The queue learns from its decisions.** The reviewers' answers so far are
compared, per class of pair, with what ``q`` expected
(:func:`calibration`): if conflicts turn out to be one person more often than
the prior says (a register whose clerks mistype numbers), every queued
conflict moves up, and down when they are almost never. A class is the kind
of reason and whether a "same" joins one record pair or several
(:func:`family`). The class's rate of "same" is estimated as (observed "same" +
c × expected rate) ÷ (answers + c), c = :data:`CALIBRATION_STRENGTH` decisions
at the prior's rate, and the pairs of the class are scaled by that over the
expected rate. It is applied when the queue is read (:func:`order`), so a
decision reorders the queue at once.

The sizes are those of the run that queued the pairs: a decision's merge or
split is not fed back into the priorities of the pairs around it. Doing so was
measured (the synthetic 3,000-person case, 500 decisions) and did worse: after a
"same", the other candidates of the bare name just placed, and the pairs between
the grown person and its look-alikes, rose to the top, and reviewers mostly
answered "different" to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import select

from habeas.linkage.model import CAUTION_REASONS
from habeas.store.schema_linkage import ReviewDecision, ScoredPair

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from habeas.linkage.cluster import Clustering

#: The chance of a "same" where a rule, not the model's probability, queued the pair.
PRIOR_SAME = {"conflict": 0.05, "same document": 0.9, "caution": 0.1}
#: Decisions' worth of the prior in :func:`calibration`: the class's rate of "same" is
#: taken as (observed "same" + c × expected rate) ÷ (answers + c).
CALIBRATION_STRENGTH = 5.0
#: Weight of the uncertainty term q(1 − q) that orders otherwise equal pairs.
UNCERTAINTY = 0.05
#: Record pairs a "same" joins above which a pair counts as between two persons of
#: several records, in :func:`calibration`.
SEVERAL = 1.5


def kind(reason: str | None) -> str:
    """The family of a queue reason: conflict, same document, caution, ambiguous, band."""
    why = reason or "band"
    if why.startswith("conflict"):
        return "conflict"
    if why in CAUTION_REASONS:
        return "caution"
    if why in ("same document", "ambiguous"):
        return why
    return "band"


def expected_same(p: float, reason: str | None, alternatives: int = 1) -> float:
    """The chance a reviewer answers "same" (module doc), before any decision."""
    family = kind(reason)
    if family == "caution":
        return min(p, PRIOR_SAME["caution"])
    if family in PRIOR_SAME:
        return PRIOR_SAME[family]
    if family == "ambiguous":
        return p / max(alternatives, 1)
    return p


def value(q: float, same_person: bool, size_a: int, size_b: int) -> float:
    """Record pairs a decision is expected to join or separate, plus the tie term."""
    changed = (1.0 - q) * max(size_a - 1, 1) if same_person else q * size_a * size_b
    return changed + UNCERTAINTY * q * (1.0 - q)


def priorities(clustering: Clustering, pairs: pd.DataFrame) -> list[float]:
    """The priority of each of a run's pairs (``clustering.status`` / ``reason`` in
    the same order), for the queued ones; what :mod:`habeas.linkage.write` stores."""
    if not len(pairs):
        return []
    cluster_of = clustering.cluster_of
    sizes = Counter(cluster_of.values())
    rec_a = pairs["record_a"].astype("int64").tolist()
    rec_b = pairs["record_b"].astype("int64").tolist()
    probs = pairs["match_probability"].astype("float64").tolist()
    ambiguous: Counter[int] = Counter()
    for a, b, st, why in zip(rec_a, rec_b, clustering.status, clustering.reason, strict=True):
        if st == "queued" and why == "ambiguous":
            ambiguous.update((a, b))
    out = []
    for a, b, p, why in zip(rec_a, rec_b, probs, clustering.reason, strict=True):
        ra, rb = cluster_of[a], cluster_of[b]
        q = expected_same(p, why, max(ambiguous[a], ambiguous[b]))
        out.append(value(q, ra == rb, sizes[ra], sizes[rb]))
    return out


def family(reason: str | None, p: float, priority: float) -> str:
    """The class a pair's decisions are counted in: its reason's :func:`kind`, and
    whether a "same" would join one record pair or several (two persons of more than
    one record: the model kept them apart on more evidence than one pair's)."""
    q = expected_same(p, reason)
    joined = (priority - UNCERTAINTY * q * (1.0 - q)) / q if q > 0 else 1.0
    return f"{kind(reason)}/{'several' if joined > SEVERAL else 'one'}"


def calibration(s: Session) -> dict[str, float]:
    """Per :func:`family`, observed "same" answers ÷ the expected (module doc)."""
    rows = s.execute(
        select(
            ReviewDecision.decision,
            ScoredPair.reason,
            ScoredPair.match_probability,
            ScoredPair.priority,
        )
        .join(ScoredPair, ScoredPair.id == ReviewDecision.pair_id)
        .where(ReviewDecision.superseded_at.is_(None))
    ).all()
    same: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    expected: dict[str, float] = {}
    for decision, why, p, priority in rows:
        if decision not in ("same", "different"):
            continue
        group = family(why, float(p), float(priority))
        same[group] += decision == "same"
        answered[group] += 1
        expected[group] = expected.get(group, 0.0) + expected_same(float(p), why)
    out = {}
    for group, e in expected.items():
        prior = CALIBRATION_STRENGTH * e / answered[group]  # c decisions at the expected rate
        out[group] = (same[group] + prior) / (e + prior) if e > 0 else 1.0
    return out


def order(
    s: Session, rows: Sequence[tuple[int, float, str | None, float]]
) -> tuple[list[int], dict[int, float]]:
    """Pair ids of ``rows`` (id, stored priority, reason, probability) in queue order,
    and each one's priority after :func:`calibration` (ties: the lower id first)."""
    factor = calibration(s)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    score = np.array(
        [r[1] * factor.get(family(r[2], float(r[3]), r[1]), 1.0) for r in rows],
        dtype=np.float64,
    )
    ranked = np.lexsort((ids, -score)) if len(rows) else np.array([], dtype=np.int64)
    return [int(ids[i]) for i in ranked], {
        int(i): float(v) for i, v in zip(ids.tolist(), score.tolist(), strict=True)
    }


def position(s: Session, pair_id: int) -> int | None:
    """1-based place of a queued pair in the whole queue's order (None: not queued)."""
    rows = s.execute(
        select(
            ScoredPair.id, ScoredPair.priority, ScoredPair.reason, ScoredPair.match_probability
        ).where(ScoredPair.status == "queued")
    ).all()
    ordered, _ = order(s, [(pid, prio, why, p) for pid, prio, why, p in rows])
    try:
        return ordered.index(pair_id) + 1
    except ValueError:
        return None
