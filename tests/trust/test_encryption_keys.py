"""Key management: passphrase and key-file envelopes, changing the key, the CLI."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from typer.testing import CliRunner

from habeas.cli.main import app
from habeas.crypto.fields import PREFIX, _aad, open_json, seal_json
from habeas.crypto.material import write_key_file
from habeas.encryption import change_key, enable
from habeas.errors import KeyRequired, UsageError, WrongKey
from habeas.store.db import Store
from habeas.workspace import Workspace
from tests.trust.encryption_helpers import PASSPHRASE, TEST_SCRYPT_N, enable_encryption

VALUE = {"relative": "Familiar Sintetica Dos"}


def _reopen(
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    *,
    passphrase: str | None = None,
    key_file: Path | None = None,
) -> Store:
    for name, value in (("HABEAS_PASSPHRASE", passphrase), ("HABEAS_KEY_FILE", key_file)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, str(value))
    return Store.open(workspace)


def test_changing_the_passphrase_keeps_everything_readable(
    store: Store, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_encryption(store)
    text = seal_json(store, VALUE)
    before = json.loads(workspace.key_material_path.read_text())
    change_key(store, passphrase="a brand new synthetic passphrase", scrypt_n=TEST_SCRYPT_N)
    after = json.loads(workspace.key_material_path.read_text())
    assert after["salt"] != before["salt"] and after["wrapped_key"] != before["wrapped_key"]
    new = _reopen(workspace, monkeypatch, passphrase="a brand new synthetic passphrase")
    try:
        assert open_json(new, text) == VALUE  # nothing was re-encrypted
    finally:
        new.close()
    old = _reopen(workspace, monkeypatch, passphrase=PASSPHRASE)
    try:
        with pytest.raises(WrongKey):
            open_json(old, text)
    finally:
        old.close()


def test_key_file_envelope(
    store: Store, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "deploy.key"
    write_key_file(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    enable(store, key_file=key, actor="ana")
    text = seal_json(store, VALUE)
    other_key = tmp_path / "other.key"
    write_key_file(other_key)
    # (the environment is read when the key is first needed)
    ok = _reopen(workspace, monkeypatch, key_file=key)
    try:
        assert open_json(ok, text) == VALUE
    finally:
        ok.close()
    missing = _reopen(workspace, monkeypatch, passphrase=PASSPHRASE)  # wrong kind of secret
    try:
        with pytest.raises(KeyRequired, match="HABEAS_KEY_FILE"):
            open_json(missing, text)
    finally:
        missing.close()
    wrong = _reopen(workspace, monkeypatch, key_file=other_key)
    try:
        with pytest.raises(WrongKey, match="key file"):
            open_json(wrong, text)
    finally:
        wrong.close()


def test_a_key_file_inside_the_workspace_is_refused(store: Store, workspace: Workspace) -> None:
    key = workspace.root / "beside-the-data.key"
    with pytest.raises(UsageError, match="inside the workspace"):
        write_key_file(key)
    assert not key.exists()
    key.write_text("ab" * 32 + "\n")  # put there by other means
    key.chmod(0o600)
    with pytest.raises(UsageError, match="inside the workspace"):
        enable(store, key_file=key)
    assert not workspace.key_material_path.exists()


def test_a_key_file_moved_into_the_workspace_is_refused_when_loaded(
    store: Store, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "deploy.key"
    write_key_file(key)
    enable(store, key_file=key, actor="ana")
    text = seal_json(store, VALUE)
    inside = workspace.root / "files" / "deploy.key"
    key.rename(inside)
    moved = _reopen(workspace, monkeypatch, key_file=inside)
    try:
        with pytest.raises(UsageError, match="inside the workspace"):
            open_json(moved, text)
    finally:
        moved.close()


def test_a_key_file_others_can_read_is_refused(
    store: Store, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "deploy.key"
    write_key_file(key)
    enable(store, key_file=key, actor="ana")
    text = seal_json(store, VALUE)
    key.chmod(0o644)
    loose = _reopen(workspace, monkeypatch, key_file=key)
    try:
        with pytest.raises(UsageError, match="chmod 600"):
            open_json(loose, text)
    finally:
        loose.close()
    with pytest.raises(UsageError, match="other users"):
        change_key(store, key_file=key)
    key.chmod(0o600)
    fixed = _reopen(workspace, monkeypatch, key_file=key)
    try:
        assert open_json(fixed, text) == VALUE
    finally:
        fixed.close()


def test_cli_new_key_file_refuses_the_workspace(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(workspace, create=True).close()
    monkeypatch.chdir(workspace.root)
    runner = CliRunner()
    inside = runner.invoke(app, ["encryption", "new-key-file", "registro.key", "--lang", "es"])
    assert isinstance(inside.exception, UsageError)
    assert "dentro de la carpeta" in str(inside.exception)
    assert not (workspace.root / "registro.key").exists()
    monkeypatch.chdir(tmp_path)
    nested = runner.invoke(
        app, ["encryption", "new-key-file", str(workspace.root / "files" / "x.key")]
    )
    assert isinstance(nested.exception, UsageError)
    assert not (workspace.root / "files" / "x.key").exists()
    done = runner.invoke(app, ["encryption", "new-key-file", str(tmp_path / "ok.key")])
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE((tmp_path / "ok.key").stat().st_mode) == 0o600


def test_short_passphrase_and_second_enable_are_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="at least 12"):
        enable(store, passphrase="short", scrypt_n=TEST_SCRYPT_N)
    enable_encryption(store)
    with pytest.raises(UsageError, match="already enabled"):
        enable_encryption(store)


def test_key_material_holds_no_key(store: Store, workspace: Workspace) -> None:
    """Nothing in encryption.json opens sealed data: no field, no 32-byte window of it."""
    enable_encryption(store)
    text = seal_json(store, VALUE)
    raw = base64.urlsafe_b64decode(text[len(PREFIX) :])
    nonce, body = raw[:12], raw[12:]
    aad = _aad(store.keyring, "record.protected")
    path = workspace.key_material_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert PASSPHRASE.encode() not in content
    material = json.loads(content)
    blobs = [content] + [base64.b64decode(material[k]) for k in ("salt", "check", "wrapped_key")]
    tried = 0
    for blob in blobs:
        for start in range(0, max(1, len(blob) - 31)):
            candidate = blob[start : start + 32]
            if len(candidate) != 32:
                continue
            tried += 1
            with pytest.raises(InvalidTag):
                AESGCM(candidate).decrypt(nonce, body, aad)
    assert tried > 100


def test_cli_enable_explains_then_asks(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    Store.open(workspace, create=True).close()
    monkeypatch.chdir(workspace.root)
    monkeypatch.setenv("HABEAS_PASSPHRASE", PASSPHRASE)
    runner = CliRunner()
    refused = runner.invoke(app, ["encryption", "enable", "--lang", "es"], input="n\n")
    assert refused.exit_code == 1
    assert "nadie podrá leer nunca los datos protegidos" in " ".join(refused.output.split())
    assert not workspace.key_material_path.exists()
    key = tmp_path / "deploy.key"
    write_key_file(key)
    done = runner.invoke(app, ["encryption", "enable", "--key-file", str(key)], input="y\n")
    assert done.exit_code == 0, done.output
    assert "cannot be read by anyone, ever" in " ".join(done.output.split())
    assert "Encryption enabled" in done.output
    testimony = tmp_path / "testimony.txt"
    testimony.write_text("synthetic testimony", encoding="utf-8")
    monkeypatch.setenv("HABEAS_KEY_FILE", str(key))
    added = runner.invoke(
        app, ["evidence", "add", str(testimony), "--sensitivity", "witness_protected"]
    )
    assert added.exit_code == 0 and "sealed" in added.output, added.output
    status = runner.invoke(app, ["encryption", "status", "--json"])
    assert json.loads(status.output)["sealed_files"] == 1
    # what encryption does not cover is said plainly (#14.3), in the reader's language
    said = json.loads(status.output)
    assert any("names, dates of birth" in item for item in said["not_encrypted"])
    assert said["protected_records_in_clear"] == 0
    text = " ".join(runner.invoke(app, ["--lang", "es", "encryption", "status"]).output.split())
    assert "Sin cifrar, legible para quien tenga el archivo de la base de datos" in text
    assert "registros: nombres, fechas de nacimiento" in text
    monkeypatch.delenv("HABEAS_KEY_FILE")
    verify = runner.invoke(app, ["evidence", "verify"])
    assert verify.exit_code == 0
    assert "plaintext hashes were NOT checked" in " ".join(verify.output.split())


def test_cli_change_passphrase_from_the_environment(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(workspace, create=True)
    enable_encryption(store)
    text = seal_json(store, VALUE)
    store.close()
    monkeypatch.chdir(workspace.root)
    monkeypatch.setenv("HABEAS_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HABEAS_NEW_PASSPHRASE", "another synthetic passphrase")
    result = CliRunner().invoke(app, ["encryption", "change-passphrase"])
    assert result.exit_code == 0, result.output
    reopened = _reopen(workspace, monkeypatch, passphrase="another synthetic passphrase")
    try:
        assert open_json(reopened, text) == VALUE
    finally:
        reopened.close()
