"""Evidence exports: copies of stored files with manifests of their hashes.

``export_evidence`` writes, into a folder or a ``.zip``::

    MANIFEST.sha256   one line per file, as `sha256sum` writes them
                      (`sha256sum -c MANIFEST.sha256` checks the copies)
    manifest.json     per file: hash, size, media type, original file name,
                      sources, who added it and when, and its chain of custody;
                      plus the change-log entry that records this export
    files/NAME        the files, under their original names (a hash prefix
                      is added when two files share a name)

The export is its owner's only (folders 0700, files 0600: :mod:`habeas.filemodes`).
Every file is re-hashed while it is copied; an export refuses to ship a file
whose content no longer matches its hash. The export is one logged operation
(action ``export``, entity ``stored_file``), written in the same transaction:
if the copy fails, nothing is logged and the partial output is removed.

``write_sidecar_manifest`` gives any other export (``habeas export ... --manifest``)
a ``FILE.sha256`` next to it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas import __version__
from habeas.errors import IntegrityError, NotFound, UsageError
from habeas.evidence.custody import ENTITY, check_sha256, file_custody
from habeas.filemodes import private_dir, private_output
from habeas.store.db import Store
from habeas.store.filestore import sha256_file
from habeas.store.schema import Source, SourceFile, StoredFile

MANIFEST_NAME = "MANIFEST.sha256"
JSON_MANIFEST_NAME = "manifest.json"


@dataclass
class EvidenceExport:
    output: Path
    files: list[dict[str, Any]]
    log_seq: int


def write_sidecar_manifest(path: Path) -> Path:
    """Write ``PATH.sha256`` (``sha256sum`` format) next to an exported file; returns it."""
    if not path.is_file():
        raise NotFound(f"{path} is not a file.")
    sidecar = path.with_name(path.name + ".sha256")
    private_output(sidecar).write_text(f"{sha256_file(path)}  {path.name}\n", encoding="utf-8")
    return sidecar


def _safe_name(name: str) -> str:
    name = re.sub(r"[\\/\x00-\x1f]", "_", name).strip().lstrip(".") or "file"
    return name[:200]


def _select(
    store: Store, sha256s: Iterable[str] | None, source_title: str | None
) -> list[tuple[StoredFile, list[str]]]:
    """The files to export, each with the titles of the sources it belongs to."""
    hashes = [check_sha256(h) for h in (sha256s or [])]
    if bool(hashes) == bool(source_title):
        raise UsageError(
            "Name the files to export: either --source TITLE or one or more "
            "SHA-256 hashes (not both)."
        )
    with store.read() as session:
        if source_title:
            source = session.execute(
                select(Source).where(Source.title == source_title)
            ).scalar_one_or_none()
            if source is None:
                raise NotFound(f"No source titled {source_title!r}; `habeas sources` lists them.")
            hashes = list(
                session.execute(
                    select(SourceFile.sha256)
                    .where(SourceFile.source_id == source.id)
                    .order_by(SourceFile.added_at, SourceFile.sha256)
                ).scalars()
            )
            if not hashes:
                raise NotFound(f"The source {source_title!r} has no stored files.")
        selected: list[tuple[StoredFile, list[str]]] = []
        for sha256 in dict.fromkeys(hashes):
            row = session.get(StoredFile, sha256)
            if row is None:
                raise NotFound(f"No stored file has the hash {sha256}.")
            titles = list(
                session.execute(
                    select(Source.title)
                    .join(SourceFile, SourceFile.source_id == Source.id)
                    .where(SourceFile.sha256 == sha256)
                    .order_by(Source.title)
                ).scalars()
            )
            selected.append((row, titles))
    return selected


def export_evidence(
    store: Store,
    output: Path,
    *,
    sha256s: Iterable[str] | None = None,
    source_title: str | None = None,
    actor: str | None = None,
    purpose: str | None = None,
) -> EvidenceExport:
    """Copy the chosen stored files to ``output`` (a new folder, or a ``.zip``) with manifests."""
    if store.files is None:
        raise UsageError("This store has no file store.")
    as_zip = output.suffix.lower() == ".zip"
    if output.exists() and (as_zip or not output.is_dir() or any(output.iterdir())):
        raise UsageError(
            f"{output} already exists; evidence exports never overwrite. "
            "Choose a new name (or an empty folder)."
        )
    selected = _select(store, sha256s, source_title)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".evidence-export-", dir=output.parent))
    try:
        with store.write(actor) as op:
            hashes = [row.sha256 for row, _ in selected]
            detail: dict[str, Any] = {"files": hashes, "count": len(hashes), "output": output.name}
            if source_title:
                detail["source"] = source_title
            if purpose:
                detail["purpose"] = purpose
            op.log("export", ENTITY, hashes[0] if len(hashes) == 1 else None, detail)
            assert op.entry is not None
            entries = _write_files(store, staging, selected)
            manifest = {
                "format": "habeas evidence export 1",
                "habeas_version": __version__,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "exported_by": op.actor,
                "purpose": purpose,
                "source": source_title,
                "change_log_entry": {"seq": op.entry.seq, "hash": op.entry.hash},
                "files": entries,
            }
            private_output(staging / JSON_MANIFEST_NAME).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
            private_output(staging / MANIFEST_NAME).write_text(
                "".join(f"{e['sha256']}  {e['path']}\n" for e in entries), encoding="utf-8"
            )
            _publish(staging, output, as_zip)
            seq = op.entry.seq
    except BaseException:
        if as_zip:
            output.unlink(missing_ok=True)
        elif output.is_dir():
            shutil.rmtree(output, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return EvidenceExport(output, entries, seq)


def _write_files(
    store: Store, staging: Path, selected: list[tuple[StoredFile, list[str]]]
) -> list[dict[str, Any]]:
    assert store.files is not None
    private_dir(staging / "files")
    used: set[str] = set()
    entries: list[dict[str, Any]] = []
    for row, titles in selected:
        name = _safe_name(row.original_filename)
        if name.lower() in used:
            name = f"{row.sha256[:12]}_{name}"
        used.add(name.lower())
        if not store.files.contains(row.sha256):
            raise IntegrityError(
                f"The stored file {row.original_filename} ({row.sha256}) is "
                "missing from the file store. Run `habeas evidence verify`."
            )
        # Sealed files are opened with the key; every copy is checked against its hash.
        size = store.files.copy_to(row.sha256, staging / "files" / name)
        entries.append(
            {
                "path": f"files/{name}",
                "sha256": row.sha256,
                "size": size,
                "media_type": row.media_type,
                "original_filename": row.original_filename,
                "sources": titles,
                "added_by": row.added_by,
                "added_at": row.added_at.isoformat() if row.added_at else None,
                "custody": [c.to_dict() for c in file_custody(store, row.sha256)],
            }
        )
    return entries


def _publish(staging: Path, output: Path, as_zip: bool) -> None:
    if as_zip:
        tmp = output.with_name(f".{output.name}.tmp")
        with zipfile.ZipFile(
            private_output(tmp), "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
        ) as archive:
            for path in sorted(staging.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(staging).as_posix())
        os.replace(tmp, output)
    else:
        if output.exists():
            output.rmdir()
        os.replace(staging, output)
