"""Fuzzing the importers: malformed CSV, XLSX, JSON and JSON Lines never crash habeas.

Each format gets ``FUZZ_EXAMPLES`` (default 200) hypothesis cases; every case
must end in a successful import or a ``HabeasError`` with a message, and a
refused import must leave the database and the file store exactly as they were.
The readers do not depend on the backend, so this runs on SQLite; the all-or-
nothing write is exercised on both backends by the kill -9 tests.
The long run is ``benchmarks/fuzz_import.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings

from habeas.store.db import Store
from habeas.workspace import init_workspace
from tests.trust.fuzzing import FORMATS, FuzzTally, check_import, snapshot

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    old = os.environ.pop("HABEAS_DATABASE_URL", None)
    try:
        root = tmp_path_factory.mktemp("fuzz")
        store = Store.open(init_workspace(root / "ws"), create=True)
    finally:
        if old is not None:
            os.environ["HABEAS_DATABASE_URL"] = old
    (root / "in").mkdir()
    yield store, root / "in"
    store.close()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_malformed_files_are_refused_cleanly_and_write_nothing(
    fmt: str, fuzz_store: tuple[Store, Path]
) -> None:
    store, folder = fuzz_store
    tally = FuzzTally()
    state = {"before": snapshot(store)}

    @seed(20250315)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(FORMATS[fmt])
    def case(data: bytes) -> None:
        state["before"] = check_import(store, folder, fmt, data, tally, state["before"])

    case()
    print(
        f"\n{fmt}: {tally.cases} cases, {tally.refused} refused, {tally.imported} imported, "
        f"{len(tally.failures)} failures"
    )
    assert tally.cases >= min(EXAMPLES, 50)
    assert tally.refused > 0  # the generator does produce malformed files
    assert not tally.failures, "\n".join(tally.failures[:20])
