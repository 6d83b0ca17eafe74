"""Reading and raising the sensitivity of stored things (records, sources, files, incidents).

The read helpers answer "which level is each of these" in a few queries, for the
library functions that filter what a :class:`habeas.access.reader.Reader` sees.
:func:`raise_sensitivity` is the one way to change a level after the fact: it
only ever raises (a record above its source, a source and its records, a file,
an incident), as one logged change; lowering is not offered, because data that
was protected may already have been relied on as protected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from habeas.access import policy
from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.schema import Incident, Record, Source, StoredFile

_CHUNK = 900
ENTITIES: dict[str, Any] = {
    "record": Record,
    "source": Source,
    "file": StoredFile,
    "incident": Incident,
}


def _chunks(ids: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _levels_statement(entity: str) -> Any:
    model = ENTITIES[entity]
    key = model.sha256 if entity == "file" else model.id
    return select(key, model.sensitivity).where(key.in_(bindparam("ids", expanding=True)))


# built once: every page that filters by level runs these, and building a statement
# costs more Python than running it
_LEVELS = {entity: _levels_statement(entity) for entity in ENTITIES}
_PROTECTED = select(Record.id, Record.protected).where(
    Record.id.in_(bindparam("ids", expanding=True)), Record.protected.is_not(None)
)


def levels_of(session: Session, entity: str, ids: Iterable[Any]) -> dict[Any, str]:
    """id → sensitivity for ``entity`` (record, source, file, incident)."""
    statement = _LEVELS[entity]
    wanted = sorted(set(ids))
    found: dict[Any, str] = {}
    conn = session.connection()
    for chunk in _chunks(wanted):
        found.update(conn.execute(statement, {"ids": chunk}).all())
    return found


def protected_of(session: Session, record_ids: Iterable[int]) -> dict[int, str]:
    """record id → its sealed protected values (only records that have some)."""
    found: dict[int, str] = {}
    conn = session.connection()
    for chunk in _chunks(sorted(set(record_ids))):
        for rid, sealed in conn.execute(_PROTECTED, {"ids": chunk}):
            if sealed is not None:
                found[rid] = sealed
    return found


def raise_sensitivity(
    store: Store, entity: str, ident: str | int, level: str, *, actor: str | None = None
) -> dict[str, Any]:
    """Raise the level of one record, source (and its records and files), file or incident."""
    if entity not in ENTITIES:
        raise UsageError(
            f"Cannot set the sensitivity of {entity!r}; choose one of {', '.join(ENTITIES)}."
        )
    policy.check_level(level)
    with store.write(actor) as op:
        s = op.session
        key: Any = str(ident) if entity == "file" else int(ident)
        row = s.get(ENTITIES[entity], key)
        if row is None:
            raise NotFound(f"No {entity} {ident}.")
        before = row.sensitivity
        if policy.rank(level) < policy.rank(before):
            raise UsageError(
                f"The {entity} is {before}; levels are only raised, never lowered "
                "(protected data may already have been relied on as protected)."
            )
        row.sensitivity = level
        raised = {"records": 0, "files": 0}
        if entity == "source":
            for rec in s.execute(select(Record).where(Record.source_id == row.id)).scalars():
                if policy.rank(rec.sensitivity) < policy.rank(level):
                    rec.sensitivity = level
                    raised["records"] += 1
            from habeas.store.schema import SourceFile

            for stored in s.execute(
                select(StoredFile)
                .join(SourceFile, SourceFile.sha256 == StoredFile.sha256)
                .where(SourceFile.source_id == row.id)
            ).scalars():
                if policy.rank(stored.sensitivity) < policy.rank(level):
                    stored.sensitivity = level
                    raised["files"] += 1
        op.log("sensitivity", entity, key, {"from": before, "to": level, **raised})
    return {"entity": entity, "id": key, "from": before, "to": level, **raised}


def visible_records(
    session: Session, record_ids: Iterable[int], reader: Any, withheld: Any, action: str = "view"
) -> dict[int, str]:
    """record id → level, for the records ``reader`` may reach; the others go to ``withheld``
    (a :class:`habeas.access.reader.Withheld`)."""
    return keep_visible(levels_of(session, "record", record_ids), reader, withheld, action)


def keep_visible(
    levels: Mapping[int, str], reader: Any, withheld: Any, action: str = "view"
) -> dict[int, str]:
    """:func:`visible_records` on levels the caller already read (record id → level):
    the same policy (``reader.why_not``), asked once per distinct level."""
    reasons: dict[str, str | None] = {}
    keep: dict[int, str] = {}
    for rid, level in levels.items():
        if level not in reasons:
            reasons[level] = reader.why_not(level, action)
        reason = reasons[level]
        if reason is None:
            keep[rid] = level
        else:
            withheld.add("records", level, reason)
    return keep
