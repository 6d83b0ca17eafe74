"""The CLI answers in Spanish with --lang es, HABEAS_LANG=es or a Spanish locale."""

from __future__ import annotations

import pytest

from habeas.cli.commands import COMMANDS
from habeas.cli.main import main


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


def test_lang_option_lists_the_commands_in_spanish(capsys, monkeypatch) -> None:
    out = _help(capsys, "--lang", "es")
    assert "Importar una lista con procedencia" in out
    assert "Import a list with row-level provenance" not in out
    assert "Empiece con" in out


@pytest.mark.parametrize(
    ("env", "spanish"),
    [
        ({"HABEAS_LANG": "es"}, True),
        ({"HABEAS_LANG": "", "LANG": "es_VE.UTF-8"}, True),
        ({"HABEAS_LANG": "", "LC_ALL": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}, True),
        ({"HABEAS_LANG": "", "LANG": "C.UTF-8"}, False),
        ({"HABEAS_LANG": "en", "LANG": "es_VE.UTF-8"}, False),
    ],
)
def test_language_from_environment(capsys, monkeypatch, env, spanish) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    out = _help(capsys)
    assert ("La cola de revisión" in out) is spanish
    assert ("The review queue" in out) is not spanish


def test_every_command_summary_has_a_spanish_translation() -> None:
    from habeas.i18n import gettext_for

    es = gettext_for("es")
    missing = [name for name, (_, summary) in COMMANDS.items() if es(summary) == summary]
    assert not missing


def test_errors_and_an_unknown_language_in_spanish(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HABEAS_LANG", "es")
    assert main(["status", "--workspace", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.startswith("Error:")
    assert main(["--lang", "fr", "--help"]) != 0
    assert "fr" in capsys.readouterr().err


def test_import_dry_run_in_spanish_puts_problems_first(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HABEAS_LANG", "es")
    assert main(["init", str(tmp_path / "ws")]) == 0
    path = tmp_path / "familiares.csv"
    path.write_text("Nombre,Fecha de nacimiento\nAna Pérez,31/02/1994\n", encoding="utf-8")
    capsys.readouterr()
    code = main(
        [
            "import",
            str(path),
            "--source-title",
            "Reportes",
            "--source-kind",
            "testimony",
            "--dry-run",
            "--workspace",
            str(tmp_path / "ws"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert out.index("1 error(es)") < out.index("columna del archivo")
    assert "--keep-as-written" in out and "No se escribió nada" in out
    code = main(
        [
            "import",
            str(path),
            "--source-title",
            "Reportes",
            "--source-kind",
            "testimony",
            "--keep-as-written",
            "Fecha de nacimiento",
            "--workspace",
            str(tmp_path / "ws"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "Importados 1 registros" in out and "1 advertencia(s)" in out


def _answer(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, f"habeas {' '.join(args)} exited {code}:\n{captured.out}{captured.err}"
    return " ".join((captured.out + captured.err).split())  # as read, whatever the wrapping


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", {"init": "Espacio de trabajo", "status": "registros", "migrate": "Esquema"}),
        ("en", {"init": "Created workspace", "status": "records", "migrate": "Schema at"}),
    ],
)
def test_init_status_migrate_answer_in_the_language(
    capsys, monkeypatch, tmp_path, lang, words
) -> None:
    monkeypatch.setenv("HABEAS_LANG", lang)
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    ws = ["--workspace", str(tmp_path / "reg")]
    said = {
        "init": _answer(capsys, "init", str(tmp_path / "reg")),
        "status": _answer(capsys, "status", *ws),
        "migrate": _answer(capsys, "migrate", *ws),
    }
    for command, word in words.items():
        assert word in said[command], f"habeas {command}: {word!r} not in\n{said[command]}"
    other = "Created workspace" if lang == "es" else "Espacio de trabajo"
    assert other not in said["init"]


LINK_REVIEW = {
    "es": {
        "link": "en cola de revisión",
        "review list": "pares en cola",
        "review show": "Evidencia",
        "review decide": "quedan como dudosos",
        "review undo": "revertida",
        "review export": "Se escribieron",
        "review import": "Se aplicaron",
    },
    "en": {
        "link": "queued for review",
        "review list": "queued pairs",
        "review show": "Evidence",
        "review decide": "are unsure",
        "review undo": "undone",
        "review export": "Wrote",
        "review import": "Applied",
    },
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_link_and_review_answer_in_the_language(
    capsys, monkeypatch, tmp_path, store, workspace, demo_case, lang
) -> None:
    import json
    import re

    from habeas.demo import load_case

    load_case(store, demo_case)
    monkeypatch.setenv("HABEAS_LANG", lang)
    ws = ["--workspace", str(workspace.root), "--purpose", "documentation"]
    said = {
        "link": _answer(capsys, "link", "--workspace", str(workspace.root)),
        "review list": _answer(capsys, "review", "list", *ws),
    }
    pair = str(json.loads(_answer(capsys, "review", "list", "--json", *ws))[0]["pair_id"])
    said["review show"] = _answer(capsys, "review", "show", pair, *ws)
    said["review decide"] = _answer(capsys, "review", "decide", pair, "unsure", *ws)
    decision = re.findall(r"undo (\d+)", said["review decide"])[-1]
    said["review undo"] = _answer(capsys, "review", "undo", decision, *ws)
    csv_path = str(tmp_path / "pares.csv")
    said["review export"] = _answer(capsys, "review", "export", csv_path, *ws)
    said["review import"] = _answer(capsys, "review", "import", csv_path, *ws)
    for command, word in LINK_REVIEW[lang].items():
        assert word in said[command], f"habeas {command}: {word!r} not in\n{said[command]}"
    other = LINK_REVIEW["en" if lang == "es" else "es"]
    assert other["review list"] not in said["review list"]


LOOKING = {
    "es": {
        "index rebuild": "Indexados",
        "index status": "Todos los registros están indexados",
        "find": "personas candidatas",
        "sources": "fuentes",
        "records": "3 registros",
        "person": "Cronología",
        "gaps": "Lagunas del registro",
        "export": "Se escribieron",
    },
    "en": {
        "index rebuild": "Indexed",
        "index status": "Every record is indexed",
        "find": "candidate persons",
        "sources": "sources",
        "records": "3 records",
        "person": "Custody",
        "gaps": "Register gaps",
        "export": "Wrote",
    },
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_finding_and_reading_answer_in_the_language(
    capsys, monkeypatch, tmp_path, store, workspace, demo_case, lang
) -> None:
    import json

    from habeas.demo import load_case

    load_case(store, demo_case)
    monkeypatch.setenv("HABEAS_LANG", lang)
    ws = ["--workspace", str(workspace.root), "--purpose", "documentation"]
    said = {
        "index rebuild": _answer(capsys, "index", "rebuild", *ws[:2]),
        "index status": _answer(capsys, "index", "status", *ws[:2]),
        "find": _answer(capsys, "find", "Jeferson Blanco Perez", *ws),
        "sources": _answer(capsys, "sources", *ws),
        "records": _answer(capsys, "records", "--limit", "3", *ws),
        "gaps": _answer(capsys, "gaps", *ws[:2]),
        "export": _answer(capsys, "export", "records", str(tmp_path / "r.csv"), *ws),
    }
    found = json.loads(_answer(capsys, "find", "Jeferson Blanco Perez", "--json", *ws))
    person = str(found["candidates"][0]["person_id"])
    said["person"] = _answer(capsys, "person", person, *ws)
    for command, word in LOOKING[lang].items():
        assert word in said[command], f"habeas {command}: {word!r} not in\n{said[command]}"
    other = LOOKING["en" if lang == "es" else "es"]
    for command in ("find", "person", "gaps", "index status"):
        assert other[command] not in said[command]
    if lang == "es":  # statuses and library labels in Spanish too
        assert "Paradero al" in said["person"] and "Alertas de debido proceso" in said["person"]
        # the library's own sentences (whereabouts, reasons) follow the CLI's language
        person_text = " ".join(said["person"].split())
        assert "El último hecho registrado" in person_text, person_text[:1500]
        assert "Last recorded event" not in person_text
        assert "registros" in said["export"]


DOCUMENTING = {
    "es": {
        "incidents": "incidentes por mes",
        "report": "Se escribió",
        "user add": "añadido",
        "user list": "usuarios",
        "token create": "solo se muestra ahora",
        "token list": "tokens de API",
    },
    "en": {
        "incidents": "incidents by month",
        "report": "Wrote",
        "user add": "Added user",
        "user list": "users",
        "token create": "shown only now",
        "token list": "API tokens",
    },
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_incidents_report_and_accounts_answer_in_the_language(
    capsys, monkeypatch, tmp_path, store, workspace, demo_case, lang
) -> None:
    import io
    import sys

    from habeas.demo import load_case

    load_case(store, demo_case)
    monkeypatch.setenv("HABEAS_LANG", lang)
    monkeypatch.chdir(tmp_path)
    ws = ["--workspace", str(workspace.root)]
    monkeypatch.setattr(sys, "stdin", io.StringIO("una contraseña larga y secreta\n"))
    said = {
        "incidents": _answer(capsys, "incidents", "--by", "month", *ws),
        "report": _answer(capsys, "report", "situation", "--format", "html", *ws),
        "user add": _answer(
            capsys, "user", "add", "ana", "--role", "documenter", "--password-stdin", *ws
        ),
        "user list": _answer(capsys, "user", "list", *ws),
        "token create": _answer(capsys, "token", "create", "ana", *ws),
        "token list": _answer(capsys, "token", "list", *ws),
    }
    for command, word in DOCUMENTING[lang].items():
        assert word in said[command], f"habeas {command}: {word!r} not in\n{said[command]}"
    # without --lang, the report (and its default file name) follows the CLI's language
    assert (tmp_path / f"situation-all-{lang}.html").exists()
    other = DOCUMENTING["en" if lang == "es" else "es"]
    assert other["incidents"] not in said["incidents"]


@pytest.mark.parametrize(
    ("lang", "word", "other"),
    [("es", "en ninguna lista", "on no list"), ("en", "on no list", "en ninguna lista")],
)
def test_estimate_follows_the_cli_language(
    capsys, monkeypatch, tmp_path, lang, word, other
) -> None:
    monkeypatch.setenv("HABEAS_LANG", lang)
    monkeypatch.setenv("COLUMNS", "250")
    table = tmp_path / "listas.csv"
    table.write_text("A,B,count\n1,0,40\n0,1,35\n1,1,12\n", encoding="utf-8")
    said = _answer(capsys, "estimate", str(table), "--method", "chapman")
    assert word in said and other not in said
    code = main(["estimate", str(table), "--lists", "X", "--method", "chapman"])
    err = capsys.readouterr().err
    assert code == 2
    assert ("TABLA" in err) is (lang == "es")


FACILITY = {
    "es": ("Cifras de capacidad", "Umbrales", "m²/persona", "CICR: menos de 3,4 m²"),
    "en": ("Capacity figures", "Thresholds", "m²/person", "ICRC: under 3.4 m²"),
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_facility_show_answers_in_the_language(
    capsys, monkeypatch, store, workspace, demo_case, lang
) -> None:
    from habeas.cli import common
    from habeas.demo import load_case

    load_case(store, demo_case)
    monkeypatch.setenv("HABEAS_LANG", lang)
    # the console was made when habeas.cli.common was first imported (another test may have
    # fixed its width then): wide enough that no threshold label wraps in the table
    monkeypatch.setattr(common.console, "width", 250)
    ws = ["--workspace", str(workspace.root)]
    for said in (
        _answer(capsys, "facility", "CECOT", *ws),
        _answer(capsys, "facility", "show", "CECOT", *ws),
    ):
        for word in FACILITY[lang]:
            assert word in said, f"{word!r} not in\n{said}"
        for word in FACILITY["en" if lang == "es" else "es"][:2]:
            assert word not in said


KEEPING = {
    "es": {
        "evidence add": "Se guardó",
        "evidence verify": "todo intacto",
        "evidence custody": "cadena de custodia",
        "evidence export": "Se exportaron",
        "vocab add": "Se añadió",
        "vocab list": "términos",
        "publish settings": "página pública",
        "publish aggregates": "cifras en",
        "serve": "Sirviendo",
    },
    "en": {
        "evidence add": "Stored",
        "evidence verify": "all intact",
        "evidence custody": "chain of custody",
        "evidence export": "Exported",
        "vocab add": "Added",
        "vocab list": "terms",
        "publish settings": "public page",
        "publish aggregates": "figures to",
        "serve": "Serving",
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_evidence_vocab_publish_and_serve_answer_in_the_language(
    capsys, monkeypatch, tmp_path, lang
) -> None:
    import uvicorn

    monkeypatch.setenv("HABEAS_LANG", lang)
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # the start-up lines only
    ws = ["--workspace", str(tmp_path / "reg")]
    _answer(capsys, "init", str(tmp_path / "reg"))
    photo = tmp_path / "foto.txt"
    photo.write_text("una prueba\n", encoding="utf-8")
    said = {"evidence add": _answer(capsys, "evidence", "add", str(photo), *ws)}
    sha = said["evidence add"].split()[-1]
    said["evidence verify"] = _answer(capsys, "evidence", "verify", *ws)
    said["evidence custody"] = _answer(capsys, "evidence", "custody", sha, *ws)
    said["evidence export"] = _answer(
        capsys, "evidence", "export", sha, str(tmp_path / "copia.zip"), *ws
    )
    said["vocab add"] = _answer(
        capsys, "vocab", "add", "legal_basis", "title_42", "--en", "Title 42", "--es", "T 42", *ws
    )
    said["vocab list"] = _answer(capsys, "vocab", "list", "legal_basis", *ws)
    said["publish settings"] = _answer(capsys, "publish", "settings", *ws)
    said["publish aggregates"] = _answer(
        capsys, "publish", "aggregates", str(tmp_path / "agregados.csv"), *ws
    )
    said["serve"] = _answer(capsys, "serve", "--port", "8765", *ws)
    for command, word in KEEPING[lang].items():
        assert word in said[command], f"habeas {command}: {word!r} not in\n{said[command]}"
    other = KEEPING["en" if lang == "es" else "es"]
    for command in ("evidence verify", "publish settings", "serve"):
        assert other[command] not in said[command]
    if lang == "es":
        assert "Aún no hay usuarios" in said["serve"]


@pytest.mark.slow
def test_demo_summary_in_spanish(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HABEAS_LANG", "es")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HABEAS_WORKSPACE", raising=False)
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    said = _answer(capsys, "demo", "--persons", "40", "--seed", "3")
    for word in ("Listas importadas", "Informes", "Registro", "Siguiente", "La aplicación web"):
        assert word in said, f"{word!r} not in\n{said}"
    assert "qué se importó" in said and "The web application" not in said
