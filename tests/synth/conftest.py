"""Shared fixtures: one synthetic case per session, plus readers for its list files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from habeas.synth import generate_case


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and rows of a list file, whatever its format."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        delimiter = (
            ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        )
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        headers = next(reader)
        return headers, [dict(zip(headers, row, strict=True)) for row in reader]
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        values = list(ws.iter_rows(values_only=True))
        wb.close()
        headers = [str(h) for h in values[0]]
        return headers, [dict(zip(headers, row, strict=True)) for row in values[1:]]
    if path.suffix == ".json":
        objs = json.loads(path.read_text(encoding="utf-8"))
        return list(objs[0]), objs
    if path.suffix == ".jsonl":
        objs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return list(objs[0]), objs
    raise AssertionError(f"unexpected list file {path}")


@pytest.fixture(scope="session")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("case")
    generate_case(out, persons=600, seed=7)
    return out


@pytest.fixture(scope="session")
def case(case_dir: Path) -> dict[str, Any]:
    return json.loads((case_dir / "case.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tables(case_dir: Path, case: dict[str, Any]) -> dict[str, tuple[list[str], list[dict]]]:
    """source title -> (headers, rows)."""
    return {s["title"]: read_table(case_dir / s["file"], s["sheet"]) for s in case["sources"]}


@pytest.fixture(scope="session")
def truth(case_dir: Path) -> list[dict[str, str]]:
    with (case_dir / "ground_truth.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def persons(case_dir: Path) -> list[dict[str, str]]:
    with (case_dir / "persons_truth.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
