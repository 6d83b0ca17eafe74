from __future__ import annotations

import os
from pathlib import Path

import pytest

from habeas.errors import WorkspaceError
from habeas.store.db import Store
from habeas.store.filestore import FileStore, sha256_file
from habeas.workspace import find_workspace, init_workspace


def test_init_creates_config_database_and_file_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    ws = init_workspace(tmp_path / "reg", name="Registro")
    Store.open(ws, create=True).close()
    assert (ws.root / "habeas.toml").exists()
    assert (ws.root / "habeas.db").exists()
    assert ws.files_dir.is_dir()
    assert ws.name == "Registro"
    with pytest.raises(WorkspaceError, match="already"):
        init_workspace(tmp_path / "reg")


def test_find_workspace_from_option_env_and_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HABEAS_WORKSPACE", raising=False)
    ws = init_workspace(tmp_path / "reg")
    assert find_workspace(ws.root).root == ws.root
    monkeypatch.setenv("HABEAS_WORKSPACE", str(ws.root))
    assert find_workspace().root == ws.root
    monkeypatch.delenv("HABEAS_WORKSPACE")
    sub = ws.root / "lists" / "2025"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert find_workspace().root == ws.root
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError, match="habeas init"):
        find_workspace()


def test_database_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HABEAS_DATABASE_URL", "postgresql+psycopg://someone@db.invalid/x")
    ws = init_workspace(tmp_path / "reg")
    assert ws.database_url.startswith("postgresql+psycopg://")


def test_opening_an_uninitialised_database_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    ws = init_workspace(tmp_path / "reg")
    with pytest.raises(WorkspaceError, match="habeas init"):
        Store.open(ws)


def test_file_store_is_content_addressed_and_read_only(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "files")
    original = tmp_path / "lista.csv"
    original.write_text("Nombre\nJosé Pérez\n", encoding="utf-8")
    digest = files.put(original)
    assert digest == sha256_file(original)
    stored = files.path_for(digest)
    assert stored.read_bytes() == original.read_bytes()
    assert stored.parent.name == digest[:2]
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0  # root ignores modes
    assert stored.stat().st_mode & 0o222 == 0
    assert files.put(original) == digest  # idempotent
    assert files.verify(digest)
    assert len(list((tmp_path / "files").rglob("*"))) == 2  # one folder, one file
