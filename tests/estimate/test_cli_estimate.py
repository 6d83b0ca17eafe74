from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from habeas.cli.estimate import register

try:
    from ._mse import DATA, expected
except ImportError:  # tests/ is not a package
    from _mse import DATA, expected  # type: ignore[no-redef]

KEYS = [
    "method",
    "observed",
    "point",
    "missing",
    "interval",
    "level",
    "interval_kind",
    "unstable_interval",
    "model",
    "lists",
    "stratum",
    "diagnostics",
    "warnings",
    "error",
    "hints",
]


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:  # keep "estimate" as a subcommand
        pass

    return a


def invoke(*args: str):
    # wide, so that Rich does not wrap the table and the sentences being checked
    return CliRunner().invoke(app(), ["estimate", *args], env={"COLUMNS": "250"})


def test_json_single_method() -> None:
    res = invoke(
        str(DATA / "uk_modern_slavery_2013_5lists.csv"),
        "--method",
        "stepwise",
        "--nboot",
        "0",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert list(out) == KEYS
    ref = expected("uk_modern_slavery_2013_5lists", "SparseMSE")
    assert abs(out["point"] / ref["point"] - 1) < 1e-6


def test_json_several_methods_as_list_and_table(tmp_path) -> None:
    f = DATA / "rcapture_lesbian_allegheny_4lists.csv"
    res = invoke(str(f), "--method", "loglinear", "--model", "search", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["model"].startswith("[")
    png = tmp_path / "p.png"
    res = invoke(str(f), "--method", "chapman", "--model", "A,B")
    assert res.exit_code == 0 and "chapman" in res.output
    res = invoke(str(f), "--method", "loglinear", "--plot", str(png))
    assert res.exit_code == 0 and png.stat().st_size > 0


def test_errors_are_clean(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,7,3\n")
    res = invoke(str(bad), "--method", "chapman")
    assert res.exit_code == 2
    assert "row 2, column 'B'" in res.output and "Traceback" not in res.output
    res = invoke(str(bad), "--method", "nonsense")
    assert res.exit_code == 2 and "Unknown method" in res.output
    res = invoke("--method", "chapman")
    assert res.exit_code == 2
    res = invoke(
        str(DATA / "uk_modern_slavery_2013_5lists.csv"),
        "--method",
        "independence",
        "--plot",
        str(tmp_path / "x.png"),
    )
    assert res.exit_code == 2 and "curve" in res.output


def test_conclusion_first_with_kinds_missing_and_progress() -> None:
    f = DATA / "australia_trafficking_4lists.csv"
    res = invoke(str(f), "--method", "chapman")
    assert res.exit_code == 0, res.output
    assert res.stdout.lstrip().startswith("Between ")  # the plain-language conclusion first
    assert "on no list" in res.stdout and "log-normal approximation" in res.stdout
    assert "two lists: A and B" in res.stdout
    assert "--model A,B" in res.stdout  # advice in this command's terms
    assert "chapman: done" in res.stderr  # progress on stderr, not in the output
    es = invoke(str(f), "--method", "chapman", "--lang", "es")
    assert es.exit_code == 0 and es.stdout.lstrip().startswith("Entre ")
    assert "en ninguna lista" in es.stdout


def test_all_methods_keep_going_when_one_refuses(tmp_path) -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    x = (rng.random((800, 7)) < 0.25).astype(int)
    x = x[x.sum(axis=1) > 0]
    f = tmp_path / "seven.csv"
    f.write_text("A,B,C,D,E,F,G\n" + "\n".join(",".join(map(str, r)) for r in x) + "\n")
    res = invoke(
        str(f),
        "--method",
        "all",
        "--nboot",
        "20",
        "--samples",
        "50",
        "--thinning",
        "2",
        "--burnin",
        "50",
        "--chains",
        "2",
        "--seed",
        "1",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    by = {e["method"]: e for e in json.loads(res.stdout)}
    assert by["dga"]["point"] is None and "at most 5 lists" in by["dga"]["error"]
    assert by["lcmcr"]["diagnostics"]["samples"] == 50
    assert by["lcmcr"]["diagnostics"]["thinning"] == 2
    assert all(by[m]["point"] is not None for m in ("chapman", "loglinear", "lcmcr"))
    assert by["loglinear"]["interval_kind"] == "profile"
    assert by["stepwise"]["interval_kind"] == "bootstrap"
    assert by["lcmcr"]["interval_kind"] == "posterior"
    assert by["chapman"]["lists"] == ["A", "B"]
    assert by["chapman"]["missing"] == by["chapman"]["point"] - by["chapman"]["observed"]


def test_input_errors_are_named(tmp_path) -> None:
    bad = tmp_path / "nan.csv"
    bad.write_text("A,B,count\n1,0,3\n1,1,nan\n")
    res = invoke(str(bad), "--method", "chapman")
    assert res.exit_code == 2 and "row 3, column 'count'" in res.output
    assert "bug in habeas" not in res.output
    one = tmp_path / "one.csv"
    one.write_text("Press,count\n1,40\n")
    res = invoke(str(one))
    assert res.exit_code == 1 and "only one list" in res.output
    headless = tmp_path / "headless.csv"
    headless.write_text("1,0,0,0,0,54\n0,1,0,0,0,464\n")
    res = invoke(str(headless))
    assert res.exit_code == 2 and "header" in res.output and "'54'" not in res.output


def test_plot_folder_checked_first_and_estimate_never_lost(tmp_path) -> None:
    f = DATA / "australia_trafficking_4lists.csv"
    res = invoke(str(f), "--method", "chapman", "--plot", str(tmp_path / "no" / "p.png"))
    assert res.exit_code == 2 and "does not exist" in res.stderr
    assert "chapman" not in res.stderr  # refused before computing anything
    res = invoke(str(f), "--method", "independence", "--plot", str(tmp_path / "p.png"))
    assert res.exit_code == 2 and "curve" in res.stderr
    assert "Between " in res.stdout  # the estimate was printed before the plot failed


def test_stratified_results_carry_stratum_names() -> None:
    from rich.console import Console

    from habeas.cli.estimate_render import render_estimates
    from habeas.estimate.strata import estimate_by_strata

    try:
        from ._mse import load
    except ImportError:
        from _mse import load  # type: ignore[no-redef]

    tables = {
        "VEN": load("australia_trafficking_4lists"),
        "COL": load("western_us_trafficking_5lists").subset(["A", "B", "C", "D"]),
    }
    per, total = estimate_by_strata(tables, "independence")
    assert {k: e.stratum for k, e in per.items()} == {"VEN": "VEN", "COL": "COL"}
    assert total.stratum == "total"
    console = Console(record=True, width=200)
    render_estimates([*per.values(), total], console, "es")
    text = console.export_text()
    assert "estrato" in text and "VEN" in text and "COL" in text and "suma de los estratos" in text


def test_a_warning_shared_by_several_methods_is_printed_once() -> None:
    from rich.console import Console

    from habeas.cli.estimate_render import render_estimates
    from habeas.estimate.result import Estimate

    shared = "3 repeated capture pattern row(s) were added together."
    results = [
        Estimate("independence", 10, 20.0, (12.0, 30.0), warnings=[shared]),
        Estimate("loglinear", 10, 21.0, (13.0, 31.0), warnings=[shared, "own"]),
    ]
    console = Console(record=True, width=200)
    render_estimates(results, console)
    text = console.export_text()
    assert text.count(shared) == 1 and f"warning (independence, loglinear): {shared}" in text
    assert "warning (loglinear): own" in text
