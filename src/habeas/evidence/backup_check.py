"""Restore's checks of a backup archive before anything is loaded (see
:mod:`habeas.evidence.backup`): the manifest is read and authenticated (its
signature under the source workspace's log key, or the digest noted at backup
time), then every member is extracted and hashed, ``backup.json`` first, so
that the sizes it records bound every other member.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from habeas.errors import IntegrityError
from habeas.evidence.backup_files import FILE_MEMBER_RE, KEY_MATERIAL_MEMBER
from habeas.messages import N_, MessageError, MessageUsageError, say
from habeas.store import logkey
from habeas.store.filestore import CHUNK

META_NAME = "backup.json"
MANIFEST_NAME = "MANIFEST.sha256"
SIGNATURE_NAME = "MANIFEST.sig"
META_LIMIT = 256 * 1024 * 1024  # backup.json of an older backup (no recorded sizes)
DB_MEMBER_RE = re.compile(r"^db/\d{2,3}-[a-z0-9_]+\.jsonl$")
Progress = Callable[[str, int, int], None]


def read_manifest(zf: zipfile.ZipFile, expect_digest: str | None) -> tuple[dict[str, str], bytes]:
    try:
        raw = zf.read(MANIFEST_NAME)
    except KeyError:
        raise IntegrityError(f"Not a habeas backup: no {MANIFEST_NAME} in the archive.") from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise IntegrityError(f"{MANIFEST_NAME} cannot be read ({exc}).") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if expect_digest is not None and expect_digest.strip().lower() != digest:
        raise IntegrityError(
            f"The backup's digest (SHA-256 of {MANIFEST_NAME}) is {digest}, "
            f"not the {expect_digest} you noted: the archive was rewritten "
            "or it is another backup."
        )
    try:
        text_ = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IntegrityError(f"{MANIFEST_NAME} is not text.") from exc
    manifest: dict[str, str] = {}
    for number, line in enumerate(text_.splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if not match:
            raise IntegrityError(f"{MANIFEST_NAME} line {number} is not `HASH  NAME`.")
        digest, name = match.groups()
        if name in manifest:
            raise IntegrityError(f"{MANIFEST_NAME} lists {name} twice.")
        if not (
            name in (META_NAME, KEY_MATERIAL_MEMBER)
            or DB_MEMBER_RE.match(name)
            or FILE_MEMBER_RE.match(name)
        ):
            raise IntegrityError(f"{MANIFEST_NAME} lists an unexpected member {name!r}.")
        manifest[name] = digest
    return manifest, raw


class KeyNeeded(MessageUsageError):
    """The backup is signed; checking it needs its workspace's log key."""


class DigestNeeded(MessageUsageError):
    """The backup is not signed; only the digest noted at backup time can vouch for it."""


def authenticate(
    zf: zipfile.ZipFile, raw: bytes, key: logkey.LogKey | None, expect_digest: str | None
) -> str | None:
    """Refuse a manifest that is neither signed by ``key`` nor vouched for by the digest noted
    at backup time (checked by :func:`read_manifest`); returns the signing key's id."""
    if SIGNATURE_NAME not in zf.namelist():
        if expect_digest is None:
            raise DigestNeeded(
                say(
                    N_(
                        "This backup is not signed (it was made before habeas signed backups, or "
                        "by a "
                        "workspace without a log key), so a rewritten archive cannot be told from "
                        "the "
                        "original."
                    )
                )
            )
        return None
    try:
        signature = json.loads(zf.read(SIGNATURE_NAME))
        key_id, mac = str(signature["key_id"]), str(signature["signature"])
    except (KeyError, TypeError, ValueError, zipfile.BadZipFile, OSError, zlib.error) as exc:
        raise MessageError(
            say(
                N_("{name} of the backup cannot be read ({error})."), name=SIGNATURE_NAME, error=exc
            )
        ) from exc
    if key is None:
        raise KeyNeeded(
            say(
                N_(
                    "This backup is signed with the log key {key_id} of the workspace it was made "
                    "from; that key is needed to check the backup and to keep its change log "
                    "verifiable."
                ),
                key_id=key_id,
            )
        )
    if key.key_id != key_id:
        raise MessageError(
            say(
                N_(
                    "This backup is signed with the log key {key_id}; the key "
                    "given is {given}. Nothing was restored."
                ),
                key_id=key_id,
                given=key.key_id,
            )
        )
    if not hmac.compare_digest(key.sign(raw), mac):
        raise MessageError(
            say(
                N_(
                    "The backup's signature does not match its manifest: the "
                    "archive was rewritten after it was made, or damaged. "
                    "Nothing was restored."
                )
            )
        )
    return key_id


def stage(
    zf: zipfile.ZipFile, manifest: dict[str, str], staging: Path, progress: Progress | None
) -> list[str]:
    """Extract every member into ``staging`` while checking its hash; returns problems.

    ``backup.json`` comes first: the sizes it records bound every other member, so a
    member whose declared size differs is not extracted at all, and one that grows past
    its size is stopped there.
    """
    problems: list[str] = []
    names = [i.filename for i in zf.infolist()]
    if len(names) != len(set(names)):
        problems.append("the archive holds two members with the same name")
    present = set(names) - {MANIFEST_NAME, SIGNATURE_NAME}
    for name in sorted(set(manifest) - present):
        problems.append(f"{name}: listed in the manifest but missing from the archive")
    for name in sorted(present - set(manifest)):
        problems.append(f"{name}: in the archive but not in the manifest")
    if META_NAME not in manifest:
        problems.append(f"{META_NAME}: missing")
    todo = sorted(set(manifest) & present, key=lambda n: (n != META_NAME, n))
    sizes: dict[str, int] | None = None
    for number, name in enumerate(todo, start=1):
        declared = zf.getinfo(name).file_size
        limit = META_LIMIT if name == META_NAME else declared
        if name != META_NAME and sizes is not None:
            recorded = sizes.get(name)
            if recorded != declared:
                problems.append(
                    str(
                        say(
                            N_(
                                "{name}: {size} bytes in the archive, {recorded} recorded in "
                                "{meta} (the "
                                "archive was changed); restore stopped before extracting it."
                            ),
                            name=name,
                            size=declared,
                            recorded=recorded,
                            meta=META_NAME,
                        )
                    )
                )
                return problems
            limit = recorded
        dest = staging / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest, written = hashlib.sha256(), 0
        try:
            with zf.open(name) as src, dest.open("wb") as out:
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    if written > limit:
                        break
                    digest.update(chunk)
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            problems.append(f"{name}: cannot be read ({exc})")
            continue
        if written > limit:
            problems.append(
                str(
                    say(
                        N_(
                            "{name}: longer than the {limit} bytes it may have; "
                            "restore stopped reading it."
                        ),
                        name=name,
                        limit=limit,
                    )
                )
            )
            return problems
        if digest.hexdigest() != manifest[name]:
            problems.append(
                f"{name}: its SHA-256 is {digest.hexdigest()}, the manifest says "
                f"{manifest[name]} (the archive was changed or damaged)"
            )
        elif name == META_NAME:
            sizes = _recorded_sizes(dest)
        match = FILE_MEMBER_RE.match(name)
        if match and not match.group(3) and match.group(2) != manifest[name]:
            problems.append(f"{name}: a stored file must be named by its own hash")
        if progress:
            progress("checking the archive", number, len(manifest))
    return problems


def _recorded_sizes(meta_path: Path) -> dict[str, int] | None:
    """Each member's size as ``backup.json`` records it (None: an older backup)."""
    try:
        sizes = json.loads(meta_path.read_text(encoding="utf-8")).get("sizes")
    except (ValueError, AttributeError):
        return None
    if not isinstance(sizes, dict):
        return None
    return {str(k): int(v) for k, v in sizes.items() if isinstance(v, int)}
