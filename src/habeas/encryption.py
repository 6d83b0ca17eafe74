"""Turning encryption on, changing its passphrase or key, and what is sealed: the library calls.

* :func:`enable` — once per workspace: a random data key, wrapped under the
  passphrase (scrypt) or the deployment's key file (HKDF); then every stored
  file already restricted or witness-protected is sealed (:func:`seal_protected`),
  and so is every relative's or witness's identity written before as plain JSON
  (:func:`seal_protected_fields`), and every user's TOTP secret
  (:func:`habeas.access.totp.seal_totp_secrets`).
* :func:`change_key` — re-wrap the same data key under a new passphrase or key
  file: nothing is re-encrypted, everything stays readable; TOTP secrets still
  plain (written by an older habeas) are sealed.
* :func:`encryption_status` — what is enabled and what is sealed.

Each is logged in the change log (entity ``encryption``; sealing a file is a
``seal`` entry of that file, part of its chain of custody). No secret is ever
logged.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from habeas.access.policy import RESTRICTED, rank
from habeas.access.totp import seal_totp_secrets
from habeas.crypto.fields import is_sealed, open_json, seal_json
from habeas.crypto.material import (
    KEY_BYTES,
    KEY_FILE,
    PASSPHRASE,
    SCRYPT_N,
    passphrase_secret,
    read_key_file,
    wrap,
)
from habeas.errors import UsageError
from habeas.store.db import Store
from habeas.store.schema import Record, StoredFile

ENTITY = "encryption"
FILE_ENTITY = "stored_file"
Progress = Callable[[str, int, int], None]


def must_seal(sensitivity: str) -> bool:
    """Restricted and witness-protected data is sealed when the workspace encrypts."""
    return rank(sensitivity) >= rank(RESTRICTED)


def _secret(store: Store, passphrase: str | None, key_file: Path | None) -> tuple[str, bytes]:
    if (passphrase is None) == (key_file is None):
        raise UsageError("Give either a passphrase or a key file (not both).")
    if passphrase is not None:
        return PASSPHRASE, passphrase_secret(passphrase)
    assert key_file is not None and store.keyring.path is not None
    return KEY_FILE, read_key_file(key_file, store.keyring.path.parent)


@dataclass
class EnableResult:
    kind: str
    sealed_files: int
    log_seq: int | None
    sealed_fields: int = 0
    sealed_totp_secrets: int = 0


def enable(
    store: Store,
    *,
    passphrase: str | None = None,
    key_file: Path | None = None,
    actor: str | None = None,
    scrypt_n: int = SCRYPT_N,
    progress: Progress | None = None,
) -> EnableResult:
    """Encrypt this workspace's protected data from now on, and seal the files it has."""
    keyring = store.keyring
    if keyring.path is None:
        raise UsageError("This store has no workspace folder to keep key material in.")
    if keyring.enabled:
        raise UsageError(
            "Encryption is already enabled on this workspace; "
            "`habeas encryption change-passphrase` changes the passphrase or key."
        )
    kind, secret = _secret(store, passphrase, key_file)
    data_key = secrets.token_bytes(KEY_BYTES)
    material = wrap(kind, secret, data_key, uuid.uuid4().hex, scrypt_n=scrypt_n)
    keyring.install(material, data_key)
    with store.write(actor) as op:
        op.log(
            "enable",
            ENTITY,
            None,
            {"kind": kind, "kdf": material.kdf, "key_material": keyring.path.name},
        )
        seq = op.entry.seq if op.entry is not None else None
    sealed = seal_protected(store, actor=actor, progress=progress)
    fields = seal_protected_fields(store, actor=actor, progress=progress)
    secrets_sealed = seal_totp_secrets(store, actor=actor)
    return EnableResult(kind, sealed, seq, fields, secrets_sealed)


def change_key(
    store: Store,
    *,
    passphrase: str | None = None,
    key_file: Path | None = None,
    actor: str | None = None,
    scrypt_n: int = SCRYPT_N,
) -> int | None:
    """Wrap the data key under a new passphrase or key file (needs the current one)."""
    keyring = store.keyring
    old = keyring.material
    if old is None:
        raise UsageError("Encryption is not enabled on this workspace.")
    data_key = keyring.data_key()
    kind, secret = _secret(store, passphrase, key_file)
    material = wrap(
        kind, secret, data_key, old.workspace_id, scrypt_n=scrypt_n, created=old.created
    )
    keyring.install(material, data_key)
    with store.write(actor) as op:
        op.log(
            "change_key",
            ENTITY,
            None,
            {"kind": kind, "kdf": material.kdf, "previous_kind": old.kind},
        )
        seq = op.entry.seq if op.entry is not None else None
    seal_totp_secrets(store, actor=actor)
    return seq


def seal_protected(
    store: Store, *, actor: str | None = None, progress: Progress | None = None
) -> int:
    """Seal every restricted or witness-protected stored file still kept plain.

    Each file is sealed and checked before its plain copy is removed, then its
    ``seal`` entry records the sealed bytes' hash. Safe to run again after an
    interruption (a file already sealed on disk is only recorded). Returns how
    many files were sealed.
    """
    if store.files is None or not store.keyring.enabled:
        return 0
    files = store.files
    with store.read() as session:
        rows = session.execute(select(StoredFile).order_by(StoredFile.sha256)).scalars().all()
    todo = [
        row
        for row in rows
        if (must_seal(row.sensitivity) or files.is_sealed(row.sha256))
        and (row.sealed_sha256 is None or files.path_for(row.sha256).exists())
    ]
    sealed = 0
    for done, row in enumerate(todo, start=1):
        if files.contains(row.sha256):  # a missing file: `habeas evidence verify` reports it
            sealed_sha256 = files.seal(row.sha256)
            sealed += 1
            if sealed_sha256 != row.sealed_sha256:
                with store.write(actor) as op:
                    stored = op.session.get(StoredFile, row.sha256)
                    assert stored is not None
                    stored.sealed_sha256 = sealed_sha256
                    op.log(
                        "seal",
                        FILE_ENTITY,
                        row.sha256,
                        {"file": row.original_filename, "sealed_sha256": sealed_sha256},
                    )
        if progress:
            progress("sealing protected files", done, len(todo))
    return sealed


FIELD_BATCH = 2000


def seal_protected_fields(
    store: Store, *, actor: str | None = None, progress: Progress | None = None
) -> int:
    """Seal the protected values (``record.protected``) still kept as plain JSON.

    They were written before encryption was enabled. The value is the same; only
    its form on disk changes (as when a file is sealed), so each batch is one
    ``seal_fields`` entry in the change log naming the records, in one
    transaction. Safe to run again: values already sealed are left alone.
    Returns how many values were sealed.
    """
    if not store.keyring.enabled:
        return 0
    with store.read() as session:
        rows = session.execute(
            select(Record.id, Record.protected)
            .where(Record.protected.is_not(None))
            .order_by(Record.id)
        ).all()
    todo = [(rid, text) for rid, text in rows if text is not None and not is_sealed(text)]
    for start in range(0, len(todo), FIELD_BATCH):
        batch = todo[start : start + FIELD_BATCH]
        with store.write(actor) as op:
            for rid, text in batch:
                record = op.session.get(Record, rid)
                assert record is not None
                record.protected = seal_json(store, open_json(store, text))
            op.log(
                "seal_fields",
                "record",
                None,
                {"records": [rid for rid, _ in batch], "field": "protected"},
            )
        if progress:
            progress("sealing protected values", start + len(batch), len(todo))
    return len(todo)


#: What encryption at rest does NOT cover (docs/encryption.md says it at length): readable
#: by anyone holding the database file, its WAL, a dump or a backup, whatever the level.
NOT_ENCRYPTED: tuple[str, ...] = (
    "records: names, dates of birth, sex, nationality, identifiers, places of residence and "
    "the raw row as written",
    "import warnings (they quote cell values)",
    "the search index (name and identifier keys)",
    "persons, links, events, legal facts, incidents and their victims",
    "the change log, file names and sizes, and every file's SHA-256",
)


@dataclass
class EncryptionStatus:
    enabled: bool
    unlocked: bool
    kind: str | None
    kdf: dict[str, Any]
    created: str | None
    changed: str | None
    key_material: str | None
    sealed_files: int
    plain_protected_files: int
    plain_protected_fields: int = 0
    #: restricted and witness-protected records whose names, dates and identifiers are in
    #: the database in clear (encryption covers their reporters' and witnesses' values only)
    protected_records_in_clear: int = 0
    not_encrypted: tuple[str, ...] = NOT_ENCRYPTED

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "not_encrypted": list(self.not_encrypted)}


def encryption_status(store: Store) -> EncryptionStatus:
    keyring = store.keyring
    material = keyring.material
    with store.read() as session:
        sealed = session.execute(
            select(func.count())
            .select_from(StoredFile)
            .where(StoredFile.sealed_sha256.is_not(None))
        ).scalar_one()
        plain = [
            s
            for (s,) in session.execute(
                select(StoredFile.sensitivity).where(StoredFile.sealed_sha256.is_(None))
            )
        ]
        fields = [
            t
            for (t,) in session.execute(
                select(Record.protected).where(Record.protected.is_not(None))
            )
        ]
        in_clear = session.execute(
            select(func.count())
            .select_from(Record)
            .where(Record.sensitivity.in_(("restricted", "witness_protected")))
        ).scalar_one()
    return EncryptionStatus(
        enabled=material is not None,
        unlocked=keyring.unlocked,
        kind=material.kind if material else None,
        kdf=material.kdf if material else {},
        created=material.created if material else None,
        changed=material.changed if material else None,
        key_material=str(keyring.path) if material else None,
        sealed_files=int(sealed),
        plain_protected_files=sum(1 for s in plain if must_seal(s)),
        plain_protected_fields=sum(1 for t in fields if not is_sealed(t)),
        protected_records_in_clear=int(in_clear),
    )
