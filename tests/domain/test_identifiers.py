import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.identifiers import (
    InvalidIdentifier,
    classify_national_id,
    dui_check_digit,
    normalise_a_number,
    normalise_cedula,
    normalise_cedula_co,
    normalise_dui,
    normalise_passport,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A-208-304-911", "208304911"),
        ("A208304911", "208304911"),
        ("208 304 911", "208304911"),
        ("208-304-911", "208304911"),
        ("a 208.304.911", "208304911"),
        ("A# 208304911", "208304911"),
        ("A-20830491", "020830491"),
        ("20830491", "020830491"),
        (" A 012 345 678 ", "012345678"),
        (208304911, "208304911"),
        (208304911.0, "208304911"),
        (20830491, "020830491"),
    ],
)
def test_a_number(raw, expected):
    assert normalise_a_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "A", "A1234567", "A1234567890", "AB208304911", "208304911X", "A-208-304"]
)
def test_a_number_invalid(raw):
    with pytest.raises(InvalidIdentifier) as exc:
        normalise_a_number(raw)
    assert exc.value.kind == "A-number" and exc.value.raw == raw
    assert isinstance(exc.value, ValueError)


@given(
    st.integers(10_000_000, 999_999_999),
    st.sampled_from(["", "A", "A-", "A#"]),
    st.sampled_from(["", "-", " ", "."]),
)
def test_a_number_forms_and_idempotence(n, prefix, sep):
    digits = str(n)
    written = prefix + sep.join([digits[:-6], digits[-6:-3], digits[-3:]])
    norm = normalise_a_number(written)
    assert norm == digits.zfill(9)
    assert normalise_a_number(norm) == norm
    assert normalise_a_number("A" + norm) == norm


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("V-12.345.678", "V12345678"),
        ("V12345678", "V12345678"),
        ("v-12345678", "V12345678"),
        ("12.345.678", "V12345678"),
        ("12345678", "V12345678"),
        ("V 1.234.567", "V1234567"),
        ("V-850.123", "V850123"),
        ("E-81.234.567", "E81234567"),
        ("E81234567", "E81234567"),
        ("C.I. V-12.345.678", "V12345678"),
        ("CI: 12345678", "V12345678"),
        ("V-012.345.678", "V12345678"),
        (12345678, "V12345678"),
    ],
)
def test_cedula(raw, expected):
    assert normalise_cedula(raw) == expected
    assert normalise_cedula(expected) == expected


@pytest.mark.parametrize("raw", ["", "V-12345", "V-123.456.789", "J-12345678-9", "P123456", "V-1A"])
def test_cedula_invalid(raw):
    with pytest.raises(InvalidIdentifier):
        normalise_cedula(raw)


def test_dui_known_values():
    # 0 1 2 3 4 5 6 7 with weights 9..2: 0+8+14+18+20+20+18+14 = 112 -> (10 - 2) % 10 = 8
    assert dui_check_digit("01234567") == 8
    assert normalise_dui("01234567-8") == "012345678"
    assert normalise_dui("012345678") == "012345678"
    assert normalise_dui(" 01234567 - 8 ") == "012345678"
    # sum % 10 == 0 gives check digit 0: 00000000 -> 0
    assert dui_check_digit("00000000") == 0
    assert normalise_dui("00000000-0") == "000000000"
    # a spreadsheet dropped the leading zero
    assert normalise_dui("1234567-8") == "012345678"
    assert normalise_dui("12345678") == "012345678"
    assert normalise_dui(12345678) == "012345678"


@pytest.mark.parametrize(
    "raw", ["01234567-9", "01234567-0", "", "0123-45-678-9", "ABCDEFGH-1", "0123456789", "1234-5"]
)
def test_dui_invalid(raw):
    with pytest.raises(InvalidIdentifier) as exc:
        normalise_dui(raw)
    assert exc.value.kind == "DUI"


def test_dui_wrong_check_digit_message():
    with pytest.raises(InvalidIdentifier, match="check digit is 9 but 01234567 needs 8"):
        normalise_dui("01234567-9")


WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, 1)  # the check digit itself counts with weight 1


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_generated_dui_validates_and_single_digit_changes_fail(base):
    """A mod-10 check with weights 9..2 catches a single-digit change unless
    (change x weight) is a multiple of 10: a change of 5 at an even weight, or any
    even change at weight 5. Every other single-digit change must be rejected."""
    check = dui_check_digit(base)
    full = base + str(check)
    assert normalise_dui(f"{base}-{check}") == full
    assert normalise_dui(full) == full
    for i in range(9):
        for d in "0123456789":
            if d == full[i]:
                continue
            changed = full[:i] + d + full[i + 1 :]
            undetectable = ((int(d) - int(full[i])) * WEIGHTS[i]) % 10 == 0
            if undetectable:
                assert normalise_dui(f"{changed[:8]}-{changed[8]}") == changed
            else:
                with pytest.raises(InvalidIdentifier):
                    normalise_dui(f"{changed[:8]}-{changed[8]}")


def test_check_digit_change_always_detected():
    for base in ("01234567", "98765432", "00000001"):
        good = dui_check_digit(base)
        for wrong in set(range(10)) - {good}:
            with pytest.raises(InvalidIdentifier):
                normalise_dui(f"{base}-{wrong}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.234.567.890", "1234567890"), ("CC 1234567", "1234567"), ("C.C. 79.123.456", "79123456")],
)
def test_cedula_co(raw, expected):
    assert normalise_cedula_co(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ab 123-456", "AB123456"), ("123456789", "123456789"), ("P-0123.456", "P0123456")],
)
def test_passport(raw, expected):
    assert normalise_passport(raw) == expected
    assert normalise_passport(expected) == expected


@pytest.mark.parametrize("raw", ["", "1234", "A" * 21, "---"])
def test_passport_invalid(raw):
    with pytest.raises(InvalidIdentifier):
        normalise_passport(raw)


@pytest.mark.parametrize(
    ("raw", "nationality", "expected"),
    [
        ("V-12.345.678", None, ("cedula_ve", "V12345678")),
        ("E-81.234.567", "Colombia", ("cedula_ve", "E81234567")),
        ("C.I. V-12345678", None, ("cedula_ve", "V12345678")),
        ("12.345.678", "VEN", ("cedula_ve", "V12345678")),
        ("12345678", "venezolano", ("cedula_ve", "V12345678")),
        ("01234567-8", None, ("dui_sv", "012345678")),
        ("012345678", "SLV", ("dui_sv", "012345678")),
        ("12345678", "Salvadoreño", ("dui_sv", "012345678")),
        ("1.234.567.890", "Colombia", ("cedula_co", "1234567890")),
        ("CC 1234567", "COL", ("cedula_co", "1234567")),
        ("12345678", None, ("national_id", "12345678")),
        ("12.345.678", "Honduras", ("national_id", "12345678")),
        ("0801-1990-12345", "HND", ("national_id", "0801199012345")),
        ("X1234567", None, ("national_id", "X1234567")),
    ],
)
def test_classify_national_id(raw, nationality, expected):
    assert classify_national_id(raw, nationality) == expected


def test_classify_rejects_bad_dui_and_empty():
    with pytest.raises(InvalidIdentifier, match="check digit"):
        classify_national_id("01234567-9")
    with pytest.raises(InvalidIdentifier, match="check digit"):
        classify_national_id("012345670", "El Salvador")
    with pytest.raises(InvalidIdentifier):
        classify_national_id("  ")
    with pytest.raises(InvalidIdentifier):
        classify_national_id("n/a")


def test_identifier_type_names_have_one_home() -> None:
    """The names of identifier types are written once (issue #14) and translated."""
    from habeas.domain.identifiers import ID_TYPE_LABELS
    from habeas.i18n import gettext_for
    from habeas.linkage.features import ID_TYPES
    from habeas.search.score import ID_LABELS
    from habeas.web.pages.person import ID_TYPES as PERSON_ID_TYPES
    from habeas.web.pages.review import FIELDS
    from habeas.web.pages.search import ID_TYPE_TEXT

    assert set(ID_TYPE_LABELS) == set(ID_TYPES)
    assert ID_LABELS is ID_TYPE_LABELS and ID_TYPE_TEXT is ID_TYPE_LABELS
    assert PERSON_ID_TYPES is ID_TYPE_LABELS
    assert all(FIELDS[t] == ID_TYPE_LABELS[t] for t in ("a_number", "cedula_ve", "dui_sv"))
    spanish = gettext_for("es")
    assert spanish(ID_TYPE_LABELS["a_number"]) != "A-number"
    assert spanish(ID_TYPE_LABELS["national_id"]) != "national ID"
