"""Sealed files: chunked AES-GCM, so files of any size are sealed and opened in bounded memory.

Layout of a sealed file::

    header   b"HBSF" | version (1 byte) | chunk size (4 bytes, big-endian) | salt (16 bytes)
    chunks   AES-GCM(chunk) + 16-byte tag, for each chunk of the plaintext

Each file gets its own key, HKDF-SHA256(data key, salt, "habeas file v1"), with
a fresh random salt, so nonces never repeat across files; within a file the
nonce is the chunk number (11 bytes) followed by a last-chunk flag (1 byte),
which also makes truncating or reordering chunks fail authentication. The
associated data of every chunk is the header plus the plaintext's SHA-256: a
sealed file opens only under its own content address. An empty file is one
empty last chunk.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from collections.abc import Iterator
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from habeas.errors import IntegrityError

MAGIC = b"HBSF"
VERSION = 1
CHUNK = 1 << 20
TAG = 16
SALT_BYTES = 16
HEADER = struct.Struct(">4sBI16s")
FILE_INFO = b"habeas file v1"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def sealed_size(plain_size: int, chunk: int = CHUNK) -> int:
    """The size of a sealed file whose plaintext has ``plain_size`` bytes."""
    chunks = max(1, -(-plain_size // chunk))
    return HEADER.size + plain_size + TAG * chunks


def _file_key(data_key: bytes, salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=FILE_INFO).derive(data_key)
    return AESGCM(key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_full(handle: Readable, size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining:
        part = handle.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def seal_stream(
    data_key: bytes, plain_sha256: str, source: Readable, chunk: int = CHUNK
) -> Iterator[bytes]:
    """The sealed file, piece by piece: the header, then each sealed chunk."""
    header = HEADER.pack(MAGIC, VERSION, chunk, secrets.token_bytes(SALT_BYTES))
    aead = _file_key(data_key, HEADER.unpack(header)[3])
    aad = header + plain_sha256.encode("ascii")
    yield header
    index = 0
    current = _read_full(source, chunk)
    while True:
        following = _read_full(source, chunk) if len(current) == chunk else b""
        last = not following
        yield aead.encrypt(_nonce(index, last), current, aad)
        if last:
            return
        current = following
        index += 1


def is_sealed_header(prefix: bytes) -> bool:
    return prefix[: len(MAGIC)] == MAGIC


def open_stream(data_key: bytes, plain_sha256: str, sealed: Readable) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; :class:`IntegrityError` if anything was altered.

    Every chunk is authenticated before it is returned; a truncated file fails
    at its end (no chunk marked last). Callers that need the whole file intact
    before using any of it must consume the iterator first (or check the hash).
    """
    header = sealed.read(HEADER.size)
    if len(header) != HEADER.size:
        raise IntegrityError("The sealed file is shorter than its header.")
    magic, version, chunk, salt = HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or chunk <= 0:
        raise IntegrityError("The file is not a sealed habeas file of a known version.")
    aead = _file_key(data_key, salt)
    aad = header + plain_sha256.encode("ascii")
    index = 0
    current = _read_full(sealed, chunk + TAG)
    while True:
        following = _read_full(sealed, chunk + TAG) if len(current) == chunk + TAG else b""
        last = not following
        try:
            yield aead.decrypt(_nonce(index, last), current, aad)
        except InvalidTag as exc:
            raise IntegrityError(
                f"Sealed chunk {index} does not authenticate: the file was altered or truncated."
            ) from exc
        if last:
            return
        current = following
        index += 1


def plaintext_sha256(data_key: bytes, plain_sha256: str, sealed: Readable) -> tuple[str, int]:
    """Open a sealed file and hash its plaintext: (hex digest, plaintext size)."""
    digest = hashlib.sha256()
    size = 0
    for part in open_stream(data_key, plain_sha256, sealed):
        digest.update(part)
        size += len(part)
    return digest.hexdigest(), size
