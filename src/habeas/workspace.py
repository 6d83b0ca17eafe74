"""A workspace: one folder holding a register.

Layout::

    DIR/
      habeas.toml     configuration (name, database URL if not the embedded SQLite)
      habeas.db       the SQLite database (the embedded default)
      files/          the content-addressed file store (files/ab/abcdef...)
      log.head        the change log's last sequence number and hash, kept
                      outside the database so that deleting the newest log
                      entries is detected too
      encryption.json key material when encryption is enabled: KDF parameters,
                      salt, check value, wrapped data key — never the key
                      (see habeas.crypto and docs/encryption.md)
      uploads/        web uploads waiting for their import (habeas.web.uploads)

Only the owner may read any of it: folders are 0700, files 0600, stored files
0400 (:mod:`habeas.filemodes`); :meth:`Workspace.loose_paths` lists what is
looser in an existing workspace (the faces warn about it).

Commands find the workspace from ``--workspace``, then ``HABEAS_WORKSPACE``,
then the current directory and its parents. ``HABEAS_DATABASE_URL`` (e.g.
``postgresql+psycopg://user@host/db``) puts the database on PostgreSQL instead
of the workspace's SQLite file; the file store stays in the workspace.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from habeas.errors import WorkspaceError
from habeas.filemodes import PRIVATE_DIR, LoosePath, loose_paths, private_output

CONFIG_NAME = "habeas.toml"
DATABASE_NAME = "habeas.db"
FILES_DIR = "files"
HEAD_NAME = "log.head"
KEY_MATERIAL_NAME = "encryption.json"
UPLOADS_DIR = "uploads"
SECRET_NAME = "web.secret"


@dataclass(frozen=True)
class Workspace:
    root: Path
    name: str
    database_url: str

    @property
    def files_dir(self) -> Path:
        return self.root / FILES_DIR

    @property
    def head_path(self) -> Path:
        return self.root / HEAD_NAME

    @property
    def key_material_path(self) -> Path:
        return self.root / KEY_MATERIAL_NAME

    @property
    def uploads_dir(self) -> Path:
        return self.root / UPLOADS_DIR

    def loose_paths(self) -> list[LoosePath]:
        """The workspace's folders and files that other local users can reach."""
        names = [FILES_DIR, UPLOADS_DIR, CONFIG_NAME, HEAD_NAME, KEY_MATERIAL_NAME, SECRET_NAME]
        if self.database_url.startswith("sqlite"):
            names += [DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm"]
        return loose_paths([self.root, *(self.root / name for name in names)])


def _sqlite_url(root: Path) -> str:
    return f"sqlite:///{(root / DATABASE_NAME).resolve()}"


def _database_url(root: Path, configured: str | None) -> str:
    return os.environ.get("HABEAS_DATABASE_URL") or configured or _sqlite_url(root)


def init_workspace(directory: Path, name: str | None = None) -> Workspace:
    """Create the workspace folder and its config; the database is created by the store."""
    directory = directory.resolve()
    config = directory / CONFIG_NAME
    if config.exists():
        raise WorkspaceError(f"{directory} is already a habeas workspace ({CONFIG_NAME} exists).")
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, PRIVATE_DIR)  # the workspace: its owner's only
    (directory / FILES_DIR).mkdir(exist_ok=True)
    os.chmod(directory / FILES_DIR, PRIVATE_DIR)
    name = name or directory.name
    created = datetime.now(UTC).isoformat(timespec="seconds")
    private_output(config).write_text(
        "# habeas workspace configuration\n"
        f'name = "{_toml_escape(name)}"\n'
        f'created = "{created}"\n'
        '# database_url = "postgresql+psycopg://user@host/dbname"  '
        "# default: habeas.db in this folder\n",
        encoding="utf-8",
    )
    return load_workspace(directory)


def _toml_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def load_workspace(directory: Path) -> Workspace:
    config_path = directory / CONFIG_NAME
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise WorkspaceError(f"{directory} is not a habeas workspace (no {CONFIG_NAME}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{config_path} is not valid TOML: {exc}") from exc
    root = directory.resolve()
    return Workspace(
        root=root,
        name=str(config.get("name", root.name)),
        database_url=_database_url(root, config.get("database_url")),
    )


def find_workspace(explicit: Path | None = None) -> Workspace:
    """The workspace from ``--workspace``, ``HABEAS_WORKSPACE`` or the current directory."""
    if explicit is not None:
        return load_workspace(explicit)
    env = os.environ.get("HABEAS_WORKSPACE")
    if env:
        return load_workspace(Path(env))
    here = Path.cwd()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).exists():
            return load_workspace(candidate)
    raise WorkspaceError(
        "No habeas workspace here. Create one with `habeas init DIR`, then run commands "
        "inside it, or pass --workspace DIR (or set HABEAS_WORKSPACE)."
    )
