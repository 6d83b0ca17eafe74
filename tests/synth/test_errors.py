"""Noise models: mild, recognisable errors."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.text import strip_accents
from habeas.synth.errors import (
    a_number_as_written,
    cedula_as_written,
    date_as_written,
    ocr_error,
    surnames_as_written,
    swap_day_month,
    typo,
)
from habeas.synth.names import ALL_GIVEN, ALL_SURNAMES

NAMES = sorted(ALL_GIVEN | ALL_SURNAMES)


def _lev(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@given(st.sampled_from(NAMES), st.integers(0, 10_000))
def test_typo_is_one_edit_and_keeps_first_letter(name: str, seed: int) -> None:
    out = typo(name, random.Random(seed))
    assert _lev(name, out) <= 2 and out[0] == name[0]


@given(st.sampled_from(NAMES), st.integers(0, 10_000))
def test_ocr_error_is_small(name: str, seed: int) -> None:
    assert _lev(name, ocr_error(name, random.Random(seed))) <= 2


def test_strip_accents() -> None:
    assert strip_accents("Núñez Peña Ibáñez Ángel") == "Nunez Pena Ibanez Angel"
    assert all(strip_accents(n).isascii() for n in NAMES)


def test_surname_forms() -> None:
    r = random.Random(1)
    assert surnames_as_written("Pérez", "García", r, p_drop=1.0) == "Pérez"
    assert surnames_as_written("Pérez", "García", r, p_swap=1.0) == "García Pérez"
    assert surnames_as_written("Pérez", "García", r, p_hyphen=1.0) == "Pérez-García"
    assert surnames_as_written("Pérez", "García", r, p_y=1.0) == "Pérez y García"
    forms = {
        surnames_as_written("De La Cruz", "Díaz", random.Random(s), p_particle=1.0)
        for s in range(20)
    }
    assert forms == {"Delacruz Díaz", "de la Cruz Díaz"}


@given(st.dates(dt.date(1960, 1, 1), dt.date(2007, 12, 31)))
def test_date_forms(d: dt.date) -> None:
    r = random.Random(0)
    assert date_as_written(d, "ISO", r) == d.isoformat()
    mdy, dmy = date_as_written(d, "MDY", r), date_as_written(d, "DMY", r)
    assert mdy[:2] == dmy[3:5] == f"{d.month:02d}"
    swapped = swap_day_month(d)
    assert swapped == d or (swapped.day, swapped.month) == (d.month, d.day)


def test_identifier_forms() -> None:
    r = random.Random(0)
    assert a_number_as_written(208304911, r, ("dashed",)) == "A-208-304-911"
    assert a_number_as_written(98765432, r, ("compact",)) == "A098765432"
    assert a_number_as_written(98765432, r, ("short",)) == "A98765432"
    assert a_number_as_written(208304911, r, ("spaced",)) == "208 304 911"
    assert cedula_as_written(12345678, "V", r, ("dotted_prefix",)) == "V-12.345.678"
    assert cedula_as_written(12345678, "V", r, ("dotted",)) == "12.345.678"
    assert cedula_as_written(12345678, "V", r, ("prefix",)) == "V12345678"
