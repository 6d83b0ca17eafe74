"""A workspace and what habeas writes from it are its owner's only, whatever the umask (#14.6).

Folders 0700, files 0600, stored files 0400; an existing workspace that is
looser is reported (the library returns the fact, the CLI warns in the
terminal's language and says how to fix it).
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli.main import app
from habeas.evidence.backup import backup
from habeas.evidence.export import export_evidence, write_sidecar_manifest
from habeas.report import render
from habeas.report.export import export
from habeas.store.db import Store
from habeas.store.filestore import FileStore
from habeas.workspace import Workspace, init_workspace
from tests.trust.helpers import import_manifest


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture
def sqlite_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    return init_workspace(tmp_path / "reg")


def test_a_new_workspace_is_private(
    umask: int, sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    store = Store.open(ws, create=True)
    try:
        result = import_manifest(store, tmp_path)
        stored = store.files.path_for(result.sha256) if store.files else None
        assert stored is not None and stored.exists()
        assert _mode(ws.root) == 0o700
        assert _mode(ws.files_dir) == 0o700
        assert _mode(stored.parent) == 0o700
        assert _mode(stored) == 0o400
        for name in ("habeas.toml", "habeas.db", "log.head"):
            assert _mode(ws.root / name) == 0o600, name
        for name in ("habeas.db-wal", "habeas.db-shm"):  # SQLite copies the database's mode
            if (ws.root / name).exists():
                assert _mode(ws.root / name) == 0o600, name
        assert ws.loose_paths() == []
    finally:
        store.close()


def test_exports_and_backups_are_private(
    umask: int, sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    store = Store.open(sqlite_workspace, create=True)
    out = tmp_path / "out"
    out.mkdir()
    try:
        result = import_manifest(store, tmp_path)
        written = []
        for fmt in ("csv", "json", "xlsx"):
            export(store, "records", out / f"r.{fmt}")
            written.append(out / f"r.{fmt}")
        written.append(write_sidecar_manifest(out / "r.csv"))
        written.append(backup(store, out / "copia.zip").path)
        export_evidence(store, out / "evidencia.zip", sha256s=[result.sha256])
        written.append(out / "evidencia.zip")
        export_evidence(store, out / "evidencia", sha256s=[result.sha256])
        written.append(render.write("<p>x</p>", out / "dossier.html"))
        for path in written:
            assert _mode(path) == 0o600, path.name
        assert _mode(out / "evidencia") == 0o700
        for path in (out / "evidencia").rglob("*"):
            assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    finally:
        store.close()


def test_an_existing_export_file_is_tightened(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    store = Store.open(sqlite_workspace, create=True)
    try:
        import_manifest(store, tmp_path)
        target = tmp_path / "r.csv"
        target.write_text("old\n")
        target.chmod(0o666)
        export(store, "records", target)
        assert _mode(target) == 0o600
    finally:
        store.close()


def test_file_store_folders_and_files(umask: int, tmp_path: Path) -> None:
    files = FileStore(tmp_path / "files")
    source = tmp_path / "a.csv"
    source.write_text("x\n")
    digest = files.put(source)
    assert _mode(files.path_for(digest)) == 0o400
    assert _mode(files.root) == 0o700 and _mode(files.path_for(digest).parent) == 0o700


def test_a_loose_workspace_is_reported_and_the_cli_warns(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = sqlite_workspace
    Store.open(ws, create=True).close()
    os.chmod(ws.root, 0o755)
    os.chmod(ws.root / "habeas.db", 0o644)
    loose = {(p.path, p.octal) for p in ws.loose_paths()}
    assert loose == {(ws.root, "0755"), (ws.root / "habeas.db", "0644")}
    runner = CliRunner()
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("HABEAS_LANG", raising=False)
    monkeypatch.setenv("LANG", "es_VE.UTF-8")
    result = runner.invoke(app, ["log", "verify", "--workspace", str(ws.root)])
    text = " ".join(result.output.split())
    assert "otros usuarios de esta computadora" in text
    assert "habeas.db (0644)" in text and "chmod -R go-rwx" in text
    monkeypatch.delenv("HABEAS_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    result = runner.invoke(app, ["log", "verify", "--workspace", str(ws.root)])
    assert "other users of this computer" in " ".join(result.output.split())
    subprocess.run(["chmod", "-R", "go-rwx", str(ws.root)], check=True)  # the advice given
    assert ws.loose_paths() == []
    result = runner.invoke(app, ["log", "verify", "--workspace", str(ws.root)])
    assert "go-rwx" not in result.output


def test_migrate_warns_about_a_loose_workspace_too(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = sqlite_workspace
    Store.open(ws, create=True).close()
    os.chmod(ws.root, 0o711)
    monkeypatch.delenv("HABEAS_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "es_AR.UTF-8")
    result = CliRunner().invoke(app, ["migrate", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ". (0711)" in text and "chmod -R go-rwx" in text


def test_a_restored_workspace_is_private(
    umask: int, sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    from habeas.evidence import add_file, restore
    from tests.trust.encryption_helpers import enable_encryption

    store = Store.open(sqlite_workspace, create=True)
    try:
        enable_encryption(store)
        testimony = tmp_path / "testimony.txt"
        testimony.write_bytes(b"synthetic testimony\n")
        add_file(store, testimony, sensitivity="witness_protected", actor="ana")
        import_manifest(store, tmp_path)
        backup(store, tmp_path / "copia.zip")
        log_key = store.log_key_path
    finally:
        store.close()
    restore(tmp_path / "copia.zip", tmp_path / "restored", actor="admin", log_key=log_key)
    restored = tmp_path / "restored"
    assert _mode(restored) == 0o700
    assert _mode(restored / "encryption.json") == 0o600
    assert _mode(restored / "habeas.db") == 0o600 and _mode(restored / "log.head") == 0o600
    stored = [p for p in (restored / "files").rglob("*")]
    assert stored and all(_mode(p) == (0o700 if p.is_dir() else 0o400) for p in stored)
