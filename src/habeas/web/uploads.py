"""Files waiting between the dry run and the import (the "staging" area).

An upload gets a random id; its folder holds the file (under its own name) and
``upload.json`` (who uploaded it, when, and the import options chosen so far).
Only the uploader (or an admin) may use it. Uploads older than
:data:`MAX_AGE` are removed when the next one arrives; an import leaves the
file in the workspace's content-addressed store, so the staged copy is removed.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from habeas.errors import NotFound, UsageError
from habeas.ingest.importer import ImportOptions

MAX_AGE = 24 * 3600
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson")


def staging_dir(configured: Path | None) -> Path:
    root = configured or Path(tempfile.gettempdir()) / "habeas-uploads"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or "upload"
    name = re.sub(r"[^\w.\- ()áéíóúñÁÉÍÓÚÑüÜ]", "_", name)[:120]
    if not name.lower().endswith(SUFFIXES):
        raise UsageError(f"{filename!r}: habeas imports CSV, XLSX, JSON or JSON Lines files "
                         f"({', '.join(SUFFIXES)}).")
    return name


class Uploads:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _cleanup(self) -> None:
        cutoff = time.time() - MAX_AGE
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    def save(self, filename: str, content: BinaryIO, owner: str, max_bytes: int) -> str:
        name = _safe_name(filename)
        self._cleanup()
        upload_id = secrets.token_urlsafe(18)
        folder = self.root / upload_id
        folder.mkdir(mode=0o700)
        written = 0
        with (folder / name).open("wb") as out:
            while chunk := content.read(1024 * 1024):
                written += len(chunk)
                if written > max_bytes:
                    out.close()
                    shutil.rmtree(folder, ignore_errors=True)
                    raise UsageError(f"The file is larger than the limit of "
                                     f"{max_bytes // (1024 * 1024)} MB.")
                out.write(chunk)
        self._write_meta(upload_id, {"owner": owner, "filename": name, "created": time.time(),
                                     "options": None})
        return upload_id

    def _folder(self, upload_id: str) -> Path:
        folder = self.root / upload_id
        if not ID_PATTERN.match(upload_id) or not (folder / "upload.json").exists():
            raise NotFound("That upload does not exist (uploads are kept for 24 hours, and "
                           "removed once imported). Upload the file again.")
        return folder

    def _write_meta(self, upload_id: str, meta: dict[str, Any]) -> None:
        (self.root / upload_id / "upload.json").write_text(json.dumps(meta), encoding="utf-8")

    def meta(self, upload_id: str, user: str, is_admin: bool) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads(
            (self._folder(upload_id) / "upload.json").read_text(encoding="utf-8"))
        if meta["owner"] != user and not is_admin:
            raise NotFound("That upload does not exist (or is someone else's).")
        return meta

    def path(self, upload_id: str, meta: dict[str, Any]) -> Path:
        return self._folder(upload_id) / str(meta["filename"])

    def options(self, meta: dict[str, Any]) -> ImportOptions | None:
        return ImportOptions(**meta["options"]) if meta.get("options") else None

    def set_options(self, upload_id: str, meta: dict[str, Any], options: ImportOptions) -> None:
        meta["options"] = asdict(options)
        self._write_meta(upload_id, meta)

    def remove(self, upload_id: str) -> None:
        shutil.rmtree(self._folder(upload_id), ignore_errors=True)
