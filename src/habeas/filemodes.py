"""Who may read what habeas leaves on disk: its owner only, whatever the umask.

A workspace holds personal data of people at risk; another account on the
same computer must not read it. Everything habeas creates gets an explicit
mode (``chmod`` after creating, so neither a umask of 022 nor 000 widens it):

* folders: ``0700`` (:data:`PRIVATE_DIR`) — the workspace, ``files/``, its
  sub-folders, upload staging, evidence exports;
* files: ``0600`` (:data:`PRIVATE_FILE`) — the database and its WAL/SHM files,
  the log head, configuration, backups, exports, manifests;
* stored evidence: ``0400`` (:data:`READ_ONLY`) — written once, never again.

:func:`loose_paths` finds what others can read or write in an existing
workspace (one made before this rule, or changed by hand); the faces warn and
say how to fix it (see docs/files-on-disk.md).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
READ_ONLY = 0o400
OTHERS = 0o077  # group and other bits


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as owner-only folders; existing ones are kept.

    Folders habeas creates are made 0700; a folder that already exists (the
    user's own, e.g. where an export goes) keeps its mode.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # made meanwhile by another process
            continue
        os.chmod(folder, PRIVATE_DIR)
    return path


def restrict(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Set ``path``'s mode (a file habeas wrote; symbolic links are not followed)."""
    if path.is_symlink():
        raise OSError(f"{path} is a symbolic link; habeas does not change it.")
    os.chmod(path, mode)


def private_output(path: Path) -> Path:
    """Create (or empty) ``path`` as an owner-only file, before a writer fills it.

    Writers that open an existing file keep its mode, so the file is private
    from its first byte; an existing file is truncated and tightened.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return path


@dataclass(frozen=True)
class LoosePath:
    """A path of a workspace that other local users can reach."""

    path: Path
    mode: int

    @property
    def octal(self) -> str:
        return f"{self.mode:04o}"


def is_loose(mode: int) -> bool:
    return bool(stat.S_IMODE(mode) & OTHERS)


def loose_paths(paths: Iterable[Path]) -> list[LoosePath]:
    """Those of ``paths`` (existing ones) whose group or other bits are set."""
    found: list[LoosePath] = []
    for path in paths:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue
        if is_loose(info.st_mode):
            found.append(LoosePath(path, stat.S_IMODE(info.st_mode)))
    return found
