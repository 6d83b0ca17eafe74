"""Small shared helpers for the trust tests (synthetic data only)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from habeas.ingest.importer import ImportOptions, ImportResult, import_file
from habeas.store.db import Store

MANIFEST = (
    "No.,NAME,DOB,A#,NATIONALITY,SEX,FLIGHT\n"
    '1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990,A-208-304-911,VENEZUELA,M,FL-1\n'
    '2,"GONZALEZ, YEFERSON",12/25/1995,A 08 123 456,Venezuelan,M,FL-1\n'
    '3,"DE LA CRUZ DA SILVA, MARIA JOSE",01/30/1988,A-211-000-111,VEN,F,FL-2\n'
)


def import_manifest(
    store: Store,
    folder: Path,
    title: str = "Manifest",
    *,
    name: str = "manifest.csv",
    extra: str = "",
) -> ImportResult:
    path = folder / name
    path.write_text(MANIFEST + extra, encoding="utf-8")
    return import_file(
        store,
        path,
        ImportOptions(
            source_title=title,
            source_kind="list",
            date_order="MDY",
            defaults={"event_type": "removal_flight", "event_date": "2025-03-15"},
        ),
        actor="ana",
    )


def tamper(path: Path, offset: int = 0) -> None:
    """Change one byte of a read-only stored file (as an attacker with disk access would)."""
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def portable_snapshot(store: Store) -> dict[str, list[tuple[str, ...]]]:
    """Like ``db_snapshot``, with timestamps as UTC instants so SQLite and PostgreSQL compare.

    (SQLite returns habeas's UTC timestamps without an offset; PostgreSQL returns
    them with the session's zone.)
    """
    from datetime import UTC, datetime

    from habeas.store.schema import Base

    def norm(value: object) -> str:
        if isinstance(value, datetime):
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return repr(value)

    snapshot: dict[str, list[tuple[str, ...]]] = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(table.select()).all()
            snapshot[table.name] = sorted(tuple(norm(v) for v in row) for row in rows)
    return snapshot


def forge_archive(
    archive: Path, out: Path, changes: dict[str, bytes | None], key_path: Path | None = None
) -> None:
    """A backup rewritten by a forger: members changed (None removes one), ``backup.json``'s
    sizes, the manifest and (with the log key, as someone who has it would) its signature
    recomputed to match."""
    import hashlib
    import json
    import zipfile

    from habeas.store import logkey

    with zipfile.ZipFile(archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    for name, data in changes.items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    body = {k: v for k, v in members.items() if k not in ("MANIFEST.sha256", "MANIFEST.sig")}
    if "backup.json" in body and "backup.json" not in changes:
        meta = json.loads(body["backup.json"])
        meta["sizes"] = {k: len(v) for k, v in body.items() if k != "backup.json"}
        body["backup.json"] = json.dumps(meta).encode()
    manifest = "".join(
        f"{hashlib.sha256(v).hexdigest()}  {k}\n" for k, v in sorted(body.items())
    ).encode()
    body["MANIFEST.sha256"] = manifest
    key = logkey.load(key_path)
    if key is not None:
        body["MANIFEST.sig"] = json.dumps(
            {"scheme": "hmac-sha256", "key_id": key.key_id, "signature": key.sign(manifest)}
        ).encode()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in body.items():
            zf.writestr(name, data)
