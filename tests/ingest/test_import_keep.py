"""A cell that cannot be read can be kept as written instead of editing the evidence; the dry
run refuses everything the import would refuse, the source's kind included."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.errors import UsageError
from habeas.ingest.importer import ImportOptions, import_file, plan_import
from habeas.ingest.problems import ImportFailed
from habeas.ingest.row_reader import KEPT_AS_WRITTEN
from habeas.store.db import Store
from habeas.store.schema import Record

LIST = (
    "Nombre,Fecha de nacimiento,Cédula\n"
    "Ana Pérez,31/02/1994,V-12345678\n"
    "Luis Gómez,15/03/1990,V-23456789\n"
)


def _csv(tmp_path: Path, text: str = LIST) -> Path:
    path = tmp_path / "familiares.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _options(**kwargs: object) -> ImportOptions:
    base: dict[str, object] = {"source_title": "Reportes", "source_kind": "testimony"}
    base.update(kwargs)
    return ImportOptions(**base)  # type: ignore[arg-type]


def test_a_date_that_does_not_exist_refuses_and_says_so(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_file(store, _csv(tmp_path), _options())
    [problem] = [p for p in failed.value.problems if p.severity == "error"]
    assert (problem.row, problem.column, problem.value) == (2, "Fecha de nacimiento", "31/02/1994")
    assert "there is no 31 February 1994" in problem.message


@pytest.mark.parametrize("column", ["Fecha de nacimiento", "fecha de nacimiento", "date_of_birth"])
def test_keep_as_written_imports_the_row_verbatim_and_flags_it(
    store: Store, tmp_path: Path, column: str
) -> None:
    result = import_file(store, _csv(tmp_path), _options(keep_as_written=(column,)))
    assert result.records == 2
    [flag] = result.warnings
    assert flag.row == 2 and flag.column == "Fecha de nacimiento"
    assert flag.message.startswith(KEPT_AS_WRITTEN) and "31 February" in flag.message
    with store.read() as session:
        ana = session.execute(select(Record).where(Record.row_number == 2)).scalar_one()
        luis = session.execute(select(Record).where(Record.row_number == 3)).scalar_one()
    assert ana.raw["Fecha de nacimiento"] == "31/02/1994"  # the evidence, untouched
    assert ana.dob_earliest is None and ana.dob_precision is None  # not read: unknown
    assert luis.dob_earliest is not None  # other rows are read as usual


def test_keep_as_written_names_a_column_the_file_has(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no column 'Fecha'"):
        plan_import(store, _csv(tmp_path), _options(keep_as_written=("Fecha",)))


def test_dry_run_refuses_what_the_import_refuses_about_the_source(
    store: Store, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Nombre\nAna Pérez\n")
    for options, says in (
        (_options(source_kind="rumour"), "not a known term"),
        (_options(source_kind=None), "is new"),
        (_options(reliability="Z"), "not a known term"),
    ):
        plan = plan_import(store, path, options)
        assert any(says in p.message for p in plan.errors), (options, plan.errors)
    import_file(store, path, _options())
    plan = plan_import(store, _csv(tmp_path, "Nombre\nLuis\n"), _options(source_kind="list"))
    assert any("immutable" in p.message for p in plan.errors)
    assert not plan_import(store, path, _options()).errors
