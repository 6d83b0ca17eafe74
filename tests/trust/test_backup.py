"""Backup and restore: round trips on both backends and across, and every refusal."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from habeas.cli import backup as backup_cli
from habeas.demo import load_case
from habeas.errors import IntegrityError, UsageError
from habeas.evidence import backup, file_custody, restore, verify_evidence
from habeas.store import logkey
from habeas.store.db import Store
from habeas.workspace import Workspace, load_workspace
from tests.conftest import db_snapshot, private_pg_schema
from tests.trust.helpers import forge_archive, import_manifest, portable_snapshot, tamper


@pytest.fixture
def target_pg_url(postgres_url: str) -> Iterator[str]:
    """A second, empty PostgreSQL schema to restore into."""
    with private_pg_schema(postgres_url, "r") as url:
        yield url


def _without_last_log_entry(snapshot: dict[str, list[tuple[str, ...]]]) -> dict[str, object]:
    copy: dict[str, object] = dict(snapshot)
    log = sorted(snapshot["change_log"], key=lambda row: int(row[0]))
    copy["change_log"] = sorted(log[:-1])
    return copy


def _restore_and_compare(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target_url: str | None
) -> Store:
    archive = tmp_path / "backup.zip"
    made = backup(store, archive, actor="admin")
    before = portable_snapshot(store)  # includes the "backup" entry the backup appended
    if target_url:
        monkeypatch.setenv("HABEAS_DATABASE_URL", target_url)
    else:
        monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    result = restore(
        archive,
        tmp_path / "restored",
        actor="admin",
        expect_head=made.log_head_hash,
        log_key=store.log_key_path,
    )
    restored = Store.open(load_workspace(tmp_path / "restored"))
    after = portable_snapshot(restored)
    # everything up to the backup's head is identical; then one "restore" entry
    original = _without_last_log_entry(before)  # drop the "backup" entry
    assert _without_last_log_entry(after) == original
    assert result.log_head_seq == made.log_head_seq
    check = restored.verify_log()
    assert check.ok and check.head_seq == made.log_head_seq + 1
    assert check.keyed and check.key_id == made.signed_by  # the log stays keyed
    assert restored.recorded_head() == (check.head_seq, check.head_hash)
    assert verify_evidence(restored).ok
    return restored


def test_round_trip_on_each_backend(
    store: Store,
    workspace: Workspace,
    demo_case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    backend: str,
) -> None:
    load_case(store, demo_case)
    target = request.getfixturevalue("target_pg_url") if backend == "postgresql" else None
    restored = _restore_and_compare(store, tmp_path, monkeypatch, target)
    assert restored.engine.dialect.name == store.engine.dialect.name
    # sequences were reset: new rows get fresh ids after the restored ones
    import_manifest(restored, tmp_path, "After restore")
    assert restored.verify_log().ok
    restored.close()


@pytest.mark.postgres
def test_sqlite_to_postgresql(
    tmp_path: Path, demo_case: Path, monkeypatch: pytest.MonkeyPatch, target_pg_url: str
) -> None:
    from habeas.workspace import init_workspace

    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    store = Store.open(init_workspace(tmp_path / "src"), create=True)
    load_case(store, demo_case)
    restored = _restore_and_compare(store, tmp_path, monkeypatch, target_pg_url)
    assert restored.engine.dialect.name == "postgresql"
    import_manifest(restored, tmp_path, "After restore")
    restored.close()
    store.close()


def _rewrite(archive: Path, out: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name in change:
                if change[name] is not None:
                    dst.writestr(name, change[name])  # type: ignore[arg-type]
            else:
                dst.writestr(name, src.read(name))


def _empty(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())


def test_tampered_archives_are_refused_and_leave_the_target_empty(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = import_manifest(store, tmp_path)
    archive = tmp_path / "b.zip"
    made = backup(store, archive)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        record_member = next(n for n in names if n.endswith("-record.jsonl"))
        records = zf.read(record_member)
        log_member = next(n for n in names if n.endswith("-change_log.jsonl"))
        log_lines = zf.read(log_member).splitlines()
        manifest = zf.read("MANIFEST.sha256").decode()
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    file_member = f"files/{result.sha256[:2]}/{result.sha256}"
    cases: dict[str, dict[str, bytes | None]] = {
        "a changed row": {record_member: records.replace(b"RODRIGUEZ", b"RODRIGUES")},
        "a changed file": {file_member: b"No.,NAME\n1,someone else\n"},
        "a missing file": {file_member: None},
        "a missing manifest": {"MANIFEST.sha256": None},
    }
    # a row changed AND the manifest rewritten to match: the log chain still catches it
    import hashlib

    forged_rows = records.replace(b"RODRIGUEZ", b"RODRIGUES")
    old = hashlib.sha256(records).hexdigest()
    cases["a changed row with a forged manifest"] = {  # caught by the digest only
        record_member: forged_rows,
        "MANIFEST.sha256": manifest.replace(old, hashlib.sha256(forged_rows).hexdigest()).encode(),
    }
    # the newest log entry dropped and the manifest forged: the recorded head catches it
    cut = b"\n".join(log_lines[:-1]) + b"\n"
    old_log = hashlib.sha256(b"\n".join(log_lines) + b"\n").hexdigest()
    cases["the newest log entry dropped, forged manifest"] = {  # the recorded head catches it
        log_member: cut,
        "MANIFEST.sha256": manifest.replace(old_log, hashlib.sha256(cut).hexdigest()).encode(),
    }
    key = store.log_key_path
    for number, (label, change) in enumerate(cases.items()):
        bad = tmp_path / f"bad{number}.zip"
        _rewrite(archive, bad, change)
        target = tmp_path / f"target{number}"
        with pytest.raises(IntegrityError):
            # the digest noted at backup time catches even a rewritten manifest
            restore(bad, target, expect_digest=made.manifest_sha256, log_key=key)
        assert _empty(target), label
        with pytest.raises(IntegrityError):  # and so does the manifest's signature
            restore(bad, target, log_key=key)
        assert _empty(target), label
    # a byte flipped in the raw archive
    data = bytearray(archive.read_bytes())
    data[len(data) // 3] ^= 0xFF
    (tmp_path / "flipped.zip").write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        restore(tmp_path / "flipped.zip", tmp_path / "t-flip", log_key=key)
    assert _empty(tmp_path / "t-flip")


def test_the_log_is_checked_against_the_change_log_rows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a consistent forgery (rows, manifest, backup.json, and a signature made with the
    log key) breaks the hash chain."""
    import_manifest(store, tmp_path)
    archive = tmp_path / "b.zip"
    backup(store, archive)
    with zipfile.ZipFile(archive) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    log_member = next(n for n in members if n.endswith("-change_log.jsonl"))
    lines = members[log_member].splitlines()
    entry = json.loads(lines[-1])
    entry["actor"] = "somebody else"
    lines[-1] = json.dumps(entry, separators=(",", ":")).encode()
    forged = tmp_path / "forged.zip"
    forge_archive(archive, forged, {log_member: b"\n".join(lines) + b"\n"}, store.log_key_path)
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    with pytest.raises(IntegrityError, match="change log"):
        restore(forged, tmp_path / "t", log_key=store.log_key_path)
    assert _empty(tmp_path / "t")


def test_restore_refuses_a_non_empty_workspace(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    import_manifest(store, tmp_path)
    archive = tmp_path / "b.zip"
    backup(store, archive)
    before = db_snapshot(store)
    with pytest.raises(UsageError):
        restore(archive, workspace.root, log_key=store.log_key_path)  # the live workspace
    assert db_snapshot(store) == before
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(UsageError):
        restore(archive, busy, log_key=store.log_key_path)
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]


def test_restore_refuses_a_database_that_has_tables(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`habeas init` then restore: the seeded database is not empty."""
    from habeas.workspace import init_workspace

    import_manifest(store, tmp_path)
    archive = tmp_path / "b.zip"
    backup(store, archive)
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    other = Store.open(init_workspace(tmp_path / "initialised"), create=True)
    other.close()
    with pytest.raises(UsageError, match="not empty"):
        restore(archive, tmp_path / "initialised", log_key=store.log_key_path)
    (tmp_path / "initialised" / "log.head").unlink()
    with pytest.raises(UsageError, match="already has tables"):
        restore(archive, tmp_path / "initialised", log_key=store.log_key_path)
    assert Store.open(load_workspace(tmp_path / "initialised")).verify_log().entries == 2


def test_backup_refuses_a_damaged_store_and_a_broken_log(store: Store, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    assert store.files is not None
    tamper(store.files.path_for(result.sha256))
    with pytest.raises(IntegrityError):
        backup(store, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()
    assert not list(tmp_path.glob(".*.incomplete"))


def test_backup_is_logged_in_each_files_custody(store: Store, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    made = backup(store, tmp_path / "b.zip", actor="admin")
    last = file_custody(store, result.sha256)[-1]
    assert last.event == "backed_up" and last.detail["archive_sha256"] == made.sha256


def test_backup_refuses_to_overwrite(store: Store, tmp_path: Path) -> None:
    (tmp_path / "b.zip").write_bytes(b"precious")
    with pytest.raises(UsageError):
        backup(store, tmp_path / "b.zip")
    assert (tmp_path / "b.zip").read_bytes() == b"precious"


def test_cli_backup_and_restore(
    store: Store,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    import_manifest(store, tmp_path)
    app = typer.Typer()
    backup_cli.register(app)
    runner = CliRunner()
    archive = tmp_path / "cli.zip"
    made = runner.invoke(app, ["backup", str(archive), "--workspace", str(workspace.root)])
    assert made.exit_code == 0, made.output
    head = made.output.split("Change-log head: entry ")[1].split()[1]
    if backend == "postgresql":
        monkeypatch.setenv("HABEAS_DATABASE_URL", request.getfixturevalue("target_pg_url"))
    wrong = runner.invoke(
        app,
        [
            "restore",
            str(archive),
            "--workspace",
            str(tmp_path / "n1"),
            "--expect-head",
            "0" * 64,
            "--log-key",
            str(store.log_key_path),
        ],
    )
    assert wrong.exit_code == 1 and isinstance(wrong.exception, IntegrityError)
    assert _empty(tmp_path / "n1")
    if backend == "postgresql":
        engine = create_engine(request.getfixturevalue("target_pg_url"))
        assert inspect(engine).get_table_names() == []  # rolled back, still empty
        engine.dispose()
    done = runner.invoke(
        app,
        [
            "restore",
            str(archive),
            "--workspace",
            str(tmp_path / "n2"),
            "--expect-head",
            head,
            "--log-key",
            str(store.log_key_path),
        ],
    )
    assert done.exit_code == 0, done.output
    assert Store.open(load_workspace(tmp_path / "n2")).verify_log().ok
    for command in ("backup", "restore"):
        assert "Example" in runner.invoke(app, [command, "--help"]).output


# -- a backup that cannot be quietly rewritten (issue #14.8) --------------------------------
def _escalating_forgery(store: Store, archive: Path, tmp_path: Path, key_path: Path | None) -> Path:
    """backup.zip edited to make 'ana' an admin, re-manifested (and re-signed with key_path)."""
    with zipfile.ZipFile(archive) as zf:
        member = next(n for n in zf.namelist() if n.endswith("-app_user.jsonl"))
        users = zf.read(member)
    assert b'"role":"viewer"' in users
    forged = tmp_path / f"forged-{len(list(tmp_path.glob('forged-*')))}.zip"
    forge_archive(
        archive, forged, {member: users.replace(b'"role":"viewer"', b'"role":"admin"')}, key_path
    )
    return forged


def test_a_rewritten_backup_is_refused(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows edited and the manifest rewritten to match: no longer "every hash verified"."""
    from habeas.access.users import add_user

    add_user(store, "ana", "viewer", "a synthetic password 123", actor="admin")
    archive = tmp_path / "b.zip"
    made = backup(store, archive)
    assert made.signed_by is not None
    with zipfile.ZipFile(archive) as zf:
        assert "MANIFEST.sig" in zf.namelist()
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    key = store.log_key_path
    unsigned = _escalating_forgery(store, archive, tmp_path, None)
    with pytest.raises(UsageError, match="not signed"):
        restore(unsigned, tmp_path / "t1", log_key=key)
    assert _empty(tmp_path / "t1")
    with pytest.raises(IntegrityError, match="digest"):
        restore(unsigned, tmp_path / "t1", log_key=key, expect_digest=made.manifest_sha256)
    assert _empty(tmp_path / "t1")
    # re-manifested, the old signature kept: it no longer matches
    with zipfile.ZipFile(archive) as zf:
        old_signature = zf.read("MANIFEST.sig")
    resigned = tmp_path / "resigned.zip"
    with zipfile.ZipFile(unsigned) as src, zipfile.ZipFile(resigned, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        dst.writestr("MANIFEST.sig", old_signature)
    with pytest.raises(IntegrityError, match="signature does not match"):
        restore(resigned, tmp_path / "t2", log_key=key)
    assert _empty(tmp_path / "t2")
    # signed with another key (the forger's own)
    other = tmp_path / "other.key"
    logkey.create(other, since=1)
    with pytest.raises(IntegrityError, match="signed with the log key"):
        restore(_escalating_forgery(store, archive, tmp_path, other), tmp_path / "t3", log_key=key)
    assert _empty(tmp_path / "t3")
    # a signed backup needs its key
    with pytest.raises(UsageError, match="signed with the log key"):
        restore(archive, tmp_path / "t4")
    assert _empty(tmp_path / "t4")
    # and the genuine backup restores, keeping the source's log key
    restore(archive, tmp_path / "t5", log_key=key)
    assert key is not None
    assert (tmp_path / "t5" / "log.key").read_bytes() == key.read_bytes()
    assert ((tmp_path / "t5" / "log.key").stat().st_mode & 0o777) == 0o600


def test_an_unsigned_backup_restores_with_its_digest(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A legacy workspace (no log key) writes unsigned backups: the digest vouches for them."""
    import_manifest(store, tmp_path)
    assert store.log_key_path is not None and store.head_path is not None
    store.log_key_path.unlink()
    store.head_path.unlink()
    with store.engine.begin() as conn:  # an un-keyed legacy chain
        conn.execute(text("DELETE FROM change_log"))
    with store.write("tester") as op:
        op.log("test", "thing", 1, {})
    archive = tmp_path / "b.zip"
    made = backup(store, archive)
    assert made.signed_by is None
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    with pytest.raises(UsageError, match="not signed"):
        restore(archive, tmp_path / "t1")
    done = restore(archive, tmp_path / "t2", expect_digest=made.manifest_sha256)
    assert done.log_head_seq == made.log_head_seq


def test_restore_stops_a_member_larger_than_recorded(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member inflated in the archive is not written out in full before it is checked."""
    result = import_manifest(store, tmp_path)
    archive = tmp_path / "b.zip"
    backup(store, archive)
    member = f"files/{result.sha256[:2]}/{result.sha256}"
    bomb = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(archive) as src,
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for name in src.namelist():
            if name == member:
                dst.writestr(name, b"0" * (64 * 1024 * 1024))  # 64 MB, about 64 kB packed
            else:
                dst.writestr(name, src.read(name))
    assert bomb.stat().st_size < 1024 * 1024
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    written: list[int] = []
    real_open = Path.open

    def watching_open(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]
        if "w" in mode and self.name == result.sha256:
            original = handle.write
            handle.write = lambda data: written.append(len(data)) or original(data)
        return handle

    monkeypatch.setattr(Path, "open", watching_open)
    with pytest.raises(IntegrityError, match="restore stopped"):
        restore(bomb, tmp_path / "t", log_key=store.log_key_path)
    assert sum(written) < 1024 * 1024
    assert _empty(tmp_path / "t")
