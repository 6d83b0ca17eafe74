"""The scale benchmark on PostgreSQL: a cached SQLite workspace cloned into a database.

Importing a million records a second time, on PostgreSQL, would cost as much as
the first import; the benchmark instead copies the imported (never linked)
SQLite workspace's rows, table by table, into a *pristine* PostgreSQL database
(``COPY``, the schema made by habeas' own migrations), once per cached case.
Each scale leg then gets a fresh database made from it
(``CREATE DATABASE … TEMPLATE``), and a workspace folder (the file store,
``log.head``) whose ``habeas.toml`` names that database. The rows are the same
bytes as in SQLite, so the change log still verifies.

Server: ``HABEAS_TEST_POSTGRES_URL`` (default ``postgres@127.0.0.1:5432/test``);
the benchmark creates and drops databases named ``habeas_bench_*`` on it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Databases the benchmark makes start with this (``HABEAS_BENCH_PG_PREFIX``: a run of
#: its own beside others on one server).
PREFIX = os.environ.get("HABEAS_BENCH_PG_PREFIX", "habeas_bench_")


def server_url() -> str:
    return os.environ.get("HABEAS_TEST_POSTGRES_URL", DEFAULT_PG)


def database_url(name: str) -> str:
    return make_url(server_url()).set(database=name).render_as_string(hide_password=False)


def _admin() -> Any:
    return create_engine(server_url(), isolation_level="AUTOCOMMIT")


def drop_database(name: str) -> None:
    assert name.startswith(PREFIX)
    engine = _admin()
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def database_exists(name: str) -> bool:
    engine = _admin()
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
                .scalars()
                .first()
            )
    finally:
        engine.dispose()


def _set_database(workspace: Path, url: str) -> None:
    config = workspace / "habeas.toml"
    lines = [
        line
        for line in config.read_text(encoding="utf-8").splitlines()
        if not line.startswith("database_url")
    ]
    config.write_text("\n".join([*lines, f'database_url = "{url}"', ""]), encoding="utf-8")


def pristine_name(sqlite_ws: Path) -> str:
    return PREFIX + "pristine_" + sqlite_ws.name.replace("-", "_").lower()


def clone_pristine(sqlite_ws: Path, log: Any = print) -> str:
    """Copy the SQLite workspace's database into a pristine PostgreSQL database (once).

    Returns the database's name. A marker table tells a finished clone from an
    interrupted one (which is dropped and made again).
    """
    from habeas.store import migrate
    from habeas.store.db import make_engine

    name = pristine_name(sqlite_ws)
    if database_exists(name):
        engine = create_engine(database_url(name))
        try:
            with engine.connect() as conn:
                done = conn.execute(text("SELECT to_regclass('bench_clone_done')")).scalar()
        finally:
            engine.dispose()
        if done:
            return name
        drop_database(name)
    log(f"  cloning {sqlite_ws.name} into PostgreSQL database {name} …")
    t0 = time.perf_counter()
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(database_url(name))
    migrate.upgrade(engine)
    source = sqlite3.connect(sqlite_ws / "habeas.db")
    try:
        from habeas.store.schema import Base

        tables = [t.name for t in Base.metadata.sorted_tables]
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            for table in tables:
                columns = [r[1] for r in source.execute(f'PRAGMA table_info("{table}")')]
                quoted = ", ".join(f'"{c}"' for c in columns)
                rows = source.execute(f'SELECT {quoted} FROM "{table}"')
                n = 0
                with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                if "id" in columns:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)'
                    )
            cur.execute("CREATE TABLE bench_clone_done (at timestamptz DEFAULT now())")
            raw.commit()
        finally:
            raw.close()
    finally:
        source.close()
        engine.dispose()
    analyse = create_engine(database_url(name), isolation_level="AUTOCOMMIT")
    with analyse.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    analyse.dispose()
    log(f"  cloned in {time.perf_counter() - t0:.1f} s")
    return name


def copy_workspace(sqlite_ws: Path, target: Path, run_name: str) -> str:
    """A workspace folder like ``sqlite_ws`` whose database is a fresh copy of the pristine
    PostgreSQL clone; returns the database URL."""
    pristine = clone_pristine(sqlite_ws)
    name = PREFIX + run_name
    drop_database(name)
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pristine}"'))
    admin.dispose()
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        sqlite_ws,
        target,
        ignore=shutil.ignore_patterns("habeas.db", "habeas.db-wal", "habeas.db-shm"),
    )
    url = database_url(name)
    _set_database(target, url)
    return url
