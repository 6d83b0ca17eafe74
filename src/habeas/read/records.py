"""Records as a reader may see them (``habeas records``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from habeas.access.reader import Reader, Withheld
from habeas.audit.reads import log_read
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import Record


@dataclass(frozen=True)
class VisibleRecords:
    """Export-shaped rows (:func:`habeas.store.queries.iter_records`: one ``id_<type>``
    column per identifier type) and what was withheld."""

    rows: list[dict[str, Any]]
    withheld: Withheld


def list_records(
    store: Store, *, reader: Reader, source_title: str | None = None, limit: int = 50
) -> VisibleRecords:
    """The first ``limit`` records ``reader`` may view (of one source), what was withheld,
    and one audit entry when restricted records were shown."""
    levels = reader.levels("view")
    withheld = Withheld()
    with store.read() as s:
        query = select(Record.sensitivity, func.count()).group_by(Record.sensitivity)
        if source_title is not None:
            query = query.where(Record.source_id == queries.source_by_title(s, source_title).id)
        for level, n in s.execute(query):
            if level not in levels:
                withheld.add("records", level, reader.why_not(level) or "level", n)
        ids_levels: dict[int, str] = {}
        rows = list(queries.iter_records(store, source_title, limit=limit, levels=levels))
        for chunk_start in range(0, len(rows), 900):
            chunk = [r["record"] for r in rows[chunk_start : chunk_start + 900]]
            ids_levels.update(
                s.execute(select(Record.id, Record.sensitivity).where(Record.id.in_(chunk))).all()
            )
    log_read(
        store,
        reader,
        "record",
        None,
        action="view",
        shown=Counter(ids_levels.values()),
        withheld=withheld,
        detail={"records": sorted(ids_levels)[:1000], "source": source_title},
    )
    return VisibleRecords(rows, withheld)
