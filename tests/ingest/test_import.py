"""Importing lists into a real store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from habeas.errors import UsageError
from habeas.ingest.importer import ImportOptions, import_file, plan_import
from habeas.ingest.problems import ImportFailed
from habeas.store.db import Store
from habeas.store.facilities import FacilitySpec, UnitSpec, add_facility
from habeas.store.schema import (
    CustodyEvent,
    ImportBatch,
    LegalFact,
    Link,
    Record,
    RecordIdentifier,
    Source,
    StoredFile,
    VocabularyTerm,
)
from tests.conftest import db_snapshot

MANIFEST = (
    "No.,NAME,DOB,A#,NATIONALITY,SEX,FLIGHT,Case number\n"
    '1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990,A-208-304-911,VENEZUELA,M,FL-1,X-1\n'
    '2,"GONZALEZ, YEFERSON",12/25/1995,A 08 123 456,Venezuelan,M,FL-1,\n'
    '3,"DE LA CRUZ DA SILVA, MARIA JOSE",01/30/1988,12345,VEN,F,FL-2,X-3\n'
)


FLIGHT = {"event_type": "removal_flight"}


def _csv(tmp_path: Path, text: str, name: str = "lista.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _options(**kwargs: object) -> ImportOptions:
    base: dict[str, object] = {"source_title": "Manifest", "source_kind": "list"}
    base.update(kwargs)
    return ImportOptions(**base)  # type: ignore[arg-type]


def _count(store: Store, model: type) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


def test_import_keeps_values_as_written_and_normalises(store: Store, tmp_path: Path) -> None:
    add_facility(store, FacilitySpec("CECOT", "prison", "SLV", units=[UnitSpec("Módulo 3")]))
    path = _csv(tmp_path, MANIFEST)
    result = import_file(
        store,
        path,
        _options(
            date_order="MDY",
            reliability="B",
            one_row_per_person=True,
            defaults={
                "event_type": "removal_flight",
                "event_date": "2025-03-15",
                "facility": "CECOT",
            },
        ),
        actor="ana",
    )
    assert (result.records, result.persons, result.events) == (3, 3, 3)
    assert not result.already_imported
    with store.read() as s:
        records = list(s.execute(select(Record).order_by(Record.row_number)).scalars())
        first = records[0]
        assert first.raw["NAME"] == "RODRIGUEZ PEREZ, JOSE LUIS"
        assert first.raw["Case number"] == "X-1"  # unknown column kept verbatim
        assert first.record_key == "1" and first.row_number == 2
        assert first.given_names == ["jose", "luis"]
        assert first.surnames == ["rodriguez", "perez"]
        assert first.dob_earliest.isoformat() == "1990-05-04"  # MM/DD
        assert first.dob_precision == "exact"
        assert (first.sex, first.nationality) == ("male", "VEN")
        assert records[2].surnames[0] == "de la cruz"
        ids = {(i.raw, i.value, i.valid) for i in s.execute(select(RecordIdentifier)).scalars()}
        assert ("A-208-304-911", "208304911", True) in ids
        assert ("A 08 123 456", "008123456", True) in ids
        assert ("12345", None, False) in ids  # kept, marked invalid, warned
        events = list(s.execute(select(CustodyEvent)).scalars())
        assert {e.event_type for e in events} == {"removal_flight"}
        assert all(e.facility_id is not None and e.flight for e in events)
        source = s.execute(select(Source)).scalar_one()
        assert (source.kind, source.reliability, source.one_row_per_person) == ("list", "B", True)
        links = list(s.execute(select(Link)).scalars())
        assert len({link.person_id for link in links}) == 3
        assert {link.method for link in links} == {"import"}
    assert any("A-number" in w.message or "digits" in w.message for w in result.warnings)
    assert store.files is not None and store.files.contains(result.sha256)
    assert store.verify_log().ok


def test_reimporting_the_same_file_is_a_no_op(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, MANIFEST)
    first = import_file(store, path, _options(date_order="MDY", defaults=FLIGHT))
    before = db_snapshot(store)
    again = import_file(store, path, _options(date_order="MDY", defaults=FLIGHT))
    assert again.already_imported and again.import_id == first.import_id
    assert db_snapshot(store) == before
    assert _count(store, ImportBatch) == 1


def test_same_record_ids_from_another_file_are_refused(store: Store, tmp_path: Path) -> None:
    import_file(store, _csv(tmp_path, MANIFEST), _options(date_order="MDY", defaults=FLIGHT))
    changed = _csv(tmp_path, MANIFEST.replace("FL-2", "FL-9"), name="v2.csv")
    before = db_snapshot(store)
    with pytest.raises(ImportFailed, match="already in the source"):
        import_file(store, changed, _options(date_order="MDY", defaults=FLIGHT))
    assert db_snapshot(store) == before


BROKEN = {
    "bad date": (
        "Nombre;Fecha de nacimiento\nAna Pérez;1990-05-04\nLuis Gómez;31/02/1990\n",
        "utf-8",
        "Fecha de nacimiento",
        3,
    ),
    "unknown encoding bytes": ("Nombre;Fecha\nAna Pérez;2025\n", "bad-bytes", None, 2),
    "missing name column": ("Fecha;Lugar\n2025-03-15;Texas\n", "utf-8", None, None),
    "unknown vocabulary term": ("Nombre;Sexo\nAna Pérez;F\nLuis Gómez;alien\n", "utf-8", "Sexo", 3),
    "event details without a type": ("Nombre;Fecha\nAna Pérez;2025-03-15\n", "utf-8", None, 2),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_write_nothing(store: Store, tmp_path: Path, case: str) -> None:
    text, encoding, column, row = BROKEN[case]
    path = tmp_path / "roto.csv"
    if encoding == "bad-bytes":
        path.write_bytes(text.encode("utf-8").replace(b"2025", b"20\x81\x8d"))
    else:
        path.write_bytes(text.encode(encoding))
    import_file(
        store, _csv(tmp_path, MANIFEST, name="ok.csv"), _options(date_order="MDY", defaults=FLIGHT)
    )
    before = db_snapshot(store)
    files_before = sorted(p.name for p in store.files.root.rglob("*")) if store.files else []
    with pytest.raises(ImportFailed) as info:
        import_file(store, path, _options(source_title=f"Broken: {case}"))
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert errors, info.value
    assert errors[0].file == "roto.csv"
    if column is not None:
        assert any(p.column == column for p in errors)
    if row is not None:
        assert any(p.row == row for p in errors)
    assert "nothing was written" in str(info.value)
    assert db_snapshot(store) == before  # no rows, no source, no vocabulary terms, no log
    assert sorted(p.name for p in store.files.root.rglob("*")) == files_before  # type: ignore[union-attr]


def test_xlsx_with_an_empty_sheet_writes_nothing(store: Store, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Lista"
    wb.active.append(["Nombre"])
    wb.active.append(["Ana Pérez"])
    wb.create_sheet("Hoja2")
    path = tmp_path / "libro.xlsx"
    wb.save(path)
    before = db_snapshot(store)
    with pytest.raises(ImportFailed, match="empty"):
        import_file(store, path, _options(source_kind="news_report"))
    assert db_snapshot(store) == before
    result = import_file(store, path, _options(source_kind="news_report", sheet="Lista"))
    assert result.records == 1


def test_an_error_on_the_last_row_leaves_nothing(store: Store, tmp_path: Path) -> None:
    rows = "\n".join(f"{i};Persona {i} Apellido;1990-01-01" for i in range(1, 500))
    path = _csv(tmp_path, f"ID;Nombre;DOB\n{rows}\n500;Última Persona;1990-13-45\n")
    with pytest.raises(ImportFailed) as info:
        import_file(store, path, _options())
    [error] = [p for p in info.value.problems if p.severity == "error"]
    assert (error.row, error.column, error.value) == (501, "DOB", "1990-13-45")
    assert _count(store, Record) == 0 and _count(store, Source) == 0


def test_a_column_error_does_not_hide_the_rows_problems(store: Store, tmp_path: Path) -> None:
    """An undecided day/month order stops the import, and the rows' own problems are said
    with it, as the dry run says them, not one import at a time."""
    path = _csv(tmp_path, "Nombre;Sexo;F. Nac.\nAna Pérez;F;05/04/1990\nLuis Gómez;X9;03/02/1985\n")
    before = db_snapshot(store)
    with pytest.raises(ImportFailed) as info:
        import_file(store, path, _options())
    found = {(p.row, p.column) for p in info.value.problems if p.severity == "error"}
    assert (None, "F. Nac.") in found or (1, "F. Nac.") in found  # the column's order
    assert (3, "Sexo") in found  # an unknown term on another row
    dry = plan_import(store, path, _options())
    assert {(p.row, p.column) for p in dry.errors} == found
    assert db_snapshot(store) == before


def test_ambiguous_date_order_asks_for_date_order(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Nombre;F. Nac.\nAna Pérez;05/04/1990\nLuis Gómez;03/02/1985\n")
    with pytest.raises(ImportFailed, match="--date-order"):
        import_file(store, path, _options())
    result = import_file(store, path, _options(date_order="DMY"))
    with store.read() as s:
        dobs = sorted(d.isoformat() for d in s.execute(select(Record.dob_earliest)).scalars())
    assert result.records == 2 and dobs == ["1985-02-03", "1990-04-05"]


def test_date_order_is_inferred_from_the_whole_column(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Nombre;F. Nac.\nAna Pérez;05/04/1990\nLuis Gómez;25/02/1985\n")
    plan = plan_import(store, path, _options())
    assert plan.tables[0].date_orders == {"date_of_birth": "DMY"}
    assert not plan.errors
    assert plan.sample[0].dob is not None and plan.sample[0].dob.earliest.month == 4


def test_a_value_only_readable_in_the_other_order_is_kept_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Nombre;DOB\nAna Pérez;05/04/1990\nLuis Gómez;25/02/1985\n")
    result = import_file(store, path, _options(date_order="MDY", defaults=FLIGHT))
    assert result.records == 2
    assert any("swapped" in w.message and w.row == 3 for w in result.warnings)


def test_unknown_vocabulary_value_never_creates_a_term(store: Store, tmp_path: Path) -> None:
    terms = _count(store, VocabularyTerm)
    path = _csv(tmp_path, "Nombre;Base legal\nAna Pérez;Ley Inventada\n")
    with pytest.raises(ImportFailed, match="habeas vocab add legal_basis"):
        import_file(store, path, _options())
    assert _count(store, VocabularyTerm) == terms


def test_legal_columns_create_legal_facts(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "filings.json"
    path.write_text(
        json.dumps(
            [
                {
                    "ID": "HC-1",
                    "Full name": "Carlos Ruiz Díaz",
                    "Legal basis": "AEA",
                    "Hearing": "no",
                    "Criminal record": "none",
                    "Docket": "1:25-cv-001",
                },
            ]
        ),
        encoding="utf-8",
    )
    result = import_file(store, path, _options(source_title="Filings", source_kind="court_filing"))
    assert result.legal_facts == 3
    with store.read() as s:
        facts = {
            (f.fact_type, f.value, f.value_text) for f in s.execute(select(LegalFact)).scalars()
        }
    assert facts == {
        ("legal_basis", "alien_enemies_act", "AEA"),
        ("hearing", "not_held", "no"),
        ("criminal_record", "none_found", "none"),
    }


def test_age_gives_a_date_of_birth_range(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Nombre;Edad\nAna Pérez;30\n")
    import_file(store, path, _options(published_on="2025-03-15"))
    with store.read() as s:
        rec = s.execute(select(Record)).scalar_one()
    assert rec.dob_precision == "range"
    assert rec.dob_earliest.isoformat() == "1994-03-16"
    assert rec.dob_latest.isoformat() == "1995-03-15"


def test_new_source_needs_a_known_kind(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Nombre\nAna Pérez\n")
    with pytest.raises(UsageError, match="--source-kind"):
        import_file(store, path, _options(source_kind=None))
    with pytest.raises(UsageError, match="not a known term"):
        import_file(store, path, _options(source_kind="rumour"))
    assert _count(store, Source) == 0 and _count(store, StoredFile) == 0


def test_sources_are_immutable(store: Store, tmp_path: Path) -> None:
    import_file(store, _csv(tmp_path, "Nombre\nAna Pérez\n"), _options())
    other = _csv(tmp_path, "Nombre\nLuis Gómez\n", name="b.csv")
    with pytest.raises(UsageError, match="immutable"):
        import_file(store, other, _options(source_kind="testimony"))
    assert import_file(store, other, _options(source_kind=None)).records == 1


def test_duplicate_record_ids_in_one_file(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "ID;Nombre\n7;Ana Pérez\n7;Luis Gómez\n")
    with pytest.raises(ImportFailed, match="also used on row 2"):
        import_file(store, path, _options())


def test_empty_rows_are_reported_not_silently_dropped(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Nombre;Sexo\nAna Pérez;F\n;\nLuis Gómez;M\n")
    result = import_file(store, path, _options())
    assert result.records == 2
    assert [(w.row, w.message) for w in result.warnings] == [(3, "empty row: skipped")]


def test_a_correction_cites_what_it_corrects(store: Store, tmp_path: Path) -> None:
    from habeas.store.schema_linkage import ReviewDecision

    import_file(store, _csv(tmp_path, MANIFEST), _options(date_order="MDY", defaults=FLIGHT))
    fix = _csv(tmp_path, 'No.,NAME,DOB\n2,"GONZALEZ, YEFERSON",12/24/1995\n', name="fix.csv")
    with pytest.raises(UsageError, match="no source titled"):
        import_file(
            store,
            fix,
            _options(source_title="Fix", source_kind="document", corrects="Nope", date_order="MDY"),
        )
    result = import_file(
        store,
        fix,
        _options(source_title="Fix", source_kind="document", corrects="Manifest", date_order="MDY"),
    )
    assert result.records == 1
    with store.read() as s:
        original = s.execute(
            select(Record).where(Record.record_key == "2", Record.source_id != result.source_id)
        ).scalar_one()
        correction = s.execute(
            select(Record).where(Record.source_id == result.source_id)
        ).scalar_one()
        source = s.get(Source, result.source_id)
        decision = s.execute(select(ReviewDecision)).scalar_one()
    assert correction.corrects_record_id == original.id  # cited, not overwritten
    assert original.dob_earliest.isoformat() == "1995-12-25"
    assert correction.dob_earliest.isoformat() == "1995-12-24"
    assert source is not None and source.corrects_source_id == original.source_id
    assert (decision.record_a, decision.record_b, decision.decision) == (
        original.id,
        correction.id,
        "same",
    )
    bad = _csv(tmp_path, 'No.,NAME\n9,"X, Y"\n', name="bad.csv")
    with pytest.raises(ImportFailed, match="must cite a record"):
        import_file(
            store, bad, _options(source_title="Fix 2", source_kind="document", corrects="Manifest")
        )


def test_a_whole_name_beside_its_surnames_keeps_the_given_names(
    store: Store, tmp_path: Path
) -> None:
    """ "Nombre completo" and "Apellidos" with no given-names column: the given names are
    the whole name's other words (they were lost: only the surnames column was read).
    Where the two cells disagree, the whole name's own given names are taken."""
    path = _csv(
        tmp_path,
        "Nombre completo,Apellidos,Fecha de nacimiento\n"
        "CARLOS ALBERTO GOMEZ RODRIGUEZ,Gómez Rodríguez,01/02/1990\n"
        '"PEREZ DE LA CRUZ, ANA MARIA",Pérez de la Cruz,03/04/1991\n'
        "Luis Rondón,Rondón,05/06/1992\n"
        "Pedro Pablo Salas Mora,Rivas,07/08/1993\n"
        "Mora,Mora,09/10/1994\n",
    )
    import_file(store, path, _options(date_order="DMY"))
    with store.read() as s:
        records = list(s.execute(select(Record).order_by(Record.row_number)).scalars())
    names = [(r.given_names, r.surnames) for r in records]
    assert names == [
        (["carlos", "alberto"], ["gomez", "rodriguez"]),
        (["ana", "maria"], ["perez", "de la cruz"]),
        (["luis"], ["rondon"]),
        (["pedro", "pablo"], ["rivas"]),  # the cells disagree: the whole name's given names
        ([], ["mora"]),
    ]
    assert records[0].raw["Nombre completo"] == "CARLOS ALBERTO GOMEZ RODRIGUEZ"
