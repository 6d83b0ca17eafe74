"""The change log is a hash chain: edits, deletions and reordering are all detected."""

from __future__ import annotations

from sqlalchemy import select, text, update

from habeas.store import changelog
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry


def _write_entries(store: Store, n: int) -> None:
    for i in range(n):
        with store.write("tester") as op:
            op.log("test", "thing", i, {"i": i, "name": f"entry {i}", "acento": "Núñez"})


def test_chain_verifies_and_links(store: Store) -> None:
    _write_entries(store, 4)
    result = store.verify_log()
    assert result.ok, result.problems
    assert result.entries == 5  # the vocabulary seed plus four
    with store.read() as s:
        entries = list(s.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars())
    assert entries[0].prev_hash == changelog.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    assert store.recorded_head() == (entries[-1].seq, entries[-1].hash)


def test_edit_is_detected(store: Store) -> None:
    _write_entries(store, 3)
    with store.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 3)
                     .values(detail='{"i":99}'))
    result = store.verify_log()
    assert not result.ok
    assert any("entry 3" in p and "edited" in p for p in result.problems)


def test_actor_edit_is_detected(store: Store) -> None:
    _write_entries(store, 2)
    with store.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 2)
                     .values(actor="someone else"))
    assert not store.verify_log().ok


def test_deletion_in_the_middle_is_detected(store: Store) -> None:
    _write_entries(store, 4)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log WHERE seq = 3"))
    result = store.verify_log()
    assert not result.ok
    assert any("deleted" in p for p in result.problems)


def test_deletion_of_the_newest_entry_is_detected(store: Store) -> None:
    _write_entries(store, 3)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log WHERE seq = 4"))
    result = store.verify_log()
    assert not result.ok
    assert any("deleted from the end" in p for p in result.problems)


def test_reordering_is_detected(store: Store) -> None:
    _write_entries(store, 4)
    with store.engine.begin() as conn:
        rows = {r.seq: r for r in conn.execute(select(ChangeLogEntry.__table__))}
        # Swap the content of entries 2 and 3, keeping their sequence numbers.
        for seq, other in ((2, 3), (3, 2)):
            src = rows[other]
            conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == seq).values(
                at=src.at, actor=src.actor, action=src.action, entity=src.entity,
                entity_id=src.entity_id, detail=src.detail, prev_hash=src.prev_hash,
                hash=f"tmp{seq}"))
        for seq, other in ((2, 3), (3, 2)):
            conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == seq)
                         .values(hash=rows[other].hash))
    result = store.verify_log()
    assert not result.ok
    assert any("does not chain" in p for p in result.problems)


def test_failed_operation_writes_no_entry(store: Store) -> None:
    before = store.verify_log().entries

    class Boom(Exception):
        pass

    try:
        with store.write("tester") as op:
            op.log("test", "thing", 1, {})
            raise Boom
    except Boom:
        pass
    assert store.verify_log().entries == before


def test_an_operation_must_log(store: Store) -> None:
    import pytest

    with pytest.raises(RuntimeError, match="change-log entry"), store.write("tester"):
        pass
