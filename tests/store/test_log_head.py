"""The change log's head file (``log.head``): rewritten in place, forward only, private."""

from __future__ import annotations

import os
import stat

from habeas.store.db import Store


def _log(store: Store, n: int) -> None:
    for i in range(n):
        with store.write("ana") as op:
            op.log("read", "person", i, {"kind": "read", "purpose": "audit"})


def test_head_names_the_newest_entry_and_is_rewritten_in_place(store: Store) -> None:
    assert store.head_path is not None
    _log(store, 1)
    inode = store.head_path.stat().st_ino
    _log(store, 3)
    check = store.verify_log()
    assert check.ok
    assert store.recorded_head() == (check.head_seq, check.head_hash)
    assert store.head_path.read_text(encoding="ascii") == f"{check.head_seq} {check.head_hash}\n"
    # the same file, not a new one renamed over it (a rename flushes on ext4)
    assert store.head_path.stat().st_ino == inode
    assert stat.S_IMODE(store.head_path.stat().st_mode) == 0o600


def test_a_longer_older_head_is_replaced_whole(store: Store) -> None:
    """After a restore (or by hand) the head may be a longer line naming an older entry:
    the new head must not keep the old line's tail."""
    assert store.head_path is not None
    _log(store, 1)
    seq, digest = store.recorded_head() or (0, "")
    store.head_path.write_text(f"{seq:020d} {digest}\n", encoding="ascii")
    _log(store, 1)
    check = store.verify_log()
    assert check.ok and check.head_seq == seq + 1
    assert store.head_path.read_text(encoding="ascii") == f"{check.head_seq} {check.head_hash}\n"


def test_the_head_never_moves_back(store: Store) -> None:
    assert store.head_path is not None
    _log(store, 2)
    newest = store.recorded_head()
    assert newest is not None
    store._record_head(  # an earlier writer, late: it must not overwrite the newer head
        type("Entry", (), {"seq": newest[0] - 1, "hash": "0" * 64})()  # type: ignore[arg-type]
    )
    assert store.recorded_head() == newest


def test_a_missing_head_is_created_private(store: Store) -> None:
    assert store.head_path is not None
    store.head_path.unlink()
    _log(store, 1)
    assert store.recorded_head() is not None
    assert stat.S_IMODE(os.stat(store.head_path).st_mode) == 0o600
