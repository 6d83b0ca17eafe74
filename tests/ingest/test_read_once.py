"""Values a list repeats in parts are read once per part (issue #16): a name written in
columns is read as its given names and its surnames apart, and a document number by its
shape. Each must read every row exactly as reading it whole does."""

from __future__ import annotations

import random
from datetime import date

import pytest

from habeas.domain.identifiers import (
    InvalidIdentifier,
    classify_national_id,
    normalise_a_number,
    normalise_passport,
)
from habeas.domain.names import parse_name_parts
from habeas.ingest.doc_shapes import CONFIRMATIONS, ShapeReader, shape_of
from habeas.ingest.mapping import map_columns
from habeas.ingest.normalise import RowPreparer
from habeas.ingest.readers import Table
from habeas.ingest.row_reader import RowContext
from habeas.store.vocabulary import VocabularyIndex

HEADERS = ["Nombres", "Apellidos", "Primer apellido", "Segundo apellido"]


def _preparer(rows: list[list[str]]) -> RowPreparer:
    table = Table("names.csv", None, HEADERS, [(i + 2, r) for i, r in enumerate(rows)])
    mapping = map_columns(table)
    assert set(mapping.fields) == {"given_names", "surnames", "first_surname", "second_surname"}
    context = RowContext(
        table, mapping, VocabularyIndex({}), {}, {}, date(2026, 1, 1), False, "abc"
    )
    return RowPreparer(context)


def test_names_in_columns_read_as_a_whole_would() -> None:
    given = ["José María", "ANA", "", "  ", "y", "María de los Ángeles", "Jhon", "-"]
    surnames = ["Pérez García", "de la Cruz", "", "Pérez y García", "RODRÍGUEZ-PÉREZ", ","]
    firsts = ["", "Gómez", "del Valle", "--"]
    seconds = ["", "Rondón", "y", "De La Rosa"]
    rng = random.Random(7)
    rows = [
        [rng.choice(given), rng.choice(surnames), rng.choice(firsts), rng.choice(seconds)]
        for _ in range(600)
    ]
    preparer = _preparer(rows)
    for n, cells in enumerate(rows, start=2):
        values = preparer._field_values(cells)
        before = len(preparer.problems)
        name, written = preparer._name(n, values)
        parts = [values.get(f) for f in ("given_names", "surnames", "first_surname")]
        parts.append(values.get("second_surname"))
        if not any(parts):
            assert (name, written) == (None, None)
            continue
        try:
            whole = parse_name_parts(*parts)
        except ValueError as exc:
            assert name is None
            assert preparer.problems[before].message == f"cannot read this name: {exc}"
            continue
        assert name is not None and len(preparer.problems) == before
        assert (name.original, name.given_names, name.surnames) == (
            whole.original,
            whole.given_names,
            whole.surnames,
        )
        assert (name.given_written, name.surnames_written, name.method) == (
            whole.given_written,
            whole.surnames_written,
            whole.method,
        )


def _numbers(rng: random.Random) -> list[tuple[str, str, str | None]]:
    """(field, text, nationality) of many shapes, some read by the digits' values."""
    out: list[tuple[str, str, str | None]] = []
    for _ in range(3000):
        n = rng.randint(100_000, 32_000_000)
        pick = rng.randrange(9)
        if pick == 0:
            out.append(("national_id", f"V-{n:,}".replace(",", "."), None))
        elif pick == 1:
            out.append(("national_id", f"{n:08d}", rng.choice(["VEN", "COL", None])))
        elif pick == 2:  # DUI: the check digit depends on the digits' values
            out.append(("national_id", f"{n:08d}-{rng.randrange(10)}", "SLV"))
        elif pick == 3:
            out.append(("national_id", f"{n:09d}", "SLV"))
        elif pick == 4:
            out.append(("a_number", f"A{rng.randint(10_000_000, 999_999_999)}", None))
        elif pick == 5:
            out.append(("a_number", f"A-{rng.randint(0, 999):03d}-{n % 1000:03d}-{n % 997}", None))
        elif pick == 6:
            letters = "".join(rng.choice("ABCXYZ") for _ in range(rng.randint(0, 3)))
            out.append(("passport", f"{letters}{rng.randint(0, 10 ** rng.randint(2, 9))}", None))
        elif pick == 7:
            out.append(("national_id", f"CC {n:,}".replace(",", "."), "COL"))
        else:
            out.append(("national_id", f"E{rng.randint(0, 99_999_999)}", None))
    return out


def _read(fld: str, text: str, nationality: str | None) -> tuple[str, str]:
    if fld == "a_number":
        return "a_number", normalise_a_number(text)
    if fld == "passport":
        return "passport", normalise_passport(text)
    return classify_national_id(text, nationality)


def test_document_numbers_read_by_shape_as_in_full() -> None:
    reader, by_shape, in_full = ShapeReader(), 0, 0
    for fld, text, nationality in _numbers(random.Random(11)):
        context = (fld, nationality)
        try:
            expected: tuple[str, str] | None = _read(fld, text, nationality)
        except InvalidIdentifier:
            expected = None
        known = reader.known(context, text)
        if known is not None:
            by_shape += 1
            assert known == expected, (fld, text, nationality)
            continue
        in_full += 1
        if expected is not None:
            reader.learn(context, text, *expected)
    assert by_shape > 1000 and in_full > 1000  # DUIs, refusals, rare shapes in full
    dui = [t for k, t in reader.templates.items() if k[0] == ("national_id", "SLV")]
    assert dui and all(t is None for t in dui)  # never trusted for a check digit


def test_a_shape_is_trusted_only_after_it_agreed_with_other_numbers() -> None:
    reader = ShapeReader()
    context = ("national_id", "VEN")
    texts = ["V-12.345.678", "V-12.345.678", "V-23.456.789", "V-34.567.891", "V-45.678.912"]
    for text in texts:  # the repeated number confirms nothing: trusted after the last
        assert reader.known(context, text) is None
        reader.learn(context, text, *classify_national_id(text, "VEN"))
    assert CONFIRMATIONS == 3
    assert reader.known(context, "V-98.765.432") == ("cedula_ve", "V98765432")
    assert reader.known(context, "V-01.234.567") is None  # another shape: its zero
    assert shape_of("V-01.234.567") == "V-09.999.999"


@pytest.mark.parametrize(
    ("first", "second"),
    [("AB-123-456", "AB-123-457"), ("A1B2C3D4E5", "A1B2C3D4E6")],
)
def test_a_template_that_reads_a_number_wrongly_is_dropped(first: str, second: str) -> None:
    reader = ShapeReader()
    reader.learn("passport", first, "passport", normalise_passport(first))
    reader.learn("passport", second, "passport", "SOMETHING-ELSE")
    assert reader.templates[("passport", shape_of(first))] is None
    for _ in range(5):
        reader.learn("passport", second, "passport", normalise_passport(second))
    assert reader.known("passport", second) is None
