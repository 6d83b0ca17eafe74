"""Uploads wait in the workspace, private, sealed when it encrypts, names checked (#14.5).

Before: staging was ``$TMPDIR/habeas-uploads``, reused whatever its owner and
mode; unconfirmed uploads stayed in plaintext; ``upload.json``'s ``filename``
was joined unchecked, so a local user who could write there read any file the
server could (e.g. the demo admin's password) through the dry-run page.
"""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.errors import WorkspaceError
from habeas.store.db import Store
from habeas.web.uploads import Uploads, staging_dir
from habeas.workspace import Workspace
from tests.trust.encryption_helpers import enable_encryption
from tests.web.conftest import csrf

CSV = (
    "Nro,Nombre completo,Fecha de nacimiento\n"
    "1,José Rodríguez Pérez,1990-05-02\n"
    "2,Luis Gómez Quintanilla,1985-03-04\n"
)
JSON = {"Accept": "application/json"}
SECRET = "admin s3cr3t-password\n"


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary directory of the test's own (as $TMPDIR), to see that nothing lands there."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def _upload(c: TestClient, name: str = "lista.csv", content: str = CSV) -> str:
    r = c.post(
        "/sources/import",
        files={"file": (name, content.encode(), "text/csv")},
        data={"source_title": "Lista", "source_kind": "list", "csrf_token": csrf(c)},
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["upload_id"])


def _staged(workspace: Workspace, upload_id: str) -> Path:
    """The upload's folder (also where habeas kept it before: $TMPDIR/habeas-uploads)."""
    for root in (workspace.uploads_dir, Path(tempfile.gettempdir()) / "habeas-uploads"):
        if (root / upload_id).is_dir():
            return root / upload_id
    raise AssertionError("upload folder not found")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_uploads_wait_in_the_workspace_privately(
    client_as: Callable[[str], TestClient], workspace: Workspace, _private_tmp: Path
) -> None:
    previous = os.umask(0)
    try:
        upload_id = _upload(client_as("documenter"))
    finally:
        os.umask(previous)
    folder = workspace.uploads_dir / upload_id
    assert (folder / "lista.csv").read_text(encoding="utf-8") == CSV
    assert _mode(workspace.uploads_dir) == 0o700 and _mode(folder) == 0o700
    assert _mode(folder / "lista.csv") == 0o600 and _mode(folder / "upload.json") == 0o600
    assert not list(_private_tmp.iterdir())  # nothing in the shared temporary directory


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "name",
    ["../../habeas.toml", "ABSOLUTE", "..", "sub/lista.csv", "..\\..\\habeas.toml", ".hidden.csv"],
)
def test_a_tampered_file_name_is_not_followed(
    client_as: Callable[[str], TestClient], workspace: Workspace, tmp_path: Path, name: str
) -> None:
    secret = tmp_path / "demo-admin.csv"  # another file the server can read
    secret.write_text("Nro,Nombre completo\n1," + SECRET, encoding="utf-8")
    name = str(secret) if name == "ABSOLUTE" else name
    c = client_as("documenter")
    upload_id = _upload(c)
    meta_path = _staged(workspace, upload_id) / "upload.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["filename"] = name
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    r = c.get(f"/sources/import/{upload_id}.json")
    assert r.status_code >= 400
    assert "habeas workspace configuration" not in r.text and "s3cr3t" not in r.text


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_staged_link_is_not_followed(
    client_as: Callable[[str], TestClient], workspace: Workspace, tmp_path: Path
) -> None:
    secret = tmp_path / "demo-admin.txt"
    secret.write_text("Nro,Nombre completo\n1," + SECRET, encoding="utf-8")
    c = client_as("documenter")
    upload_id = _upload(c)
    staged = _staged(workspace, upload_id) / "lista.csv"
    staged.unlink()
    staged.symlink_to(secret)
    r = c.get(f"/sources/import/{upload_id}.json")
    assert r.status_code >= 400 and "s3cr3t" not in r.text


def test_a_shared_or_loose_staging_folder_is_refused(store: Store, tmp_path: Path) -> None:
    loose = tmp_path / "shared"
    loose.mkdir()
    loose.chmod(0o777)
    with pytest.raises(WorkspaceError, match="chmod 700"):
        staging_dir(loose, store)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    with pytest.raises(WorkspaceError, match="link"):
        staging_dir(link, store)
    if os.geteuid() == 0:  # only root can give a folder away
        foreign = tmp_path / "foreign"
        foreign.mkdir(mode=0o700)
        os.chown(foreign, 65534, 65534)
        with pytest.raises(WorkspaceError, match="another account"):
            staging_dir(foreign, store)
    fresh = staging_dir(tmp_path / "new" / "uploads", store)
    assert _mode(fresh) == 0o700


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_uploads_are_sealed_when_the_workspace_encrypts(
    client_as: Callable[[str], TestClient], store: Store, workspace: Workspace
) -> None:
    enable_encryption(store)
    c = client_as("documenter")
    upload_id = _upload(c)
    folder = workspace.uploads_dir / upload_id
    on_disk = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert b"Quintanilla" not in on_disk and "Quintanilla".encode("utf-16-le") not in on_disk
    assert (folder / "lista.csv.sealed").exists() and not (folder / "lista.csv").exists()
    plan = c.get(f"/sources/import/{upload_id}.json").json()
    assert plan["plan"]["records"] == 2  # opened for the dry run
    assert sorted(p.name for p in folder.iterdir()) == ["lista.csv.sealed", "upload.json"]
    r = c.post(f"/sources/import/{upload_id}/confirm", headers={**JSON, "X-CSRF-Token": csrf(c)})
    assert r.status_code == 200, r.text
    assert r.json()["records"] == 2
    assert not folder.exists()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_abandoned_uploads_are_removed(
    client_as: Callable[[str], TestClient], workspace: Workspace
) -> None:
    c = client_as("documenter")
    old = _upload(c)
    meta_path = workspace.uploads_dir / old / "upload.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["created"] = time.time() - 2 * 24 * 3600
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert c.get(f"/sources/import/{old}.json").status_code == 404  # not served
    assert not (workspace.uploads_dir / old).exists()
    again = _upload(c)
    meta_path = workspace.uploads_dir / again / "upload.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["created"] = time.time() - 2 * 24 * 3600
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    keep = workspace.uploads_dir / "not-an-upload"
    keep.mkdir()
    os.utime(keep, (0, 0))
    fresh = _upload(c)  # each upload clears the abandoned ones
    assert not (workspace.uploads_dir / again).exists()
    assert (workspace.uploads_dir / fresh).exists() and keep.exists()
    assert Uploads(workspace.uploads_dir).cleanup() == 0


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_serve_removes_abandoned_uploads_at_start(
    workspace: Workspace, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer
    import uvicorn
    from typer.testing import CliRunner

    from habeas.cli import serve

    uploads = Uploads(staging_dir(None, store))
    old = uploads.save("lista.csv", io.BytesIO(CSV.encode()), "ana", 1 << 20)
    fresh = uploads.save("otra.csv", io.BytesIO(CSV.encode()), "ana", 1 << 20)
    meta_path = workspace.uploads_dir / old / "upload.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["created"] = time.time() - 2 * 24 * 3600
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    app = typer.Typer()
    app.command("noop")(lambda: None)
    serve.register(app)
    result = CliRunner().invoke(app, ["serve", "--workspace", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert not (workspace.uploads_dir / old).exists()
    assert (workspace.uploads_dir / fresh).exists()
