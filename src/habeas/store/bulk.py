"""Many rows into one table at once, through the database driver's ``executemany``."""

from __future__ import annotations

from operator import itemgetter
from typing import Any


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver's executemany with positional tuples.

    Each value goes through its column type's own bind processor (dates, JSON),
    so what is stored is exactly what SQLAlchemy would store; skipping its
    per-row parameter compilation makes bulk imports several times faster.
    """
    if not rows:
        return
    columns = list(rows[0])
    processors = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    get = itemgetter(*columns)
    picked = [get(row) for row in rows]
    if len(columns) == 1:
        picked = [(value,) for value in picked]
    processed = [(i, proc) for i, proc in enumerate(processors) if proc is not None]
    if not processed:
        conn.exec_driver_sql(sql, picked)
        return
    params = []
    for values in picked:
        row = list(values)
        for i, proc in processed:
            if row[i] is not None:
                row[i] = proc(row[i])
        params.append(tuple(row))
    conn.exec_driver_sql(sql, params)
