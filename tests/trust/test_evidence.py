"""Evidence: custody log per file, verification of the file store, exports with manifests."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from habeas.cli import evidence as evidence_cli
from habeas.errors import IntegrityError, NotFound, UsageError
from habeas.evidence import (
    add_file,
    export_evidence,
    file_custody,
    read_file,
    verify_evidence,
    write_sidecar_manifest,
)
from habeas.store.db import Store
from habeas.workspace import Workspace
from tests.trust.helpers import import_manifest, tamper


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)  # a second command keeps sub-command names in the CLI
    evidence_cli.register(app)
    return app


def test_custody_records_add_view_export_verify(store: Store, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    photo = tmp_path / "gate.jpg"
    photo.write_bytes(b"\xff\xd8synthetic jpeg bytes")
    photo_sha = add_file(store, photo, actor="luis", note="taken by witness 4")
    assert add_file(store, photo, actor="luis") == photo_sha  # known: nothing logged again

    assert (
        read_file(store, result.sha256, actor="eva", purpose="art. 18 request")
        == (tmp_path / "manifest.csv").read_bytes()
    )
    export_evidence(
        store,
        tmp_path / "out.zip",
        sha256s=[result.sha256, photo_sha],
        actor="eva",
        purpose="court filing",
    )
    verify_evidence(store, actor="admin")

    events = [(e.event, e.actor) for e in file_custody(store, result.sha256)]
    assert events == [
        ("added", "ana"),
        ("viewed", "eva"),
        ("exported", "eva"),
        ("verified", "admin"),
    ]
    photo_events = file_custody(store, photo_sha)
    assert [e.event for e in photo_events] == ["added", "exported", "verified"]
    assert photo_events[0].detail["note"] == "taken by witness 4"
    assert photo_events[-1].detail["ok"] is True
    assert store.verify_log().ok  # custody is in the hash chain


def test_custody_of_unknown_hash_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        file_custody(store, "ab" * 32)
    with pytest.raises(UsageError):
        file_custody(store, "not-a-hash")


def test_verify_detects_changed_missing_size_and_unknown_files(
    store: Store, tmp_path: Path
) -> None:
    first = import_manifest(store, tmp_path, "Manifest A", name="a.csv")
    second = import_manifest(
        store,
        tmp_path,
        "Manifest B",
        name="b.csv",
        extra='4,"PEREZ, ANA",02/02/1992,A-200-000-004,VEN,F,FL-3\n',
    )
    assert store.files is not None
    assert verify_evidence(store).ok

    tamper(store.files.path_for(first.sha256))
    store.files.path_for(second.sha256).unlink()
    stray = tmp_path / "stray.bin"
    stray.write_bytes(b"not known to the database")
    orphan = store.files.put(stray)
    (store.files.root / "notes.txt").write_text("dropped here by hand")
    (store.files.root / orphan[:2] / ".incoming-x1").write_bytes(b"half")

    report = verify_evidence(store, actor="admin")
    kinds = {(p.kind, p.sha256) for p in report.problems}
    assert ("changed", first.sha256) in kinds
    assert ("missing", second.sha256) in kinds
    assert ("unreferenced", orphan) in kinds
    assert ("unknown", None) in kinds
    assert all(p.file for p in report.problems if p.kind in ("changed", "missing"))
    changed = next(p for p in report.problems if p.kind == "changed")
    assert changed.file == "a.csv"
    assert not report.ok and len(report.temp_files) == 1
    # the result is logged, and the damaged file's custody shows it
    last = file_custody(store, first.sha256)[-1]
    assert last.event == "verified" and last.detail["ok"] is False
    assert last.detail["problems"][0]["kind"] == "changed"


def test_verify_detects_a_size_mismatch(store: Store, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    from sqlalchemy import update

    from habeas.store.schema import StoredFile

    with store.write("intruder") as op:  # a row edited behind habeas's back
        op.session.execute(
            update(StoredFile).where(StoredFile.sha256 == result.sha256).values(size=1)
        )
        op.log("test", "stored_file", result.sha256, {})
    report = verify_evidence(store)
    assert [(p.kind, p.sha256) for p in report.problems] == [("size", result.sha256)]


def test_read_and_export_refuse_a_changed_file(store: Store, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    assert store.files is not None
    tamper(store.files.path_for(result.sha256), offset=5)
    with pytest.raises(IntegrityError):
        read_file(store, result.sha256)
    with pytest.raises(IntegrityError):
        export_evidence(store, tmp_path / "out.zip", sha256s=[result.sha256])
    assert not (tmp_path / "out.zip").exists()
    assert [e.event for e in file_custody(store, result.sha256)] == ["added"]  # nothing logged


def test_export_by_source_writes_sha256sum_manifest_and_json(store: Store, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    out = tmp_path / "evidence"
    exported = export_evidence(store, out, source_title="Manifest", actor="eva")
    lines = (out / "MANIFEST.sha256").read_text().splitlines()
    assert lines == [f"{result.sha256}  files/manifest.csv"]
    for line in lines:  # what `sha256sum -c MANIFEST.sha256` checks
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    manifest = json.loads((out / "manifest.json").read_text())
    [entry] = manifest["files"]
    assert entry["sha256"] == result.sha256 and entry["sources"] == ["Manifest"]
    assert entry["added_by"] == "ana" and entry["original_filename"] == "manifest.csv"
    assert entry["size"] == (tmp_path / "manifest.csv").stat().st_size
    assert [c["event"] for c in entry["custody"]] == ["added"]
    assert manifest["change_log_entry"]["seq"] == exported.log_seq
    with pytest.raises(UsageError):  # never overwrites
        export_evidence(store, out, source_title="Manifest")
    with pytest.raises(NotFound):
        export_evidence(store, tmp_path / "x.zip", source_title="No such source")


def test_sidecar_manifest_for_table_exports(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text("a,b\n1,2\n")
    sidecar = write_sidecar_manifest(path)
    assert sidecar.name == "records.csv.sha256"
    assert sidecar.read_text() == f"{hashlib.sha256(path.read_bytes()).hexdigest()}  records.csv\n"


def test_cli_verify_custody_export(store: Store, workspace: Workspace, tmp_path: Path) -> None:
    result = import_manifest(store, tmp_path)
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    ok = runner.invoke(_app(), ["evidence", "verify", "--json", *ws])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["ok"] is True

    shown = runner.invoke(_app(), ["evidence", "custody", result.sha256, "--json", *ws])
    assert shown.exit_code == 0, shown.output
    assert [e["event"] for e in json.loads(shown.output)] == ["added", "verified"]

    out = tmp_path / "ev.zip"
    done = runner.invoke(_app(), ["evidence", "export", "--source", "Manifest", str(out), *ws])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as zf:
        assert set(zf.namelist()) == {"MANIFEST.sha256", "manifest.json", "files/manifest.csv"}
    by_hash = runner.invoke(
        _app(), ["evidence", "export", result.sha256, str(tmp_path / "ev2.zip"), *ws]
    )
    assert by_hash.exit_code == 0, by_hash.output

    assert store.files is not None
    os.remove(store.files.path_for(result.sha256))
    bad = runner.invoke(_app(), ["evidence", "verify", *ws])
    assert bad.exit_code == 1
    assert "missing" in bad.output and result.sha256 in bad.output


def test_cli_help_has_examples() -> None:
    runner = CliRunner()
    for command in ("verify", "custody", "export", "add"):
        shown = runner.invoke(_app(), ["evidence", command, "--help"])
        assert shown.exit_code == 0 and "Example" in shown.output
