"""``habeas import`` says each problem in the CLI's language: its place (file, row, column, or
``--defaults FIELD`` for a value given for every row) and the option that fixes it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from habeas.cli import lang
from habeas.cli.import_problems import DEFAULTS_FIXES, KEPT, MESSAGES, TEXT, line
from habeas.i18n import gettext_for
from habeas.ingest.problems import CODES, Problem
from tests.cli.test_cli import run, ws  # noqa: F401 - the workspace fixture

BAD = (
    "Nombre,Cédula,fecha_nac,Tipo de evento,Fecha del evento\n"
    "Ana Pérez,V-12345678,ayer,detention,03/04/2025\n"
    "Luis Gómez,V-23456789,12/05/1990,vuelo fantasma,05/06/2025\n"
    ",,01/01/1980,detention,07/08/2025\n"
)
ARGS = ["--source-title", "Reportes", "--source-kind", "list"]


def _flat(text: str) -> str:
    return " ".join(text.split())  # as read, whatever the terminal's wrapping


def _bad(tmp_path: Path) -> Path:
    path = tmp_path / "malo.csv"
    path.write_text(BAD, encoding="utf-8")
    return path


def _nothing_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "status", "--json")
    assert code == 0 and json.loads(out)["records"] == 0
    code, out, _err = run(capsys, "sources", "--json")
    assert json.loads(out) == []


def test_problems_in_spanish_name_the_place_and_the_option(
    ws: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    path = _bad(tmp_path)
    code, out, err = run(capsys, "--lang", "es", "import", str(path), *ARGS, "--dry-run")
    out = _flat(out)
    assert code == 1, err
    assert (
        "[error] malo.csv, columna «Fecha del evento»: valor «03/04/2025» — 3 fecha(s) de esta "
        "columna pueden tener primero el día o primero el mes, y nada en la columna lo decide. "
        "Indique --date-order DMY (primero el día, como en América Latina) o --date-order MDY "
        "(primero el mes, como en Estados Unidos)."
    ) in out
    assert (
        "[error] malo.csv, fila 2, columna «fecha_nac» — No se puede leer «ayer» como fecha. "
        "Escríbala como 17/03/2025, 03/2025 o 2025 en el archivo, o conserve tal como están "
        "escritas las celdas ilegibles de la columna con --keep-as-written fecha_nac."
    ) in out
    assert (
        "[error] malo.csv, fila 2, columna «Fecha del evento» — «03/04/2025» puede leerse como "
        "3 de abril de 2025 o como 4 de marzo de 2025. Indique el orden de día y mes con "
        "--date-order DMY (primero el día) o --date-order MDY (primero el mes)."
    ) in out
    assert (
        "[error] malo.csv, fila 3, columna «Tipo de evento» — «vuelo fantasma» no es uno de los "
        "valores conocidos de «event_type» (Aprehensión (apprehension), Detención (detention),"
    ) in out
    assert (
        "Corríjalo en el archivo, conserve las celdas de la columna tal como están escritas con "
        "--keep-as-written 'Tipo de evento', o pida a un administrador que lo añada: habeas "
        "vocab add event_type CÓDIGO --en LABEL --es ETIQUETA."
    ) in out
    assert (
        "[error] malo.csv, fila 4 — La fila no tiene ni nombre ni número de documento de "
        "identidad. Complete la fila en el archivo, o compruebe en la asignación de la prueba "
        "(--dry-run) que las columnas de nombre y de documento están asignadas "
        "(--map COLUMNA=CAMPO)."
    ) in out
    # record ids ("<file digest>:row 2") are keys, not text: the sample table may show them
    prose = re.sub(r"[0-9a-f]{10}:row \d+", "", out)
    for english in ("row 2", "column ", "cannot read", "is not a known term", "neither a name"):
        assert english not in prose
    _nothing_written(capsys)

    # the import itself (day first given): refused, every error said in Spanish, on stderr
    code, out, err = run(capsys, "--lang", "es", "import", str(path), *ARGS, "--date-order", "DMY")
    err = _flat(err)
    assert code == 1
    assert err.startswith("Importación rechazada: 3 error(es); no se escribió nada.")
    assert "malo.csv, fila 2, columna «fecha_nac» — No se puede leer «ayer» como fecha." in err
    assert "malo.csv, fila 3, columna «Tipo de evento» — «vuelo fantasma» no es uno" in err
    assert "malo.csv, fila 4 — La fila no tiene ni nombre ni número de documento" in err
    assert "row " not in err and "Traceback" not in err + out
    _nothing_written(capsys)


def test_problems_in_english_name_the_place_and_the_option(
    ws: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    path = _bad(tmp_path)
    code, out, _err = run(capsys, "--lang", "en", "import", str(path), *ARGS, "--dry-run")
    out = _flat(out)
    assert code == 1
    assert (
        "[error] malo.csv, row 2, column “fecha_nac” — Cannot read “ayer” as a date. Write it "
        "as 17/03/2025, 03/2025 or 2025 in the file, or keep the column's unreadable cells as "
        "written with --keep-as-written fecha_nac."
    ) in out
    assert (
        "[error] malo.csv, row 3, column “fecha_nac” — “12/05/1990” can be read as May 12, 1990 "
        "or as December 5, 1990. Give the order of day and month with --date-order DMY (day "
        "first) or --date-order MDY (month first)."
    ) in out
    assert (
        "[error] malo.csv, row 3, column “Tipo de evento” — “vuelo fantasma” is not one of the "
        "known values of “event_type” (apprehension, detention,"
    ) in out
    assert "ask an administrator to add it: habeas vocab add event_type CODE --en LABEL" in out
    assert (
        "[error] malo.csv, row 4 — The row has neither a name nor an identity document number. "
        "Complete the row in the file"
    ) in out
    code, _out, err = run(capsys, "--lang", "en", "import", str(path), *ARGS)
    assert code == 1
    # the column's undecided order stops the import; the rows' problems are said with it
    assert re.match(r"Import refused: (\d+) error\(s\); nothing was written\.", _flat(err))
    assert "malo.csv, column “fecha_nac”: value “12/05/1990” — 1 date(s)" in _flat(err)
    assert "malo.csv, row 3, column “Tipo de evento” — “vuelo fantasma”" in _flat(err)
    assert "malo.csv, row 4 — The row has neither a name nor an identity document" in _flat(err)
    _nothing_written(capsys)


def test_a_value_for_every_row_is_placed_as_its_option(
    ws: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    path = tmp_path / "lista.csv"
    path.write_text("Nombre,Cédula\nAna Pérez,V-12345678\n", encoding="utf-8")
    code, out, _err = run(
        capsys, "--lang", "es", "import", str(path), *ARGS, "--defaults", "event_type=fantasma"
    )
    assert code == 1
    code, out, err = run(
        capsys,
        *["--lang", "es", "import", str(path), *ARGS],
        *["--defaults", "event_type=fantasma", "--dry-run"],
    )
    out = _flat(out)
    assert (
        "lista.csv, fila 2, --defaults event_type (valor para todas las filas) — «fantasma» no "
        "es uno de los valores conocidos de «event_type»"
    ) in out
    assert "Indique uno de ellos con --defaults event_type=CÓDIGO" in out
    error = out.split("[error]")[1].split("ETIQUETA.")[0]
    assert "--keep-as-written" not in error and "en el archivo" not in error


@pytest.mark.parametrize("language", ["es", "en"])
def test_an_ocr_cell_names_its_correct_and_confirm(language: str) -> None:
    lang.choose(language)
    try:
        problem = Problem(
            "lista.pdf",
            4,
            "Apellidos",
            "PEREZ G0MEZ",
            "check this cell",
            "warning",
            code="cell_unsure",
            params=(("page", "2"), ("flags", "odd_name"), ("row", "4"), ("column", "Apellidos")),
        )
        text = line(problem, {})
    finally:
        lang.choose(None)
    if language == "es":
        assert text == (
            "lista.pdf, fila 4, columna «Apellidos»: valor «PEREZ G0MEZ» — Compruebe esta celda "
            "con la página 2 (un nombre con cifras o signos sueltos). Corríjala con --correct "
            "4:Apellidos=TEXTO o conserve la lectura con --confirm 4:Apellidos."
        )
    else:
        assert text == (
            "lista.pdf, row 4, column “Apellidos”: value “PEREZ G0MEZ” — Check this cell "
            "against page 2 (a name with digits or stray marks). Correct it with --correct "
            "4:Apellidos=TEXT or keep the reading with --confirm 4:Apellidos."
        )


def test_a_problem_without_a_code_keeps_its_message_in_a_translated_place() -> None:
    lang.choose("es")
    try:
        problem = Problem("l.xlsx", 7, "A#", "123", "some library message", sheet="Hoja 1")
        assert line(problem, {}) == (
            "l.xlsx, hoja «Hoja 1», fila 7, columna «A#»: valor «123» — some library message"
        )
    finally:
        lang.choose(None)


def test_every_problem_code_has_a_cli_message_in_both_languages() -> None:
    assert set(MESSAGES) == set(CODES), "a problem code without a CLI message (or one too many)"
    es = gettext_for("es")
    msgids = [m for pair in MESSAGES.values() for m in pair if m]
    msgids += [*DEFAULTS_FIXES.values(), KEPT, TEXT]
    untranslated = [m for m in msgids if es(m) == m]
    assert not untranslated
    for code, (what, fix) in MESSAGES.items():
        for msgid in (what, fix):
            if msgid:  # the Spanish says every value the English does
                fields = {f for f in CODES[code] if "{" + f + "}" in msgid}
                assert all("{" + f + "}" in es(msgid) for f in fields), msgid


def test_a_cell_kept_as_written_says_what_was_kept_and_no_fix() -> None:
    lang.choose("es")
    try:
        problem = Problem(
            "k.csv",
            2,
            "Fecha de nacimiento",
            "31/02/1994",
            "kept as written, not read (precision unknown): …",
            "warning",
            code="date_missing_day",
            params=(("value", "31/02/1994"), ("day", "31"), ("month", "2"), ("year", "1994"))
            + (("last", "28"),),
            kept=True,
        )
        assert line(problem, {}) == (
            "k.csv, fila 2, columna «Fecha de nacimiento» — Conservado tal como está escrito, "
            "sin interpretar (--keep-as-written): «31/02/1994» no es una fecha: no existe el 31 "
            "de febrero de 1994 (febrero de 1994 tiene 28 días)."
        )
    finally:
        lang.choose(None)
