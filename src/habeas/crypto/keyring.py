"""A store's keyring: whether the workspace encrypts, and its data key once unlocked.

The key reaches habeas from (first match):

1. ``HABEAS_KEY_FILE`` — the path of a deployment key file (workspaces enabled
   with a key file);
2. ``HABEAS_PASSPHRASE`` — the passphrase (workspaces enabled with a passphrase);
3. a prompt the face installed (:attr:`Keyring.prompt`; the CLI asks on a terminal).

Nothing is asked until protected data is actually sealed or opened, so commands
that never touch it need no passphrase. Without any of these, sealing or opening
raises :class:`~habeas.errors.KeyRequired`. The data key stays in memory only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from habeas.crypto.material import (
    KEY_FILE,
    PASSPHRASE,
    KeyMaterial,
    read_key_file,
)
from habeas.errors import KeyRequired

ENV_PASSPHRASE = "HABEAS_PASSPHRASE"
ENV_KEY_FILE = "HABEAS_KEY_FILE"
Prompt = Callable[[KeyMaterial], bytes | None]


def _key_required(material: KeyMaterial) -> KeyRequired:
    if material.kind == KEY_FILE:
        how = f"set {ENV_KEY_FILE} to the path of the deployment's key file"
    else:
        how = (
            f"set {ENV_PASSPHRASE}, or run the command on a terminal to be asked for the passphrase"
        )
    return KeyRequired(
        f"This workspace's protected data is encrypted; {how}. See docs/encryption.md."
    )


class Keyring:
    """Encryption state of one workspace: not enabled, locked, or unlocked."""

    def __init__(self, path: Path | None, prompt: Prompt | None = None) -> None:
        self.path = path
        self.prompt = prompt
        self._material: KeyMaterial | None = None
        self._data_key: bytes | None = None
        self._lock = threading.Lock()

    @classmethod
    def disabled(cls) -> Keyring:
        """A keyring with nowhere to keep key material (stores without a workspace)."""
        return cls(None)

    # -- state -------------------------------------------------------------------
    @property
    def material(self) -> KeyMaterial | None:
        """The key material, re-read while absent (another process may enable encryption)."""
        if self._material is None and self.path is not None:
            self._material = KeyMaterial.load(self.path)
        return self._material

    @property
    def enabled(self) -> bool:
        return self.material is not None

    @property
    def unlocked(self) -> bool:
        return self._data_key is not None

    # -- keys ----------------------------------------------------------------------
    def data_key(self) -> bytes:
        """The data key; unlocks from the environment or the prompt on first use."""
        if self._data_key is not None:
            return self._data_key
        material = self.material
        if material is None:
            raise KeyRequired(
                "Encryption is not enabled on this workspace (`habeas encryption enable`)."
            )
        with self._lock:
            if self._data_key is None:
                secret = self._secret_from_environment(material, self._workspace_root)
                if secret is None and self.prompt is not None:
                    secret = self.prompt(material)
                if secret is None:
                    raise _key_required(material)
                self._data_key = material.unwrap(secret)
        return self._data_key

    def unlock(self, secret: bytes) -> None:
        """Unlock with a passphrase (UTF-8 bytes) or key file bytes; :class:`WrongKey` if wrong."""
        material = self.material
        if material is None:
            raise KeyRequired("Encryption is not enabled on this workspace.")
        self._data_key = material.unwrap(secret)

    def lock(self) -> None:
        self._data_key = None

    def install(self, material: KeyMaterial, data_key: bytes) -> None:
        """Adopt new key material (after enabling or changing the key) and its data key."""
        if self.path is None:
            raise KeyRequired("This store has no workspace to keep key material in.")
        material.save(self.path)
        self._material = material
        self._data_key = data_key

    @property
    def _workspace_root(self) -> Path | None:
        return None if self.path is None else self.path.parent

    @staticmethod
    def _secret_from_environment(
        material: KeyMaterial, workspace_root: Path | None = None
    ) -> bytes | None:
        if material.kind == KEY_FILE:
            key_file = os.environ.get(ENV_KEY_FILE)
            return read_key_file(Path(key_file), workspace_root) if key_file else None
        if material.kind == PASSPHRASE:
            passphrase = os.environ.get(ENV_PASSPHRASE)
            return passphrase.encode("utf-8") if passphrase else None
        return None
