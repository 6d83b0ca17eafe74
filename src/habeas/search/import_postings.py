"""An import's postings, written into ``search_key`` once, in key order (SQLite).

Keys are hashes: the postings of new records fall all over the clustered table, so each
batch written into it as it came would rewrite most of its pages (and, inside the
import's one transaction, write them to the WAL again). They are instead sorted here and
inserted once, in (key, record) order, at the end of the import: one pass over the table,
whatever the list's size, and one trip through the driver per posting.

Memory stays bounded: while the postings fit in one batch (:data:`habeas.search.index.
IMPORT_POSTINGS`, about 100,000 records' worth) they are sorted in memory. Past that,
each batch is split by the top bits of its keys into :data:`PARTS` key ranges, each range
appended to its own file in a private temporary folder beside the database; at the end
each range is read back, sorted and inserted in turn (the ranges are in key order, so the
whole is). A range holds about 1/64 of the postings: 4 million (64 MB) at 10 million
records. The files hold hashes and record ids only, and are removed when the import ends,
committed or not.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: Key ranges the postings of a long import are spilled into (a power of two).
PARTS = 64
_SHIFT = 64 - PARTS.bit_length() + 1  # a key's range: its top bits
_INSERT = "INSERT INTO search_key (key, record_id) VALUES (?, ?)"
_STEP = 100_000  # rows handed to the driver at a time


def sorted_unique(keys: Any, record_ids: Any) -> tuple[Any, Any]:
    """Postings sorted by (key, record), each once (two key texts of one record may
    share a hash)."""
    order = np.lexsort((record_ids, keys))
    keys, record_ids = keys[order], record_ids[order]
    if len(keys) > 1:
        keep = np.ones(len(keys), dtype=bool)
        keep[1:] = (keys[1:] != keys[:-1]) | (record_ids[1:] != record_ids[:-1])
        keys, record_ids = keys[keep], record_ids[keep]
    return keys, record_ids


def row_chunks(keys: Any, record_ids: Any, step: int = _STEP) -> Iterator[list[tuple[int, int]]]:
    """The postings as (key, record) tuples, ``step`` at a time, for a driver's bulk insert."""
    for start in range(0, len(keys), step):
        yield list(
            zip(
                keys[start : start + step].tolist(),
                record_ids[start : start + step].tolist(),
                strict=True,
            )
        )


def insert_sorted(conn: Any, keys: Any, record_ids: Any) -> int:
    """Insert postings already sorted and unique through the driver's ``executemany``,
    on the caller's connection (its transaction); returns how many."""
    for rows in row_chunks(keys, record_ids):
        conn.exec_driver_sql(_INSERT, rows)
    return len(keys)


class SortedPostings:
    """Postings gathered batch by batch (:meth:`add`), written once in key order
    (:meth:`write`); :meth:`close` removes any spilled files (also after a failure)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.held: tuple[Any, Any] | None = None  # the first batch, while it is the only one
        self.folder: tempfile.TemporaryDirectory[str] | None = None

    def add(self, keys: Any, record_ids: Any) -> None:
        """One batch of postings (int64 arrays of the same length)."""
        if self.held is None and self.folder is None:
            self.held = (keys, record_ids)
            return
        if self.held is not None:
            self._spill(*self.held)
            self.held = None
        self._spill(keys, record_ids)

    def write(self) -> int:
        """Insert every posting into ``search_key``, sorted; returns how many rows."""
        if self.held is not None:
            keys, record_ids = self.held
            self.held = None
            return insert_sorted(self.conn, *sorted_unique(keys, record_ids))
        if self.folder is None:
            return 0
        written = 0
        for part in range(PARTS):
            path = self._path(part)
            if not path.exists():
                continue
            pairs = np.fromfile(path, dtype=np.int64).reshape(-1, 2)
            path.unlink()
            written += insert_sorted(self.conn, *sorted_unique(pairs[:, 0], pairs[:, 1]))
            del pairs
        self.close()
        return written

    def close(self) -> None:
        self.held = None
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None

    def _spill(self, keys: Any, record_ids: Any) -> None:
        """Append a batch to the files of its keys' ranges."""
        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(
                prefix=".habeas-postings-", dir=_beside_database(self.conn)
            )
        part = (keys >> _SHIFT) + PARTS // 2  # signed keys: ranges in key order
        order = np.argsort(part, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(part, minlength=PARTS))))
        pairs = np.column_stack((keys[order], record_ids[order]))
        for p in range(PARTS):
            lo, hi = int(bounds[p]), int(bounds[p + 1])
            if hi > lo:
                with self._path(p).open("ab") as handle:
                    pairs[lo:hi].tofile(handle)

    def _path(self, part: int) -> Path:
        assert self.folder is not None
        return Path(self.folder.name) / f"{part:02d}.bin"


def _beside_database(conn: Any) -> str | None:
    """The database file's folder (the workspace), else the system's temporary folder."""
    database = conn.engine.url.database
    if database and database != ":memory:":
        return str(Path(database).resolve().parent)
    return None
