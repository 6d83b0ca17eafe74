"""Shared helpers: the copied R-package datasets and their expected outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from habeas.estimate.histories import CaptureHistories

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"
EXPECTED: dict[str, Any] = json.loads((DATA / "expected.json").read_text())["datasets"]
TRAFFICKING = [
    "uk_modern_slavery_2013_5lists",
    "netherlands_trafficking_5lists",
    "new_orleans_trafficking_5lists",
    "western_us_trafficking_5lists",
    "australia_trafficking_4lists",
]


def load(name: str) -> CaptureHistories:
    return CaptureHistories.from_table(DATA / f"{name}.csv")


def expected(name: str, prefix: str) -> dict[str, Any]:
    rows = [e for e in EXPECTED[name]["expected"] if e["method"].startswith(prefix)]
    assert len(rows) == 1, (name, prefix)
    assert rows[0]["status"] == "package_output_verified"
    return rows[0]
