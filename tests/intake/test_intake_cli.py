"""``habeas intake``, ``correct``, ``attach``, ``attachments`` end to end, in Spanish and
English; clean errors naming the field; nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from habeas.cli.main import main
from habeas.workspace import Workspace


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ws(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    from habeas.store.db import Store

    Store.open(workspace, create=True).close()
    monkeypatch.chdir(workspace.root)
    monkeypatch.setenv("HABEAS_USER", "ana")
    return workspace.root


def test_intake_correct_attach_in_spanish(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "--lang",
        "es",
        "intake",
        "--channel",
        "llamada",
        "--date",
        "2026-11-30",
        "--json",
        "full_name=Ana Beatriz Ficticia Salas",
        "date_of_birth=04/05/1990",
        "reporter_name=Su hermana",
        "event_type=contacto",
        "event_date=28/11/2026",
    )
    assert code == 0, err
    entered = json.loads(out)
    assert entered["source_title"] == "2026-11-30 llamada telefónica (ana)"
    record = entered["record_id"]

    code, out, err = run(
        capsys,
        "--lang",
        "es",
        "intake",
        "--channel",
        "llamada",
        "full_name=Nadie",
        "date_of_birth=31/02/1990",
    )
    assert code == 1 and "date_of_birth" in err and "31/02/1990" in err, err

    code, out, err = run(
        capsys,
        "--lang",
        "es",
        "correct",
        str(record),
        "--channel",
        "documento",
        "--date",
        "2026-12-01",
        "--purpose",
        "documentation",
        "full_name=Ana Beatriz Ficticia Salas",
        "date_of_birth=04/05/1991",
    )
    assert code == 0, err
    assert f"Corrige el registro {record}." in out

    photo = tmp_path / "cedula.jpg"
    photo.write_bytes(b"\xff\xd8 made-up cedula")
    code, out, err = run(
        capsys, "--lang", "es", "attach", "record", str(record), str(photo), "-d", "Cédula (foto)"
    )
    assert code == 0 and "Adjunto 1" in out, (out, err)
    code, out, err = run(
        capsys, "attachments", "record", str(record), "--purpose", "documentation", "--json"
    )
    assert code == 0 and json.loads(out)["attachments"][0]["description"] == "Cédula (foto)"
    target = tmp_path / "out.jpg"
    code, out, err = run(
        capsys,
        "attachments",
        "record",
        str(record),
        "--save",
        "1",
        "--to",
        str(target),
        "--purpose",
        "documentation",
    )
    assert code == 0 and target.read_bytes() == photo.read_bytes(), err
    code, out, err = run(capsys, "--lang", "es", "attach", "person", "999", str(photo))
    assert code != 0 and "999" in err


def test_intake_needs_a_channel_and_a_name(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "intake", "full_name=Ana Ficticia")
    assert code != 0 and "--channel" in err
    code, _out, err = run(capsys, "intake", "--channel", "phone", "sex=F")
    assert code == 1 and "full_name" in err and "name or an identity document" in err
    code, out, err = run(capsys, "intake", "--channel", "phone", "full_name=Ana Ficticia")
    assert code == 0 and "Record 1 entered" in out
    assert "habeas link" in err  # no model trained yet: says what to run


@pytest.mark.parametrize("kind", ["legal_action", "inquiry"])
def test_attach_checks_targets_whose_tables_live_elsewhere(ws: Path, kind: str) -> None:
    """`habeas attach` in a fresh process (where neither the legal-action nor the inquiry
    module was imported) still checks that the target exists; it used to accept any id."""
    import os
    import subprocess
    import sys

    photo = ws / "escrito.pdf"
    photo.write_bytes(b"%PDF-1.4 ficticio\n")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from habeas.cli.main import run; run()",
            "--lang",
            "en",
            "attach",
            kind,
            "999",
            str(photo),
        ],
        cwd=ws,
        capture_output=True,
        text=True,
        env={**os.environ, "HABEAS_USER": "ana"},
        timeout=120,
    )
    assert done.returncode != 0, done.stdout
    assert "There is no" in done.stderr and "999" in done.stderr, done.stderr
