"""Which pairs of the review queue a reader may see, and so decide.

A pair shows two records side by side (names, documents, every column as the
source wrote it), so it is shown — and may be decided — only when the reader
may see **both** records at their sensitivity (:meth:`habeas.access.reader.Reader.why_not`,
the one policy): with a purpose for ``restricted`` and ``witness_protected``
records, whose reads are written to the read audit (:mod:`habeas.audit.reads`).
Pairs kept back are counted in a :class:`habeas.access.reader.Withheld`
(kind ``pairs``), never passed off as an empty queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from habeas.access import policy
from habeas.access.levels import levels_of
from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader, Withheld
from habeas.linkage import review_order
from habeas.store.db import Store
from habeas.store.schema import Record
from habeas.store.schema_linkage import ScoredPair


class PairWithheld(PermissionDenied):
    """A pair holds a record the reader may not see: not cleared (``reason`` ``level``)
    or no purpose stated (``purpose``)."""

    def __init__(self, record_a: int, record_b: int, level: str, reason: str) -> None:
        self.record_a, self.record_b, self.level, self.reason = record_a, record_b, level, reason
        need = "a stated purpose" if reason == "purpose" else "a role cleared for that level"
        super().__init__(
            "read_identities",
            None,
            f"Records {record_a} and {record_b} include one at sensitivity "
            f"{level}; showing or deciding the pair needs {need}.",
        )


@dataclass(frozen=True)
class VisibleQueue:
    """The queued pairs a reader may see, in queue order, and those kept back."""

    pair_ids: list[int]
    levels: dict[int, tuple[str, str]]  # pair id -> (level of record a, of record b)
    withheld: Withheld
    priority: dict[int, float] = field(default_factory=dict)  # as ordered (review_order)

    def position(self, pair_id: int) -> int | None:
        """1-based place of the pair among the visible queued pairs (None: not queued)."""
        try:
            return self.pair_ids.index(pair_id) + 1
        except ValueError:
            return None


def pair_level(level_a: str, level_b: str) -> str:
    return policy.highest(level_a, level_b)


def visible_queue(s: Session, reader: Reader, action: str = "view") -> VisibleQueue:
    """Every queued pair, split into those ``reader`` may see and the withheld count,
    in queue order (:func:`habeas.linkage.review_order.order`)."""
    ra, rb = aliased(Record), aliased(Record)
    rows = s.execute(
        select(
            ScoredPair.id,
            ScoredPair.priority,
            ScoredPair.reason,
            ScoredPair.match_probability,
            ra.sensitivity,
            rb.sensitivity,
        )
        .join(ra, ra.id == ScoredPair.record_a)
        .join(rb, rb.id == ScoredPair.record_b)
        .where(ScoredPair.status == "queued")
    ).all()
    ordered, priority = review_order.order(
        s, [(i, prio, why, p) for i, prio, why, p, _a, _b in rows]
    )
    sensitivity = {row[0]: (row[4], row[5]) for row in rows}
    withheld = Withheld()
    ids: list[int] = []
    levels: dict[int, tuple[str, str]] = {}
    for pid in ordered:
        la, lb = sensitivity[pid]
        level = pair_level(la, lb)
        reason = reader.why_not(level, action)
        if reason is None:
            ids.append(pid)
            levels[pid] = (la, lb)
        else:
            withheld.add("pairs", level, reason)
    return VisibleQueue(ids, levels, withheld, priority)


def check_records(
    s: Session, reader: Reader, a: int, b: int, action: str = "view"
) -> tuple[str, str]:
    """The two records' levels; :class:`PairWithheld` when the reader may not see both."""
    found = levels_of(s, "record", [a, b])
    la, lb = found.get(a, policy.RESTRICTED), found.get(b, policy.RESTRICTED)
    level = pair_level(la, lb)
    reason = reader.why_not(level, action)
    if reason is not None:
        raise PairWithheld(a, b, level, reason)
    return la, lb


def log_pairs_read(
    store: Store,
    reader: Reader,
    pairs: Iterable[tuple[int | None, int, int]],
    levels: Iterable[tuple[str, str]],
    *,
    action: str = "view",
    withheld: Withheld | None = None,
) -> bool:
    """Write the read audit for review pairs shown (``(pair id, record a, record b)``)
    when one of their records is restricted or witness-protected."""
    from habeas.audit.reads import log_read

    pairs = list(pairs)
    shown: Counter[str] = Counter()
    for la, lb in levels:
        shown[la] += 1
        shown[lb] += 1
    return log_read(
        store,
        reader,
        "record",
        None,
        action=action,
        shown=shown,
        withheld=withheld,
        detail={
            "view": "review",
            "pairs": [p for p, _, _ in pairs],
            "records": sorted({r for _, a, b in pairs for r in (a, b)}),
        },
    )
