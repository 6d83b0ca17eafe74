"""The review queue: people decide the pairs the model is unsure of; their word binds.

* :func:`queue` lists queued pairs, highest ``priority`` first: the record pairs
  a decision is expected to join or separate, learning from the decisions made
  (:mod:`habeas.linkage.review_order`).
* :func:`decide` records a decision (``same`` / ``different`` / ``unsure``)
  and applies it at once, in the same operation (one change-log entry):
  ``same`` on records of two persons re-clusters the records of both with the
  stored pair scores and every human decision, the new one binding (the two
  records end in one person, and so does everything the pairs join to them;
  a record wrongly attached to one of the persons does not drag its whole
  person along: what a later full run would make of them);
  ``different`` on two records of one person re-clusters that person's
  records the same way (the part with most records keeps the id, the rest
  become new persons); ``unsure``
  only takes the pair out of the queue. A later decision on the same pair
  supersedes the earlier one (both kept). Every later run honours decisions:
  ``same`` is a must-link, ``different`` a cannot-link.
* :func:`undo` reverses a decision with a new one (``undone``, logged): the
  pair returns to the queue, the records it merged or split are re-clustered
  with the stored scores and the remaining decisions, and later runs no longer
  bind the pair.
* :func:`export_decisions` / :func:`import_decisions` (:mod:`habeas.linkage.review_csv`):
  the queue (and past decisions) as CSV for a spreadsheet, and back. Import
  validates every row first and applies all rows or none.

How a decision re-cuts the persons it touches is :mod:`habeas.linkage.review_recut`.

Every function that shows or decides pairs takes the ``reader`` (a
:class:`habeas.access.reader.Reader`): a pair is shown and may be decided only
when the reader may see both records (:mod:`habeas.linkage.review_access`); the
rest is counted as withheld, and reads of restricted records are audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.errors import NotFound, UsageError
from habeas.linkage import review_order
from habeas.linkage.apply import now
from habeas.linkage.review_access import check_records, log_pairs_read, visible_queue
from habeas.linkage.review_recut import apply_decision, current_links, person_records, recut, settle
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import ReviewDecision, ScoredPair

DECISIONS = ("same", "different", "unsure")
#: The stored decision of :func:`undo`: binds nothing, the pair is queued again.
UNDONE = "undone"
#: Words a reviewer may type for a decision (English and Spanish).
DECISION_WORDS = {
    "same": "same",
    "different": "different",
    "unsure": "unsure",
    "misma": "same",
    "distinta": "different",
    "dudosa": "unsure",
}


def normalise_decision(word: str) -> str:
    """``same`` / ``different`` / ``unsure`` from an English or Spanish word
    (misma / distinta / dudosa); :class:`UsageError` for anything else."""
    key = (word or "").strip().lower()
    if key not in DECISION_WORDS:
        raise UsageError(f"Decision must be one of {', '.join(DECISION_WORDS)}, not {word!r}.")
    return DECISION_WORDS[key]


def describe_records(s: Session, record_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each record as a reviewer sees it beside its pair: name, date of birth, source,
    current person (keyed by record id; a record id not in the store is absent)."""
    rows = s.execute(
        select(
            Record.id,
            Record.record_key,
            Record.full_name,
            Record.dob_earliest,
            Record.dob_latest,
            Source.title,
            Link.person_id,
        )
        .join(Source, Source.id == Record.source_id)
        .join(Link, (Link.record_id == Record.id) & Link.superseded_at.is_(None))
        .where(Record.id.in_(record_ids))
    ).all()
    out = {}
    for rid, key, name, lo, hi, title, pid in rows:
        dob = "" if lo is None else lo.isoformat() if lo == hi else f"{lo}..{hi}"
        out[rid] = {
            "record": rid,
            "record_id": key,
            "name": name or "",
            "dob": dob,
            "source": title,
            "person_id": pid,
        }
    return out


def _pair_dict(s: Session, p: ScoredPair) -> dict[str, Any]:
    info = describe_records(s, [p.record_a, p.record_b])
    return {
        "pair_id": p.id,
        "record_a": p.record_a,
        "record_b": p.record_b,
        "a": info.get(p.record_a, {}),
        "b": info.get(p.record_b, {}),
        "match_probability": round(p.match_probability, 4),
        "match_weight": round(p.match_weight, 3),
        "status": p.status,
        "reason": p.reason,
        "priority": round(p.priority, 3),
        "evidence": p.evidence,
    }


@dataclass
class ReviewQueue:
    """The queued pairs a reader may see (at most ``limit``), how many they may see in
    all, and the queued pairs kept back from them."""

    pairs: list[dict[str, Any]]
    count: int
    withheld: Withheld = field(default_factory=Withheld)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def queue(store: Store, limit: int = 50, *, reader: Reader) -> ReviewQueue:
    """Queued pairs ``reader`` may see, the decision that resolves most first (read-audited)."""
    with store.read() as s:
        visible = visible_queue(s, reader)
        shown = visible.pair_ids[: max(0, limit)]
        found = (
            {
                p.id: p
                for p in s.execute(select(ScoredPair).where(ScoredPair.id.in_(shown))).scalars()
            }
            if shown
            else {}
        )
        pairs = [
            {
                **_pair_dict(s, found[pid]),
                "priority": round(visible.priority.get(pid, found[pid].priority), 3),
                "position": n,
            }
            for n, pid in enumerate(shown, start=1)
        ]
    log_pairs_read(
        store,
        reader,
        [(p["pair_id"], p["record_a"], p["record_b"]) for p in pairs],
        [visible.levels[p["pair_id"]] for p in pairs],
    )
    return ReviewQueue(pairs, len(visible.pair_ids), visible.withheld)


def pending_count(store: Store, source_ids: list[int] | None = None) -> int:
    """Queued (undecided) pairs, only those with a record on ``source_ids`` if given.

    Each such decision may merge or split persons, so counts built on those
    sources (e.g. estimates) may change once the queue is worked through.
    """
    q = select(func.count()).select_from(ScoredPair).where(ScoredPair.status == "queued")
    if source_ids is not None:
        on_sources = select(Record.id).where(Record.source_id.in_(source_ids))
        q = q.where(ScoredPair.record_a.in_(on_sources) | ScoredPair.record_b.in_(on_sources))
    with store.read() as s:
        return int(s.execute(q).scalar() or 0)


def show(store: Store, pair_id: int, *, reader: Reader) -> dict[str, Any]:
    """One scored pair with both records side by side and the per-field evidence.

    Refused (:class:`habeas.linkage.review_access.PairWithheld`) when the reader may
    not see both records; ``position`` is its place in the reader's queue."""
    with store.read() as s:
        p = s.get(ScoredPair, pair_id)
        if p is None:
            raise NotFound(f"No scored pair {pair_id}.")
        levels = check_records(s, reader, p.record_a, p.record_b)
        out = _pair_dict(s, p)
        out["position"] = visible_queue(s, reader).position(p.id) if p.status == "queued" else None
    log_pairs_read(store, reader, [(p.id, p.record_a, p.record_b)], [levels])
    return out


def explain(store: Store, person_id: int) -> list[dict[str, Any]]:
    """Why a person's records were joined: the linking pairs and human decisions."""
    with store.read() as s:
        records = list(
            s.execute(
                select(Link.record_id).where(
                    Link.person_id == person_id, Link.superseded_at.is_(None)
                )
            ).scalars()
        )
        if not records:
            raise NotFound(f"Person {person_id} has no records.")
        # The status is checked here, not in SQL: given a status condition, SQLite
        # (without statistics) walks the status index — every linked pair — instead of
        # the few pairs of these records.
        pairs = [
            p
            for p in s.execute(
                select(ScoredPair)
                .where(ScoredPair.record_a.in_(records), ScoredPair.record_b.in_(records))
                .order_by(ScoredPair.match_weight.desc())
            ).scalars()
            if p.status in ("linked", "decided")
        ]
        decisions = {
            (d.record_a, d.record_b): d
            for d in s.execute(
                select(ReviewDecision).where(
                    ReviewDecision.record_a.in_(records),
                    ReviewDecision.superseded_at.is_(None),
                    ReviewDecision.decision != UNDONE,
                )
            ).scalars()
        }
        out = []
        for p in pairs:
            item = _pair_dict(s, p)
            d = decisions.pop((p.record_a, p.record_b), None)
            item["decision"] = (
                None
                if d is None
                else {"decision": d.decision, "reviewer": d.reviewer, "note": d.note}
            )
            out.append(item)
        for (a, b), d in decisions.items():
            if b in records:
                out.append(
                    {
                        "pair_id": None,
                        "record_a": a,
                        "record_b": b,
                        "evidence": {},
                        "decision": {
                            "decision": d.decision,
                            "reviewer": d.reviewer,
                            "note": d.note,
                        },
                    }
                )
        return out


def find_pair(s: Session, pair: int | tuple[int, int]) -> tuple[int, int, ScoredPair | None]:
    """The two record ids (lower first) of a pair given by scored-pair id or by record ids,
    and its latest scored pair (``None`` for two records never scored together)."""
    if isinstance(pair, tuple):
        a, b = sorted((int(pair[0]), int(pair[1])))
        found = s.execute(
            select(ScoredPair)
            .where(ScoredPair.record_a == a, ScoredPair.record_b == b)
            .order_by(ScoredPair.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        for rid in (a, b):
            if s.get(Record, rid) is None:
                raise NotFound(f"No record {rid}.")
        return a, b, found
    p = s.get(ScoredPair, int(pair))
    if p is None:
        raise NotFound(f"No scored pair {pair}.")
    return p.record_a, p.record_b, p


def record_decision(
    s: Session, a: int, b: int, p: ScoredPair | None, decision: str, reviewer: str, note: str | None
) -> ReviewDecision:
    """Store a decision on the pair ``a``, ``b``: the pair's earlier decision is superseded
    and its scored pairs are taken out of the queue (``decided``)."""
    if decision not in (*DECISIONS, UNDONE):
        raise UsageError(f"Decision must be one of {', '.join(DECISIONS)}, not {decision!r}.")
    if a == b:
        raise UsageError("A pair needs two different records.")
    at = now()
    s.execute(
        update(ReviewDecision)
        .where(
            ReviewDecision.record_a == a,
            ReviewDecision.record_b == b,
            ReviewDecision.superseded_at.is_(None),
        )
        .values(superseded_at=at)
    )
    position = None
    if p is not None:
        if p.status == "queued":
            position = review_order.position(s, p.id)
        s.execute(
            update(ScoredPair)
            .where(
                ScoredPair.record_a == a,
                ScoredPair.record_b == b,
                ScoredPair.status.in_(("queued", "linked", "rejected")),
            )
            .values(status="decided")
        )
    d = ReviewDecision(
        record_a=a,
        record_b=b,
        decision=decision,
        reviewer=reviewer,
        note=note,
        decided_at=at,
        pair_id=None if p is None else p.id,
        position=position,
    )
    s.add(d)
    return d


def read_detail(reader: Reader, levels: tuple[str, str]) -> dict[str, Any]:
    """Who decided, for what purpose, seeing records at which levels (in the log entry)."""
    return {
        "read": {
            "role": reader.role,
            "face": reader.face,
            "purpose": reader.purpose,
            "levels": list(levels),
        }
    }


def decide(
    store: Store,
    pair: int | tuple[int, int],
    decision: str,
    *,
    reader: Reader,
    reviewer: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record a decision on a pair (a scored pair id, or two record ids) and apply it.

    Refused (:class:`habeas.linkage.review_access.PairWithheld`, nothing written) when
    the reader may not see both records. The result names both records (``a``, ``b``:
    name, source, record id) for the confirmation, and its ``decision_id`` is what
    :func:`undo` takes."""
    policy.require(reader.role, "review")
    reviewer = reviewer or reader.user
    decision = normalise_decision(decision)
    with store.write(reviewer) as op:
        a, b, p = find_pair(op.session, pair)
        levels = check_records(op.session, reader, a, b)
        d = record_decision(op.session, a, b, p, decision, reviewer, note)
        op.session.flush()
        detail = apply_decision(store, op.session, a, b, decision, reviewer)
        detail["settled"] = settle(op.session, a, b, decision)
        op.log(
            "review",
            "review_decision",
            d.id,
            {
                "record_a": a,
                "record_b": b,
                "decision": decision,
                "note": note,
                **detail,
                **read_detail(reader, levels),
            },
        )
        info = describe_records(op.session, [a, b])
    return {
        "decision_id": d.id,
        "record_a": a,
        "record_b": b,
        "decision": decision,
        "a": info.get(a, {}),
        "b": info.get(b, {}),
        **detail,
    }


def undo(
    store: Store,
    decision_id: int,
    *,
    reader: Reader,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Reverse a decision with a new one (``undone``): the pair is queued again, the
    records the decision merged or split are re-clustered with the stored pair scores
    and the remaining decisions, and later runs no longer bind the pair.

    Only the current decision of a pair can be undone (a superseded one already
    was replaced); refused like :func:`decide` when the reader may not see both records."""
    policy.require(reader.role, "review")
    reviewer = reviewer or reader.user
    with store.write(reviewer) as op:
        s = op.session
        old = s.get(ReviewDecision, int(decision_id))
        if old is None:
            raise NotFound(f"No review decision {decision_id}.")
        if old.superseded_at is not None:
            raise UsageError(f"Decision {decision_id} was already replaced by a later one.")
        if old.decision == UNDONE:
            raise UsageError(f"Decision {decision_id} is itself an undo.")
        a, b = old.record_a, old.record_b
        levels = check_records(s, reader, a, b)
        _, _, p = find_pair(s, (a, b))
        d = record_decision(
            s, a, b, None, UNDONE, reviewer, note or f"undo of decision {old.id} ({old.decision})"
        )
        d.pair_id = None if p is None else p.id
        if p is not None:
            s.execute(update(ScoredPair).where(ScoredPair.id == p.id).values(status="queued"))
        s.flush()
        detail: dict[str, Any] = {"merges": [], "splits": []}
        if old.decision in ("same", "different"):
            records = {a, b}
            for person, _method in current_links(s, [a, b]).values():
                if person is not None:
                    records |= set(person_records(s, person))
            detail = recut(store, s, sorted(records), reviewer)
        op.log(
            "review_undo",
            "review_decision",
            d.id,
            {
                "record_a": a,
                "record_b": b,
                "undoes": old.id,
                "was": old.decision,
                "note": d.note,
                **detail,
                **read_detail(reader, levels),
            },
        )
        info = describe_records(s, [a, b])
    return {
        "decision_id": d.id,
        "undoes": old.id,
        "was": old.decision,
        "record_a": a,
        "record_b": b,
        "pair_id": None if p is None else p.id,
        "a": info.get(a, {}),
        "b": info.get(b, {}),
        **detail,
    }
