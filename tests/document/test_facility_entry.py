"""Entering facilities, units, areas, capacity figures and occupancy (library and importer).

On the ``store`` fixture (SQLite and PostgreSQL): every fact cites a source,
passes the one policy (``edit``), is written with a change-log entry, and never
overwrites another figure; the spreadsheet importer (CSV/XLSX, Spanish or
English headers) writes all rows or none and names file, row and column.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader
from habeas.document import facility_entry as fe
from habeas.document.conditions import facility_conditions
from habeas.document.facility_import import (
    FacilityImportFailed,
    import_facilities,
    parse_number,
)
from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.store.schema import (
    ChangeLogEntry,
    Facility,
    FacilityFigure,
    FacilityUnit,
    OccupancyObservation,
)

DOC = Reader("documenter", "ana")
CLAIM = "Government statement (test)"
DESIGN = "Engineer's account (test)"
VISIT = "NGO visit (test)"


@pytest.fixture
def sources(store: Store) -> dict[str, int]:
    return {
        CLAIM: add_source(store, CLAIM, "official_statement", actor="test"),
        DESIGN: add_source(store, DESIGN, "news_report", actor="test"),
        VISIT: add_source(store, VISIT, "testimony", actor="test"),
    }


def _counts(store: Store) -> tuple[int, ...]:
    with store.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in (Facility, FacilityUnit, FacilityFigure, OccupancyObservation, ChangeLogEntry)
        )


def test_facts_are_sourced_logged_and_kept_side_by_side(
    store: Store, sources: dict[str, int]
) -> None:
    claim, design, visit = sources[CLAIM], sources[DESIGN], sources[VISIT]
    fe.enter(
        store,
        DOC,
        fe.FacilityFact("Test Prison", "prison", claim, "El Salvador", "Prison authority"),
    )
    fe.enter_all(
        store,
        DOC,
        [
            fe.UnitFact("Test Prison", "Cell 1", visit, "Module 1"),
            fe.AreaFact("Test Prison", "Cell 1", 30.0, visit),
        ],
    )
    fe.enter(store, DOC, fe.AreaFact("Test Prison", "Cell 1", 36.0, claim))  # a 2nd source
    fe.enter(store, DOC, fe.CapacityFact("Test Prison", "official_capacity", 40000, claim))
    fe.enter(store, DOC, fe.CapacityFact("Test Prison", "design_capacity", 20480, design))
    fe.enter(store, DOC, fe.PopulationFact("Test Prison", date(2025, 6, 1), 20, visit, "Cell 1"))
    fc = facility_conditions(store, "Test Prison")
    assert fc.country == "SLV" and fc.authority == "Prison authority"
    caps = {(c.kind, c.value, c.source, c.source_kind) for c in fc.capacities}
    assert caps == {
        ("official_capacity", 40000, CLAIM, "official_statement"),
        ("design_capacity", 20480, DESIGN, "news_report"),
    }
    cell = fc.units[0]
    assert sorted(a.value for a in cell.areas) == [30.0, 36.0]  # both areas, none replaced
    assert cell.latest is not None and cell.latest.m2_per_person == pytest.approx(1.8)
    with store.read() as s:
        log = list(s.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars())
        assert {f.source_id for f in s.execute(select(FacilityFigure)).scalars()} <= set(
            sources.values()
        )
    mine = [e for e in log if e.actor == "ana"]
    assert len(mine) == 6  # one entry per call; the unit and its area are one operation
    assert json.loads(mine[1].detail)["facts"][1]["entity"] == "facility_figure"


def test_policy_refuses_roles_without_edit(store: Store, sources: dict[str, int]) -> None:
    before = _counts(store)
    for role in ("viewer", "analyst", None):
        with pytest.raises(PermissionDenied):
            fe.enter(store, Reader(role, "x"), fe.FacilityFact("P", "prison", sources[CLAIM]))
    assert _counts(store) == before


def test_errors_name_the_field_and_write_nothing(store: Store, sources: dict[str, int]) -> None:
    claim = sources[CLAIM]
    fe.enter(store, DOC, fe.FacilityFact("Test Prison", "prison", claim))
    fe.enter(store, DOC, fe.CapacityFact("Test Prison", "official_capacity", 40000, claim))
    before = _counts(store)
    cases = [
        (fe.FacilityFact("Other", "castle", claim), "kind"),
        (fe.FacilityFact("test prison", "prison", claim), "name"),  # same name, any case
        (fe.FacilityFact("Other", "prison", claim, "Atlantis"), "country"),
        (fe.UnitFact("Nowhere", "Cell 1", claim), "facility"),
        (fe.AreaFact("Test Prison", "Cell 9", 10.0, claim), "unit"),
        (fe.CapacityFact("Test Prison", "official_capacity", 40000, claim), "value"),  # again
        (fe.CapacityFact("Test Prison", "biggest", 5, claim), "kind"),
        (fe.PopulationFact("Test Prison", date(2025, 1, 1), -3, claim), "population"),
        (fe.PopulationFact("Test Prison", date(2025, 1, 1), 3, 9999), "source"),
    ]
    for fact, field in cases:
        with pytest.raises(fe.EntryError) as caught:
            fe.enter(store, DOC, fact)
        assert caught.value.field == field, fact
    # all or nothing: a valid fact before a bad one is not written either
    with pytest.raises(fe.EntryError):
        fe.enter_all(
            store,
            DOC,
            [
                fe.UnitFact("Test Prison", "Cell 1", claim),
                fe.AreaFact("Test Prison", "Cell 1", 0.0, claim),
            ],
        )
    assert _counts(store) == before


CSV_ES = """registro;centro;unidad;edificio;tipo;país;operador;valor;fecha;fuente;nota
centro;Penal Test;;;prisión;El Salvador;Dirección de Centros Penales;;;{claim};
unidad;Penal Test;Celda 1;Módulo 1;;;;;;{visit};
superficie;Penal Test;Celda 1;;;;;"30,5";;{visit};medida en visita
capacidad;Penal Test;;;oficial;;;40.000;;{claim};
capacidad;Penal Test;;;diseño;;;20480;;{design};256 celdas x 80
población;Penal Test;Celda 1;;;;;61;17/03/2025;{visit};
población;Penal Test;;;;;;15600;2025-03-17;{claim};
"""


def test_import_spanish_csv_all_in_one_logged_operation(
    store: Store, sources: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "centros.csv"
    path.write_text(CSV_ES.format(claim=CLAIM, visit=VISIT, design=DESIGN), encoding="utf-8")
    seq_before = _counts(store)[-1]
    dry = import_facilities(store, DOC, path, dry_run=True)
    assert dry.dry_run and len(dry.entered) == 7
    assert _counts(store)[-1] == seq_before  # the dry run wrote nothing
    result = import_facilities(store, DOC, path)
    assert result.counts() == {
        "facility": 1,
        "facility_unit": 1,
        "facility_figure": 3,
        "occupancy_observation": 2,
    }
    assert _counts(store)[-1] == seq_before + 1
    fc = facility_conditions(store, "Penal Test")
    assert fc.kind == "prison" and fc.country == "SLV"
    assert sorted((c.kind, c.value) for c in fc.capacities) == [
        ("design_capacity", 20480),
        ("official_capacity", 40000),
    ]
    assert fc.units[0].latest is not None
    assert fc.units[0].latest.m2_per_person == pytest.approx(0.5)
    assert fc.units[0].latest.day == date(2025, 3, 17)


def test_import_xlsx_english_headers(store: Store, sources: dict[str, int], tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "facts"
    sheet.append(["Record", "Facility", "Unit", "Kind", "Value", "Date", "Source"])
    sheet.append(["facility", "Camp X", None, "immigration_detention", None, None, CLAIM])
    sheet.append(["unit", "Camp X", "Pod A", None, None, None, VISIT])
    sheet.append(["area", "Camp X", "Pod A", None, 180, None, VISIT])
    sheet.append(["population", "Camp X", "Pod A", None, 90, date(2025, 4, 2), VISIT])
    path = tmp_path / "camp.xlsx"
    book.save(path)
    result = import_facilities(store, DOC, path)
    assert len(result.entered) == 4
    fc = facility_conditions(store, "Camp X")
    assert fc.units[0].latest is not None and fc.units[0].latest.m2_per_person == 2.0


def test_import_errors_name_file_row_and_column_and_write_nothing(
    store: Store, sources: dict[str, int], tmp_path: Path
) -> None:
    text = CSV_ES.format(claim=CLAIM, visit=VISIT, design=DESIGN)
    text = text.replace('"30,5"', '"1.480"')  # ambiguous area (row 4)
    text = text.replace("17/03/2025", "31/02/2025")  # no such day (row 7)
    text += "capacidad;Penal Test;;;oficial;;;500;;Unknown source;\n"  # row 9
    path = tmp_path / "centros.csv"
    path.write_text(text, encoding="utf-8")
    before = _counts(store)
    with pytest.raises(FacilityImportFailed) as caught:
        import_facilities(store, DOC, path)
    where = [(e.file, e.row, e.column) for e in caught.value.errors]
    assert where == [
        ("centros.csv", 4, "valor"),
        ("centros.csv", 7, "fecha"),
        ("centros.csv", 9, "fuente"),
    ]
    assert "1.480" in str(caught.value)
    assert _counts(store) == before
    # a row that only fails against the register (a unit of a facility not yet there)
    path.write_text(f"record,facility,unit,source\nunit,Nowhere,Cell 1,{VISIT}\n", encoding="utf-8")
    with pytest.raises(FacilityImportFailed) as caught:
        import_facilities(store, DOC, path)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "facility")]
    assert _counts(store) == before
    with pytest.raises(PermissionDenied):
        import_facilities(store, Reader("viewer", "v"), path)


def test_numbers_as_people_write_them() -> None:
    assert parse_number("40.000", whole=True) == 40000
    assert parse_number("40,000", whole=True) == 40000
    assert parse_number("30,5", whole=False) == 30.5
    assert parse_number("14.8", whole=False) == 14.8
    for text, whole in (("1.480", False), ("12.5", True), ("abc", False)):
        with pytest.raises(ValueError):
            parse_number(text, whole=whole)
