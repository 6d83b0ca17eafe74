from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.date_order import infer_order, order_evidence
from habeas.domain.dates import (
    AmbiguousDate,
    DateParseError,
    UncertainDate,
    dob_from_age,
    parse_date,
)

EXACT = [
    ("2025-03-15", date(2025, 3, 15)),
    ("2025-3-5", date(2025, 3, 5)),
    ("2025/03/15", date(2025, 3, 15)),
    ("2025.03.15", date(2025, 3, 15)),
    ("20250315", date(2025, 3, 15)),
    ("15/03/2025", date(2025, 3, 15)),
    ("15-03-2025", date(2025, 3, 15)),
    ("15.03.2025", date(2025, 3, 15)),
    ("15 03 2025", date(2025, 3, 15)),
    ("03/15/2025", date(2025, 3, 15)),
    ("15/03/25", date(2025, 3, 15)),
    ("15/03/90", date(1990, 3, 15)),
    ("05/05/2025", date(2025, 5, 5)),
    ("15 de marzo de 2025", date(2025, 3, 15)),
    ("15 marzo 2025", date(2025, 3, 15)),
    ("March 15, 2025", date(2025, 3, 15)),
    ("15 Mar 2025", date(2025, 3, 15)),
    ("15-MAR-2025", date(2025, 3, 15)),
    ("15-MAR-25", date(2025, 3, 15)),
    ("Saturday, March 15th, 2025", date(2025, 3, 15)),
    ("sábado 15 de marzo de 2025", date(2025, 3, 15)),
    ("1º de septiembre de 1990", date(1990, 9, 1)),
    ("1ro de setiembre de 1990", date(1990, 9, 1)),
    ("2 sept 1990", date(1990, 9, 2)),
    ("2 Dic. 1988", date(1988, 12, 2)),
    ("Aug 31 1999", date(1999, 8, 31)),
    ("2025 mar 15", date(2025, 3, 15)),
    ("  2025-03-15  ", date(2025, 3, 15)),
]


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_exact_forms(text, expected):
    d = parse_date(text)
    assert d == UncertainDate.exact(expected)
    assert d.precision == "exact"


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("03/2025", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("3/2025", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("marzo 2025", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("mar. 2025", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("Sept 2024", date(2024, 9, 1), date(2024, 9, 30), "month"),
        ("setiembre de 2024", date(2024, 9, 1), date(2024, 9, 30), "month"),
        ("ca. 1990", date(1989, 1, 1), date(1991, 12, 31), "estimate"),
        ("c. 1990", date(1989, 1, 1), date(1991, 12, 31), "estimate"),
        ("aprox. 1990", date(1989, 1, 1), date(1991, 12, 31), "estimate"),
        ("~1990", date(1989, 1, 1), date(1991, 12, 31), "estimate"),
        ("circa 1990", date(1989, 1, 1), date(1991, 12, 31), "estimate"),
        ("1990-1992", date(1990, 1, 1), date(1992, 12, 31), "range"),
        ("1990/1992", date(1990, 1, 1), date(1992, 12, 31), "range"),
        ("entre 1990 y 1992", date(1990, 1, 1), date(1992, 12, 31), "range"),
        ("between 1990 and 1992", date(1990, 1, 1), date(1992, 12, 31), "range"),
        ("14/03/2025 - 16/03/2025", date(2025, 3, 14), date(2025, 3, 16), "range"),
        ("de marzo 2025 a mayo 2025", date(2025, 3, 1), date(2025, 5, 31), "range"),
    ],
)
def test_partial_estimate_and_range(text, earliest, latest, precision):
    d = parse_date(text)
    assert (d.earliest, d.latest, d.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "32/01/2025",
        "2025-13-01",
        "2025-02-30",
        "15/03/2025x",
        "mar 15",
        "0000",
        "15/13/2025",
        "1992-1990",
        "13/2025",
        "15 de foo de 2025",
        "20251315",
    ],
)
def test_invalid_raises_with_expectation(text):
    with pytest.raises(DateParseError) as exc:
        parse_date(text)
    assert "expected" in str(exc.value) or "there is no" in str(exc.value)
    assert isinstance(exc.value, ValueError)
    assert exc.value.value == text


def test_ambiguous_needs_order():
    with pytest.raises(AmbiguousDate) as exc:
        parse_date("03/04/2025")
    assert set(exc.value.readings) == {date(2025, 4, 3), date(2025, 3, 4)}
    assert "DMY or MDY" in str(exc.value)
    assert parse_date("03/04/2025", "DMY").earliest == date(2025, 4, 3)
    assert parse_date("03/04/2025", "MDY").earliest == date(2025, 3, 4)
    with pytest.raises(AmbiguousDate):
        parse_date("entre 03/04/2025 y 05/06/2025")


def test_explicit_order_is_strict():
    with pytest.raises(DateParseError, match="day first"):
        parse_date("03/15/2025", "DMY")
    with pytest.raises(DateParseError, match="month first"):
        parse_date("15/03/2025", "MDY")
    # ISO and textual dates ignore the order
    assert parse_date("2025-03-04", "MDY").earliest == date(2025, 3, 4)
    assert parse_date("4 March 2025", "MDY").earliest == date(2025, 3, 4)
    assert parse_date("25/03/04", "YMD").earliest == date(2025, 3, 4)
    with pytest.raises(ValueError):
        parse_date("2025-03-04", "XYZ")


def test_infer_order():
    assert infer_order(["15/03/2025", "03/04/2025", None, "2025-01-01"]) == "DMY"
    assert infer_order(["03/15/2025", "03/04/2025"]) == "MDY"
    assert infer_order(["03/04/2025", "05/06/2025"]) is None
    assert infer_order(["2025-03-04", "05/05/2025"]) is None
    with pytest.raises(DateParseError, match="day-first"):
        infer_order(["15/03/2025", "03/15/2025"])


def test_order_evidence_distinguishes_nothing_ambiguous_from_ambiguous():
    ambiguous = order_evidence(["03/04/2025", "05/06/2025", "2025-01-01"])
    assert ambiguous.needs_order and ambiguous.order is None and ambiguous.ambiguous == 2
    clear = order_evidence(["2025-03-04", "05/05/2025", "marzo 2025"])
    assert not clear.needs_order and clear.order is None and clear.neutral == 3
    decided = order_evidence(["15/03/2025", "03/04/2025"])
    assert decided.order == "DMY" and not decided.needs_order
    assert decided.examples["day_first"] == "15/03/2025"
    mixed = order_evidence(["15/03/2025", "03/15/2025"])
    assert mixed.inconsistent and mixed.order is None


def test_uncertain_date_behaviour():
    d = UncertainDate.exact(date(2025, 3, 15))
    assert d.display() == "2025-03-15"
    assert UncertainDate.month(2025, 3).display() == "2025-03 (day unknown)"
    assert UncertainDate.year(2025).display() == "2025 (month and day unknown)"
    assert (
        UncertainDate.between(date(2025, 3, 16), date(2025, 3, 14)).display()
        == "between 2025-03-14 and 2025-03-16"
    )
    est = UncertainDate.estimate(date(1990, 6, 1), days=10)
    assert (est.earliest, est.latest) == (date(1990, 5, 22), date(1990, 6, 11))
    assert "estimate" in est.display()
    assert d.overlaps(UncertainDate.month(2025, 3))
    assert not d.overlaps(UncertainDate.month(2025, 4))
    assert d.definitely_before(UncertainDate.month(2025, 4))
    assert not UncertainDate.month(2025, 3).definitely_before(d)
    assert d.swapped() is None  # day > 12
    assert UncertainDate.exact(date(2025, 3, 4)).swapped() == UncertainDate.exact(date(2025, 4, 3))
    assert UncertainDate.exact(date(2025, 5, 5)).swapped() is None
    assert UncertainDate.month(2025, 3).swapped() is None
    with pytest.raises(ValueError):
        UncertainDate(date(2025, 3, 2), date(2025, 3, 1), "range")
    with pytest.raises(ValueError):
        UncertainDate(d.earliest, d.latest, "vague")


def test_dob_from_age():
    r = dob_from_age(30, date(2025, 3, 15))
    assert (r.earliest, r.latest, r.precision) == (date(1994, 3, 16), date(1995, 3, 15), "range")
    leap = dob_from_age("0", date(2024, 2, 29))
    assert (leap.earliest, leap.latest) == (date(2023, 3, 1), date(2024, 2, 29))
    assert dob_from_age(" 34 ", date(2025, 1, 1)).latest == date(1991, 1, 1)
    for bad in ("-1", "abc", "200", ""):
        with pytest.raises(DateParseError):
            dob_from_age(bad, date(2025, 1, 1))


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(dates)
def test_iso_round_trip(d):
    assert parse_date(d.isoformat()) == UncertainDate.exact(d)


@given(dates, st.sampled_from(["DMY", "MDY"]), st.sampled_from(["/", "-", "."]))
def test_numeric_round_trip_with_order(d, order, sep):
    a, b = (d.day, d.month) if order == "DMY" else (d.month, d.day)
    assert parse_date(f"{a:02d}{sep}{b:02d}{sep}{d.year}", order).earliest == d


@given(dates)
def test_swapped_twice_is_original(d):
    u = UncertainDate.exact(d)
    s = u.swapped()
    if s is None:
        assert d.day > 12 or d.day == d.month
    else:
        assert s != u and s.swapped() == u


@given(dates, dates, st.sampled_from(["between", "estimate"]), st.integers(0, 3000))
def test_earliest_not_after_latest(a, b, kind, days):
    u = UncertainDate.between(a, b) if kind == "between" else UncertainDate.estimate(a, days)
    assert u.earliest <= u.latest
    assert u.overlaps(u) and not u.definitely_before(u)


@given(st.integers(0, 110), dates)
def test_dob_from_age_is_exactly_the_people_of_that_age(age, as_of):
    r = dob_from_age(age, as_of)
    assert _age_on(r.latest, as_of) == age
    assert _age_on(r.earliest, as_of) == age
    assert _age_on(date.fromordinal(r.earliest.toordinal() - 1), as_of) == age + 1
    if r.latest < as_of:
        assert _age_on(date.fromordinal(r.latest.toordinal() + 1), as_of) == age - 1


@pytest.mark.parametrize(
    ("text", "order", "says"),
    [
        ("31/02/1994", None, "there is no 31 February 1994 (February 1994 has 28 days)"),
        ("31/02/1994", "DMY", "there is no 31 February 1994"),
        ("29/02/2023", "DMY", "there is no 29 February 2023 (February 2023 has 28 days)"),
        ("2025-02-30", None, "there is no 30 February 2025"),
        ("04/31/1990", "MDY", "there is no 31 April 1990 (April 1990 has 30 days)"),
    ],
)
def test_a_day_the_month_does_not_have_is_said_to_not_exist(text, order, says):
    with pytest.raises(DateParseError) as exc:
        parse_date(text, order)
    assert says in str(exc.value)
    assert exc.value.missing_day is not None


def test_a_leap_day_that_exists_is_read():
    assert parse_date("29/02/2024", "DMY").earliest.isoformat() == "2024-02-29"
