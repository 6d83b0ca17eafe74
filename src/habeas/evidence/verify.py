"""``verify_evidence``: re-hash every stored file and compare the store with the database.

Problems, each naming the file (original name, when the database knows it) and
its hash:

* ``changed`` — the file's content no longer matches its SHA-256 (it was edited);
* ``missing`` — the database lists a file the store does not have;
* ``size`` — the file's size differs from the size the database recorded;
* ``unreferenced`` — an intact content-addressed file the database does not
  list (left by an import that was interrupted or refused after the file was
  stored; importing that file again adopts it);
* ``unknown`` — something in the store that is not a content-addressed file
  (its name is not a SHA-256 hash).

Temporary files (``.incoming-*``) are what a writer is writing right now or
what a killed writer left behind; they never carry a hash name, so nothing
ever reads them as evidence. They are listed (with their age) but are not
problems, and are **not** removed when a workspace is opened — an open
cannot tell a dead writer's file from a live one's. ``remove_stale_temp``
removes those older than an hour.

Every run logs one ``verify`` entry (entity ``stored_file``) with the counts
and the problems found.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.errors import UsageError
from habeas.evidence.custody import ENTITY, SHA256_RE
from habeas.store.db import Store
from habeas.store.filestore import sha256_file
from habeas.store.schema import StoredFile

TEMP_PREFIX = ".incoming-"
STALE_SECONDS = 3600
Progress = Callable[[str, int, int], None]


@dataclass
class EvidenceProblem:
    kind: str  # changed, missing, size, unreferenced, unknown
    sha256: str | None
    file: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "sha256": self.sha256, "file": self.file,
                "message": self.message}

    def __str__(self) -> str:
        name = f"{self.file} " if self.file else ""
        digest = f"({self.sha256})" if self.sha256 else ""
        return f"{self.kind}: {name}{digest} — {self.message}"


@dataclass
class EvidenceReport:
    files_known: int = 0
    files_checked: int = 0
    bytes_checked: int = 0
    problems: list[EvidenceProblem] = field(default_factory=list)
    temp_files: list[dict[str, Any]] = field(default_factory=list)
    log_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "files_known": self.files_known,
                "files_checked": self.files_checked, "bytes_checked": self.bytes_checked,
                "problems": [p.to_dict() for p in self.problems],
                "temp_files": self.temp_files, "log_seq": self.log_seq}


def _scan(root: Path) -> tuple[dict[str, Path], list[Path], list[Path]]:
    """Content-addressed files by hash, temp files, and anything else."""
    hashed: dict[str, Path] = {}
    temps: list[Path] = []
    other: list[Path] = []
    if not root.exists():
        return hashed, temps, other
    for dirpath, _dirs, names in os.walk(root):
        folder = Path(dirpath)
        for name in names:
            path = folder / name
            if name.startswith(TEMP_PREFIX):
                temps.append(path)
            elif SHA256_RE.match(name) and folder.parent == root and folder.name == name[:2]:
                hashed[name] = path
            else:
                other.append(path)
    return hashed, temps, other


def verify_evidence(store: Store, *, actor: str | None = None,
                    remove_stale_temp: bool = False, log: bool = True,
                    progress: Progress | None = None) -> EvidenceReport:
    """Re-hash every stored file; report what differs from the database; log one entry."""
    if store.files is None:
        raise UsageError("This store has no file store.")
    root = store.files.root
    with store.read() as session:
        known = {row.sha256: row for row in session.execute(select(StoredFile)).scalars()}
    hashed, temps, other = _scan(root)
    report = EvidenceReport(files_known=len(known))
    total = len(known) + len(set(hashed) - set(known))
    for done, (sha256, row) in enumerate(sorted(known.items()), start=1):
        path = hashed.get(sha256)
        if path is None:
            report.problems.append(EvidenceProblem(
                "missing", sha256, row.original_filename,
                "the database lists this file but the file store does not have it"))
            continue
        size = path.stat().st_size
        actual = sha256_file(path)
        report.files_checked += 1
        report.bytes_checked += size
        if actual != sha256:
            report.problems.append(EvidenceProblem(
                "changed", sha256, row.original_filename,
                f"the content changed: it now hashes to {actual}"))
        if size != row.size:
            report.problems.append(EvidenceProblem(
                "size", sha256, row.original_filename,
                f"the file has {size:,} bytes; the database recorded {row.size:,}"))
        if progress:
            progress("re-hashing files", done, total)
    for sha256 in sorted(set(hashed) - set(known)):
        path = hashed[sha256]
        actual = sha256_file(path)
        report.files_checked += 1
        report.bytes_checked += path.stat().st_size
        if actual == sha256:
            report.problems.append(EvidenceProblem(
                "unreferenced", sha256, None,
                "an intact file the database does not list (left by an interrupted or refused "
                "import; importing the same file again adopts it)"))
        else:
            report.problems.append(EvidenceProblem(
                "unknown", sha256, None,
                f"a file the database does not list, and its content hashes to {actual}"))
    for path in sorted(other):
        report.problems.append(EvidenceProblem(
            "unknown", None, str(path.relative_to(root)),
            "not a content-addressed file: nothing in habeas writes files with this name"))
    now = time.time()
    for path in sorted(temps):
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # its writer just finished or cleaned up
            continue
        removed = False
        if remove_stale_temp and age > STALE_SECONDS:
            path.unlink(missing_ok=True)
            removed = True
        report.temp_files.append({"path": str(path.relative_to(root)),
                                  "age_seconds": round(age), "removed": removed})
    if log:
        with store.write(actor) as op:
            op.log("verify", ENTITY, None, {
                "ok": report.ok, "files_known": report.files_known,
                "files_checked": report.files_checked, "bytes_checked": report.bytes_checked,
                "problems": [p.to_dict() for p in report.problems],
                "temp_files_removed": sum(1 for t in report.temp_files if t["removed"])})
            report.log_seq = op.entry.seq if op.entry is not None else None
    return report
