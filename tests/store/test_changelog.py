"""The change log is a hash chain: edits, deletions and reordering are all detected."""

from __future__ import annotations

import pytest
import typer
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from habeas.cli import logs
from habeas.errors import UsageError
from habeas.store import changelog, logkey
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.workspace import Workspace


def _write_entries(store: Store, n: int) -> None:
    for i in range(n):
        with store.write("tester") as op:
            op.log("test", "thing", i, {"i": i, "name": f"entry {i}", "acento": "Núñez"})


def test_chain_verifies_and_links(store: Store) -> None:
    _write_entries(store, 4)
    result = store.verify_log()
    assert result.ok, result.problems
    assert result.entries == 6  # the log key, the vocabulary seed, plus four
    assert result.keyed and result.keyed_since == 1
    with store.read() as s:
        entries = list(s.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars())
    assert entries[0].prev_hash == changelog.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    assert store.recorded_head() == (entries[-1].seq, entries[-1].hash)


def test_edit_is_detected(store: Store) -> None:
    _write_entries(store, 3)
    with store.engine.begin() as conn:
        conn.execute(
            update(ChangeLogEntry).where(ChangeLogEntry.seq == 3).values(detail='{"i":99}')
        )
    result = store.verify_log()
    assert not result.ok
    assert any("entry 3" in p and "edited" in p for p in result.problems)


def test_actor_edit_is_detected(store: Store) -> None:
    _write_entries(store, 2)
    with store.engine.begin() as conn:
        conn.execute(
            update(ChangeLogEntry).where(ChangeLogEntry.seq == 2).values(actor="someone else")
        )
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
        conn.execute(text("DELETE FROM change_log WHERE seq = (SELECT max(seq) FROM change_log)"))
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
            conn.execute(
                update(ChangeLogEntry)
                .where(ChangeLogEntry.seq == seq)
                .values(
                    at=src.at,
                    actor=src.actor,
                    action=src.action,
                    entity=src.entity,
                    entity_id=src.entity_id,
                    detail=src.detail,
                    prev_hash=src.prev_hash,
                    hash=f"tmp{seq}",
                )
            )
        for seq, other in ((2, 3), (3, 2)):
            conn.execute(
                update(ChangeLogEntry)
                .where(ChangeLogEntry.seq == seq)
                .values(hash=rows[other].hash)
            )
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
    with pytest.raises(RuntimeError, match="change-log entry"), store.write("tester"):
        pass


# -- the recorded head, the log key, anchors (issue #14.2) -----------------------------
def _entries(store: Store) -> list[ChangeLogEntry]:
    with store.read() as s:
        return list(s.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars())


def _rechain(store: Store, keep: list[ChangeLogEntry], key: logkey.LogKey | None = None) -> None:
    """What someone who can write to the database does: rewrite the log, hashes recomputed."""
    prev = changelog.GENESIS
    rows = []
    for seq, e in enumerate(keep, start=1):
        digest = changelog.entry_hash(
            prev, seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.detail, key
        )
        rows.append(
            {
                "seq": seq,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "detail": e.detail,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log"))
        if rows:
            conn.execute(ChangeLogEntry.__table__.insert(), rows)


def _legacy(store: Store) -> None:
    """A workspace from before log keys: a plain SHA-256 chain, no log.key."""
    assert store.log_key_path is not None and store.head_path is not None
    _rechain(store, [e for e in _entries(store) if e.action != logkey.KEY_ACTION])
    store.log_key_path.unlink()
    last = _entries(store)[-1]
    store.head_path.write_text(f"{last.seq} {last.hash}\n", encoding="ascii")


def _write_reads(store: Store, user: str, n: int) -> None:
    for i in range(n):
        with store.write(user) as op:
            op.log("read", "person", i, {"kind": "read", "purpose": "audit"})


def test_rechained_log_with_a_filler_entry_is_detected(store: Store) -> None:
    """Delete a user's reads, re-chain, add one filler entry so the log outgrows log.head."""
    _legacy(store)
    _write_entries(store, 2)
    _write_reads(store, "ana", 2)
    _write_entries(store, 1)
    assert store.verify_log().ok and not store.verify_log().keyed
    kept = [e for e in _entries(store) if e.actor != "ana"]
    # the two reads deleted, three fillers: the re-chained log is one longer than log.head
    _rechain(store, kept + kept[-1:] * 3)
    assert store.recorded_head() is not None
    assert len(_entries(store)) == store.recorded_head()[0] + 1  # type: ignore[index]
    result = store.verify_log()
    assert not result.ok
    assert any("not the entry the workspace recorded" in p for p in result.problems), (
        result.problems
    )


def test_missing_head_is_a_problem(store: Store) -> None:
    _write_entries(store, 2)
    assert store.head_path is not None
    store.head_path.unlink()
    result = store.verify_log()
    assert not result.ok
    assert any("log.head" in p and "missing" in p for p in result.problems)


def test_emptied_log_without_its_head_is_a_problem(store: Store) -> None:
    """`delete from change_log` and no log.head: not "verified: 0 entries"."""
    _legacy(store)
    assert store.head_path is not None
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log"))
    store.head_path.unlink()
    result = store.verify_log()
    assert not result.ok and result.entries == 0


def test_head_with_an_empty_log_is_a_problem(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log"))
    result = store.verify_log()
    assert not result.ok
    assert any("empty" in p for p in result.problems)


def test_rechaining_without_the_key_is_detected_even_with_a_forged_head(store: Store) -> None:
    """The log is keyed: re-chaining needs the key, even if log.head is rewritten too."""
    _write_entries(store, 2)
    _write_reads(store, "ana", 2)
    kept = [e for e in _entries(store) if e.actor != "ana"]
    _rechain(store, kept, logkey.LogKey(b"\x01" * 32, since=1))  # a guessed key
    last = _entries(store)[-1]
    assert store.head_path is not None
    store.head_path.write_text(f"{last.seq} {last.hash}\n", encoding="ascii")
    result = store.verify_log()
    assert not result.ok
    assert any("does not match its hash" in p for p in result.problems)


def test_an_anchor_catches_a_rewrite_by_someone_who_has_the_key(store: Store) -> None:
    _write_entries(store, 2)
    _write_reads(store, "ana", 1)
    noted = store.verify_log().head_hash
    _write_entries(store, 1)
    assert store.verify_log(anchor=noted).ok and store.verify_log(anchor=noted).anchored
    key = logkey.load(store.log_key_path)
    kept = [e for e in _entries(store) if e.actor != "ana"]
    _rechain(store, kept, key)
    last = _entries(store)[-1]
    assert store.head_path is not None
    store.head_path.write_text(f"{last.seq} {last.hash}\n", encoding="ascii")
    assert store.verify_log().ok  # the key and log.head were both in the attacker's hands
    result = store.verify_log(anchor=noted)
    assert not result.ok and any("head digest you noted" in p for p in result.problems)


def test_legacy_chain_verifies_unkeyed_and_can_be_keyed(store: Store) -> None:
    _write_entries(store, 2)
    _legacy(store)
    before = store.verify_log()
    assert before.ok and not before.keyed
    adopted = logkey.adopt(store, actor="admin")
    assert adopted.since == before.head_seq + 1
    _write_entries(store, 2)
    after = store.verify_log()
    assert after.ok and after.keyed_since == adopted.since and after.key_id == adopted.key_id
    key = logkey.load(store.log_key_path)
    assert key is not None
    newest = _entries(store)[-1]
    # the new entries are HMAC-keyed; the old ones keep their SHA-256 hashes
    assert newest.hash != changelog.entry_hash(
        newest.prev_hash,
        newest.seq,
        newest.at,
        newest.actor,
        newest.action,
        newest.entity,
        newest.entity_id,
        newest.detail,
    )
    with pytest.raises(UsageError):
        logkey.adopt(store)
    assert store.log_key_path is not None
    app = typer.Typer()
    logs.register(app)
    again = CliRunner().invoke(
        app, ["log", "create-key", "--workspace", str(store.log_key_path.parent), "--lang", "es"]
    )
    assert isinstance(again.exception, UsageError) and "ya está firmado" in str(again.exception)
    store.log_key_path.unlink()  # the key removed: said so, not a silent legacy chain
    result = store.verify_log()
    assert not result.ok and any("log key" in p and "missing" in p for p in result.problems)


def test_log_verify_cli_prints_the_head_and_checks_an_anchor(
    store: Store, workspace: Workspace
) -> None:
    app = typer.Typer()
    logs.register(app)
    runner = CliRunner()
    done = runner.invoke(app, ["log", "verify", "--workspace", str(workspace.root)])
    assert done.exit_code == 0, done.output
    head = store.verify_log().head_hash
    assert head in done.output and "keyed" in done.output
    again = runner.invoke(
        app,
        [
            "log",
            "verify",
            "--workspace",
            str(workspace.root),
            "--expect-head",
            head,
            "--lang",
            "es",
        ],
    )
    assert again.exit_code == 0, again.output
    wrong = runner.invoke(
        app,
        [
            "log",
            "verify",
            "--workspace",
            str(workspace.root),
            "--expect-head",
            "ab" * 32,
            "--lang",
            "es",
        ],
    )
    assert wrong.exit_code == 1 and "NO se verifica" in str(wrong.exception)
