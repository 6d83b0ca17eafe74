"""The lines of ``habeas import --dry-run`` under the problems agree with them: a date column
whose day/month order nothing decides is said to be undecided (with the flag that decides it),
and the ``--keep-as-written`` hint appears only when some error is one that flag fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import run, ws  # noqa: F401 - the workspace fixture

ARGS = ["--source-title", "Reportes", "--source-kind", "list", "--dry-run"]
KEEP_HINT_ES = "Una celda que no se puede leer puede guardarse exactamente como está escrita"
UNDECIDED_ES = (
    "orden día/mes sin decidir (hay fechas ambiguas): indique --date-order DMY (primero el "
    "día) o --date-order MDY (primero el mes)"
)
NOT_NEEDED_ES = "orden día/mes no hace falta (no hay fechas ambiguas)"


def _flat(text: str) -> str:
    return " ".join(text.split())  # as read, whatever the terminal's wrapping


def _dry_run(
    capsys: pytest.CaptureFixture[str], path: Path, text: str, *extra: str, lang: str = "es"
) -> tuple[int, str]:
    path.write_text(text, encoding="utf-8")
    code, out, _err = run(capsys, "--lang", lang, "import", str(path), *ARGS, *extra)
    return code, _flat(out)


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")


def test_ambiguous_dates_leave_the_order_undecided_not_unneeded(
    ws: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _dry_run(
        capsys,
        tmp_path / "lista.csv",
        "Nombre,Cédula,Fecha de nacimiento,Fecha del evento\n"
        "Ana Pérez,V-12345678,03/04/1990,2025-03-17\n"
        "Luis Gómez,V-23456789,05/06/1985,2025-03-18\n",
    )
    assert code == 1
    assert "pueden tener primero el día o primero el mes" in out  # the error above the table
    assert f"date_of_birth: {UNDECIDED_ES}" in out
    assert f"event_date: {NOT_NEEDED_ES}" in out  # ISO dates: nothing to decide
    assert f"date_of_birth: {NOT_NEEDED_ES}" not in out
    # only ambiguous dates: --keep-as-written is not their fix, --date-order is
    assert KEEP_HINT_ES not in out

    code, out = _dry_run(
        capsys,
        tmp_path / "lista.csv",
        "Nombre,Cédula,Fecha de nacimiento\nAna Pérez,V-12345678,03/04/1990\n",
        "--date-order",
        "DMY",
    )
    assert code == 0
    assert "date_of_birth: orden día/mes DMY" in out and "sin decidir" not in out


def test_a_column_mixing_orders_is_undecided_in_english(
    ws: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _dry_run(
        capsys,
        tmp_path / "list.csv",
        "Name,Date of birth\nAna Pérez,25/03/1990\nLuis Gómez,03/25/1985\n",
        lang="en",
    )
    assert code == 1
    assert (
        "date_of_birth: day/month order undecided (ambiguous dates): give --date-order DMY "
        "(day first) or --date-order MDY (month first)"
    ) in out
    assert "not needed" not in out


def test_the_keep_as_written_hint_only_for_problems_it_fixes(
    ws: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "lista.csv"
    # the only error is a value given for every row: --keep-as-written does not apply
    code, out = _dry_run(
        capsys,
        path,
        "Nombre,Cédula\nAna Pérez,V-12345678\n",
        "--defaults",
        "event_type=fantasma",
    )
    assert code == 1 and "--defaults event_type (valor para todas las filas)" in out
    assert KEEP_HINT_ES not in out and "--keep-as-written" not in out

    # a cell that cannot be read: the hint is there
    code, out = _dry_run(
        capsys, path, "Nombre,Cédula,Fecha de nacimiento\nAna Pérez,V-12345678,ayer\n"
    )
    assert code == 1 and KEEP_HINT_ES in out

    # the same cell kept as written: a warning, no hint
    code, out = _dry_run(
        capsys,
        path,
        "Nombre,Cédula,Fecha de nacimiento\nAna Pérez,V-12345678,ayer\n",
        "--keep-as-written",
        "Fecha de nacimiento",
    )
    assert code == 0 and KEEP_HINT_ES not in out
