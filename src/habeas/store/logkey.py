"""The change log's key: the hash chain is an HMAC chain under a key kept outside the database.

A plain SHA-256 chain proves nothing against someone who can write to the
database: they delete or edit entries and recompute every hash after them. With
the key, each entry's hash is ``HMAC-SHA256(key, prev_hash || canonical(entry))``;
without the key nobody can compute a hash that verifies.

The key lives in the workspace folder as ``log.key`` (mode 600, like
``web.secret``), never in the database and never in a backup::

    {"format": "habeas log key", "version": 1, "key": "<64 hex digits>", "since": 1}

``since`` is the first keyed entry. New workspaces are keyed from entry 1.
A workspace made before keys existed has an **un-keyed legacy chain**: it still
verifies as before, and ``habeas log verify`` says it is un-keyed; ``habeas log
create-key`` (:func:`adopt`) verifies it, writes the key and keys every entry
from the next one on (a ``log_key`` entry records the key's id, never the key).

Whoever can read ``log.key`` can re-chain the log: keep a copy of it apart from
the workspace (``habeas restore`` needs it, and it is what makes a backup's
signature checkable), and anchor the head digest that ``habeas log verify``
prints somewhere else (``--expect-head``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from habeas.errors import IntegrityError, UsageError
from habeas.messages import N_, MessageError, MessageUsageError, say

if TYPE_CHECKING:
    from habeas.store.db import Store

KEY_NAME = "log.key"
FORMAT = "habeas log key"
VERSION = 1
KEY_BYTES = 32
KEY_ACTION = "log_key"
ID_LABEL = b"habeas log key id v1:"
SIGN_LABEL = b"habeas backup manifest v1:"


@dataclass(frozen=True)
class LogKey:
    key: bytes
    since: int

    @property
    def key_id(self) -> str:
        """A public name for the key (reveals nothing about it)."""
        return hashlib.sha256(ID_LABEL + self.key).hexdigest()[:16]

    def chain(self, prev_hash: str, payload: str) -> str:
        return hmac.new(self.key, (prev_hash + payload).encode("utf-8"), hashlib.sha256).hexdigest()

    def sign(self, data: bytes) -> str:
        """The signature of a backup's manifest."""
        return hmac.new(self.key, SIGN_LABEL + data, hashlib.sha256).hexdigest()

    def to_text(self) -> str:
        return (
            json.dumps(
                {"format": FORMAT, "version": VERSION, "key": self.key.hex(), "since": self.since}
            )
            + "\n"
        )

    @classmethod
    def parse(cls, text: str, where: Path | str) -> LogKey:
        try:
            data: dict[str, Any] = json.loads(text)
            if data.get("format") != FORMAT or data.get("version") != VERSION:
                raise ValueError("not a habeas log key")
            key, since = bytes.fromhex(str(data["key"])), int(data["since"])
            if len(key) != KEY_BYTES or since < 1:
                raise ValueError("bad key or since")
        except (ValueError, KeyError, TypeError) as exc:
            raise IntegrityError(f"{where} is not a habeas log key ({exc}).") from exc
        return cls(key, since)


def key_path(root: Path) -> Path:
    return root / KEY_NAME


def load(path: Path | None) -> LogKey | None:
    """The key in ``path``, or None when there is none (an un-keyed legacy chain)."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"Cannot read the log key {path}: {exc}") from exc
    return LogKey.parse(text, path)


def write(path: Path, key: LogKey) -> None:
    """Write ``key`` to ``path`` (which must not exist), readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.to_text())
        out.flush()
        os.fsync(out.fileno())


def create(path: Path, since: int) -> LogKey:
    key = LogKey(secrets.token_bytes(KEY_BYTES), since)
    write(path, key)
    return key


@dataclass(frozen=True)
class Adopted:
    key_id: str
    since: int


def adopt(store: Store, actor: str | None = None) -> Adopted:
    """Key an un-keyed (legacy) chain from its next entry on; the chain must verify first."""
    from habeas.store import changelog

    path = store.log_key_path
    if path is None:
        raise UsageError("This store has no workspace folder to keep a log key in.")
    if path.exists():
        raise MessageUsageError(
            say(N_("The change log is already keyed ({path} exists)."), path=path)
        )
    check = store.verify_log()
    if not check.ok:
        raise MessageError(
            say(
                N_(
                    "The change log does not verify, so it cannot be keyed "
                    "(keying it would bless the changes):"
                )
            ),
            check.issues,
        )
    with store.write(actor) as op:
        since = changelog.next_seq(op.session)
        key = create(path, since)
        try:
            op.log(
                KEY_ACTION,
                "change_log",
                None,
                {"key_id": key.key_id, "since": since, "scheme": "hmac-sha256"},
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Adopted(key.key_id, since)
