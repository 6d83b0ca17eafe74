"""``habeas inquiry``: from a new inquiry to its letter on the terminal, in Spanish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from habeas.access.users import add_user
from habeas.cli.main import main
from habeas.store.db import Store
from habeas.workspace import init_workspace
from tests.inquiry.case import ASKER, CONTACT, ORDERED_BY, add_person


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    monkeypatch.delenv("HABEAS_USER", raising=False)
    monkeypatch.setenv("HABEAS_PURPOSE", "relative_request: test")
    from habeas.cli import common

    monkeypatch.setattr(common.console, "width", 250)  # the shared console: no wrapping
    root = init_workspace(tmp_path / "ws")
    store = Store.open(root, create=True)
    pid = add_person(store, tmp_path)
    add_user(store, "dora", "documenter", "correct horse battery staple", actor="test")
    store.close()
    return str(root.root), pid


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "es", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_inquiry_commands_in_spanish(
    ws: tuple[str, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root, pid = ws
    w = ["--workspace", root]
    new = [
        "inquiry",
        "new",
        *w,
        "--asker",
        ASKER,
        "--relationship",
        "madre",
        "--name",
        "Teodoro Larrazabal",
        "--dob",
        "12/08/1994",
    ]
    code, _, err = run(capsys, *new, "--contact", " ")
    assert code != 0 and "--contact: Indique cómo contactar" in " ".join(err.split())
    code, out, err = run(capsys, *new, "--contact", CONTACT)
    assert code == 0, err
    assert "Consulta 1 registrada (abierta)." in out

    code, out, err = run(
        capsys, "inquiry", "correct", "1", *w, "--as", "dora", "--contact", "555", "--asker", "X"
    )
    assert code != 0 and "--relationship" in err
    code, out, err = run(
        capsys, "inquiry", "correct", "1", *w, "--as", "dora", "--known", "Visto en CECOT."
    )
    assert code == 0 and "Consulta 1 corregida." in out, err
    code, out, _ = run(capsys, "inquiry", "show", "1", *w, "--json")
    shown = json.loads(out)
    assert shown["sought"]["known"] == "Visto en CECOT." and shown["sought"]["dob"] == "12/08/1994"
    assert [e["kind"] for e in shown["history"]] == ["created", "described"]
    code, out, _ = run(capsys, "inquiry", "list", *w, "--as", "dora")
    assert code == 0 and "solicitante reservado" in out and ASKER not in out
    assert "Teodoro Larrazabal" in out
    code, out, _ = run(capsys, "inquiry", "list", *w, "--json")
    assert json.loads(out)["inquiries"][0]["asker"]["name"] == ASKER  # the owner: admin

    code, out, err = run(capsys, "inquiry", "status", "1", "answered", *w, "--as", "dora")
    assert code != 0 and "Primero emita la carta" in err
    code, out, err = run(capsys, "inquiry", "match", "1", *w, "--as", "dora", "--json")
    assert code == 0, err
    assert json.loads(out)["candidates"][0]["person_id"] == pid
    code, out, err = run(capsys, "inquiry", "confirm", "1", str(pid), *w, "--as", "dora")
    assert code == 0 and f"Persona {pid} confirmada." in out, err
    code, out, err = run(capsys, "inquiry", "status", "1", "information_found", *w, "--as", "dora")
    assert code == 0 and "información hallada" in out, err
    letter = tmp_path / "carta.html"
    code, out, err = run(capsys, "inquiry", "letter", "1", *w, "--as", "dora", "-o", str(letter))
    assert code == 0, err
    html = letter.read_text(encoding="utf-8")
    assert "La autoridad que decidió la privación de libertad;" in html and ORDERED_BY in html
    assert ASKER not in html and CONTACT not in html
    code, out, err = run(capsys, "inquiry", "status", "1", "answered", *w, "--as", "dora")
    assert code == 0, err
    code, out, _ = run(capsys, "inquiry", "show", "1", *w, "--as", "dora")
    assert "solicitante reservado" in out and "carta de respuesta emitida" in out
    assert "respondida" in out and ASKER not in out
    code, out, _ = run(capsys, "inquiry", "show", "1", *w)
    assert ASKER in out and CONTACT in out
    code, out, _ = run(capsys, "inquiry", "list", *w, "--status", "open", "--json")
    assert json.loads(out)["inquiries"] == []
