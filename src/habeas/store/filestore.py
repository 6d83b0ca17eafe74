"""The content-addressed file store: every file is kept under its SHA-256, written once.

A file's path is ``files/<first two hex digits>/<full hash>``. Writing goes to
a temporary file in the same folder and is renamed into place, so a crash never
leaves a half-written file under a hash name. Stored files are made read-only;
nothing in habeas opens them for writing again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from habeas.errors import IntegrityError

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def put(self, source: Path, sha256: str | None = None) -> str:
        """Copy ``source`` into the store (if not already there) and return its hash."""
        sha256 = sha256 or sha256_file(source)
        target = self.path_for(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
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
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return sha256

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.exists() and sha256_file(path) == sha256
