"""The store: a database (SQLite or PostgreSQL) plus the content-addressed file store.

All writes go through :meth:`Store.write`, which opens one transaction and
requires exactly one change-log entry for it::

    with store.write(actor="ana") as op:
        op.session.add(...)
        op.log("import", "source", source.id, {"file_sha256": ..., "rows": 1200})

If the block raises, nothing is written (database rows, log entry) — the file
store only ever gains content-addressed copies, which are harmless and are
reused by the next attempt.
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from habeas.crypto.keyring import Keyring
from habeas.errors import HabeasError, WorkspaceError
from habeas.filemodes import PRIVATE_FILE
from habeas.store import changelog, logkey, migrate
from habeas.store.filestore import FileStore
from habeas.workspace import Workspace


def default_actor() -> str:
    """Who is acting: ``HABEAS_USER`` or the operating-system user."""
    try:
        return os.environ.get("HABEAS_USER") or getpass.getuser()
    except Exception:  # getuser fails without a passwd entry (some containers)
        return "unknown"


def _create_private_sqlite(url: str) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does (it would use the umask).

    SQLite gives the WAL and shared-memory files the database file's mode, so
    they are owner-only too.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE
        )
    except FileExistsError:  # created meanwhile by another process
        return
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _create_private_sqlite(url)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Writers take the write lock at BEGIN so two writers never interleave
            # (a deferred transaction that upgrades later can fail with "locked").
            write = connection.get_execution_options().get("habeas_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        # Let SQLAlchemy's BEGIN be ours (pysqlite otherwise begins lazily).
        @event.listens_for(engine, "connect")
        def _sqlite_autocommit_off(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ImportError as exc:  # the driver is an optional part of habeas
        from habeas.errors import HabeasError

        raise HabeasError(
            f"The database driver for this URL is not installed ({exc}). PostgreSQL needs "
            "psycopg, an optional part of habeas: pip install 'habeas[postgres]'."
        ) from exc


@dataclass
class Operation:
    """One write transaction; :meth:`log` must be called exactly once."""

    session: Session
    actor: str
    entry: changelog.ChangeLogEntry | None = None
    key_path: Path | None = None

    def log(
        self, action: str, entity: str, entity_id: str | int | None, detail: dict[str, Any]
    ) -> None:
        if self.entry is not None:
            raise RuntimeError("one operation writes one change-log entry")
        self.entry = changelog.append(
            self.session,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            key_path=self.key_path,
        )


#: How long a writer waits for its turn among this process's threads (``Store._write_turn``)
#: before it goes on to SQLite's own lock (and its 60 s timeout).
WRITE_TURN_WAIT = 60.0


class Store:
    def __init__(
        self,
        engine: Engine,
        files: FileStore | None = None,
        head_path: Path | None = None,
        keyring: Keyring | None = None,
    ) -> None:
        self.engine = engine
        self.keyring = keyring or (files.keyring if files is not None else Keyring.disabled())
        self.files = files
        self.head_path = head_path
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writing = threading.RLock()  # _write_turn

    # -- opening -----------------------------------------------------------
    @classmethod
    def open(cls, workspace: Workspace, *, create: bool = False) -> Store:
        engine = make_engine(workspace.database_url)
        keyring = Keyring(workspace.key_material_path)
        store = cls(engine, FileStore(workspace.files_dir, keyring), workspace.head_path, keyring)
        try:
            current = migrate.current_revision(engine)
        except OperationalError as exc:
            raise WorkspaceError(f"Cannot reach the database: {exc.orig}") from exc
        if create:
            if current is None and inspect(engine).get_table_names():
                raise WorkspaceError("The database already has tables that habeas did not create.")
            key = store._new_log_key() if current is None else None
            store.migrate()
            if key is not None:
                with store.write() as op:
                    op.log(
                        logkey.KEY_ACTION,
                        "change_log",
                        None,
                        {"key_id": key.key_id, "since": key.since, "scheme": "hmac-sha256"},
                    )
        elif current is None:
            raise WorkspaceError(
                "The workspace database is empty. Run `habeas init` (or `habeas migrate`)."
            )
        elif current != migrate.head_revision():
            raise WorkspaceError(
                f"The database schema is at revision {current}; this habeas needs "
                f"{migrate.head_revision()}. Back up, then run `habeas migrate`."
            )
        return store

    @property
    def log_key_path(self) -> Path | None:
        """The change log's key, beside ``log.head`` (see :mod:`habeas.store.logkey`)."""
        return None if self.head_path is None else logkey.key_path(self.head_path.parent)

    def _new_log_key(self) -> logkey.LogKey | None:
        """A new register's log is keyed from its first entry."""
        path = self.log_key_path
        if path is None or path.exists():
            return None
        return logkey.create(path, since=1)

    def migrate(self) -> None:
        migrate.upgrade(self.engine)
        from habeas.store import vocabulary  # local: vocabulary imports the store layer

        vocabulary.seed(self)

    def close(self) -> None:
        self.engine.dispose()

    # -- sessions ------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self, actor: str | None = None) -> Iterator[Operation]:
        with self._write_turn():
            operation = Operation(
                session=self._sessions(), actor=actor or default_actor(), key_path=self.log_key_path
            )
            try:
                with operation.session.begin():
                    operation.session.connection(execution_options={"habeas_write": True})
                    yield operation
                    if operation.entry is None:
                        raise RuntimeError("a write operation must append a change-log entry")
            except HabeasError:
                raise
            except SQLAlchemyError as exc:
                raise HabeasError(
                    f"The database refused the change: {exc.__class__.__name__}: "
                    f"{getattr(exc, 'orig', exc)}"
                ) from exc
            finally:
                operation.session.close()
        self._record_head(operation.entry)

    @contextmanager
    def _write_turn(self) -> Iterator[None]:
        """SQLite: the threads of this process write one at a time, in turn.

        SQLite lets one writer in at a time; another that finds the database locked
        polls, sleeping 1, 2, 5, 10, 15, 20, 25 ms... between tries, and so waits up to a
        poll's sleep longer than the write it waits for. A web server's requests write
        from threads of one process (a search's read entry): they wait here instead, and
        each starts as soon as the one before commits. Other processes still meet at
        SQLite's lock. After ``WRITE_TURN_WAIT`` seconds (a write stuck elsewhere in the
        process), the writer goes on to SQLite's lock and its timeout."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        mine = self._writing.acquire(timeout=WRITE_TURN_WAIT)
        try:
            yield
        finally:
            if mine:
                self._writing.release()

    # -- the log head kept outside the database ------------------------------
    # One small file, rewritten in place under an exclusive lock (readers take a
    # shared one): writers never interleave, a reader never sees a half-written
    # head, and the head only ever moves forward (a writer that committed earlier
    # never overwrites a newer head). The line is far shorter than a disk sector
    # and its blocks already exist, so a crash leaves the old head or the new one.
    # Not a temporary file renamed over it: on ext4 replacing a file by rename
    # flushes the new file's data, up to tens of ms on a busy disk (p95 9 ms
    # against 0.1–0.5 ms in place, measured on the development machine), inside
    # every logged read of restricted data.
    def recorded_head(self) -> tuple[int, str] | None:
        if self.head_path is None:
            return None
        try:
            fd = os.open(self.head_path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        try:
            _flock(fd, shared=True)
            raw = _read_all(fd)
        finally:
            os.close(fd)
        return _parse_head(raw) if raw else None  # empty: created, not yet written

    def _record_head(self, entry: changelog.ChangeLogEntry | None) -> None:
        if self.head_path is None or entry is None:
            return
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.head_path, flags, PRIVATE_FILE)
        try:
            _flock(fd, shared=False)
            raw = _read_all(fd)
            current = _parse_head(raw) if raw else None
            if current is not None and current[0] >= entry.seq:
                return
            if not raw:  # a new file: owner-only from its first byte
                os.fchmod(fd, PRIVATE_FILE)
            line = f"{entry.seq} {entry.hash}\n".encode("ascii")
            os.pwrite(fd, line, 0)
            if len(raw) > len(line):  # only after a restore or an older, longer head
                os.ftruncate(fd, len(line))
        finally:
            os.close(fd)  # closing releases the lock

    def verify_log(self, anchor: str | None = None) -> changelog.VerifyResult:
        """Verify the chain against the recorded head, with the log key if there is one;
        ``anchor``: a head digest noted elsewhere (``habeas log verify --expect-head``)."""
        with self.read() as session:
            return changelog.verify(
                session,
                self.recorded_head(),
                key=logkey.load(self.log_key_path),
                head_required=self.head_path is not None,
                anchor=anchor,
            )


def _flock(fd: int, *, shared: bool) -> None:
    """Lock the log head file (POSIX ``flock``; where it does not exist, no lock)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 4096, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _parse_head(raw: bytes) -> tuple[int, str]:
    seq, digest = raw.decode("ascii").split()
    return int(seq), digest
