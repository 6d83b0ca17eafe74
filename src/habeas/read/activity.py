"""The recent activity of the register: the newest change-log entries (part of the audit trail).

Who read which person, logins and tokens are in it, so only a reader holding the
``admin`` permission may see it (:func:`habeas.access.policy.require`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.access.reader import Reader
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry

RECENT = 15


@dataclass(frozen=True)
class Activity:
    seq: int
    at: str  # ISO 8601 UTC
    actor: str
    action: str
    entity: str
    entity_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def recent_activity(store: Store, *, reader: Reader, limit: int = RECENT) -> list[Activity]:
    """The newest ``limit`` change-log entries, newest first (``admin`` only)."""
    policy.require(reader.role, "admin")
    with store.read() as s:
        rows = s.execute(
            select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc()).limit(limit)
        ).scalars()
        return [Activity(e.seq, e.at, e.actor, e.action, e.entity, e.entity_id) for e in rows]
