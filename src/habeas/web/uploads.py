"""Files waiting between the dry run and the import (the "staging" area).

Uploads wait in the workspace's ``uploads/`` folder (or the configured
``upload_dir``), which must be the server account's alone: habeas creates it
0700 and refuses a folder that another account owns or can enter. An upload
gets a random id; its folder (0700) holds the file (0600, under its own name)
and ``upload.json`` (who uploaded it, when, the file's name and the import
options chosen so far). Only the uploader (or an admin) may use it.

* **Sealed when the workspace encrypts**: the file is kept sealed
  (:mod:`habeas.crypto.streams`, bound to the upload's id) and opened into a
  private temporary copy only while a dry run or the import reads it
  (:meth:`Uploads.opened`), which is removed right after.
* **Names are checked**: the name recorded in ``upload.json`` is used only if it
  is a plain file name (no folder separators, no ``..``, not absolute) and the
  staged file is a regular file, not a link.
* **Abandoned uploads go**: uploads older than :data:`MAX_AGE` are removed when
  the next one arrives and are no longer served; an import leaves the file in the
  workspace's content-addressed store, so the staged copy is removed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from habeas.crypto.keyring import Keyring
from habeas.crypto.streams import open_stream, seal_stream
from habeas.errors import IntegrityError, NotFound, UsageError, WorkspaceError
from habeas.filemodes import PRIVATE_DIR, PRIVATE_FILE, is_loose, private_dir, private_output
from habeas.ingest.cell_checks import Corrections
from habeas.ingest.importer import ImportOptions
from habeas.store.db import Store
from habeas.workspace import FILES_DIR, UPLOADS_DIR

MAX_AGE = 24 * 3600
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson")
#: Lists read off pages: PDFs (text or scanned) and scanned or photographed pages.
PAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
META_NAME = "upload.json"
SEALED_SUFFIX = ".sealed"
CHUNK = 1 << 20


def staging_dir(configured: Path | None, store: Store) -> Path:
    """The staging folder: ``configured``, else the workspace's ``uploads/``; checked private."""
    if configured is None:
        if store.files is None or store.files.root.name != FILES_DIR:
            raise WorkspaceError(
                "This store has no workspace folder to keep uploads in; configure upload_dir."
            )
        configured = store.files.root.parent / UPLOADS_DIR
    root = private_dir(configured)
    info = root.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(
            f"The upload folder {root} is not a folder (or is a link); uploads were not accepted."
        )
    if info.st_uid != os.geteuid():
        raise WorkspaceError(
            f"The upload folder {root} belongs to another account; uploads were not accepted."
        )
    if is_loose(info.st_mode):
        raise WorkspaceError(
            f"Other accounts can enter the upload folder {root} (mode "
            f"{stat.S_IMODE(info.st_mode):04o}); uploads were not accepted. "
            f"Make it private: chmod 700 {root}"
        )
    return root


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or "upload"
    name = re.sub(r"[^\w.\- ()áéíóúñÁÉÍÓÚÑüÜ]", "_", name)[:120].lstrip(".") or "upload"
    if not name.lower().endswith(SUFFIXES + PAGE_SUFFIXES):
        raise UsageError(
            f"{filename!r}: habeas imports CSV, XLSX, JSON or JSON Lines files, PDFs and "
            f"scanned pages ({', '.join(SUFFIXES + PAGE_SUFFIXES)})."
        )
    return name


def _checked_name(name: Any) -> str:
    """The file name recorded in ``upload.json``, if it is a plain, safe file name."""
    if (
        not isinstance(name, str)
        or not name
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or name in (".", "..")
        or name.startswith(".")
        or Path(name).is_absolute()
        or _safe_name(name) != name
    ):
        raise IntegrityError(
            "The staged upload names an unsafe file; it was not opened. Upload the file again."
        )
    return name


def _regular(path: Path) -> Path:
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise NotFound("The uploaded file is gone. Upload it again.") from None
    if not stat.S_ISREG(info.st_mode):
        raise IntegrityError(
            "The staged upload is not a regular file; it was not opened. Upload the file again."
        )
    return path


def _create(path: Path) -> BinaryIO:
    """A new owner-only file (0600 whatever the umask; never through a link)."""
    fd = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE
    )
    os.fchmod(fd, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def _gone() -> NotFound:
    return NotFound(
        "That upload does not exist (uploads are kept for 24 hours, and "
        "removed once imported). Upload the file again."
    )


def _age(folder: Path) -> float:
    """Seconds since the upload arrived (its recorded time; the folder's if unreadable)."""
    try:
        created = float(json.loads((folder / META_NAME).read_text(encoding="utf-8"))["created"])
    except (OSError, ValueError, KeyError, TypeError):
        created = folder.lstat().st_mtime
    return time.time() - created


class _Limited:
    """Reads ``content`` and refuses more than ``max_bytes``."""

    def __init__(self, content: BinaryIO, max_bytes: int) -> None:
        self.content, self.max_bytes, self.read_bytes = content, max_bytes, 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.content.read(size)
        self.read_bytes += len(data)
        if self.read_bytes > self.max_bytes:
            raise UsageError(
                f"The file is larger than the limit of {self.max_bytes // (1024 * 1024)} MB."
            )
        return data


class Uploads:
    def __init__(self, root: Path, keyring: Keyring | None = None) -> None:
        self.root = root
        self.keyring = keyring or Keyring.disabled()

    def cleanup(self, max_age: float = MAX_AGE) -> int:
        """Remove uploads older than ``max_age`` seconds (only habeas's own upload folders)."""
        removed = 0
        for folder in self.root.iterdir():
            if not ID_PATTERN.match(folder.name) or folder.is_symlink() or not folder.is_dir():
                continue
            if _age(folder) > max_age:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    @staticmethod
    def _label(upload_id: str) -> str:
        return f"upload {upload_id}"  # what the sealed file is bound to

    def save(self, filename: str, content: BinaryIO, owner: str, max_bytes: int) -> str:
        name = _safe_name(filename)
        self.cleanup()
        upload_id = secrets.token_urlsafe(18)
        folder = self.root / upload_id
        folder.mkdir(mode=PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)
        sealed = self.keyring.enabled
        source = _Limited(content, max_bytes)
        try:
            with _create(folder / (name + SEALED_SUFFIX if sealed else name)) as out:
                if sealed:
                    for piece in seal_stream(
                        self.keyring.data_key(), self._label(upload_id), source
                    ):
                        out.write(piece)
                else:
                    while chunk := source.read(CHUNK):
                        out.write(chunk)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._write_meta(
            upload_id,
            {
                "owner": owner,
                "filename": name,
                "created": time.time(),
                "sealed": sealed,
                "options": None,
            },
        )
        return upload_id

    def _folder(self, upload_id: str) -> Path:
        folder = self.root / upload_id
        if (
            not ID_PATTERN.match(upload_id)
            or folder.is_symlink()
            or not (folder / META_NAME).is_file()
        ):
            raise _gone()
        if _age(folder) > MAX_AGE:  # abandoned: removed, not served
            shutil.rmtree(folder, ignore_errors=True)
            raise _gone()
        return folder

    def _write_meta(self, upload_id: str, meta: dict[str, Any]) -> None:
        private_output(self.root / upload_id / META_NAME).write_text(
            json.dumps(meta), encoding="utf-8"
        )

    def meta(self, upload_id: str, user: str, is_admin: bool) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads(
            _regular(self._folder(upload_id) / META_NAME).read_text(encoding="utf-8")
        )
        if meta["owner"] != user and not is_admin:
            raise NotFound("That upload does not exist (or is someone else's).")
        return meta

    @contextmanager
    def opened(self, upload_id: str, meta: dict[str, Any]) -> Iterator[Path]:
        """The staged file in plaintext, under its own name, while the block runs.

        A sealed upload is opened into a private temporary folder inside the
        upload's folder, removed when the block ends.
        """
        folder = self._folder(upload_id)
        name = _checked_name(meta.get("filename"))
        if not meta.get("sealed"):
            yield _regular(folder / name)
            return
        sealed = _regular(folder / (name + SEALED_SUFFIX))
        work = Path(tempfile.mkdtemp(prefix=".open-", dir=folder))  # 0700
        try:
            with _create(work / name) as out, sealed.open("rb") as handle:
                for chunk in open_stream(self.keyring.data_key(), self._label(upload_id), handle):
                    out.write(chunk)
            yield work / name
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def options(self, meta: dict[str, Any]) -> ImportOptions | None:
        if not meta.get("options"):
            return None
        stored = dict(meta["options"])
        corrections = stored.pop("corrections", None)
        options = ImportOptions(**stored)
        if corrections:  # a person's corrections of cells read off pages (PDF, scans)
            options.corrections = Corrections(
                {(int(r), str(c)): str(t) for r, c, t in corrections.get("values", [])},
                {(int(r), str(c)) for r, c in corrections.get("confirmed", [])},
            )
        return options

    def set_options(self, upload_id: str, meta: dict[str, Any], options: ImportOptions) -> None:
        corrections = options.corrections
        options.corrections = None
        stored = asdict(options)
        options.corrections = corrections
        if corrections:
            stored["corrections"] = {
                "values": [[r, c, t] for (r, c), t in sorted(corrections.values.items())],
                "confirmed": [[r, c] for r, c in sorted(corrections.confirmed)],
            }
        meta["options"] = stored
        self._write_meta(upload_id, meta)

    def remove(self, upload_id: str) -> None:
        shutil.rmtree(self._folder(upload_id), ignore_errors=True)
