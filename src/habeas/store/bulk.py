"""Many rows at once, through the database driver: ``COPY`` on PostgreSQL, ``executemany``
on SQLite.

SQLAlchemy compiles parameters row by row; for the hundreds of thousands of rows
an import or a linkage run writes, that cost more than the database's own work.
These helpers take the rows as the driver wants them and keep the guarantees of
the caller's transaction (they run on its connection: a failure rolls everything
back). Values go through each column type's own bind processor (dates, JSON,
encrypted fields), so what is stored is exactly what SQLAlchemy would store.

``PORTABLE`` (tests only) routes everything through plain SQLAlchemy Core
statements instead, the reference the fast paths are checked against.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import bindparam, insert, text
from sqlalchemy.types import UserDefinedType

PORTABLE = False  # tests set it to compare the bulk paths with SQLAlchemy Core

#: The columns of a ``link`` row in the order the bulk writers (import, linkage) give them.
LINK_COLUMNS = (
    "record_id",
    "person_id",
    "method",
    "score",
    "decided_by",
    "decided_at",
    "superseded_at",
)


def _postgres(conn: Any) -> bool:
    return bool(conn.dialect.name == "postgresql")


def driver_value(conn: Any, table: Any, column: str, value: Any) -> Any:
    """``value`` as the driver receives it for ``table.column`` (its bind processor applied).

    For a value repeated on every row (a timestamp, an actor): process it once.
    """
    if value is None:
        return None
    proc = table.c[column].type._cached_bind_processor(conn.dialect)
    return value if proc is None else proc(value)


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows (dicts with the same keys), each value through its bind processor."""
    if not rows:
        return
    columns = list(rows[0])
    insert_tuples(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def insert_tuples(
    conn: Any,
    table: Any,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ready: Collection[str] = (),
) -> None:
    """INSERT rows given as tuples in the order of ``columns``.

    Values go through their column's bind processor, except in the ``ready``
    columns, which already hold what the driver takes (:func:`driver_value`, or
    JSON already serialised as :func:`json.dumps` would): a value repeated on
    every row, or text built faster in bulk, is then not processed row by row.
    """
    if not rows:
        return
    if PORTABLE:
        statement = insert(table).values(
            {c: bindparam(c, type_=_AsGiven()) if c in ready else bindparam(c) for c in columns}
        )
        conn.execute(statement, [dict(zip(columns, r, strict=True)) for r in rows])
        return
    todo = [
        (i, proc)
        for i, c in enumerate(columns)
        if c not in ready
        and (proc := table.c[c].type._cached_bind_processor(conn.dialect)) is not None
    ]
    if todo:
        rows = [_processed(row, todo) for row in rows]
    names = ", ".join(columns)
    if _postgres(conn):
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([marker] * len(columns))})"
    conn.exec_driver_sql(sql, list(rows))


class _AsGiven(UserDefinedType[Any]):
    """A bound value passed to the driver as it is (the portable path's ``ready`` columns)."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "TEXT"


def _processed(row: Sequence[Any], todo: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(row)
    for i, proc in todo:
        if values[i] is not None:
            values[i] = proc(values[i])
    return tuple(values)


def allocate_ids(conn: Any, table: str, n: int) -> list[int]:
    """Reserve ``n`` primary keys for a bulk insert without RETURNING (much faster).

    PostgreSQL draws them from the table's sequence (safe under concurrency);
    SQLite continues after the largest id, which is safe because writers hold
    the database's write lock for the whole transaction (BEGIN IMMEDIATE).
    """
    if n <= 0:
        return []
    if _postgres(conn):
        return list(
            conn.execute(
                text(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            ).scalars()
        )
    start = (conn.execute(text(f"SELECT max(id) FROM {table}")).scalar() or 0) + 1
    return list(range(start, start + n))


#: SQLite's page cache (KiB) while a bulk write runs: its default, 2 MiB, makes every
#: insert into an index larger than that (a million links by person, pairs by
#: record) read its pages again from the file.
BULK_CACHE_KIB = 256 * 1024


@contextmanager
def large_cache(conn: Any) -> Iterator[None]:
    """On SQLite, a page cache of :data:`BULK_CACHE_KIB` for this connection meanwhile,
    and a second thread for its sorter (a large ``ORDER BY`` is sorted in parallel runs).
    Neither touches durability: the commit is as safe as any other."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    threads = conn.exec_driver_sql("PRAGMA threads").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    conn.exec_driver_sql("PRAGMA threads = 1")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
        conn.exec_driver_sql(f"PRAGMA threads = {int(threads)}")


@contextmanager
def id_table(conn: Any, name: str, ids: Sequence[int]) -> Iterator[str]:
    """A temporary one-column table (``id``) holding ``ids``, for set-based UPDATEs.

    Yields the name to use in SQL; the table is dropped afterwards (or rolled back
    with the transaction).
    """
    if _postgres(conn):
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} (id bigint) ON COMMIT DROP")
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {name} (id) FROM STDIN") as copy:
            for i in ids:
                copy.write_row((i,))
        conn.exec_driver_sql(f"ANALYZE {name}")
    else:
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO {name} (id) VALUES (?)", [(i,) for i in ids])
    yield name
    # Not on failure: the transaction's rollback removes it (and PostgreSQL would refuse
    # any statement in an aborted transaction, hiding the error that aborted it).
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
