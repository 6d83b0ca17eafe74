"""Asking for the workspace passphrase on a terminal (never echoed; never on a pipe)."""

from __future__ import annotations

import getpass
import sys

from habeas.crypto.material import KEY_FILE, KeyMaterial
from habeas.errors import UsageError


def interactive() -> bool:
    return sys.stdin.isatty()


def ask_passphrase(material: KeyMaterial) -> bytes | None:
    """The keyring's prompt: the passphrase from the terminal (None without one)."""
    if material.kind == KEY_FILE or not interactive():
        return None  # key files come from HABEAS_KEY_FILE; scripts set HABEAS_PASSPHRASE
    return getpass.getpass("Passphrase for this workspace's protected data: ").encode("utf-8")


def ask_new_passphrase() -> str:
    """A new passphrase, typed twice."""
    if not interactive():
        raise UsageError(
            "No terminal to ask for the new passphrase: set HABEAS_NEW_PASSPHRASE "
            "(or run the command on a terminal)."
        )
    first = getpass.getpass("New passphrase (at least 12 characters): ")
    if getpass.getpass("The same passphrase again: ") != first:
        raise UsageError("The two passphrases differ; nothing was changed.")
    return first
