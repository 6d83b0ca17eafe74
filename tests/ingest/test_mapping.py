"""Headers in English and Spanish map onto canonical fields; --map overrides."""

from __future__ import annotations

import re

import pytest

from habeas.ingest.fields import CANONICAL_FIELDS, HEADER_SYNONYMS, guess_field, load_synonyms
from habeas.ingest.mapping import map_columns
from habeas.ingest.readers import Table


@pytest.mark.parametrize(
    "header,field",
    [
        ("Nombre", "full_name"),
        ("Nombres", "given_names"),
        ("Apellidos", "surnames"),
        ("Primer apellido", "first_surname"),
        ("Segundo Apellido", "second_surname"),
        ("Fecha de nacimiento", "date_of_birth"),
        ("F. Nac.", "date_of_birth"),
        ("Cédula", "national_id"),
        ("C.I.", "national_id"),
        ("Nacionalidad", "nationality"),
        ("Sexo", "sex"),
        ("Edad", "age"),
        ("A#", "a_number"),
        ("A-Number", "a_number"),
        ("Alien number", "a_number"),
        ("DOB", "date_of_birth"),
        ("Last name", "surnames"),
        ("First name", "given_names"),
        ("Full name", "full_name"),
        ("NAME", "full_name"),
        ("record_id", "record_id"),
        ("Pasaporte", "passport"),
        ("Vuelo", "flight"),
        ("Observaciones", "notes"),
        ("Centro de detención", "facility"),
    ],
)
def test_common_headers(header: str, field: str) -> None:
    assert guess_field(header) == field


def test_every_canonical_field_maps_to_itself() -> None:
    for field in CANONICAL_FIELDS:
        assert guess_field(field) == field


def _table(headers: list[str]) -> Table:
    return Table("lista.csv", None, headers, [])


def test_unknown_columns_are_kept_unmapped() -> None:
    mapping = map_columns(_table(["Nombre", "Número de caso", "Talla de zapatos"]))
    assert mapping.columns == {
        "Nombre": "full_name",
        "Número de caso": None,
        "Talla de zapatos": None,
    }
    assert mapping.extras() == ["Número de caso", "Talla de zapatos"]
    assert not mapping.problems


def test_map_overrides_and_unmaps() -> None:
    mapping = map_columns(
        _table(["Detenido", "Fecha", "Caso"]), {"Caso": "record_id", "fecha": "-"}
    )
    assert mapping.columns == {"Detenido": "full_name", "Fecha": None, "Caso": "record_id"}


def test_map_errors_name_the_column() -> None:
    mapping = map_columns(_table(["Nombre"]), {"Apodo": "notes", "Nombre": "nickname"})
    messages = [p.message for p in mapping.problems]
    assert any("'Apodo'" in m and "does not have" in m for m in messages)
    assert any("'nickname' is not a field" in m for m in messages)


def test_two_columns_for_one_field() -> None:
    mapping = map_columns(_table(["Nombre", "Name"]))
    assert mapping.problems and "both" not in mapping.problems[0].message
    assert "all map to 'full_name'" in mapping.problems[0].message


def test_missing_name_column_is_an_error() -> None:
    mapping = map_columns(_table(["Fecha", "Lugar"]))
    [problem] = mapping.problems
    assert "no column holds the person's name" in problem.message


def test_identifier_only_lists_are_allowed() -> None:
    assert not map_columns(_table(["Cédula", "Fecha"])).problems


@pytest.mark.parametrize(
    ("headers", "given"),
    [
        (["Nombre", "Apellidos", "F. Nac."], "Nombre"),
        (["Name", "Last name"], "Name"),
        (["NOMBRE", "Primer apellido", "Segundo apellido"], "NOMBRE"),
    ],
)
def test_a_bare_name_column_beside_surnames_holds_the_given_names(
    headers: list[str], given: str
) -> None:
    """ "Nombre" beside "Apellidos" is the given names: read as a whole name, the row's
    given names were lost (only the surname columns were parsed)."""
    mapping = map_columns(_table(headers))
    assert mapping.columns[given] == "given_names"
    assert "full_name" not in mapping.fields and not mapping.problems


def test_a_whole_name_column_and_a_map_are_left_as_they_are() -> None:
    # "Nombre completo" says it holds the whole name; "Nombre" alone, with no surnames
    # column, is the whole name; and a --map is never second-guessed
    assert map_columns(_table(["Nombre completo", "Apellidos"])).columns["Nombre completo"] == (
        "full_name"
    )
    assert map_columns(_table(["Nombre", "Cédula"])).columns["Nombre"] == "full_name"
    mapped = map_columns(_table(["Nombre", "Apellidos"]), {"Nombre": "full_name"})
    assert mapped.columns["Nombre"] == "full_name"
    with_given = map_columns(_table(["Nombre", "Nombres", "Apellidos"]))
    assert with_given.columns["Nombre"] == "full_name"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("field,header\nfull_name,nombre\ngiven_names,nombre\n", "line 3: header 'nombre'"),
        ("field,header\nnickname,apodo\n", "line 2: 'nickname' is not an import field"),
        ("field,header\nfull_name,Nombre Completo\n", "write 'Nombre Completo' folded"),
        ("header,field\n", "the first row must be 'field,header'"),
        ("field,header\n# a note\nfull_name\n", "line 3: expected 'field,header'"),
    ],
)
def test_a_wrong_header_spelling_file_says_which_row(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_synonyms(text, "synonyms.csv")


def test_the_shipped_header_spellings_load_with_their_notes() -> None:
    assert HEADER_SYNONYMS["nombre completo"] == "full_name"
    assert HEADER_SYNONYMS["f nac"] == "date_of_birth"
    assert len(HEADER_SYNONYMS) > 400
