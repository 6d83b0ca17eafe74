import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.countries import country_names, known_countries, normalise_country


@pytest.mark.parametrize(
    ("raw", "iso3"),
    [
        ("Venezuela", "VEN"),
        ("VENEZUELA", "VEN"),
        ("Venezuelan", "VEN"),
        ("venezolano", "VEN"),
        ("VENEZOLANA", "VEN"),
        ("Venezolanos", "VEN"),
        ("VE", "VEN"),
        ("VZ", "VEN"),
        ("VEN", "VEN"),
        ("República Bolivariana de Venezuela", "VEN"),
        ("de nacionalidad venezolana", "VEN"),
        ("Venezuela (VEN)", "VEN"),
        ("El Salvador", "SLV"),
        ("Salvadoran", "SLV"),
        ("Salvadoreño", "SLV"),
        ("salvadorena", "SLV"),
        ("SV", "SLV"),
        ("nacido en El Salvador", "SLV"),
        ("Colombia", "COL"),
        ("colombiana", "COL"),
        ("Honduras", "HND"),
        ("hondureño", "HND"),
        ("Guatemala", "GTM"),
        ("Nicaragüense", "NIC"),
        ("México", "MEX"),
        ("Mexican", "MEX"),
        ("Cuba", "CUB"),
        ("Haïti", "HTI"),
        ("haitiano", "HTI"),
        ("Rep. Dominicana", "DOM"),
        ("Dominican", "DOM"),
        ("Dominica", "DMA"),
        ("EE.UU.", "USA"),
        ("U.S.A.", "USA"),
        ("United States of America", "USA"),
        ("estadounidense", "USA"),
        ("España", "ESP"),
        ("espanol", "ESP"),
        ("ES", "ESP"),
        ("China", "CHN"),
        ("India", "IND"),
        ("Perú", "PER"),
        ("ecuatoriano", "ECU"),
        ("brasileña", "BRA"),
        ("Curazao", "CUW"),
        ("Aruba", "ABW"),
    ],
)
def test_known_forms(raw, iso3):
    assert normalise_country(raw) == iso3


@pytest.mark.parametrize(
    "raw", [None, "", "  ", "Atlantis", "xx", "Venezuela / Colombia", "unknown", "desconocido"]
)
def test_unknown_or_ambiguous_is_none(raw):
    assert normalise_country(raw) is None


def test_table_is_large_and_consistent():
    codes = known_countries()
    assert len(codes) >= 60
    assert {"VEN", "SLV", "USA", "ESP", "HTI", "CUB", "CHN", "IND", "COL", "HND"} <= codes
    assert country_names("ven") == ("Venezuela", "Venezuela")
    assert country_names("XXX") is None
    text = resources.files("habeas.domain").joinpath("data/countries.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len({r["iso3"] for r in rows}) == len(rows)
    assert len({r["iso2"] for r in rows}) == len(rows)
    for r in rows:  # every code and name reads back as its own country
        for form in (r["iso3"], r["iso2"], r["name_en"], r["name_es"]):
            assert normalise_country(form) == r["iso3"], form


@given(st.sampled_from(sorted(known_countries())))
def test_iso3_is_a_fixed_point(iso3):
    assert normalise_country(iso3) == iso3
    assert normalise_country(iso3.lower()) == iso3
