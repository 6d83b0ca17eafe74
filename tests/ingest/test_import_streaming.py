"""Imports stream (issue #16): rows are read, checked and written in bounded batches,
and the import stays all or nothing across batches. ``BATCH_ROWS`` is made tiny so that
a ten-row file crosses several batches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from habeas.ingest import importer, reading
from habeas.ingest import plan as dry_run
from habeas.ingest.importer import ImportOptions, import_file, plan_import
from habeas.ingest.problems import ImportFailed
from habeas.ingest.readers import CsvRows, read_tables
from habeas.store.db import Store
from habeas.store.schema import ImportBatch, Person, Record, Source, StoredFile
from tests.conftest import db_snapshot

HEADER = "ID,Nombres,Apellidos,Fecha de nacimiento\n"


def _rows(n: int, *, bad: int | None = None, repeat: int | None = None) -> str:
    lines = []
    for i in range(1, n + 1):
        born = "31/02/1994" if i == bad else f"{i:02d}/03/1990"
        key = repeat if repeat is not None and i == n else i
        lines.append(f"{key},Persona {chr(64 + i)},Apellido Prueba,{born}\n")
    return HEADER + "".join(lines)


def _file(tmp_path: Path, text: str, name: str = "lista.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _options() -> ImportOptions:
    return ImportOptions(source_title="Lista", source_kind="list", date_order="DMY")


def _errors(failed: ImportFailed) -> list:  # type: ignore[type-arg]
    return [p for p in failed.problems if p.severity == "error"]


def _count(store: Store, model: type) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "BATCH_ROWS", 3)


def test_csv_rows_are_read_from_disk_not_held(tmp_path: Path) -> None:
    [table] = read_tables(_file(tmp_path, _rows(10)))
    assert isinstance(table.rows, CsvRows) and len(table.rows) == 10
    # every pass reads the file again, with the row numbers a person sees
    assert [n for n, _ in table.rows] == list(range(2, 12))
    assert [n for n, _ in table.rows] == list(range(2, 12))


def test_a_ten_row_list_is_written_in_batches(store: Store, tmp_path: Path) -> None:
    result = import_file(store, _file(tmp_path, _rows(10)), _options())
    assert (result.records, result.persons) == (10, 10)
    assert _count(store, Record) == 10
    with store.read() as s:
        assert s.execute(select(ImportBatch.row_count)).scalar_one() == 10


def test_an_error_in_the_last_batch_writes_nothing(store: Store, tmp_path: Path) -> None:
    before = db_snapshot(store)
    with pytest.raises(ImportFailed) as info:
        import_file(store, _file(tmp_path, _rows(10, bad=10)), _options())
    [problem] = _errors(info.value)
    assert problem.row == 11 and problem.column == "Fecha de nacimiento"
    assert db_snapshot(store) == before
    assert _count(store, Source) == _count(store, Person) == _count(store, StoredFile) == 0
    # nothing half-written, and once corrected the list imports in full
    fixed = import_file(store, _file(tmp_path, _rows(10), "lista2.csv"), _options())
    assert fixed.records == 10


def test_every_error_is_reported_even_after_writing_stopped(store: Store, tmp_path: Path) -> None:
    text = _rows(10, bad=2).replace("08/03/1990", "30/02/1990")  # row 9 too
    with pytest.raises(ImportFailed) as info:
        import_file(store, _file(tmp_path, text), _options())
    assert [p.row for p in _errors(info.value)] == [3, 9]
    assert _count(store, Record) == 0


def test_a_record_id_repeated_across_batches_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        import_file(store, _file(tmp_path, _rows(10, repeat=1)), _options())
    [problem] = _errors(info.value)
    assert problem.row == 11 and "row 2" in problem.message
    assert _count(store, Record) == 0


def test_a_repeated_id_is_found_after_writing_has_stopped(store: Store, tmp_path: Path) -> None:
    """Ids of rows written are looked up in the store (not held in memory); once an error
    stops the writing, the ids of the rows checked but not written are still compared."""
    with pytest.raises(ImportFailed) as info:
        import_file(store, _file(tmp_path, _rows(10, bad=4, repeat=7)), _options())
    errors = _errors(info.value)
    assert [p.row for p in errors] == [5, 11]
    assert "row 8" in errors[1].message
    assert _count(store, Record) == 0


def test_the_dry_run_keeps_a_sample_and_counts_every_row(store: Store, tmp_path: Path) -> None:
    plan = plan_import(store, _file(tmp_path, _rows(10, bad=7)), _options())
    assert plan.record_count == 10
    assert len(plan.sample) == 10 <= dry_run.SAMPLE_SIZE
    assert [p.row for p in plan.errors] == [8]
    assert _count(store, Record) == 0


def test_a_file_changed_between_passes_is_not_half_read(store: Store, tmp_path: Path) -> None:
    """The rows are read twice (checked, then prepared): the import refuses a file whose
    bytes changed after it was hashed, rather than store rows that are not the evidence."""
    path = _file(tmp_path, _rows(10))
    real = importer.open_tables

    def change_file(*args: object, **kwargs: object) -> object:
        reading = real(*args, **kwargs)  # type: ignore[arg-type]
        path.write_text(_rows(12), encoding="utf-8")
        return reading

    importer.open_tables = change_file  # type: ignore[assignment]
    try:
        with pytest.raises(ImportFailed) as info:
            import_file(store, path, _options())
    finally:
        importer.open_tables = real  # type: ignore[assignment]
    assert "changed" in info.value.problems[0].message
    assert _count(store, Record) == 0


def test_distinct_names_do_not_push_repeated_dates_out_of_the_cache(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each kind of value has its own bounded cache: a long list's names, nearly all
    distinct, start their cache over without making the few dates be read again."""
    from habeas.ingest import row_reader

    monkeypatch.setattr(row_reader, "CACHE_LIMIT", 3)
    read: list[str] = []
    parse_date = row_reader.parse_date

    def counting(text: str, order: str | None = None) -> object:
        read.append(text)
        return parse_date(text, order)

    monkeypatch.setattr(row_reader, "parse_date", counting)
    text = HEADER + "".join(
        f"{i},Persona {chr(64 + i)},Apellido,01/03/1990\n" for i in range(1, 11)
    )
    result = import_file(store, _file(tmp_path, text), _options())
    assert result.records == 10
    assert read == ["01/03/1990"]
    with store.read() as s:
        dobs = set(s.execute(select(Record.dob_earliest, Record.dob_latest)).all())
    assert len(dobs) == 1
