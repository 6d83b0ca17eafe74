"""The change log filtered: reads or writes, by user, person, period and purpose.

Used by ``habeas log show`` and the administration page. Filters that the
database can answer (kind, user, entity, period, a purpose code) run in SQL;
"which entries concern person 42" also matches search entries whose detail
lists the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from habeas.errors import UsageError
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry

#: Actions that record a read (ours, and the file custody's ``view``/``export``).
READ_ACTIONS = ("read", "view", "export")
KINDS = ("read", "write")


@dataclass
class LogFilter:
    kind: str | None = None  # read or write
    user: str | None = None
    person: int | None = None
    since: str | None = None  # YYYY-MM-DD (inclusive)
    until: str | None = None  # YYYY-MM-DD (inclusive)
    purpose: str | None = None  # reads whose purpose starts with this (a code, e.g. audit)
    action: str | None = None
    entity: str | None = None
    before: int | None = None  # sequence number (paging, newest first)

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise UsageError(f"--kind must be read or write, not {self.kind!r}.")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise UsageError(f"--{name} must be YYYY-MM-DD, not {value!r}.") from None


@dataclass
class LogEntry:
    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    hash: str = ""

    @property
    def kind(self) -> str:
        return "read" if self.action in READ_ACTIONS else "write"

    @property
    def purpose(self) -> str | None:
        value = self.detail.get("purpose")
        return str(value) if value else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "kind": self.kind,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "purpose": self.purpose,
            "detail": self.detail,
            "hash": self.hash,
        }


def _where(query: Select[Any], f: LogFilter) -> Select[Any]:
    c = ChangeLogEntry
    if f.kind == "read":
        query = query.where(c.action.in_(READ_ACTIONS))
    elif f.kind == "write":
        query = query.where(c.action.not_in(READ_ACTIONS))
    if f.user:
        query = query.where(c.actor == f.user)
    if f.action:
        query = query.where(c.action == f.action)
    if f.entity:
        query = query.where(c.entity == f.entity)
    if f.since:
        query = query.where(c.at >= f.since)
    if f.until:
        query = query.where(c.at < (date.fromisoformat(f.until) + timedelta(days=1)).isoformat())
    if f.purpose:
        query = query.where(c.detail.contains(f'"purpose":"{f.purpose.strip()}', autoescape=True))
    if f.person is not None:
        pid = str(f.person)
        query = query.where(
            or_(
                (c.entity == "person") & (c.entity_id == pid),
                (c.entity.in_(("search", "dossier"))) & c.detail.contains(pid, autoescape=True),
            )
        )
    return query


def _matches_person(entry: LogEntry, person: int) -> bool:
    if entry.entity == "person":
        return entry.entity_id == str(person)
    persons = entry.detail.get("persons") or []
    return person in persons or entry.detail.get("person_id") == person


def log_entries(store: Store, f: LogFilter | None = None, limit: int = 50) -> list[LogEntry]:
    """The newest ``limit`` entries matching ``f`` (newest first)."""
    f = f or LogFilter()
    out: list[LogEntry] = []
    before = f.before
    with store.read() as s:
        while len(out) < limit:
            query = _where(select(ChangeLogEntry), f).order_by(ChangeLogEntry.seq.desc())
            if before is not None:
                query = query.where(ChangeLogEntry.seq < before)
            rows = list(s.execute(query.limit(limit * 2)).scalars())
            if not rows:
                break
            for e in rows:
                entry = LogEntry(
                    e.seq,
                    e.at,
                    e.actor,
                    e.action,
                    e.entity,
                    e.entity_id,
                    json.loads(e.detail),
                    e.hash,
                )
                if f.person is None or _matches_person(entry, f.person):
                    out.append(entry)
                    if len(out) == limit:
                        break
            before = rows[-1].seq
    return out


def count_entries(store: Store, f: LogFilter | None = None) -> int:
    """How many entries match the SQL part of ``f`` (person matches may overcount searches)."""
    with store.read() as s:
        return int(
            s.execute(
                _where(select(func.count()).select_from(ChangeLogEntry), f or LogFilter())
            ).scalar()
            or 0
        )
