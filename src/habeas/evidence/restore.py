"""Restore: a backup archive (:mod:`habeas.evidence.backup`) into an empty workspace, verified
before anything is accepted.

**Restore** goes into an empty workspace only (a new folder, an empty folder, or
a workspace whose database has no tables and whose file store is empty). It
checks every member against the manifest (and no member may be missing or
extra), that the schema revision is this habeas's, and (optionally) that the
log head is the one you noted when the backup was made (``--expect-head``).
Then, in ONE database transaction, it creates the schema, loads the rows,
resets PostgreSQL's sequences, re-verifies the whole change-log chain and
checks that its head is the recorded head, places the files and re-hashes them
on disk, checks every stored-file row has its file with the recorded size, and
appends one ``restore`` entry to the log. Only then does it commit. Any failure
rolls the transaction back and removes what it placed, leaving the target
empty.

The manifest alone protects against corruption only: whoever edits a row can
rewrite the manifest to match. So restore **authenticates the manifest before
anything else**: a signed backup needs the source workspace's log key
(``--log-key``, the ``log.key`` kept apart) and its signature must match; an
unsigned one (older, or from a workspace without a log key) is refused unless
``--expect-digest`` gives the backup's **digest** (the SHA-256 of
``MANIFEST.sha256``, which covers every member, ``backup.json`` and its log
head included) noted when it was made. ``habeas backup`` prints that digest
and logs it in the source workspace's change log; keep it somewhere else.
``--expect-digest`` can be given for a signed backup too. (``--expect-head``
checks the change-log head only, which a forger who changes rows but not the
log would keep.) ``backup.json`` records every member's size, so restore
refuses a member whose declared size differs and stops writing one that grows
past it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, inspect, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from habeas.crypto.keyring import Prompt
from habeas.errors import IntegrityError, UsageError, WorkspaceError
from habeas.evidence.backup import (
    FORMAT,
    Progress,
    habeas_tables,
)
from habeas.evidence.backup_check import (
    META_NAME,
    authenticate,
    read_manifest,
    stage,
)
from habeas.evidence.backup_files import (
    place_files,
)
from habeas.filemodes import private_output
from habeas.store import changelog, logkey, migrate
from habeas.store.db import default_actor, make_engine
from habeas.store.filestore import sha256_file
from habeas.workspace import (
    CONFIG_NAME,
    DATABASE_NAME,
    FILES_DIR,
    Workspace,
    init_workspace,
    load_workspace,
)

INSERT_BATCH = 2000  # rows per INSERT while loading a table


@dataclass
class RestoreResult:
    workspace: Path
    log_head_seq: int
    log_head_hash: str
    restore_entry_seq: int
    tables: dict[str, int]
    files: int
    problems: list[str] = field(default_factory=list)
    sealed_files: int = 0
    plaintext_unchecked: int = 0  # sealed files not opened (no key supplied)


def _decode(value: Any, column_type: sqltypes.TypeEngine[Any]) -> Any:
    if value is None:
        return None
    if isinstance(column_type, sqltypes.DateTime):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed
    if isinstance(column_type, sqltypes.Date):
        return date.fromisoformat(value)
    if (
        isinstance(value, dict)
        and set(value) == {"$float"}
        and not isinstance(column_type, sqltypes.JSON)
    ):
        return float(value["$float"])
    return value


def _prepare_target(target: Path) -> tuple[Workspace, bool]:
    """The workspace to restore into, and whether this call created it. Refuses non-empty."""
    target = target.resolve()
    created = False
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; restore needs an empty folder or workspace.")
    if (target / CONFIG_NAME).exists():
        workspace = load_workspace(target)
        extra = [
            p.name
            for p in target.iterdir()
            if p.name
            not in {
                CONFIG_NAME,
                FILES_DIR,
                DATABASE_NAME,
                f"{DATABASE_NAME}-wal",
                f"{DATABASE_NAME}-shm",
                logkey.KEY_NAME,
            }
        ]
        if extra:
            raise UsageError(
                f"{target} is not empty ({', '.join(sorted(extra)[:5])}); "
                "restore only into an empty workspace."
            )
    else:
        if target.exists() and any(target.iterdir()):
            raise UsageError(f"{target} is not empty; restore only into a new or empty folder.")
        workspace = init_workspace(target)
        created = True
    if workspace.files_dir.exists() and any(workspace.files_dir.iterdir()):
        raise UsageError(
            f"The file store of {target} is not empty; restore only into an empty workspace."
        )
    engine = make_engine(workspace.database_url)
    try:
        names = inspect(engine).get_table_names()
    except Exception as exc:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise WorkspaceError(f"Cannot reach the target database: {exc}") from exc
    finally:
        engine.dispose()
    if names:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise UsageError(
            f"The target database already has tables ({', '.join(sorted(names)[:5])}"
            "…); restore only into an empty database. (Do not run `habeas init` "
            "first: restore creates the workspace.)"
        )
    return workspace, created


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer):
                continue
            seq = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if seq is None:
                continue
            conn.execute(
                text(
                    f'SELECT setval(:s, COALESCE((SELECT max("{column.name}") FROM '
                    f'"{table.name}"), '
                    f'1), (SELECT max("{column.name}") FROM "{table.name}") IS NOT NULL)'
                ),
                {"s": seq},
            )


def restore(
    archive: Path,
    target: Path,
    *,
    actor: str | None = None,
    expect_head: str | None = None,
    expect_digest: str | None = None,
    log_key: Path | None = None,
    progress: Progress | None = None,
    prompt: Prompt | None = None,
) -> RestoreResult:
    """Restore a backup into the empty workspace ``target``; verify everything, then accept.

    The manifest is authenticated first: by its signature under ``log_key`` (the source
    workspace's ``log.key``; the restored workspace keeps it), or by ``expect_digest``.

    Sealed files are checked against their recorded sealed hashes; with the key
    (environment or ``prompt``) they are opened and their plaintext re-hashed too.
    """
    if not archive.is_file():
        raise UsageError(f"{archive} is not a file.")
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IntegrityError(
            f"{archive} is not a readable ZIP archive ({exc}); not a habeas backup, or damaged."
        ) from exc
    key = _given_key(log_key)
    archive_hash = sha256_file(archive)
    with zf:
        manifest, raw_manifest = read_manifest(zf, expect_digest)
        signed_by = authenticate(zf, raw_manifest, key, expect_digest)
        workspace, created = _prepare_target(target)
        key_target = logkey.key_path(workspace.root)
        old_key = key_target.read_bytes() if key_target.exists() else None
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=workspace.root))
        placed: list[Path] = []
        head_written = False
        try:
            problems = stage(zf, manifest, staging, progress)
            if problems:
                raise IntegrityError(
                    "The backup does not verify; nothing was restored:\n  "
                    + "\n  ".join(problems[:50])
                )
            meta = json.loads((staging / META_NAME).read_text(encoding="utf-8"))
            meta["archive_sha256"] = archive_hash
            meta["signed_by"] = signed_by
            result = _load(
                workspace,
                staging,
                meta,
                manifest,
                actor,
                expect_head,
                placed,
                progress,
                prompt,
                key,
            )
            head_written = True
            return result
        except BaseException:
            for path in placed:
                path.unlink(missing_ok=True)
            if not head_written:
                workspace.head_path.unlink(missing_ok=True)
                key_target.unlink(missing_ok=True)
                if old_key is not None and not created:
                    key_target.write_bytes(old_key)
            if created:
                shutil.rmtree(workspace.root, ignore_errors=True)
            else:
                _remove_sqlite(workspace)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _given_key(path: Path | None) -> logkey.LogKey | None:
    if path is None:
        return None
    key = logkey.load(path)
    if key is None:
        raise UsageError(f"{path} does not exist.")
    return key


def _remove_sqlite(workspace: Workspace) -> None:
    if workspace.database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            (workspace.root / f"{DATABASE_NAME}{suffix}").unlink(missing_ok=True)


def _load(
    workspace: Workspace,
    staging: Path,
    meta: dict[str, Any],
    manifest: dict[str, str],
    actor: str | None,
    expect_head: str | None,
    placed: list[Path],
    progress: Progress | None,
    prompt: Prompt | None,
    key: logkey.LogKey | None,
) -> RestoreResult:
    if meta.get("format") != FORMAT:
        raise IntegrityError(
            f"Not a habeas backup this version can read (format "
            f"{meta.get('format')!r}, expected {FORMAT!r})."
        )
    revision = meta.get("alembic_revision")
    if revision != migrate.head_revision():
        raise UsageError(
            f"The backup's schema is at revision {revision}; this habeas is at "
            f"{migrate.head_revision()}. Restore with the habeas version that made "
            "the backup, then upgrade it with `habeas migrate`."
        )
    head_seq, head_hash = int(meta["log_head"]["seq"]), str(meta["log_head"]["hash"])
    if expect_head is not None and expect_head.strip().lower() != head_hash:
        raise IntegrityError(
            f"The backup's change-log head is {head_hash}, not the "
            f"{expect_head} you expected; it is not the backup you noted."
        )
    engine = make_engine(workspace.database_url)
    tables: dict[str, int] = {}
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(habeas_write=True)
            with conn.begin():
                config = migrate.alembic_config()
                config.attributes["connection"] = conn
                from alembic import command

                command.upgrade(config, "head")
                live = habeas_tables(conn)
                by_name = {t.name: t for t in live}
                recorded = {t["name"]: t for t in meta["tables"]}
                if set(by_name) != set(recorded):
                    raise IntegrityError(
                        "The backup's tables differ from this schema's: "
                        f"missing {sorted(set(by_name) - set(recorded))}, "
                        f"unknown {sorted(set(recorded) - set(by_name))}."
                    )
                for number, table in enumerate(live, start=1):
                    info = recorded[table.name]
                    if info["member"] not in manifest:
                        raise IntegrityError(f"{info['member']} is not in the manifest.")
                    if set(info["columns"]) != {c.name for c in table.columns}:
                        raise IntegrityError(
                            f"The backup's columns of {table.name} differ from this schema's."
                        )
                    tables[table.name] = _insert_table(conn, table, staging / info["member"])
                    if tables[table.name] != info["rows"]:
                        raise IntegrityError(
                            f"{table.name}: {tables[table.name]} rows in the "
                            f"archive, {info['rows']} recorded."
                        )
                    if progress:
                        progress("restoring tables", number, len(live))
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn, live)
                with Session(bind=conn) as session:
                    check = changelog.verify(session, (head_seq, head_hash), key=key)
                    if not check.ok or (check.head_seq, check.head_hash) != (head_seq, head_hash):
                        raise IntegrityError(
                            "The restored change log does not verify against "
                            "the recorded head:\n  "
                            + "\n  ".join(check.problems or [f"head is {check.head_seq}"])
                        )
                    files = place_files(conn, workspace, staging, placed, prompt)
                    key_path = logkey.key_path(workspace.root)
                    key_path.unlink(missing_ok=True)  # an empty target's own, unused key
                    if key is not None:
                        logkey.write(key_path, key)
                    entry = changelog.append(
                        session,
                        actor=actor or default_actor(),
                        action="restore",
                        entity="workspace",
                        entity_id=None,
                        detail={
                            "archive_sha256": meta.get("archive_sha256"),
                            "backup_created_at": meta.get("created_at"),
                            "backup_created_by": meta.get("created_by"),
                            "backup_backend": meta.get("backend"),
                            "signed_by": meta.get("signed_by"),
                            "restored_log_head": {"seq": head_seq, "hash": head_hash},
                            "rows": sum(tables.values()),
                            "files": files.files,
                            "sealed_files": files.sealed,
                            "plaintext_unchecked": files.plaintext_unchecked,
                        },
                        key_path=key_path,
                    )
                    session.flush()
                    entry_seq, entry_hash = entry.seq, entry.hash
                tmp = workspace.head_path.with_suffix(".restore-tmp")
                private_output(tmp).write_text(f"{entry_seq} {entry_hash}\n", encoding="ascii")
                os.replace(tmp, workspace.head_path)
    finally:
        engine.dispose()
    return RestoreResult(
        workspace.root,
        head_seq,
        head_hash,
        entry_seq,
        tables,
        files.files,
        sealed_files=files.sealed,
        plaintext_unchecked=files.plaintext_unchecked,
    )


def _insert_table(conn: Connection, table: Table, path: Path) -> int:
    types = {c.name: c.type for c in table.columns}
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _jsonl(path):
        if set(row) != set(types):
            raise IntegrityError(f"{path.name} line {count + 1}: columns differ from the table's.")
        batch.append({k: _decode(v, types[k]) for k, v in row.items()})
        count += 1
        if len(batch) >= INSERT_BATCH:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
    return count
