"""Place of residence: header synonyms, the keys linkage compares, and the import.

Names and addresses here are invented (synthetic).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.domain.addresses import (
    house_number,
    locality_key,
    postcode_key,
    region_key,
    street_key,
)
from habeas.ingest import fields
from habeas.ingest.fields import RESIDENCE_FIELDS, guess_field
from habeas.ingest.importer import ImportOptions, import_file
from habeas.ingest.mapping import map_columns
from habeas.ingest.problems import ImportFailed
from habeas.ingest.readers import Table
from habeas.store.db import Store
from habeas.store.schema import Record


@pytest.mark.parametrize(
    "header,field",
    [
        # Spanish (relatives' reports, NGO sheets)
        ("Dirección", "address"),
        ("Domicilio", "address"),
        ("Calle", "address"),
        ("Dirección de habitación", "address"),
        ("Último domicilio conocido", "address"),
        ("Urbanización", "address_line2"),
        ("Barrio", "address_line2"),
        ("Número de casa", "street_number"),
        ("Nro. de casa", "street_number"),
        ("Municipio", "locality"),
        ("Localidad", "locality"),
        ("Ciudad de residencia", "locality"),
        ("Lugar de residencia", "locality"),
        ("Código postal", "postcode"),
        ("Zona postal", "postcode"),
        ("C.P.", "postcode"),
        ("Estado de residencia", "region"),
        ("Provincia", "region"),
        ("Entidad federal", "region"),
        ("Departamento", "region"),
        # English (court filings, other lists)
        ("Address", "address"),
        ("Street", "address"),
        ("Last known address", "address"),
        ("Address 2", "address_line2"),
        ("Street number", "street_number"),
        ("House no.", "street_number"),
        ("Suburb", "locality"),
        ("Town", "locality"),
        ("City of residence", "locality"),
        ("Place of residence", "locality"),
        ("ZIP", "postcode"),
        ("Zip code", "postcode"),
        ("Postcode", "postcode"),
        ("Postal code", "postcode"),
        ("State of residence", "region"),
        ("Province", "region"),
        # the canonical names themselves
        *((f, f) for f in RESIDENCE_FIELDS),
    ],
)
def test_residence_headers(header: str, field: str) -> None:
    assert guess_field(header) == field


@pytest.mark.parametrize(
    "header,field",
    [
        ("Estado", "event_type"),
        ("Status", "event_type"),
        ("State", None),
        ("City", "place"),
        ("Ciudad", "place"),
        ("Sector", "unit"),
        ("Número", "record_id"),
    ],
)
def test_bare_words_keep_their_older_meaning(header: str, field: str | None) -> None:
    assert guess_field(header) == field


def test_a_header_cannot_be_a_synonym_of_two_fields() -> None:
    """ "estado" is a status (event_type): a spelling file that also made it a region is
    refused, naming both fields."""
    shipped = resources.files("habeas.ingest").joinpath(f"data/{fields.SYNONYMS_FILE}")
    text = shipped.read_text("utf-8") + "region,estado\n"
    with pytest.raises(ValueError, match="'estado'.*'event_type'.*'region'"):
        fields.load_synonyms(text)
    assert fields.HEADER_SYNONYMS["estado"] == "event_type"


def test_two_locality_columns_ask_which_one() -> None:
    mapping = map_columns(
        Table("lista.csv", None, ["Nombre", "Municipio", "Ciudad de residencia"], [])
    )
    [problem] = mapping.problems
    assert problem.column == "Ciudad de residencia"
    assert "all map to 'locality'" in problem.message and "--map" in problem.message


@pytest.mark.parametrize(
    "street,number,key,house",
    [
        ("Av. Bolívar", None, "avenidabolivar", None),
        ("Avenida Bolivar", None, "avenidabolivar", None),
        ("AVDA. BOLÍVAR", "s/n", "avenidabolivar", None),  # sin número: no house number
        ("Calle 5, casa 12", None, "calle5casa12", None),  # a number after the type is a name
        ("C/ de la Paz Nº 3", None, "callepaz3", None),
        ("Urb. Los Olivos", None, "urbanizacionolivos", None),
        ("12 Wattle Street", None, "wattlestreet", "12"),
        ("Wattle St", "012", "wattlestreet", "12"),
        ("12 Wattle St.", "12", "wattlestreet", "12"),  # the number is not counted twice
        ("kirklandc ircuit", "40", "kirklandcircuit", "40"),  # a split word is one typo
        ("Kirkland Cct", "40", "kirklandcircuit", "40"),
        ("   ", None, None, None),
    ],
)
def test_street_and_house_number(
    street: str, number: str | None, key: str | None, house: str | None
) -> None:
    assert street_key(street) == (key if number is None else street_key(street))
    from habeas.domain.addresses import split_street

    assert split_street(street, number) == (key, house)
    assert house_number(street, number) == house


@pytest.mark.parametrize(
    "text,key",
    [
        ("Maracaibo", "maracaibo"),
        ("Mcpio. Sucre", "sucre"),
        ("Municipio Libertador", "libertador"),
        ("San Cristóbal", "sancristobal"),
        ("Franks Gon", "franksgon"),
        ("Municipio", "municipio"),
    ],
)
def test_locality_key(text: str, key: str) -> None:
    assert locality_key(text) == key


@pytest.mark.parametrize(
    "text,key",
    [
        ("Edo. Zulia", "zulia"),
        ("Estado Zulia", "zulia"),
        ("ZULIA", "zulia"),
        ("Distrito Capital", "distritocapital"),
        ("Provincia de Buenos Aires", "buenosaires"),
        ("NSW", "nsw"),
    ],
)
def test_region_key(text: str, key: str) -> None:
    assert region_key(text) == key


@pytest.mark.parametrize(
    "text,key",
    [
        ("4001", "4001"),
        (" 1010 ", "1010"),
        ("78501-1234", "78501"),
        ("785011234", "78501"),
        ("sw1a 1aa", "SW1A1AA"),
        ("C1425", "C1425"),
        ("Caracas", None),
        ("-", None),
        ("12345678901", None),
    ],
)
def test_postcode_key(text: str, key: str | None) -> None:
    assert postcode_key(text) == key


REPORTS = (
    "ID;Nombres;Apellidos;Fecha de nacimiento;Dirección;Urbanización;Municipio;"
    "Código postal;Estado de residencia\n"
    "R1;Yoselin Andrea;Quevedo Parra;14/02/1996;  Calle 5, casa 12 ;Urb. Los Olivos;"
    "Maracaibo;4001;Zulia\n"
    "R2;Darwin;Mijares Lugo;03/09/1988;;;Cabimas;Cabimas;Zulia\n"
    "R3;Keiber José;Ochoa Vílchez;21/11/1990;;;;;\n"
)


def test_residence_lands_in_its_column_and_stays_in_raw(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "reportes.csv"
    path.write_text(REPORTS, encoding="utf-8")
    result = import_file(store, path, ImportOptions("Reportes", "testimony", date_order="DMY"))
    assert result.records == 3
    with store.read() as s:
        records = {r.record_key: r for r in s.execute(select(Record)).scalars()}
    first = records["R1"]
    assert first.residence == {
        "address": "Calle 5, casa 12",
        "address_line2": "Urb. Los Olivos",
        "locality": "Maracaibo",
        "postcode": "4001",
        "region": "Zulia",
    }
    assert first.raw["Dirección"] == "  Calle 5, casa 12 "  # raw keeps it exactly as written
    assert records["R2"].residence == {
        "locality": "Cabimas",
        "postcode": "Cabimas",
        "region": "Zulia",
    }
    assert records["R3"].residence is None
    # A postcode that is not one is kept as written, with a warning naming row and column.
    [warning] = [w for w in result.warnings if w.column == "Código postal"]
    assert (warning.row, warning.value, warning.severity) == (3, "Cabimas", "warning")
    assert "not a postcode" in warning.message and "not used for matching" in warning.message


def test_a_separate_house_number_column(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "filings.csv"
    path.write_text(
        "Case no,Petitioner,House no.,Street,Suburb,ZIP,State of residence\n"
        "1,Wilmer Antonio Rangel Sosa,2114,Elm Street,Pharr,78577-4411,TX\n"
        "2,Yorman Leal Brito,17,,,,\n",
        encoding="utf-8",
    )
    result = import_file(store, path, ImportOptions("Filings", "court_filing"))
    with store.read() as s:
        residences = dict(s.execute(select(Record.record_key, Record.residence)).all())
    assert residences["1"] == {
        "street_number": "2114",
        "address": "Elm Street",
        "locality": "Pharr",
        "postcode": "78577-4411",
        "region": "TX",
    }
    assert residences["2"] == {"street_number": "17"}
    [warning] = [w for w in result.warnings if w.column == "House no."]
    assert warning.row == 3 and "without a street" in warning.message


def test_bad_rows_still_fail_the_whole_import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "roto.csv"
    path.write_text(REPORTS.replace("03/09/1988", "31/31/1988"), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_file(store, path, ImportOptions("Reportes", "testimony", date_order="DMY"))
    [error] = [p for p in info.value.problems if p.severity == "error"]
    assert (error.file, error.row, error.column, error.value) == (
        "roto.csv",
        3,
        "Fecha de nacimiento",
        "31/31/1988",
    )
    with store.read() as s:
        assert s.execute(select(Record)).first() is None
