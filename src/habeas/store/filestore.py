"""The content-addressed file store: every file is kept under its SHA-256, written once.

A file's path is ``files/<first two hex digits>/<full hash>``. Writing goes to
a temporary file in the same folder and is renamed into place, so a crash never
leaves a half-written file under a hash name. Stored files are made read-only
for their owner alone (0400, in 0700 folders: :mod:`habeas.filemodes`); nothing
in habeas opens them for writing again.

**Sealed files.** When the workspace encrypts (:mod:`habeas.crypto`) and a file
must be protected (restricted or witness-protected), it is kept sealed instead,
as ``files/<ab>/<full hash>.sealed`` (chunked AES-GCM, :mod:`habeas.crypto.streams`).
The name is still the SHA-256 of the *plaintext* — the evidence hash does not
change — and the SHA-256 of the sealed bytes (:meth:`FileStore.sealed_sha256`)
is recorded in the database, so integrity can be checked without the key. A
file is kept in one form only; sealing wins: a file asked for sealed that was
kept plain is sealed, checked, and only then is the plain copy removed.
Read files through :meth:`FileStore.chunks`, :meth:`FileStore.read_bytes` or
:meth:`FileStore.copy_to`, which open sealed files with the key.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from habeas.crypto.keyring import Keyring
from habeas.crypto.streams import open_stream, plaintext_sha256, seal_stream
from habeas.errors import IntegrityError, NotFound
from habeas.filemodes import READ_ONLY, private_dir

CHUNK = 1 << 20
SEALED_SUFFIX = ".sealed"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore:
    def __init__(self, root: Path, keyring: Keyring | None = None) -> None:
        self.root = root
        self.keyring = keyring or Keyring.disabled()
        self._sealed_digests: dict[str, str] = {}

    # -- where a file is --------------------------------------------------------
    def path_for(self, sha256: str) -> Path:
        """Where the plain form of the file is (or would be)."""
        return self.root / sha256[:2] / sha256

    def sealed_path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}{SEALED_SUFFIX}"

    def is_sealed(self, sha256: str) -> bool:
        return self.sealed_path_for(sha256).exists()

    def contains(self, sha256: str) -> bool:
        return self.path_for(sha256).exists() or self.is_sealed(sha256)

    def stored_path(self, sha256: str) -> Path:
        """The file as it is on disk (sealed or plain); :class:`NotFound` if neither."""
        for path in (self.sealed_path_for(sha256), self.path_for(sha256)):
            if path.exists():
                return path
        raise NotFound(f"The file store has no file {sha256}. Run `habeas evidence verify`.")

    # -- writing ------------------------------------------------------------------
    def put(self, source: Path, sha256: str | None = None, *, encrypt: bool = False) -> str:
        """Copy ``source`` into the store (if not already there) and return its hash.

        ``encrypt``: the file is restricted or witness-protected. It is kept sealed
        when the workspace encrypts (the key is then needed); otherwise plain.
        """
        sha256 = sha256 or sha256_file(source)
        seal = encrypt and self.keyring.enabled
        if self.is_sealed(sha256):
            return sha256
        if self.path_for(sha256).exists():
            if seal:
                self.seal(sha256)
            return sha256
        if seal:
            self._write_sealed(source, sha256)
        else:
            self._write_plain(source, sha256)
        return sha256

    def _write_plain(self, source: Path, sha256: str) -> None:
        target = self.path_for(sha256)
        private_dir(target.parent)
        digest = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                raise IntegrityError(f"{source} changed while it was being stored.")
            os.chmod(tmp_name, READ_ONLY)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def _write_sealed(self, source: Path, sha256: str) -> str:
        """Seal ``source`` into place; it is opened and re-hashed before it is renamed."""
        data_key = self.keyring.data_key()
        target = self.sealed_path_for(sha256)
        private_dir(target.parent)
        plain = hashlib.sha256()
        sealed = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                reader = _HashingReader(src, plain)
                for piece in seal_stream(data_key, sha256, reader):
                    sealed.update(piece)
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            if plain.hexdigest() != sha256:
                raise IntegrityError(f"{source} changed while it was being stored.")
            with open(tmp_name, "rb") as check:
                reopened, _size = plaintext_sha256(data_key, sha256, check)
            if reopened != sha256:
                raise IntegrityError(f"Sealing {source} did not round-trip; nothing was stored.")
            os.chmod(tmp_name, READ_ONLY)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self._sealed_digests[sha256] = sealed.hexdigest()
        return sealed.hexdigest()

    def seal(self, sha256: str) -> str:
        """Seal a file kept plain; remove the plain copy once the sealed one is checked.

        Returns the SHA-256 of the sealed file.
        """
        plain = self.path_for(sha256)
        if self.is_sealed(sha256):  # sealed before; an interruption may have left the plain copy
            if plain.exists():
                with self.sealed_path_for(sha256).open("rb") as handle:
                    opened, _size = plaintext_sha256(self.keyring.data_key(), sha256, handle)
                if opened != sha256:
                    raise IntegrityError(
                        f"The sealed copy of {sha256} does not open to its "
                        "content; the plain copy was kept."
                    )
                plain.unlink()
            return self.sealed_sha256(sha256) or ""
        if not plain.exists():
            raise NotFound(f"The file store has no file {sha256}.")
        digest = self._write_sealed(plain, sha256)
        plain.unlink()
        return digest

    # -- reading ------------------------------------------------------------------
    def sealed_sha256(self, sha256: str) -> str | None:
        """The SHA-256 of the sealed bytes on disk (None when the file is kept plain)."""
        if not self.is_sealed(sha256):
            return None
        if sha256 not in self._sealed_digests:
            self._sealed_digests[sha256] = sha256_file(self.sealed_path_for(sha256))
        return self._sealed_digests[sha256]

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The file's plaintext, piece by piece (sealed files are opened with the key)."""
        path = self.stored_path(sha256)
        if path.name.endswith(SEALED_SUFFIX):
            data_key = self.keyring.data_key()
            with path.open("rb") as handle:
                yield from open_stream(data_key, sha256, handle)
            return
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def read_bytes(self, sha256: str) -> bytes:
        """The whole plaintext, checked against its hash (:class:`IntegrityError` if changed)."""
        data = b"".join(self.chunks(sha256))
        if hashlib.sha256(data).hexdigest() != sha256:
            raise IntegrityError(
                f"The stored file {sha256} no longer matches its hash: its "
                "content changed. Run `habeas evidence verify`."
            )
        return data

    def copy_to(self, sha256: str, target: Path) -> int:
        """Write the plaintext to ``target`` (a new file), checking its hash; returns its size."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self.chunks(sha256):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256:
                raise IntegrityError(
                    f"The stored file {sha256} no longer matches its hash: "
                    "its content changed. Run `habeas evidence verify`."
                )
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return size

    def verify(self, sha256: str) -> bool:
        """The plaintext still hashes to ``sha256`` (sealed files need the key)."""
        try:
            digest = hashlib.sha256()
            for chunk in self.chunks(sha256):
                digest.update(chunk)
        except (NotFound, IntegrityError):
            return False
        return digest.hexdigest() == sha256


class _HashingReader:
    """A read-only file wrapper that hashes what is read through it."""

    def __init__(self, handle: BinaryIO, digest: hashlib._Hash) -> None:
        self._handle = handle
        self._digest = digest

    def read(self, size: int = -1, /) -> bytes:
        data = self._handle.read(size)
        self._digest.update(data)
        return data
