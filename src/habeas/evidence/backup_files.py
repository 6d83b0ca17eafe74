"""The file store's part of a backup: plain and sealed files, and the key material.

Members of the archive (see :mod:`habeas.evidence.backup`)::

    files/ab/abcd…          a plain file, named by its own SHA-256
    files/ab/abcd….sealed   a sealed (encrypted) file, named by its plaintext's
                            SHA-256; its bytes hash to ``stored_file.sealed_sha256``
    encryption.json         the workspace's key material (KDF parameters, salt,
                            check value, wrapped data key) — never the key

Sealed files travel as they are: a backup never needs, nor contains, the key.
On restore, every sealed file is checked against the hash the database
recorded for its sealed bytes and its size; with the key (``HABEAS_PASSPHRASE``,
``HABEAS_KEY_FILE`` or the prompt) it is also opened and its plaintext re-hashed.
Without the key the restore says how many plaintext hashes it could not check.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection

from habeas.crypto.keyring import Keyring, Prompt
from habeas.crypto.streams import plaintext_sha256, sealed_size
from habeas.errors import IntegrityError, KeyRequired
from habeas.filemodes import PRIVATE_FILE, READ_ONLY, private_dir
from habeas.store.db import Store
from habeas.store.filestore import CHUNK, SEALED_SUFFIX, sha256_file
from habeas.workspace import FILES_DIR, KEY_MATERIAL_NAME, Workspace

FILE_MEMBER_RE = re.compile(r"^files/([0-9a-f]{2})/([0-9a-f]{64})(\.sealed)?$")
KEY_MATERIAL_MEMBER = KEY_MATERIAL_NAME
FileRows = dict[str, tuple[int, str | None]]  # sha256 -> (size, sealed_sha256)
Progress = Callable[[str, int, int], None]


class HashingWriter:
    """Wraps a zip member being written, hashing what goes in."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.handle.write(data)


def _stored(root: Path) -> list[Path]:
    """Plain and sealed content-addressed files; a plain copy beside its sealed file is left out."""
    found: list[Path] = []
    if not root.exists():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        names = {p.name for p in folder.iterdir() if p.is_file()}
        for name in sorted(names):
            digest = name.removesuffix(SEALED_SUFFIX)
            if not (
                FILE_MEMBER_RE.match(f"files/{folder.name}/{name}") and folder.name == digest[:2]
            ):
                continue
            if name == digest and f"{name}{SEALED_SUFFIX}" in names:
                continue  # never spread the plain copy an interrupted sealing left
            found.append(folder / name)
    return found


def dump_files(
    store: Store,
    zf: zipfile.ZipFile,
    manifest: dict[str, str],
    rows: FileRows,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Copy every stored file into the archive as it is on disk; returns (files, bytes)."""
    assert store.files is not None
    found = _stored(store.files.root)
    present = {p.name.removesuffix(SEALED_SUFFIX) for p in found}
    missing = sorted(set(rows) - present)
    if missing:
        raise IntegrityError(
            f"{len(missing)} stored file(s) are missing from the file store "
            f"(first: {missing[0]}); back up refused. Run `habeas evidence "
            "verify`."
        )
    total = 0
    for number, path in enumerate(found, start=1):
        sha256 = path.name.removesuffix(SEALED_SUFFIX)
        sealed = path.name.endswith(SEALED_SUFFIX)
        member = f"files/{path.name[:2]}/{path.name}"
        info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if sealed else zipfile.ZIP_DEFLATED
        info.external_attr = READ_ONLY << 16
        with zf.open(info, "w", force_zip64=True) as raw, path.open("rb") as src:
            out = HashingWriter(raw)
            while chunk := src.read(CHUNK):
                out.write(chunk)
        digest = out.digest.hexdigest()
        size, recorded_sealed = rows.get(sha256, (None, None))
        _check_copy(
            sha256,
            sealed,
            digest,
            out.size,
            size,
            recorded_sealed,
            "; back up refused. Run `habeas evidence verify`.",
        )
        manifest[member] = digest
        total += out.size
        if progress:
            progress("copying files", number, len(found))
    material = store.keyring.path
    if material is not None and material.exists():
        data = material.read_bytes()
        zf.writestr(KEY_MATERIAL_MEMBER, data)
        manifest[KEY_MATERIAL_MEMBER] = hashlib.sha256(data).hexdigest()
    return len(found), total


def _check_copy(
    sha256: str,
    sealed: bool,
    digest: str,
    size: int,
    recorded_size: int | None,
    recorded_sealed: str | None,
    then: str,
) -> None:
    """A file's bytes against the database's record of them."""
    if not sealed:
        if digest != sha256:
            raise IntegrityError(
                f"The stored file {sha256} no longer matches its hash (it hashes to {digest}){then}"
            )
        if recorded_size is not None and recorded_size != size:
            raise IntegrityError(
                f"The stored file {sha256} has {size} bytes; the database "
                f"recorded {recorded_size}{then}"
            )
        return
    if recorded_size is None:
        return  # a sealed file the database does not list (verify reports it)
    if recorded_sealed is None:
        raise IntegrityError(
            f"The sealed file {sha256} has no recorded hash of its sealed "
            f"bytes (an interrupted sealing: run `habeas encryption seal`){then}"
        )
    if digest != recorded_sealed:
        raise IntegrityError(
            f"The sealed file {sha256} changed: its bytes hash to {digest}, "
            f"the database recorded {recorded_sealed}{then}"
        )
    if size != sealed_size(recorded_size):
        raise IntegrityError(
            f"The sealed file {sha256} has {size} bytes; sealing "
            f"{recorded_size} bytes gives {sealed_size(recorded_size)}{then}"
        )


@dataclass
class PlacedFiles:
    files: int = 0
    sealed: int = 0
    plaintext_unchecked: int = 0


def place_files(
    conn: Connection,
    workspace: Workspace,
    staging: Path,
    placed: list[Path],
    prompt: Prompt | None = None,
) -> PlacedFiles:
    """Move the staged files (and key material) into the workspace, re-check them there."""
    rows: FileRows = {
        sha: (size, sealed)
        for sha, size, sealed in conn.execute(
            text("SELECT sha256, size, sealed_sha256 FROM stored_file")
        )
    }
    staged = sorted((staging / FILES_DIR).glob("*/*")) if (staging / FILES_DIR).exists() else []
    names = {p.name.removesuffix(SEALED_SUFFIX) for p in staged}
    missing = sorted(set(rows) - names)
    if missing:
        raise IntegrityError(
            f"{len(missing)} stored file(s) are not in the backup (first: {missing[0]})."
        )
    material = staging / KEY_MATERIAL_MEMBER
    if material.exists():
        os.replace(material, workspace.key_material_path)
        placed.append(workspace.key_material_path)
        os.chmod(workspace.key_material_path, PRIVATE_FILE)
    keyring = Keyring(workspace.key_material_path, prompt)
    data_key: bytes | None = None
    result = PlacedFiles()
    for path in staged:
        sha256 = path.name.removesuffix(SEALED_SUFFIX)
        sealed = path.name.endswith(SEALED_SUFFIX)
        dest = workspace.files_dir / path.name[:2] / path.name
        private_dir(dest.parent)
        os.replace(path, dest)
        placed.append(dest)
        os.chmod(dest, READ_ONLY)
        size, recorded_sealed = rows.get(sha256, (None, None))
        _check_copy(
            sha256,
            sealed,
            sha256_file(dest),
            dest.stat().st_size,
            size,
            recorded_sealed,
            f" (files/{path.name} after restore).",
        )
        result.files += 1
        if not sealed:
            continue
        result.sealed += 1
        if data_key is None and keyring.enabled:
            try:
                data_key = keyring.data_key()
            except KeyRequired:
                data_key = b""  # no key supplied: plaintext hashes cannot be checked
        if not data_key:
            result.plaintext_unchecked += 1
            continue
        with dest.open("rb") as handle:
            opened, _size = plaintext_sha256(data_key, sha256, handle)
        if opened != sha256:
            raise IntegrityError(f"files/{path.name}: opened, its content hashes to {opened}.")
    return result
