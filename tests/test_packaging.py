"""The set-up installs from requirements.lock: the lock must pin every dependency that
pyproject.toml declares (main and the extras set-up installs), within its bounds."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
EXTRAS_INSTALLED = (
    "dev",
    "postgres",
    "pdf",
    "spark",
)  # what `make` installs (see the Makefile's lock)


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(text) for text in project["dependencies"]]
    for extra in EXTRAS_INSTALLED:
        reqs += [Requirement(text) for text in project["optional-dependencies"][extra]]
    return reqs


def test_lock_pins_every_declared_dependency_within_its_bounds() -> None:
    pins = _locked()
    assert len(pins) > 50, "requirements.lock looks empty"
    problems = []
    for req in _declared():
        version = pins.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name} is not in requirements.lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} is outside {req.specifier}")
    assert not problems, "run `make lock`: " + "; ".join(problems)


def test_lock_records_the_extras_that_set_up_installs() -> None:
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8")[:1000]
    for extra in EXTRAS_INSTALLED:
        assert f"--extra={extra}" in header


def test_internals_we_use_are_bounded() -> None:
    """habeas uses splink.internals and a private SQLAlchemy method: both need an upper
    bound, so a new release cannot break a set-up silently."""
    bounded = {canonicalize_name(r.name): r for r in _declared()}
    for name in ("splink", "sqlalchemy"):
        assert any(spec.operator == "<" for spec in bounded[name].specifier), name


def test_makefile_installs_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-r requirements.lock" in makefile
    assert "--no-deps -e ." in makefile


def test_missing_optional_parts_say_which_extra_to_install(monkeypatch, tmp_path) -> None:
    from habeas.errors import HabeasError
    from habeas.report.render import write_pdf
    from habeas.store.db import make_engine

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    with pytest.raises(HabeasError, match=r"habeas\[pdf\]"):
        write_pdf("<p>x</p>", tmp_path / "x.pdf")
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(HabeasError, match=r"habeas\[postgres\]"):
        make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_every_data_file_is_shipped_in_the_package() -> None:
    """A data file the code reads (names, vocabularies, header spellings, rules, templates)
    must match a package-data pattern, or an installed habeas cannot find it."""
    from fnmatch import fnmatch

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["habeas"]
    package = ROOT / "src" / "habeas"
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.suffix in {".csv", ".toml"} and p.is_file()
    ]
    assert any(path.startswith("ingest/data/") for path in data)
    assert not [path for path in data if not any(fnmatch(path, pat) for pat in patterns)]
