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

**Sealed files** (encrypted, ``<hash>.sealed``; see :mod:`habeas.crypto`) are
checked twice when the key is at hand: the sealed bytes against the hash the
database recorded for them (``sealed_sha256``), then the opened plaintext
against the file's own SHA-256 (an altered sealed file fails authentication:
``changed``). Without the key only the first check is possible: the report says
how many plaintext hashes were not checked (``plaintext_unchecked``). Further
problems: ``sealed_unrecorded`` (sealed on disk, but the database has no hash
for the sealed bytes: an interrupted sealing; `habeas encryption seal` finishes
it), ``plain_copy`` (a plain copy left beside its sealed file by the same
interruption) and ``unsealed`` (the database recorded the file as sealed but
the store keeps it plain).

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

from habeas.crypto.streams import plaintext_sha256, sealed_size
from habeas.errors import IntegrityError, KeyRequired, UsageError
from habeas.evidence.custody import ENTITY, SHA256_RE
from habeas.store.db import Store
from habeas.store.filestore import SEALED_SUFFIX, sha256_file
from habeas.store.schema import StoredFile

TEMP_PREFIX = ".incoming-"
STALE_SECONDS = 3600
Progress = Callable[[str, int, int], None]


@dataclass
class EvidenceProblem:
    kind: str  # changed missing size unreferenced unknown sealed_unrecorded plain_copy unsealed
    sha256: str | None
    file: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sha256": self.sha256,
            "file": self.file,
            "message": self.message,
        }

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
    sealed_files: int = 0
    plaintext_unchecked: int = 0  # sealed files whose plaintext hash was not checked (no key)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files_known": self.files_known,
            "files_checked": self.files_checked,
            "bytes_checked": self.bytes_checked,
            "sealed_files": self.sealed_files,
            "plaintext_unchecked": self.plaintext_unchecked,
            "problems": [p.to_dict() for p in self.problems],
            "temp_files": self.temp_files,
            "log_seq": self.log_seq,
        }


@dataclass
class _Scan:
    plain: dict[str, Path] = field(default_factory=dict)  # content-addressed files by hash
    sealed: dict[str, Path] = field(default_factory=dict)  # sealed files by plaintext hash
    temps: list[Path] = field(default_factory=list)
    other: list[Path] = field(default_factory=list)


def _scan(root: Path) -> _Scan:
    """Content-addressed files (plain and sealed) by hash, temp files, and anything else."""
    scan = _Scan()
    if not root.exists():
        return scan
    for dirpath, _dirs, names in os.walk(root):
        folder = Path(dirpath)
        for name in names:
            path = folder / name
            digest = name.removesuffix(SEALED_SUFFIX)
            placed = folder.parent == root and folder.name == digest[:2]
            if name.startswith(TEMP_PREFIX):
                scan.temps.append(path)
            elif SHA256_RE.match(digest) and placed:
                (scan.sealed if name.endswith(SEALED_SUFFIX) else scan.plain)[digest] = path
            else:
                scan.other.append(path)
    return scan


class _Opener:
    """Opens sealed files when the key is at hand; remembers when it is not."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.data_key: bytes | None = None
        self.tried = False

    def key(self) -> bytes | None:
        if not self.tried:
            self.tried = True
            try:
                self.data_key = self.store.keyring.data_key()
            except KeyRequired:
                self.data_key = None
        return self.data_key

    def plaintext_sha256(self, path: Path, sha256: str) -> str | None:
        """The opened file's hash; None without the key; "altered" if it fails to open."""
        key = self.key()
        if key is None:
            return None
        try:
            with path.open("rb") as handle:
                return plaintext_sha256(key, sha256, handle)[0]
        except IntegrityError:
            return "altered (it fails authentication)"


def _check_sealed(
    report: EvidenceReport, opener: _Opener, row: StoredFile | None, sha256: str, path: Path
) -> None:
    name = row.original_filename if row is not None else None
    size = path.stat().st_size
    sealed_digest = sha256_file(path)
    report.sealed_files += 1
    report.files_checked += 1
    report.bytes_checked += size
    if row is not None and row.sealed_sha256 is None:
        report.problems.append(
            EvidenceProblem(
                "sealed_unrecorded",
                sha256,
                name,
                "the file is sealed but the database has no hash of the sealed bytes (an "
                "interrupted sealing); run `habeas encryption seal`",
            )
        )
    elif row is not None and sealed_digest != row.sealed_sha256:
        report.problems.append(
            EvidenceProblem(
                "changed",
                sha256,
                name,
                f"the sealed bytes changed: they hash to {sealed_digest}, the database recorded "
                f"{row.sealed_sha256}",
            )
        )
    if row is not None and size != sealed_size(row.size):
        report.problems.append(
            EvidenceProblem(
                "size",
                sha256,
                name,
                f"the sealed file has {size:,} bytes; a sealed file of {row.size:,} bytes has "
                f"{sealed_size(row.size):,}",
            )
        )
    actual = opener.plaintext_sha256(path, sha256)
    if actual is None:
        report.plaintext_unchecked += 1
    elif actual != sha256:
        kind = "changed" if row is not None else "unknown"
        report.problems.append(
            EvidenceProblem(
                kind, sha256, name, f"the opened content no longer matches its hash: {actual}"
            )
        )
    elif row is None:
        report.problems.append(
            EvidenceProblem(
                "unreferenced",
                sha256,
                None,
                "an intact sealed file the database does not list (left by an interrupted or "
                "refused import; importing the same file again adopts it)",
            )
        )


def verify_evidence(
    store: Store,
    *,
    actor: str | None = None,
    remove_stale_temp: bool = False,
    log: bool = True,
    progress: Progress | None = None,
) -> EvidenceReport:
    """Re-hash every stored file; report what differs from the database; log one entry."""
    if store.files is None:
        raise UsageError("This store has no file store.")
    root = store.files.root
    with store.read() as session:
        known = {row.sha256: row for row in session.execute(select(StoredFile)).scalars()}
    scan = _scan(root)
    opener = _Opener(store)
    report = EvidenceReport(files_known=len(known))
    unlisted = sorted((set(scan.plain) | set(scan.sealed)) - set(known))
    total = len(known) + len(unlisted)
    for done, (sha256, row) in enumerate(sorted(known.items()), start=1):
        if progress:
            progress("re-hashing files", done, total)
        if sha256 in scan.sealed:
            _check_sealed(report, opener, row, sha256, scan.sealed[sha256])
            continue
        path = scan.plain.get(sha256)
        if path is None:
            report.problems.append(
                EvidenceProblem(
                    "missing",
                    sha256,
                    row.original_filename,
                    "the database lists this file but the file store does not have it",
                )
            )
            continue
        if row.sealed_sha256 is not None:
            report.problems.append(
                EvidenceProblem(
                    "unsealed",
                    sha256,
                    row.original_filename,
                    "the database recorded this file as sealed, but the store keeps it plain",
                )
            )
        _check_plain(report, row, sha256, path)
    for done, sha256 in enumerate(unlisted, start=len(known) + 1):
        if progress:
            progress("re-hashing files", done, total)
        if sha256 in scan.sealed:
            _check_sealed(report, opener, None, sha256, scan.sealed[sha256])
        if sha256 in scan.plain:
            _check_plain(report, None, sha256, scan.plain[sha256])
    for sha256 in sorted(set(scan.sealed) & set(scan.plain) & set(known)):
        report.problems.append(
            EvidenceProblem(
                "plain_copy",
                sha256,
                known[sha256].original_filename,
                "a plain copy of a sealed file remains (an interrupted sealing); run "
                "`habeas encryption seal` to remove it",
            )
        )
    for path in sorted(scan.other):
        report.problems.append(
            EvidenceProblem(
                "unknown",
                None,
                str(path.relative_to(root)),
                "not a content-addressed file: nothing in habeas writes files with this name",
            )
        )
    temps = scan.temps
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
        report.temp_files.append(
            {"path": str(path.relative_to(root)), "age_seconds": round(age), "removed": removed}
        )
    if log:
        with store.write(actor) as op:
            op.log(
                "verify",
                ENTITY,
                None,
                {
                    "ok": report.ok,
                    "files_known": report.files_known,
                    "files_checked": report.files_checked,
                    "bytes_checked": report.bytes_checked,
                    "sealed_files": report.sealed_files,
                    "plaintext_unchecked": report.plaintext_unchecked,
                    "problems": [p.to_dict() for p in report.problems],
                    "temp_files_removed": sum(1 for t in report.temp_files if t["removed"]),
                },
            )
            report.log_seq = op.entry.seq if op.entry is not None else None
    return report


def _check_plain(report: EvidenceReport, row: StoredFile | None, sha256: str, path: Path) -> None:
    size = path.stat().st_size
    actual = sha256_file(path)
    report.files_checked += 1
    report.bytes_checked += size
    if row is None:
        if actual == sha256:
            report.problems.append(
                EvidenceProblem(
                    "unreferenced",
                    sha256,
                    None,
                    "an intact file the database does not list (left by an interrupted or refused "
                    "import; importing the same file again adopts it)",
                )
            )
        else:
            report.problems.append(
                EvidenceProblem(
                    "unknown",
                    sha256,
                    None,
                    f"a file the database does not list, and its content hashes to {actual}",
                )
            )
        return
    if actual != sha256:
        report.problems.append(
            EvidenceProblem(
                "changed",
                sha256,
                row.original_filename,
                f"the content changed: it now hashes to {actual}",
            )
        )
    if size != row.size:
        report.problems.append(
            EvidenceProblem(
                "size",
                sha256,
                row.original_filename,
                f"the file has {size:,} bytes; the database recorded {row.size:,}",
            )
        )
