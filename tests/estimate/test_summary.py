"""The conclusion and model descriptions a documenter reads, in Spanish and English."""

from __future__ import annotations

from habeas.estimate import run
from habeas.estimate.result import Estimate
from habeas.estimate.summary import conclusion, describe_model, interval_kind

try:
    from ._mse import load
except ImportError:  # tests/ is not a package
    from _mse import load  # type: ignore[no-redef]


def one() -> Estimate:
    return Estimate(
        "loglinear",
        1200,
        1500.4,
        (1320.2, 2010.7),
        model="Mt",
        interval_kind="profile",
        lists=["A", "B", "C"],
    )


def test_conclusion_one_method_both_languages() -> None:
    assert conclusion([one()], "en") == (
        "Between 1,320 and 2,011 people, most likely 1,500; the lists name 1,200, so about "
        "300 are on no list."
    )
    assert conclusion([one()], "es") == (
        "Entre 1.320 y 2.011 personas, lo más probable 1.500; las listas nombran a 1.200, así "
        "que unas 300 no están en ninguna lista."
    )


def test_conclusion_several_methods_spans_them() -> None:
    other = Estimate("dga", 1200, 1800.0, (1400.0, 2600.0))
    failed = Estimate("bhs", 1200, None, None, error="too many lists")
    text = conclusion([one(), other, failed], "en")
    assert text.startswith(
        "Between 1,320 and 2,600 people, most likely 1,650 (the middle of "
        "2 methods' estimates, which run from 1,500 to 1,800)"
    )
    unbounded = Estimate("dga", 1200, 1800.0, (1400.0, float("inf")))
    assert conclusion([unbounded], "es").startswith("Al menos 1.400 personas")


def test_two_list_methods_stay_out_of_a_several_method_conclusion() -> None:
    chapman = Estimate("chapman", 300, 700.0, (600.0, 900.0), lists=["A", "B"])
    text = conclusion([chapman, one()], "en")
    assert text.startswith("Between 1,320 and 2,011 people, most likely 1,500;")
    assert "name 1,200" in text


def test_interval_kinds_are_named() -> None:
    assert interval_kind("bootstrap", "en") == "bootstrap"
    assert interval_kind("profile", "es") == "verosimilitud perfil"
    assert interval_kind("posterior", "es") == "a posteriori (bayesiano)"


def test_models_are_described_with_list_names() -> None:
    hist = load("australia_trafficking_4lists")
    chapman = run("chapman", hist)
    assert describe_model(chapman, "en") == "two lists: A and B"
    assert describe_model(chapman, "es") == "dos listas: A y B"
    assert chapman.hints == ["two_lists"]
    loglin = Estimate(
        "loglinear",
        10,
        20.0,
        (12.0, 30.0),
        model="[12,34]",
        lists=["Press", "NGO", "Police", "Court"],
    )
    assert describe_model(loglin, "en") == "dependence between lists Press–NGO, Police–Court"
    mth = Estimate("loglinear", 10, 20.0, (12.0, 30.0), model="Mth Chao")
    assert "(Chao)" in describe_model(mth, "es") and "cobertura" in describe_model(mth, "es")


def test_dga_names_its_models_by_list_title() -> None:
    est = run("dga", load("australia_trafficking_4lists"))
    top = est.model or ""
    assert "top [A" in top and "[1" not in top  # list titles, not indices
    text = describe_model(est, "en")
    assert text.startswith("average of") and "A" in text
