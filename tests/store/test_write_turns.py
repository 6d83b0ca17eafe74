"""On SQLite the threads of one process write in turn (``Store._write_turn``): a writer
that arrives while another thread's write is open waits for it in the process, and asks
SQLite for the write lock (``BEGIN IMMEDIATE``) only after that write has committed,
instead of polling SQLite's lock. Both writes are there, each with its log entry."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import event, select

from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry


def test_threads_of_one_process_write_in_turn(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's writers do not wait for one another's whole transaction")
    statements: list[tuple[str, str]] = []  # (thread, BEGIN or COMMIT) in the order sent

    @event.listens_for(store.engine, "before_cursor_execute")
    def _sent(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            statements.append((threading.current_thread().name, "BEGIN"))

    @event.listens_for(store.engine, "commit")
    def _committed(conn: Any) -> None:
        statements.append((threading.current_thread().name, "COMMIT"))

    errors: list[BaseException] = []

    def second() -> None:
        try:
            with store.write("second") as op:
                op.log("test", "thing", 2, {})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with store.write("first") as op:
        op.log("test", "thing", 1, {})
        other = threading.Thread(target=second, name="second")
        other.start()
        time.sleep(0.3)  # the second writer is started and waiting (not a timing assertion)
    other.join(timeout=30)
    assert not other.is_alive() and not errors
    begins = [i for i, (_, what) in enumerate(statements) if what == "BEGIN"]
    commits = [i for i, (_, what) in enumerate(statements) if what == "COMMIT"]
    mine = threading.current_thread().name
    assert [statements[i][0] for i in begins] == [mine, "second"]
    first_commit = next(i for i in commits if statements[i][0] == mine)
    assert begins[1] > first_commit  # the second asked SQLite only after the first committed
    with store.read() as session:
        actors = session.execute(
            select(ChangeLogEntry.actor).where(ChangeLogEntry.action == "test")
        ).scalars()
        assert sorted(actors) == ["first", "second"]
