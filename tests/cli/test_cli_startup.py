"""The root command lists every command without importing their modules, and the list
cannot drift from the commands themselves."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
import typer

from habeas.cli.commands import COMMANDS, load

HEAVY = (
    "pandas",
    "splink",
    "sqlalchemy",
    "duckdb",
    "numpy",
    "scipy",
    "fastapi",
    "alembic",
    "openpyxl",
    "matplotlib",
)


def test_each_summary_is_the_commands_own_first_line() -> None:
    for name, (_, summary) in COMMANDS.items():
        real = load(name).get_short_help_str(limit=10_000)
        assert real == summary, f"habeas {name}: the summary in cli/commands.py is stale"


def test_every_registered_command_is_listed_under_its_module() -> None:
    for module_name in sorted({module for module, _ in COMMANDS.values()}):
        holder = typer.Typer()
        importlib.import_module(f"habeas.cli.{module_name}").register(holder)
        registered = set(typer.main.get_group(holder).commands)
        listed = {name for name, (module, _) in COMMANDS.items() if module == module_name}
        assert registered == listed, module_name


def test_help_and_version_import_nothing_heavy() -> None:
    probe = (
        "import io, json, sys, contextlib\n"
        "from habeas.cli.main import main\n"
        "for args in (['--help'], ['--version'], []):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert main(args) in (0, 2), args\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_root_help_lists_every_command(capsys) -> None:
    from habeas.cli.main import main

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f" {name} " in out, name


def test_demo_says_how_to_reach_habeas_when_it_is_not_on_path(monkeypatch) -> None:
    import shutil
    from pathlib import Path

    from habeas.cli.demo import activate_hint

    venv_bin = Path(sys.executable).parent
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    if shutil.which("habeas"):
        pytest.skip("a system-wide habeas is on /usr/bin")
    hint = activate_hint()
    assert str(venv_bin) in hint and ("source" in hint or "PATH=" in hint)
    monkeypatch.setenv("PATH", f"{venv_bin}:/usr/bin:/bin")
    if (venv_bin / "habeas").exists():
        assert activate_hint() == ""
