"""Encryption at rest for restricted and witness-protected data (AES-GCM, ``cryptography``).

* :mod:`habeas.crypto.material` — key material kept in the workspace (``encryption.json``):
  KDF parameters, salt, check value, the wrapped data key; never a key.
* :mod:`habeas.crypto.keyring` — a store's keyring: locked or unlocked, where the key comes
  from (``HABEAS_PASSPHRASE``, ``HABEAS_KEY_FILE``, a prompt).
* :mod:`habeas.crypto.fields` — :func:`seal_json` / :func:`open_json` for database columns.
* :mod:`habeas.crypto.streams` — the chunked format of sealed files.
* :mod:`habeas.encryption` (above crypto, the store and access) — :func:`enable`,
  :func:`change_key`, :func:`encryption_status`.
* :mod:`habeas.crypto.notice` — what losing the key means, in English and Spanish.

See ``docs/encryption.md``.
"""

from __future__ import annotations

from habeas.crypto.fields import is_sealed, open_json, seal_json
from habeas.crypto.keyring import ENV_KEY_FILE, ENV_PASSPHRASE, Keyring

__all__ = ["ENV_KEY_FILE", "ENV_PASSPHRASE", "Keyring", "is_sealed", "open_json", "seal_json"]
