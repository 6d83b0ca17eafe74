"""Sealed JSON values for database columns: seal_json / open_json."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.crypto.fields import PREFIX, is_sealed, open_json, seal_json
from habeas.errors import IntegrityError, KeyRequired, WrongKey
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.workspace import Workspace
from tests.trust.encryption_helpers import PASSPHRASE, enable_encryption

WITNESS = {"witness": "Testigo Sintetico Uno", "phone": "+503 0000 0000"}


def test_plain_json_when_encryption_is_not_enabled(store: Store) -> None:
    text = seal_json(store, WITNESS)
    assert not is_sealed(text)
    assert json.loads(text) == WITNESS
    assert open_json(store, text) == WITNESS


def test_sealed_round_trip_hides_the_value(store: Store) -> None:
    enable_encryption(store)
    text = seal_json(store, WITNESS)
    assert text.startswith(PREFIX)
    assert "Sintetico" not in text
    assert "Sintetico" not in base64.urlsafe_b64decode(text[len(PREFIX) :]).decode("latin-1")
    assert open_json(store, text) == WITNESS


def test_plain_values_written_before_enabling_stay_readable(store: Store) -> None:
    before = seal_json(store, WITNESS)
    enable_encryption(store)
    assert open_json(store, before) == WITNESS


def test_every_seal_uses_a_fresh_nonce(store: Store) -> None:
    enable_encryption(store)
    sealed = [seal_json(store, WITNESS) for _ in range(200)]
    nonces = {base64.urlsafe_b64decode(s[len(PREFIX) :])[:12] for s in sealed}
    assert len(nonces) == 200
    assert len(set(sealed)) == 200


def test_tampered_value_is_detected(store: Store) -> None:
    enable_encryption(store)
    raw = bytearray(base64.urlsafe_b64decode(seal_json(store, WITNESS)[len(PREFIX) :]))
    raw[-1] ^= 0x01  # flip one bit of the GCM tag
    with pytest.raises(IntegrityError, match="does not authenticate"):
        open_json(store, PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode())


def test_a_value_sealed_for_one_context_does_not_open_in_another(store: Store) -> None:
    enable_encryption(store)
    text = seal_json(store, WITNESS, context="record.protected")
    with pytest.raises(IntegrityError):
        open_json(store, text, context="incident.witness")


def test_key_required_without_passphrase(
    workspace: Workspace, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_encryption(store)
    text = seal_json(store, WITNESS)
    monkeypatch.delenv("HABEAS_PASSPHRASE", raising=False)
    monkeypatch.delenv("HABEAS_KEY_FILE", raising=False)
    other = Store.open(workspace)  # a new process: nothing unlocked
    try:
        with pytest.raises(KeyRequired, match="HABEAS_PASSPHRASE"):
            open_json(other, text)
        with pytest.raises(KeyRequired, match="HABEAS_PASSPHRASE"):
            seal_json(other, WITNESS)
        monkeypatch.setenv("HABEAS_PASSPHRASE", PASSPHRASE)
        assert open_json(other, text) == WITNESS
    finally:
        other.close()


def test_wrong_passphrase_is_refused(
    workspace: Workspace, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_encryption(store)
    text = seal_json(store, WITNESS)
    monkeypatch.setenv("HABEAS_PASSPHRASE", "not the passphrase at all")
    other = Store.open(workspace)
    try:
        with pytest.raises(WrongKey):
            open_json(other, text)
    finally:
        other.close()


def test_sealed_value_in_a_workspace_without_key_material(
    store: Store, workspace: Workspace
) -> None:
    enable_encryption(store)
    text = seal_json(store, WITNESS)
    workspace.key_material_path.unlink()
    other = Store.open(workspace)
    try:
        with pytest.raises(KeyRequired, match="encryption.json is missing"):
            open_json(other, text)
    finally:
        other.close()


def test_enable_seals_identities_written_before(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    """A relative's name imported while the workspace was plain is sealed by `enable`."""
    from habeas.encryption import encryption_status, seal_protected_fields
    from habeas.ingest.importer import ImportOptions, import_file
    from habeas.store.schema import Record

    path = tmp_path / "reportes.csv"
    path.write_text(
        "Nombres,Apellidos,Reportado por,Teléfono de contacto\n"
        "Yorbis Antonio,Quintero Lameda,Zulay Marín Ocando,0414-5550101\n"
        "Deiby José,Pacheco Urdaneta,Nelsy Urdaneta,0424-5550202\n",
        encoding="utf-8",
    )
    import_file(
        store,
        path,
        ImportOptions(source_title="Reportes de familiares", source_kind="testimony"),
        actor="ana",
    )

    def stored() -> list[str]:
        with store.read() as session:
            return [
                t
                for (t,) in session.execute(
                    select(Record.protected)
                    .where(Record.protected.is_not(None))
                    .order_by(Record.id)
                )
            ]

    before = stored()
    assert len(before) == 2 and not any(is_sealed(t) for t in before)
    values = [open_json(store, t) for t in before]
    assert encryption_status(store).plain_protected_fields == 2

    result = enable_encryption(store)
    assert result.sealed_fields == 2
    after = stored()
    assert all(is_sealed(t) for t in after)
    assert not any("Zulay" in t or "5550101" in t for t in after)
    assert [open_json(store, t) for t in after] == values
    assert encryption_status(store).plain_protected_fields == 0
    assert seal_protected_fields(store) == 0  # nothing left: running it again changes nothing


def _stored_totp(store: Store, name: str) -> str:
    from habeas.store.schema_access import AppUser

    with store.read() as s:
        value = s.execute(select(AppUser.totp_secret).where(AppUser.name == name)).scalar()
    assert value is not None
    return str(value)


def test_totp_secrets_are_sealed_when_the_workspace_encrypts(store: Store) -> None:
    """#14.7: the second factor's secret is not readable from the database or a backup."""
    import pyotp

    from habeas.access import users as accounts

    enable_encryption(store)
    _, secret = accounts.add_user(store, "ines", "legal", "a long enough password", totp=True)
    assert secret
    stored = _stored_totp(store, "ines")
    assert is_sealed(stored) and secret not in stored
    # logging in with the code still works
    assert accounts.check_totp(store, "ines", pyotp.TOTP(secret).now(), "10.0.0.1").name == "ines"


def test_totp_secrets_written_before_are_sealed_on_enable_or_first_use(store: Store) -> None:
    import pyotp
    from sqlalchemy import update

    from habeas.access import users as accounts
    from habeas.store.schema_access import AppUser

    _, before = accounts.add_user(store, "ana", "legal", "a long enough password", totp=True)
    assert before and _stored_totp(store, "ana") == before  # no encryption: plain
    enable_encryption(store)
    assert is_sealed(_stored_totp(store, "ana"))  # sealed by `encryption enable`
    with store.read() as s:
        entries = [
            e.detail
            for e in s.execute(
                select(ChangeLogEntry).where(
                    ChangeLogEntry.action == "seal_fields", ChangeLogEntry.entity == "user"
                )
            ).scalars()
        ]
    assert entries and before not in entries[0]  # logged, without the secret
    # a secret left plain (written by an older habeas) is sealed the first time it is used
    with store.engine.begin() as conn:
        conn.execute(update(AppUser).where(AppUser.name == "ana").values(totp_secret=before))
    assert accounts.check_totp(store, "ana", pyotp.TOTP(before).now(), "10.0.0.1").name == "ana"
    assert is_sealed(_stored_totp(store, "ana"))
