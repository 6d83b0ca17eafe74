"""A name written "SURNAMES, GIVEN NAMES" is put together from its two sides, each read
once (:func:`habeas.domain.names._side`): the result is the one the rules give, whatever
was read before it, and a side without words falls back to the rules for a name without
a comma."""

from __future__ import annotations

import random

import pytest

from habeas.domain.names import parse_full_name, parse_name_parts
from habeas.synth.names import SLV_SURNAMES, VEN_MALE_FIRST, VEN_MALE_SECOND, VEN_SURNAMES


def test_a_comma_name_is_its_two_sides() -> None:
    """Surnames left of the comma, given names right of it: what the same sides give as
    columns (surnames column, given names column), read once or again."""
    rng = random.Random(3)
    first = [n for n, _ in VEN_MALE_FIRST]
    second = [n for n, _ in VEN_MALE_SECOND]
    surnames = [n for n, _ in VEN_SURNAMES + SLV_SURNAMES]
    for _ in range(500):
        left = f"{rng.choice(surnames)} {rng.choice(['de la ', 'y ', ''])}{rng.choice(surnames)}"
        right = rng.choice(first) + (f" {rng.choice(second)}" if rng.random() < 0.6 else "")
        text = f"{left.upper()}, {right.upper()}"
        columns = parse_name_parts(given=right.upper(), surnames=left.upper())
        for name in (parse_full_name(text), parse_full_name(text)):
            assert (name.method, name.original) == ("comma", text)
            assert (name.given_names, name.surnames) == (columns.given_names, columns.surnames)
            assert name.given_written == columns.given_written
            assert name.surnames_written == columns.surnames_written
            assert "y" not in name.surnames


def test_sides_without_words() -> None:
    assert parse_full_name("PEREZ,").surnames == ("perez",)
    assert parse_full_name("PEREZ,").method != "comma"
    assert parse_full_name(", JOSE").given_names == ("jose",)
    assert parse_full_name("RODRIGUEZ/JOSE LUIS").given_names == ("jose", "luis")
    assert parse_full_name("PEREZ Y GARCIA, JOSE").surnames == ("perez", "garcia")
    with pytest.raises(ValueError, match="no name"):
        parse_full_name(" , ")
