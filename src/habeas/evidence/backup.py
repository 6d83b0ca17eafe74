"""Backup and restore: one archive holding the whole register, verified before it is accepted.

The archive is a ZIP file (ZIP64 for large stores) with these members::

    backup.json            format, habeas version, when and by whom, the database
                           backend it came from, the Alembic schema revision, the
                           change-log head (seq and hash) and, per table, its
                           member name, columns and row count
    db/NN-TABLE.jsonl      every row of every table as JSON Lines, one object per
                           row (column → value), tables in foreign-key dependency
                           order, rows in primary-key order
    files/ab/abcd…         the content-addressed file store, byte for byte (sealed
                           files ``abcd….sealed`` as they are: encrypted)
    encryption.json        the key material, when the workspace encrypts (never the
                           key; see :mod:`habeas.evidence.backup_files`)
    MANIFEST.sha256        the SHA-256 of every other member, as `sha256sum` writes
                           it (written after them)
    MANIFEST.sig           the manifest's signature: HMAC-SHA256 under the source
                           workspace's log key (:mod:`habeas.store.logkey`), with
                           the key's id; absent when the workspace has no log key

**Why JSON Lines rather than pg_dump or an SQLite file:** the same archive
restores into SQLite or PostgreSQL whatever the server version, and it can be
read without habeas. Values are encoded by column type: timestamps as ISO 8601
in UTC (``+00:00``), dates as ``YYYY-MM-DD``, JSON columns as JSON, everything
else as the JSON number, string, boolean or null it is. The dump is read inside
one snapshot transaction (REPEATABLE READ on PostgreSQL, a WAL read
transaction on SQLite), so it is consistent while others keep writing; the
log head recorded is the snapshot's, and the chain is verified before the
archive is written. Files are copied after the snapshot: files are only ever
added, so every file the snapshot refers to is there, and each is re-hashed as
it is copied.

Restoring such an archive: :mod:`habeas.evidence.restore`.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from habeas import __version__
from habeas.errors import HabeasError, IntegrityError, UsageError, WorkspaceError
from habeas.evidence.backup_check import (
    MANIFEST_NAME,
    META_NAME,
    SIGNATURE_NAME,
)
from habeas.evidence.backup_files import (
    FileRows,
    HashingWriter,
    dump_files,
)
from habeas.filemodes import private_output
from habeas.store import changelog, logkey
from habeas.store.db import Store, default_actor
from habeas.store.filestore import sha256_file

FORMAT = "habeas backup 1"
SKIP_TABLES = {"alembic_version"}
Progress = Callable[[str, int, int], None]


@dataclass
class BackupResult:
    path: Path
    sha256: str
    log_head_seq: int
    log_head_hash: str
    manifest_sha256: str
    tables: dict[str, int]
    files: int
    bytes: int
    signed_by: str | None = None  # the log key's id; None: not signed (no log key)


# -- encoding values --------------------------------------------------------------------
def _encode(value: Any, column_type: sqltypes.TypeEngine[Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:  # habeas writes UTC; SQLite keeps it without the offset
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        raise HabeasError(f"binary column values are not supported by {FORMAT}")
    if isinstance(value, float) and value != value:  # NaN
        return {"$float": "nan"}
    return value


def habeas_tables(conn: Connection) -> list[Table]:
    """The database's habeas tables in foreign-key dependency order (reflected)."""
    meta = MetaData()
    meta.reflect(conn)
    return [t for t in meta.sorted_tables if t.name not in SKIP_TABLES]


def primary_order(table: Table) -> list[Any]:
    columns = list(table.primary_key.columns) or list(table.columns)
    return columns


# -- backup ---------------------------------------------------------------------------
def backup(
    store: Store, output: Path, *, actor: str | None = None, progress: Progress | None = None
) -> BackupResult:
    """Write the whole register (database, files, hashes, log head) to one ZIP archive."""
    if store.files is None:
        raise UsageError("This store has no file store to back up.")
    if output.exists():
        raise UsageError(f"{output} already exists; a backup never overwrites a file.")
    if output.suffix.lower() != ".zip":
        raise UsageError(f"Name the backup file with .zip (it is a ZIP archive): {output}")
    output.parent.mkdir(parents=True, exist_ok=True)
    recorded = store.recorded_head()  # read first: the snapshot below is at least this new
    tmp = output.with_name(f".{output.name}.incomplete")
    key = logkey.load(store.log_key_path)
    manifest: dict[str, str] = {}
    table_info: list[dict[str, Any]] = []
    try:
        with zipfile.ZipFile(
            private_output(tmp), "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
        ) as zf:
            head, revision, file_rows = _dump_database(
                store, zf, manifest, table_info, recorded, key, progress
            )
            files, size = dump_files(store, zf, manifest, file_rows, progress)
            sizes = {i.filename: i.file_size for i in zf.infolist()}
            meta = {
                "format": FORMAT,
                "habeas_version": __version__,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "created_by": actor or default_actor(),
                "backend": store.engine.dialect.name,
                "alembic_revision": revision,
                "log_head": {"seq": head[0], "hash": head[1]},
                "tables": table_info,
                "files": files,
                "file_bytes": size,
                "sizes": sizes,
            }
            data = json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr(META_NAME, data)
            manifest[META_NAME] = hashlib.sha256(data).hexdigest()
            manifest_bytes = "".join(
                f"{h}  {name}\n" for name, h in sorted(manifest.items())
            ).encode("utf-8")
            zf.writestr(MANIFEST_NAME, manifest_bytes)
            manifest_digest = hashlib.sha256(manifest_bytes).hexdigest()
            if key is not None:
                zf.writestr(
                    SIGNATURE_NAME,
                    json.dumps(
                        {
                            "scheme": "hmac-sha256",
                            "key_id": key.key_id,
                            "signature": key.sign(manifest_bytes),
                        }
                    )
                    + "\n",
                )
        archive_hash = sha256_file(tmp)
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tables = {t["name"]: t["rows"] for t in table_info}
    with store.write(actor) as op:
        op.log(
            "backup",
            "workspace",
            None,
            {
                "file": output.name,
                "archive_sha256": archive_hash,
                "manifest_sha256": manifest_digest,
                "log_head_seq": head[0],
                "log_head_hash": head[1],
                "signed_by": key.key_id if key else None,
                "rows": sum(tables.values()),
                "files": files,
                "file_bytes": size,
            },
        )
    return BackupResult(
        output,
        archive_hash,
        head[0],
        head[1],
        manifest_digest,
        tables,
        files,
        size,
        key.key_id if key else None,
    )


def _dump_database(
    store: Store,
    zf: zipfile.ZipFile,
    manifest: dict[str, str],
    table_info: list[dict[str, Any]],
    recorded: tuple[int, str] | None,
    key: logkey.LogKey | None,
    progress: Progress | None,
) -> tuple[tuple[int, str], str, FileRows]:
    """Dump every table inside one snapshot; returns (log head, revision, stored-file rows)."""
    file_rows: FileRows = {}
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with conn.begin():
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision is None:
                raise WorkspaceError("The database has no schema revision; nothing to back up.")
            tables = habeas_tables(conn)
            for number, table in enumerate(tables, start=1):
                member = f"db/{number:02d}-{table.name}.jsonl"
                columns = [c.name for c in table.columns]
                rows = 0
                with zf.open(member, "w", force_zip64=True) as raw:
                    out = HashingWriter(raw)
                    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
                        select(table).order_by(*primary_order(table))
                    )
                    for row in result:
                        values = {
                            c.name: _encode(row[i], c.type) for i, c in enumerate(table.columns)
                        }
                        if table.name == "stored_file":
                            file_rows[values["sha256"]] = (
                                values["size"],
                                values.get("sealed_sha256"),
                            )
                        out.write(
                            json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode(
                                "utf-8"
                            )
                            + b"\n"
                        )
                        rows += 1
                manifest[member] = out.digest.hexdigest()
                table_info.append(
                    {"name": table.name, "member": member, "columns": columns, "rows": rows}
                )
                if progress:
                    progress("dumping tables", number, len(tables))
            with Session(bind=conn) as session:
                check = changelog.verify(
                    session, recorded, key=key, head_required=store.head_path is not None
                )
            if not check.ok:
                raise IntegrityError(
                    "The change log does not verify; back up refused (a "
                    "backup must not bless a tampered register):\n  " + "\n  ".join(check.problems)
                )
    return (check.head_seq, check.head_hash), str(revision), file_rows


# -- restore --------------------------------------------------------------------------
