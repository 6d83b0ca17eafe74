"""``habeas legal``: add, update, list, show and deadlines, in English and Spanish."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from habeas.cli.main import main
from habeas.store.db import Store
from tests.trace.conftest import Importer


@pytest.fixture(autouse=True)
def _language_reset(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``habeas --lang es`` chooses the language for the process: leave no choice behind.
    The shared console may have fixed its width already: wide enough for every column."""
    from habeas.cli import common

    monkeypatch.setattr(common.console, "width", 250)
    yield
    from habeas.cli import lang

    lang.choose(None)


def _ws(store: Store) -> str:
    assert store.head_path is not None
    return str(store.head_path.parent)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_legal_commands(
    store: Store, add_list: Importer, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("HABEAS_LANG", "en")
    ws = _ws(store)
    pid = add_list("L", "NAME\nAna Pérez\nEva Ruiz\n")[0]
    soon = (date.today() + timedelta(days=5)).isoformat()
    code, out, err = _run(
        capsys,
        "legal",
        "add",
        str(pid),
        "--kind",
        "habeas",  # a synonym of the term
        "--court",
        "District Court",
        "--case-number",
        "25-cv-1",
        "--filed",
        "2025-03-20",
        "--status",
        "pending",
        "--next-date",
        soon,
        "--next-due",
        "hearing",
        "--workspace",
        ws,
    )
    assert code == 0, err
    assert "Recorded legal action 1." in out
    code, out, err = _run(
        capsys, "legal", "update", "1", "--status", "granted", "--note", "order", "--workspace", ws
    )
    assert code == 0 and "Recorded change" in out, err
    code, out, err = _run(capsys, "legal", "deadlines", "--json", "--workspace", ws)
    assert code == 0, err
    data = json.loads(out)
    assert [d["id"] for d in data["deadlines"]] == [1]
    assert data["deadlines"][0]["days_left"] == 5 and data["deadlines"][0]["status"] == "granted"
    code, out, _ = _run(capsys, "legal", "show", "1", "--workspace", ws)
    assert code == 0 and "History" in out and "granted" in out and "order" in out
    code, out, _ = _run(capsys, "legal", "list", "--person", str(pid), "--workspace", ws)
    assert code == 0 and "25-cv-1" in out and "hearing" in out
    # A bad value names the option; nothing is written.
    code, _, err = _run(
        capsys, "legal", "add", str(pid), "--kind", "nope", "--court", "X", "--workspace", ws
    )
    assert code != 0 and "--kind" in err
    code, _, err = _run(
        capsys,
        "legal",
        "add",
        str(pid),
        "--kind",
        "amparo",
        "--court",
        "X",
        "--status",
        "filed",
        "--workspace",
        ws,
    )
    assert code != 0 and "--filed" in err and "filing date" in err
    code, out, _ = _run(capsys, "legal", "list", "--json", "--workspace", ws)
    assert [a["id"] for a in json.loads(out)["legal_actions"]] == [1]


def test_legal_commands_in_spanish(
    store: Store, add_list: Importer, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("HABEAS_LANG", "es")
    ws = _ws(store)
    pid = add_list("L", "NAME\nAna Pérez\n")[0]
    late = (date.today() - timedelta(days=2)).isoformat()
    code, out, err = _run(
        capsys,
        "legal",
        "add",
        str(pid),
        "--kind",
        "ced_urgent_action",
        "--court",
        "Comité contra la Desaparición Forzada",
        "--filed",
        "2025-03-20",
        "--status",
        "filed",
        "--next-date",
        late,
        "--next-due",
        "respuesta del Estado",
        "--workspace",
        ws,
    )
    assert code == 0, err
    assert "Acción legal 1 registrada." in out
    code, out, _ = _run(capsys, "legal", "deadlines", "--workspace", ws)
    assert code == 0
    assert "vencido" in out and "Acción urgente" in out and "presentada" in out
    code, _, err = _run(capsys, "legal", "update", "1", "--status", "filed", "--workspace", ws)
    assert code != 0 and "Nada que cambiar" in err
    code, out, _ = _run(capsys, "--lang", "es", "--help")
    assert "Acciones legales: peticiones de hábeas corpus" in out
