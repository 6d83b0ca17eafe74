"""Sealed JSON values for database text columns (the identities of relatives and witnesses).

:func:`seal_json` turns a JSON-able value into text for a ``Text`` column:

* encryption not enabled on the workspace: plain JSON text (it starts with
  ``{``, ``[``, ``"``, a digit, ``t``/``f``/``n``);
* enabled: ``hbs1:`` followed by base64url of a fresh random 96-bit nonce and
  the AES-GCM ciphertext (with its 16-byte tag) under the workspace's data key.
  The associated data binds the value to the workspace and to its *context*
  (what the value is, by default ``record.protected``), so a sealed value
  copied into another column or workspace does not open.

:func:`open_json` reads either form; plain JSON written before encryption was
enabled stays readable. Sealing or opening on an encrypted workspace whose key
was not supplied raises :class:`~habeas.errors.KeyRequired`; a sealed value that
was altered raises :class:`~habeas.errors.IntegrityError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from habeas.crypto.keyring import Keyring
from habeas.errors import IntegrityError, KeyRequired

PREFIX = "hbs1:"
NONCE_BYTES = 12
DEFAULT_CONTEXT = "record.protected"
AAD_LABEL = b"habeas field v1\x00"


class HasKeyring(Protocol):
    keyring: Keyring


def is_sealed(text: str | None) -> bool:
    return bool(text) and str(text).startswith(PREFIX)


def _aad(keyring: Keyring, context: str) -> bytes:
    material = keyring.material
    workspace_id = material.workspace_id if material is not None else ""
    return AAD_LABEL + workspace_id.encode() + b"\x00" + context.encode("utf-8")


def seal_json(store: HasKeyring, obj: Any, *, context: str = DEFAULT_CONTEXT) -> str:
    """``obj`` as text for a column: sealed when the workspace encrypts, else plain JSON."""
    plain = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    keyring = store.keyring
    if not keyring.enabled:
        return plain
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = AESGCM(keyring.data_key()).encrypt(nonce, plain.encode("utf-8"), _aad(keyring, context))
    return PREFIX + base64.urlsafe_b64encode(nonce + body).decode("ascii")


def open_json(store: HasKeyring, text: str, *, context: str = DEFAULT_CONTEXT) -> Any:
    """The value :func:`seal_json` stored (sealed or plain JSON)."""
    if not is_sealed(text):
        return json.loads(text)
    keyring = store.keyring
    if not keyring.enabled:
        raise KeyRequired(
            "This value is sealed, but the workspace has no key material "
            "(encryption.json is missing): restore it from a backup of the "
            "workspace."
        )
    try:
        raw = base64.urlsafe_b64decode(text[len(PREFIX) :].encode("ascii"))
    except (ValueError, binascii.Error) as exc:
        raise IntegrityError("A sealed value is damaged (not valid base64).") from exc
    nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = AESGCM(keyring.data_key()).decrypt(nonce, body, _aad(keyring, context))
    except InvalidTag as exc:
        raise IntegrityError(
            "A sealed value does not authenticate: it was altered, or it "
            f"was sealed for another place than {context!r}."
        ) from exc
    return json.loads(plain.decode("utf-8"))
