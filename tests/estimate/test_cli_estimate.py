from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from habeas.cli.estimate import register

try:
    from ._mse import DATA, expected
except ImportError:  # tests/ is not a package
    from _mse import DATA, expected  # type: ignore[no-redef]

KEYS = ["method", "observed", "point", "interval", "level", "model", "diagnostics", "warnings"]


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:  # keep "estimate" as a subcommand
        pass

    return a


def invoke(*args: str):
    return CliRunner().invoke(app(), ["estimate", *args])


def test_json_single_method() -> None:
    res = invoke(str(DATA / "uk_modern_slavery_2013_5lists.csv"), "--method", "stepwise",
                 "--nboot", "0", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert list(out) == KEYS
    ref = expected("uk_modern_slavery_2013_5lists", "SparseMSE")
    assert abs(out["point"] / ref["point"] - 1) < 1e-6


def test_json_several_methods_as_list_and_table(tmp_path) -> None:
    f = DATA / "rcapture_lesbian_allegheny_4lists.csv"
    res = invoke(str(f), "--method", "loglinear", "--model", "search", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["model"].startswith("[")
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
    res = invoke(str(DATA / "uk_modern_slavery_2013_5lists.csv"), "--method", "independence",
                 "--plot", str(tmp_path / "x.png"))
    assert res.exit_code == 2 and "curve" in res.output
