"""The lists one can estimate from: sources with records at the levels a role may estimate.

A count per source, no personal data: it takes the levels
(:func:`habeas.access.policy.allowed` with ``estimate``), not a reader.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select

from habeas.store.db import Store
from habeas.store.schema import Record, Source


@dataclass(frozen=True)
class EstimableList:
    id: int
    title: str
    kind: str
    records: int


def estimable_lists(store: Store, levels: Collection[str]) -> list[EstimableList]:
    """Sources at ``levels`` with how many of their records are at ``levels``."""
    with store.read() as s:
        rows = s.execute(
            select(Source.id, Source.title, Source.kind, func.count(Record.id))
            .join(Record, Record.source_id == Source.id)
            .where(Source.sensitivity.in_(levels), Record.sensitivity.in_(levels))
            .group_by(Source.id, Source.title, Source.kind)
            .order_by(Source.id)
        ).all()
    return [EstimableList(int(i), t, kind, int(n)) for i, t, kind, n in rows]
