"""kill -9 during a large import leaves the store as it was (or, after the commit, complete).

A few trials per backend here (``KILL_TRIALS``, default 3; ``KILL_ROWS`` rows,
default 10,000); ``benchmarks/kill_import.py`` runs many more.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from habeas.store.db import Store
from habeas.workspace import Workspace
from tests.trust.helpers import import_manifest
from tests.trust.killing import build_csv, calibrate, run_trial

TRIALS = int(os.environ.get("KILL_TRIALS", "3"))
ROWS = int(os.environ.get("KILL_ROWS", "10000"))


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_csv(tmp_path_factory.mktemp("kill") / f"lista_{ROWS}.csv", ROWS)


def test_kill_9_during_import(
    store: Store, workspace: Workspace, big_csv: Path, tmp_path: Path
) -> None:
    import_manifest(store, tmp_path)  # the store already holds something
    store.close()
    timing = calibrate(workspace, big_csv, "Calibration")
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    trials = [run_trial(workspace, big_csv, ROWS, f"Trial {n}", rng, timing) for n in range(TRIALS)]
    report = "\n".join(
        f"  {t.outcome:9} killed while {t.killed_at} after {t.delay:.2f}s" for t in trials
    )
    print(
        f"\n{sum(t.survived for t in trials)} of {len(trials)} trials survived "
        f"(timing {timing[0]:.1f}s + {timing[1]:.1f}s):\n{report}"
    )
    assert all(t.survived for t in trials), report
