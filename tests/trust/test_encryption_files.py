"""Sealed files: restricted and witness-protected evidence encrypted at rest."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.crypto.streams import CHUNK, HEADER, sealed_size
from habeas.encryption import encryption_status, seal_protected
from habeas.errors import IntegrityError, KeyRequired
from habeas.evidence import add_file, export_evidence, file_custody, read_file, verify_evidence
from habeas.store.db import Store
from habeas.store.schema import StoredFile
from habeas.workspace import Workspace
from tests.trust.encryption_helpers import PASSPHRASE, enable_encryption
from tests.trust.helpers import tamper

MARKER = b"TESTIGO-SINTETICO-7Q4Z"  # a made-up string that must never be on disk in clear


def _testimony(folder: Path, name: str = "testimony.txt", size: int = 0) -> Path:
    path = folder / name
    body = MARKER + b" saw the guards at gate 3.\n"
    filler = (b"synthetic filler line " + MARKER + b"\n") * max(0, size // 40)
    path.write_bytes(body + filler)
    return path


def _grep(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def _fresh(workspace: Workspace, monkeypatch: pytest.MonkeyPatch, passphrase: str | None) -> Store:
    """The same workspace opened anew (another process), with or without the passphrase."""
    monkeypatch.delenv("HABEAS_KEY_FILE", raising=False)
    if passphrase is None:
        monkeypatch.delenv("HABEAS_PASSPHRASE", raising=False)
    else:
        monkeypatch.setenv("HABEAS_PASSPHRASE", passphrase)
    return Store.open(workspace)


def test_protected_file_is_sealed_and_reads_back(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    enable_encryption(store)
    source = _testimony(tmp_path, size=3 * CHUNK + 123)  # several chunks
    sha256 = add_file(store, source, sensitivity="witness_protected", actor="ana")
    assert sha256 == hashlib.sha256(source.read_bytes()).hexdigest()  # the evidence hash
    assert store.files is not None and store.files.is_sealed(sha256)
    assert not store.files.path_for(sha256).exists()
    sealed = store.files.sealed_path_for(sha256)
    assert sealed.stat().st_size == sealed_size(source.stat().st_size)
    with store.read() as session:
        row = session.get(StoredFile, sha256)
    assert row is not None and row.sealed_sha256 == hashlib.sha256(sealed.read_bytes()).hexdigest()
    assert read_file(store, sha256, actor="ana") == source.read_bytes()
    source.unlink()
    assert _grep(workspace.root, MARKER) == []  # neither the file nor the database has it


def test_public_files_stay_plain(store: Store, tmp_path: Path) -> None:
    enable_encryption(store)
    sha256 = add_file(store, _testimony(tmp_path), sensitivity="internal")
    assert store.files is not None and not store.files.is_sealed(sha256)
    assert store.files.path_for(sha256).read_bytes().startswith(MARKER)


def test_each_file_gets_its_own_salt(store: Store, tmp_path: Path) -> None:
    enable_encryption(store)
    assert store.files is not None
    salts = set()
    for number in range(20):
        path = tmp_path / f"t{number}.txt"
        path.write_bytes(MARKER + str(number).encode())
        sha256 = add_file(store, path, sensitivity="restricted")
        header = store.files.sealed_path_for(sha256).read_bytes()[: HEADER.size]
        salts.add(HEADER.unpack(header)[3])
    assert len(salts) == 20


@pytest.mark.parametrize("offset", [HEADER.size + 3, -1, 10])  # body, tag, header salt
def test_tampered_sealed_file_is_detected(store: Store, tmp_path: Path, offset: int) -> None:
    enable_encryption(store)
    sha256 = add_file(store, _testimony(tmp_path), sensitivity="restricted")
    assert store.files is not None
    path = store.files.sealed_path_for(sha256)
    tamper(path, offset=offset % path.stat().st_size)
    with pytest.raises(IntegrityError, match="does not authenticate"):
        read_file(store, sha256)
    report = verify_evidence(store)
    assert [p.kind for p in report.problems].count("changed") == 2  # sealed hash, plaintext
    with pytest.raises(IntegrityError):
        export_evidence(store, tmp_path / "out.zip", sha256s=[sha256])


def test_truncated_sealed_file_is_detected(store: Store, tmp_path: Path) -> None:
    enable_encryption(store)
    sha256 = add_file(store, _testimony(tmp_path, size=2 * CHUNK), sensitivity="restricted")
    assert store.files is not None
    path = store.files.sealed_path_for(sha256)
    os.chmod(path, 0o600)
    data = path.read_bytes()
    path.write_bytes(data[: HEADER.size + CHUNK + 16])  # drop every chunk after the first
    with pytest.raises(IntegrityError, match="does not authenticate"):
        read_file(store, sha256)


def test_enable_seals_files_already_restricted(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    restricted = add_file(store, _testimony(tmp_path, "a.txt"), sensitivity="restricted")
    internal = add_file(store, _other(tmp_path), sensitivity="internal")
    assert encryption_status(store).plain_protected_files == 1
    result = enable_encryption(store)
    assert result.sealed_files == 1
    assert store.files is not None
    assert store.files.is_sealed(restricted) and not store.files.path_for(restricted).exists()
    assert not store.files.is_sealed(internal)
    (tmp_path / "a.txt").unlink()
    assert _grep(workspace.root / "files", MARKER) == []
    assert [e.event for e in file_custody(store, restricted)] == ["added", "sealed"]
    status = encryption_status(store)
    assert (status.sealed_files, status.plain_protected_files) == (1, 0)
    assert verify_evidence(store).ok


def _other(folder: Path) -> Path:
    path = folder / "public-statement.txt"
    path.write_bytes(b"a synthetic public statement")
    return path


def test_interrupted_sealing_is_reported_and_finished(store: Store, tmp_path: Path) -> None:
    source = _testimony(tmp_path)
    sha256 = add_file(store, source, sensitivity="restricted")
    enable_encryption(store)
    assert store.files is not None
    # As if sealing stopped after the sealed copy was written: the plain copy is still
    # there and the database has no hash of the sealed bytes.
    store.files.path_for(sha256).write_bytes(source.read_bytes())
    with store.write("test") as op:
        row = op.session.get(StoredFile, sha256)
        assert row is not None
        row.sealed_sha256 = None
        op.log("test", "stored_file", sha256, {})
    kinds = sorted(p.kind for p in verify_evidence(store).problems)
    assert kinds == ["plain_copy", "sealed_unrecorded"]
    assert seal_protected(store) == 1
    assert not store.files.path_for(sha256).exists()
    assert verify_evidence(store).ok


def test_verify_without_the_key_checks_the_sealed_bytes_only(
    store: Store, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_encryption(store)
    sha256 = add_file(store, _testimony(tmp_path), sensitivity="restricted")
    locked = _fresh(workspace, monkeypatch, None)
    try:
        report = verify_evidence(locked)
        assert report.ok and (report.sealed_files, report.plaintext_unchecked) == (1, 1)
        with pytest.raises(KeyRequired, match="HABEAS_PASSPHRASE"):
            read_file(locked, sha256)
        assert locked.files is not None
        tamper(locked.files.sealed_path_for(sha256), offset=HEADER.size)
        report = verify_evidence(locked)
        assert [p.kind for p in report.problems] == ["changed"]
        assert report.plaintext_unchecked == 1
    finally:
        locked.close()
    unlocked = _fresh(workspace, monkeypatch, PASSPHRASE)
    try:
        report = verify_evidence(unlocked)
        assert report.plaintext_unchecked == 0
        assert [p.kind for p in report.problems] == ["changed", "changed"]
    finally:
        unlocked.close()


def test_missing_sealed_file_is_reported(store: Store, tmp_path: Path) -> None:
    enable_encryption(store)
    sha256 = add_file(store, _testimony(tmp_path), sensitivity="restricted")
    assert store.files is not None
    store.files.sealed_path_for(sha256).unlink()
    assert [(p.kind, p.sha256) for p in verify_evidence(store).problems] == [("missing", sha256)]


def test_export_opens_sealed_files(store: Store, tmp_path: Path) -> None:
    enable_encryption(store)
    source = _testimony(tmp_path)
    sha256 = add_file(store, source, sensitivity="witness_protected")
    result = export_evidence(store, tmp_path / "out.zip", sha256s=[sha256], purpose="court")
    with zipfile.ZipFile(result.output) as archive:
        assert archive.read(result.files[0]["path"]) == source.read_bytes()
        manifest = archive.read("MANIFEST.sha256").decode()
    assert manifest.startswith(sha256)


def test_raising_a_files_sensitivity_seals_it(store: Store, tmp_path: Path) -> None:
    enable_encryption(store)
    source = _testimony(tmp_path)
    sha256 = add_file(store, source, sensitivity="internal")
    assert store.files is not None and not store.files.is_sealed(sha256)
    add_file(store, source, sensitivity="witness_protected")
    assert store.files.is_sealed(sha256) and not store.files.path_for(sha256).exists()
    with store.read() as session:
        row = session.execute(select(StoredFile)).scalar_one()
    assert (row.sensitivity, row.sealed_sha256 is not None) == ("witness_protected", True)
    assert verify_evidence(store).ok


def test_an_imported_testimony_is_sealed(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    from habeas.ingest.importer import ImportOptions, import_file
    from tests.trust.helpers import MANIFEST

    enable_encryption(store)
    path = tmp_path / "testimonio.csv"
    path.write_text(MANIFEST.replace("FL-2", "FL-2-" + MARKER.decode()), encoding="utf-8")
    result = import_file(
        store,
        path,
        ImportOptions(
            source_title="Testimonio",
            source_kind="testimony",
            date_order="MDY",
            defaults={"event_type": "removal_flight", "event_date": "2025-03-15"},
        ),
        actor="ana",
    )
    assert store.files is not None and store.files.is_sealed(result.sha256)
    report = verify_evidence(store)
    assert report.ok and report.sealed_files == 1
    path.unlink()
    assert _grep(workspace.root / "files", MARKER) == []
