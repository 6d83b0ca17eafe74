"""Backup and restore of a workspace that encrypts: sealed files travel sealed."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from habeas.crypto.fields import open_json, seal_json
from habeas.errors import IntegrityError, WrongKey
from habeas.evidence import add_file, backup, read_file, restore, verify_evidence
from habeas.store.db import Store
from habeas.workspace import Workspace, load_workspace
from tests.conftest import private_pg_schema
from tests.trust.encryption_helpers import PASSPHRASE, enable_encryption
from tests.trust.helpers import forge_archive

MARKER = b"TESTIMONIO-SINTETICO-K2P9"


@pytest.fixture
def target_url(
    backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Restores go to a second, empty database of the backend under test."""
    if backend == "postgresql":
        with private_pg_schema(request.getfixturevalue("postgres_url"), "r") as url:
            monkeypatch.setenv("HABEAS_DATABASE_URL", url)
            yield
    else:
        monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
        yield


def _encrypted_workspace(store: Store, tmp_path: Path) -> tuple[str, str, bytes]:
    enable_encryption(store)
    testimony = tmp_path / "testimony.txt"
    testimony.write_bytes(MARKER + b" (synthetic)\n")
    sealed = add_file(store, testimony, sensitivity="witness_protected", actor="ana")
    statement = tmp_path / "statement.txt"
    statement.write_bytes(b"a synthetic public statement\n")
    plain = add_file(store, statement, sensitivity="public", actor="ana")
    return sealed, plain, testimony.read_bytes()


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_backup_carries_sealed_files_and_key_material_but_no_key(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    sealed, plain, content = _encrypted_workspace(store, tmp_path)
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    members = _members(archive)
    assert f"files/{sealed[:2]}/{sealed}.sealed" in members
    assert f"files/{sealed[:2]}/{sealed}" not in members
    assert f"files/{plain[:2]}/{plain}" in members
    assert members["encryption.json"] == workspace.key_material_path.read_bytes()
    assert not any(MARKER in data for data in members.values())
    assert not any(PASSPHRASE.encode() in data for data in members.values())
    manifest = members["MANIFEST.sha256"].decode()
    assert f"{hashlib.sha256(members['encryption.json']).hexdigest()}  encryption.json" in manifest
    assert content.startswith(MARKER)


def test_restore_with_the_key_opens_every_sealed_file(
    store: Store, tmp_path: Path, target_url: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed, _plain, content = _encrypted_workspace(store, tmp_path)
    witness = seal_json(store, {"witness": "Testigo Sintetico Tres"})
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    monkeypatch.setenv("HABEAS_PASSPHRASE", PASSPHRASE)
    result = restore(archive, tmp_path / "restored", actor="admin", log_key=store.log_key_path)
    assert (result.sealed_files, result.plaintext_unchecked) == (1, 0)
    restored = Store.open(load_workspace(tmp_path / "restored"))
    try:
        assert read_file(restored, sealed) == content
        assert open_json(restored, witness) == {"witness": "Testigo Sintetico Tres"}
        report = verify_evidence(restored)
        assert report.ok and report.plaintext_unchecked == 0
    finally:
        restored.close()


def test_restore_without_the_key_checks_what_it_can(
    store: Store, tmp_path: Path, target_url: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _encrypted_workspace(store, tmp_path)
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    monkeypatch.delenv("HABEAS_PASSPHRASE", raising=False)
    result = restore(archive, tmp_path / "restored", actor="admin", log_key=store.log_key_path)
    assert (result.sealed_files, result.plaintext_unchecked) == (1, 1)
    restored = Store.open(load_workspace(tmp_path / "restored"))
    try:
        log = restored.verify_log()
        assert log.ok
    finally:
        restored.close()


def test_restore_refuses_a_wrong_passphrase(
    store: Store, tmp_path: Path, target_url: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _encrypted_workspace(store, tmp_path)
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    monkeypatch.setenv("HABEAS_PASSPHRASE", "not the right synthetic passphrase")
    with pytest.raises(WrongKey):
        restore(archive, tmp_path / "restored", actor="admin", log_key=store.log_key_path)
    assert not (tmp_path / "restored").exists()


def _rewrite(archive: Path, out: Path, name: str, data: bytes, key_path: Path | None) -> None:
    """A forged archive: one member replaced, the manifest rewritten and re-signed with the
    log key (a forger who has it); the deeper checks must still catch it."""
    forge_archive(archive, out, {name: data}, key_path)


def test_restore_refuses_a_forged_sealed_file_even_without_the_key(
    store: Store, tmp_path: Path, target_url: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed, _plain, _content = _encrypted_workspace(store, tmp_path)
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    name = f"files/{sealed[:2]}/{sealed}.sealed"
    data = bytearray(_members(archive)[name])
    data[-1] ^= 0x01
    forged = tmp_path / "forged.zip"
    _rewrite(archive, forged, name, bytes(data), store.log_key_path)
    monkeypatch.delenv("HABEAS_PASSPHRASE", raising=False)
    with pytest.raises(IntegrityError, match="sealed file .* changed"):
        restore(forged, tmp_path / "restored", actor="admin", log_key=store.log_key_path)
    assert not (tmp_path / "restored").exists()


def test_restore_refuses_altered_key_material(
    store: Store, tmp_path: Path, target_url: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _encrypted_workspace(store, tmp_path)
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    material = json.loads(_members(archive)["encryption.json"])
    material["wrapped_key"] = material["wrapped_key"][:-4] + "AAA="
    forged = tmp_path / "forged.zip"
    _rewrite(archive, forged, "encryption.json", json.dumps(material).encode(), store.log_key_path)
    monkeypatch.setenv("HABEAS_PASSPHRASE", PASSPHRASE)
    with pytest.raises(IntegrityError, match="wrapped data key"):
        restore(forged, tmp_path / "restored", actor="admin", log_key=store.log_key_path)
    assert not (tmp_path / "restored").exists()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("lang", "said"),
    [("es", "1 NO abiertos"), ("en", "1 NOT opened")],
)
def test_restore_says_what_it_could_not_open_in_the_cli_language(
    store: Store,
    tmp_path: Path,
    target_url: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    said: str,
) -> None:
    from habeas.cli.main import main

    _encrypted_workspace(store, tmp_path)
    archive = tmp_path / "backup.zip"
    backup(store, archive, actor="admin")
    monkeypatch.delenv("HABEAS_PASSPHRASE", raising=False)
    monkeypatch.setenv("HABEAS_LANG", lang)
    monkeypatch.setenv("COLUMNS", "250")
    target = str(tmp_path / "restored")
    args = ["restore", str(archive), "-w", target, "--log-key", str(store.log_key_path)]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert said in out
