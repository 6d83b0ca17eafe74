"""Every face splits a withheld total the same way (library: ``withheld_parts``), also
when the total is a suppressed count ("<5") shown to a role that sees aggregates only."""

from __future__ import annotations

import pytest

from habeas.access.reader import Withheld, withheld_parts
from habeas.cli.notices import withheld_lines
from habeas.i18n import translator
from habeas.i18n_withheld import withheld_said


def test_counts_split_into_purpose_and_clearance() -> None:
    withheld = Withheld()
    withheld.add("records", "restricted", "purpose", 3)
    withheld.add("records", "witness_protected", "level", 2)
    parts = withheld_parts(withheld)
    assert parts is not None
    assert (parts.total, parts.for_purpose, parts.above_clearance) == (5, 3, 2)
    lines = withheld_lines(withheld, "en")
    assert lines[0] == "Withheld: 5 items at a sensitivity level you may not see."
    assert lines[1].startswith("3 of them") and lines[2].startswith("2 of them")


def test_nothing_withheld_says_nothing() -> None:
    assert withheld_parts(Withheld()) is None
    assert withheld_parts(None) is None and withheld_lines(None, "en") == []


def test_a_suppressed_total_is_said_not_computed() -> None:
    """Aggregates hide small counts ("<5"); the CLI used int() on them and crashed."""
    suppressed = {"total": "<5", "for_purpose": 0}
    parts = withheld_parts(suppressed)
    assert parts is not None and parts.above_clearance == "<5"
    lines = withheld_lines(suppressed, "es")
    assert lines[0] == (
        "Retenidos: <5 elementos con un nivel de confidencialidad que usted no puede ver."
    )
    assert withheld_lines(suppressed, "en")[0].startswith("Withheld: <5 items at")
    assert any("<5" in line for line in lines[1:])
    both = withheld_parts({"total": "<5", "for_purpose": "<5"})
    assert both is not None and both.above_clearance == ""
    assert len(withheld_lines({"total": "<5", "for_purpose": "<5"}, "en")) == 2


def test_one_item_is_said_in_the_singular() -> None:
    withheld = Withheld()
    withheld.add("records", "witness_protected", "level", 1)
    assert withheld_lines(withheld, "es")[0] == (
        "Retenido: 1 elemento con un nivel de confidencialidad que usted no puede ver."
    )
    assert withheld_lines(withheld, "en")[0] == (
        "Withheld: 1 item at a sensitivity level you may not see."
    )


@pytest.mark.parametrize(
    ("count", "es", "en"),
    [
        (1, "Retenido: 1 elemento con", "Withheld: 1 item at"),
        (2, "Retenidos: 2 elementos con", "Withheld: 2 items at"),
        (1000000, "Retenidos: 1000000 elementos con", "Withheld: 1000000 items at"),
        ("<5", "Retenidos: <5 elementos con", "Withheld: <5 items at"),  # hidden: plural
    ],
)
def test_every_count_takes_its_plural_form(count: int | str, es: str, en: str) -> None:
    assert withheld_said(translator("es"), count).startswith(es)
    assert withheld_said(translator("en"), count).startswith(en)


def test_one_of_them_is_said_in_the_singular() -> None:
    withheld = Withheld()
    withheld.add("records", "restricted", "purpose", 1)
    withheld.add("records", "witness_protected", "level", 1)
    es = withheld_lines(withheld, "es")
    assert es[0].startswith("Retenidos: 2 elementos con")
    assert es[1].startswith("1 de ellos se muestra en cuanto indique el propósito")
    assert es[2] == (
        "1 de ellos supera el nivel de acceso de su rol: pida a un administrador si lo necesita."
    )
    en = withheld_lines(withheld, "en")
    assert en[1].startswith("1 of them is shown once you give the purpose")
    assert en[2] == "1 of them is above your role's clearance: ask an administrator if you need it."
