"""Where a facility is (for the map): entered with the facility in the library, the
spreadsheet importer, the CLI and the web form; both or neither, each within range; a bad
value names its field and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.cli.main import main
from habeas.document import facility_entry as fe
from habeas.document.facility_import import (
    FacilityImportFailed,
    import_facilities,
    parse_degrees,
)
from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.store.schema import Facility
from habeas.workspace import Workspace

DOC = Reader("documenter", "ana")


@pytest.fixture
def source(store: Store) -> int:
    return add_source(store, "Government statement (test)", "official_statement", actor="test")


def _where(store: Store, name: str) -> tuple[float | None, float | None] | None:
    with store.read() as s:
        row = s.execute(
            select(Facility.latitude, Facility.longitude).where(Facility.name == name)
        ).first()
    return None if row is None else (row[0], row[1])


def test_a_facility_is_entered_with_where_it_is(store: Store, source: int) -> None:
    fe.enter(store, DOC, fe.FacilityFact("Penal", "prison", source, latitude=13.7, longitude=-88.9))
    assert _where(store, "Penal") == (13.7, -88.9)
    fe.enter(store, DOC, fe.FacilityFact("Sin lugar", "prison", source))
    assert _where(store, "Sin lugar") == (None, None)


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (13.7, None, "longitude"),
        (None, -88.9, "latitude"),
        (91.0, 0.0, "latitude"),
        (0.0, -180.5, "longitude"),
        (float("nan"), 0.0, "latitude"),
    ],
)
def test_bad_coordinates_name_their_field_and_write_nothing(
    store: Store, source: int, latitude: float | None, longitude: float | None, field: str
) -> None:
    with pytest.raises(fe.EntryError) as caught:
        fe.enter(
            store,
            DOC,
            fe.FacilityFact("Penal", "prison", source, latitude=latitude, longitude=longitude),
        )
    assert caught.value.field == field
    assert _where(store, "Penal") is None


def test_degrees_as_people_write_them() -> None:
    assert parse_degrees("-88.9") == -88.9
    assert parse_degrees("13,7") == 13.7
    assert parse_degrees(" 13 ") == 13.0
    assert parse_degrees("\u221288,9") == -88.9  # a typographic minus
    for bad in ("13.7N", "1.234.567", "", "abc", "1e3"):
        with pytest.raises(ValueError):
            parse_degrees(bad)


def test_spreadsheet_columns_latitud_longitud(store: Store, source: int, tmp_path: Path) -> None:
    title = "Government statement (test)"
    path = tmp_path / "centros.csv"
    path.write_text(
        "registro;centro;tipo;latitud;longitud;fuente\n"
        f"centro;Penal Sur;prison;13,7;-88,9;{title}\n",
        encoding="utf-8",
    )
    import_facilities(store, DOC, path)
    assert _where(store, "Penal Sur") == (13.7, -88.9)
    bad = tmp_path / "malo.csv"
    bad.write_text(
        f"registro;centro;tipo;latitud;longitud;fuente\ncentro;Otro;prison;13,7;oeste;{title}\n",
        encoding="utf-8",
    )
    with pytest.raises(FacilityImportFailed) as caught:
        import_facilities(store, DOC, bad)
    assert "longitud" in str(caught.value) and _where(store, "Otro") is None


def test_cli_facility_add_with_coordinates(
    workspace: Workspace, store: Store, source: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HABEAS_LANG", "en")
    args = ["facility", "add", "Penal CLI", "--kind", "prison", "--source", "#1"]
    w = ["-w", str(workspace.root)]
    assert main([*args, "--latitude", "13.7", "--longitude", "-88.9", *w]) == 0
    assert _where(store, "Penal CLI") == (13.7, -88.9)
    assert main(["facility", "add", "Penal Norte", "--kind", "prison", "--source", "#1",
                 "--latitude", "95", "--longitude", "0", *w]) != 0  # fmt: skip
    assert _where(store, "Penal Norte") is None


def test_a_facility_without_coordinates_is_located_once(store: Store, source: int) -> None:
    fe.enter(store, DOC, fe.FacilityFact("Penal", "prison", source))
    with pytest.raises(fe.EntryError) as missing:
        fe.enter(store, DOC, fe.LocationFact("Penal", None, None, source))
    assert missing.value.field == "latitude"
    with pytest.raises(fe.EntryError) as far:
        fe.enter(store, DOC, fe.LocationFact("Penal", 13.7, 200.0, source))
    assert far.value.field == "longitude" and _where(store, "Penal") == (None, None)
    done = fe.enter(store, DOC, fe.LocationFact("Penal", 13.7, -88.9, source))
    assert done.entity == "facility_location" and _where(store, "Penal") == (13.7, -88.9)
    with pytest.raises(fe.EntryError) as again:
        fe.enter(store, DOC, fe.LocationFact("Penal", 14.0, -89.0, source))
    assert "not overwritten" in str(again.value)
    assert _where(store, "Penal") == (13.7, -88.9)  # never overwritten


def test_cli_facility_locate(
    workspace: Workspace, store: Store, source: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HABEAS_LANG", "en")
    fe.enter(store, DOC, fe.FacilityFact("Penal Este", "prison", source))
    w = ["-w", str(workspace.root)]
    args = ["facility", "locate", "Penal Este", "--source", "#1"]
    assert main([*args, "--latitude", "13.7", "--longitude", "-88.9", *w]) == 0
    assert _where(store, "Penal Este") == (13.7, -88.9)
    assert main([*args, "--latitude", "10", "--longitude", "-80", *w]) != 0
    assert _where(store, "Penal Este") == (13.7, -88.9)
