"""Key material: what a workspace keeps so that the right passphrase or key file opens it.

Envelope encryption. Protected data (sealed fields, sealed files) is encrypted
with a random 32-byte **data key**. The data key is never stored as such: it
is kept *wrapped* (AES-GCM) under a **key-encryption key** derived from

* a passphrase, with scrypt and a random salt (``kind = "passphrase"``), or
* a 32-byte key file supplied by the deployment, through HKDF-SHA256 with a
  random salt (``kind = "key-file"``).

The workspace file ``encryption.json`` holds only: the KDF name and its
parameters, the salt, a 16-byte **check value** (HMAC of a fixed label under the
key-encryption key: it tells a wrong passphrase from a right one and reveals
nothing about the key) and the wrapped data key. Changing the passphrase
re-wraps the same data key, so no protected data needs re-encrypting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from habeas.errors import IntegrityError, UsageError, WrongKey
from habeas.messages import N_, MessageUsageError, say

FORMAT = "habeas-key-material"
VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
CHECK_LABEL = b"habeas key check v1"
WRAP_LABEL = b"habeas data key v1:"
KEY_FILE_INFO = b"habeas key file v1"
# scrypt cost: 2**17 x 8 x 128 bytes = 128 MiB and about a second per unlock.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 12
PASSPHRASE = "passphrase"
KEY_FILE = "key-file"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KeyMaterial:
    """The non-secret half of a workspace's encryption (see the module docstring)."""

    kind: str  # "passphrase" or "key-file"
    salt: bytes
    check: bytes
    wrapped_key: bytes  # nonce + AES-GCM(key-encryption key, data key)
    workspace_id: str
    kdf: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    changed: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "workspace_id": self.workspace_id,
            "kind": self.kind,
            "kdf": self.kdf,
            "salt": _b64(self.salt),
            "check": _b64(self.check),
            "wrapped_key": _b64(self.wrapped_key),
            "created": self.created,
            "changed": self.changed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeyMaterial:
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise IntegrityError(
                "encryption.json is not habeas key material of a known "
                "version; this habeas cannot open the workspace's protected "
                "data."
            )
        try:
            return cls(
                kind=str(data["kind"]),
                salt=_unb64(data["salt"]),
                check=_unb64(data["check"]),
                wrapped_key=_unb64(data["wrapped_key"]),
                workspace_id=str(data["workspace_id"]),
                kdf=dict(data["kdf"]),
                created=str(data.get("created", "")),
                changed=str(data.get("changed", "")),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise IntegrityError(
                f"encryption.json is damaged ({exc.__class__.__name__}); restore it from a backup."
            ) from exc

    # -- files ---------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeyMaterial | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise IntegrityError(f"{path} is not valid JSON; restore it from a backup.") from exc

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, fsync, rename); readable by the owner only."""
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.to_dict(), out, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- keys ------------------------------------------------------------------
    def derive_kek(self, secret: bytes) -> bytes:
        """The key-encryption key from a passphrase (UTF-8) or a key file's 32 bytes."""
        return derive_kek(self.kind, self.kdf, self.salt, secret)

    def unwrap(self, secret: bytes) -> bytes:
        """The data key, or :class:`WrongKey` when ``secret`` is not the right one."""
        kek = self.derive_kek(secret)
        if not hmac.compare_digest(check_value(kek), self.check):
            what = "passphrase" if self.kind == PASSPHRASE else "key file"
            raise WrongKey(f"This {what} does not open this workspace's protected data.")
        nonce, body = self.wrapped_key[:NONCE_BYTES], self.wrapped_key[NONCE_BYTES:]
        try:
            return AESGCM(kek).decrypt(nonce, body, WRAP_LABEL + self.workspace_id.encode())
        except InvalidTag as exc:
            raise IntegrityError(
                "The wrapped data key in encryption.json was altered (the "
                "passphrase is right but the key does not authenticate); "
                "restore encryption.json from a backup."
            ) from exc


def derive_kek(kind: str, kdf: dict[str, Any], salt: bytes, secret: bytes) -> bytes:
    if kind == PASSPHRASE and kdf.get("name") == "scrypt":
        return Scrypt(
            salt=salt, length=KEY_BYTES, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])
        ).derive(secret)
    if kind == KEY_FILE and kdf.get("name") == "hkdf-sha256":
        return HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=KEY_FILE_INFO
        ).derive(secret)
    raise IntegrityError(
        f"encryption.json names an unknown key derivation ({kind}, {kdf.get('name')})."
    )


def check_value(kek: bytes) -> bytes:
    return hmac.new(kek, CHECK_LABEL, hashlib.sha256).digest()[:16]


def wrap(
    kind: str,
    secret: bytes,
    data_key: bytes,
    workspace_id: str,
    *,
    scrypt_n: int = SCRYPT_N,
    created: str | None = None,
) -> KeyMaterial:
    """New key material wrapping ``data_key`` under ``secret`` with a fresh salt and nonce."""
    if kind == PASSPHRASE:
        kdf: dict[str, Any] = {"name": "scrypt", "n": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P}
    elif kind == KEY_FILE:
        kdf = {"name": "hkdf-sha256"}
    else:
        raise UsageError(f"unknown key kind {kind!r}")
    salt = secrets.token_bytes(SALT_BYTES)
    kek = derive_kek(kind, kdf, salt, secret)
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, WRAP_LABEL + workspace_id.encode())
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return KeyMaterial(
        kind=kind,
        salt=salt,
        check=check_value(kek),
        wrapped_key=wrapped,
        workspace_id=workspace_id,
        kdf=kdf,
        created=created or now,
        changed=now,
    )


def passphrase_secret(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise UsageError(
            f"The passphrase must have at least {MIN_PASSPHRASE} characters "
            "(several unrelated words are easiest to remember)."
        )
    return passphrase.encode("utf-8")


def _inside_a_workspace(path: Path, workspace_root: Path | None) -> Path | None:
    """The workspace folder ``path`` lies in (``workspace_root`` or any folder holding a
    workspace configuration), if any."""
    from habeas.workspace import CONFIG_NAME

    resolved = path.resolve()
    if workspace_root is not None and resolved.is_relative_to(workspace_root.resolve()):
        return workspace_root
    return next((folder for folder in resolved.parents if (folder / CONFIG_NAME).exists()), None)


def check_key_file_place(path: Path, workspace_root: Path | None = None) -> None:
    """Refuse a key file kept inside a workspace folder: a key beside the data protects
    nothing (it travels with every copy of the folder)."""
    folder = _inside_a_workspace(path, workspace_root)
    if folder is not None:
        raise MessageUsageError(
            say(
                N_(
                    "The key file {path} is inside the workspace folder {folder}: a key kept "
                    "beside "
                    "the data protects nothing. Keep it elsewhere (another disk, the deployment's "
                    "secret store)."
                ),
                path=path,
                folder=folder,
            )
        )


def check_key_file_mode(path: Path) -> None:
    """Refuse a key file that other users can read (as ssh refuses such a private key)."""
    if os.name == "nt":  # no POSIX modes; the folder's ACL decides
        return
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise UsageError(f"Cannot read the key file {path}: {exc.strerror}.") from exc
    if mode & 0o077:
        raise MessageUsageError(
            say(
                N_(
                    "The key file {path} can be read by other users of this machine (mode {mode}); "
                    "a "
                    "key others can read protects nothing. Make it readable by its owner only: "
                    "chmod "
                    "600 {path}"
                ),
                path=path,
                mode=f"{mode & 0o777:o}",
            )
        )


def read_key_file(path: Path, workspace_root: Path | None = None) -> bytes:
    """A deployment key file: 32 raw bytes, 64 hexadecimal digits, or 32 bytes in base64.

    Refused when it lies inside a workspace folder or other users can read it.
    """
    check_key_file_place(path, workspace_root)
    check_key_file_mode(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read the key file {path}: {exc.strerror}.") from exc
    if len(raw) == KEY_BYTES:
        return raw
    text = raw.decode("ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text) if len(text) == 2 * KEY_BYTES else _unb64(text)
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != KEY_BYTES:
        raise UsageError(
            f"The key file {path} must hold a 32-byte key: 32 raw bytes, 64 "
            "hexadecimal digits or base64 (`habeas encryption new-key-file` "
            "writes one)."
        )
    return key


def write_key_file(path: Path, workspace_root: Path | None = None) -> None:
    """Write a new random 32-byte key (hexadecimal) to ``path``, readable by the owner only;
    never inside a workspace folder."""
    check_key_file_place(path, workspace_root)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
