"""The chain of custody of each stored file, kept in the hash-chained change log.

No table of its own: every event in a file's life is a change-log entry with
entity ``stored_file``, so it is covered by ``habeas log verify`` like every
other change. The events are:

* ``attach`` — (entity ``attachment``) the file was attached to a person, record, event,
  incident, ...; when it entered the store with it, that is its ``added`` event.
* ``add`` — the file entered the store. :func:`add_file` logs it explicitly
  (entity_id = the SHA-256); files that came in through an import are "added"
  by the ``import`` entry, whose detail carries ``file_sha256``.
* ``view`` — someone read the file's content (:func:`read_file`).
* ``seal`` — the file was encrypted at rest (:mod:`habeas.encryption`); the
  detail carries the SHA-256 of the sealed bytes.
* ``export`` — the file was copied out (:func:`habeas.evidence.export.export_evidence`);
  one entry per export, entity_id = the hash when one file was exported,
  otherwise empty with every hash listed in ``detail["files"]``.
* ``verify`` — :func:`habeas.evidence.verify.verify_evidence` re-hashed every
  file (entity_id empty; the hashes with problems are listed in the detail).
* ``backup`` — (entity ``workspace``) a backup copied every file then in the store.

:func:`file_custody` gathers a file's events in log order. A file's custody
therefore starts at its first ``add``/``import`` entry; whole-store events
(``verify``, ``backup``) count for the files added before them.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from habeas.access.policy import INTERNAL, check_level, rank
from habeas.encryption import must_seal
from habeas.errors import IntegrityError, NotFound, UsageError
from habeas.store.db import Store
from habeas.store.filestore import sha256_file
from habeas.store.schema import ChangeLogEntry, StoredFile

ENTITY = "stored_file"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class CustodyEntry:
    """One event in a file's chain of custody (one change-log entry)."""

    seq: int
    at: str
    actor: str
    event: str  # added, attached, viewed, sealed, exported, verified, backed_up
    detail: dict[str, Any] = field(default_factory=dict)
    entry_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "event": self.event,
            "detail": self.detail,
            "entry_hash": self.entry_hash,
        }


def check_sha256(sha256: str) -> str:
    value = sha256.strip().lower()
    if not SHA256_RE.match(value):
        raise UsageError(f"{sha256!r} is not a SHA-256 hash (64 hexadecimal digits).")
    return value


def stored_file(store: Store, sha256: str) -> StoredFile:
    sha256 = check_sha256(sha256)
    with store.read() as session:
        row = session.get(StoredFile, sha256)
    if row is None:
        raise NotFound(
            f"No stored file has the hash {sha256}. `habeas sources` lists the "
            "files of each source with their hashes."
        )
    return row


def add_file(
    store: Store,
    path: Path,
    *,
    actor: str | None = None,
    original_filename: str | None = None,
    media_type: str | None = None,
    note: str | None = None,
    sensitivity: str = INTERNAL,
) -> str:
    """Put a file (a photo, a document, a testimony) into the store and log its ``add``.

    Returns its SHA-256. A restricted or witness-protected file is kept sealed
    when the workspace encrypts. Adding a file the store already knows at the
    same or a higher sensitivity changes nothing and logs nothing; at a higher
    one, its sensitivity is raised (and it is sealed if need be), logged as an ``add``.
    """
    if not path.is_file():
        raise NotFound(f"{path} is not a file.")
    if store.files is None:
        raise UsageError("This store has no file store.")
    sensitivity = check_level(sensitivity)
    sha256 = sha256_file(path)
    with store.read() as session:
        known = session.get(StoredFile, sha256)
    if known is not None and rank(known.sensitivity) >= rank(sensitivity):
        return sha256
    encrypt = must_seal(sensitivity)
    store.files.put(path, sha256, encrypt=encrypt)
    sealed_sha256 = store.files.sealed_sha256(sha256)
    name = original_filename or path.name
    kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    size = path.stat().st_size
    with store.write(actor) as op:
        row = op.session.get(StoredFile, sha256)  # a concurrent add may have won
        detail: dict[str, Any] = {
            "file": name,
            "size": size,
            "media_type": kind,
            "sensitivity": sensitivity,
        }
        if row is None:
            op.session.add(
                StoredFile(
                    sha256=sha256,
                    size=size,
                    media_type=kind,
                    original_filename=name,
                    added_by=op.actor,
                    added_at=datetime.now(UTC),
                    sensitivity=sensitivity,
                    sealed_sha256=sealed_sha256,
                )
            )
        else:
            if rank(sensitivity) > rank(row.sensitivity):
                detail["raised_from"] = row.sensitivity
                row.sensitivity = sensitivity
            row.sealed_sha256 = sealed_sha256 or row.sealed_sha256
        if sealed_sha256:
            detail["sealed_sha256"] = sealed_sha256
        if note:
            detail["note"] = note
        op.log("add", ENTITY, sha256, detail)
    return sha256


def read_file(
    store: Store, sha256: str, *, actor: str | None = None, purpose: str | None = None
) -> bytes:
    """Return a stored file's content after checking its hash, and log the ``view``.

    Sealed files are opened with the workspace key (:class:`~habeas.errors.KeyRequired`
    without it).
    """
    row = stored_file(store, sha256)
    assert store.files is not None
    if not store.files.contains(row.sha256):
        raise IntegrityError(
            f"The stored file {row.original_filename} ({row.sha256}) is "
            "missing from the file store. Run `habeas evidence verify`."
        )
    data = store.files.read_bytes(row.sha256)
    with store.write(actor) as op:
        detail: dict[str, Any] = {"file": row.original_filename, "size": len(data)}
        if purpose:
            detail["purpose"] = purpose
        op.log("view", ENTITY, row.sha256, detail)
    return data


def _event(entry: ChangeLogEntry, sha256: str) -> CustodyEntry | None:
    detail = json.loads(entry.detail)
    if entry.action == "import":
        if detail.get("file_sha256") != sha256:
            return None
        event = "added"
    elif entry.entity == ENTITY and entry.action == "add":
        event = "added"
    elif entry.action == "attach":  # habeas.evidence.attachments: stored (if new) and attached
        if detail.get("file_sha256") != sha256:
            return None
        event = "added" if detail.get("new_file") else "attached"
    elif entry.entity == ENTITY and entry.action == "view":
        event = "viewed"
    elif entry.entity == ENTITY and entry.action == "seal":
        event = "sealed"
    elif entry.entity == ENTITY and entry.action == "export":
        if entry.entity_id != sha256 and sha256 not in detail.get("files", []):
            return None
        event = "exported"
    elif entry.entity == ENTITY and entry.action == "verify":
        event = "verified"
        problems = [p for p in detail.get("problems", []) if p.get("sha256") == sha256]
        detail = {
            "ok": not problems,
            "problems": problems,
            "files_checked": detail.get("files_checked"),
        }
    elif entry.action == "backup":
        event = "backed_up"
    else:
        return None
    return CustodyEntry(entry.seq, entry.at, entry.actor, event, detail, entry.hash)


def file_custody(store: Store, sha256: str) -> list[CustodyEntry]:
    """Every change-log entry in the chain of custody of the file ``sha256``, oldest first."""
    sha256 = check_sha256(sha256)
    with store.read() as session:
        entries = (
            session.execute(
                select(ChangeLogEntry)
                .where(
                    or_(
                        ChangeLogEntry.entity_id == sha256,
                        ChangeLogEntry.detail.contains(sha256),
                        (ChangeLogEntry.entity == ENTITY) & (ChangeLogEntry.action == "verify"),
                        ChangeLogEntry.action == "backup",
                    )
                )
                .order_by(ChangeLogEntry.seq)
            )
            .scalars()
            .all()
        )
        known = session.get(StoredFile, sha256) is not None
    custody: list[CustodyEntry] = []
    for entry in entries:
        event = _event(entry, sha256)
        if event is None:
            continue
        if not custody and event.event != "added":
            continue  # whole-store events before the file existed
        custody.append(event)
    if not custody and not known:
        raise NotFound(f"No stored file has the hash {sha256}.")
    return custody
