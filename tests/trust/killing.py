"""kill -9 during a large import: one trial, shared by the test and ``benchmarks/kill_import.py``.

A trial starts a child process that imports a large synthetic CSV into a
workspace, waits for a random moment — mostly inside the write transaction,
sometimes while rows are still being checked — and sends SIGKILL. Then it
reopens the store and checks that it is in one of exactly two states:

* **before**: every table as before the trial (``db_snapshot``), the change log
  verifies and its recorded head is unchanged — this is what a kill before the
  commit must leave;
* **complete**: the kill came after the commit (or during it, before the child
  heard back): the whole import is there (every row), and the log verifies.

The file store may have gained only complete content-addressed files (the
import stores its file before the transaction) and ``.incoming-`` temporary
files of a copy that was cut short; both are allowed. Temporary files are not
cleaned when a workspace is opened (an open cannot tell a dead writer's file
from a live one's); ``habeas evidence verify --remove-stale-temp`` removes old
ones.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from habeas.store.db import Store
from habeas.store.schema import Record, Source
from habeas.synth.flat_list import flat_list_headers, write_flat_list
from habeas.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
HEADERS = flat_list_headers(cedula=False)


def build_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """A synthetic list (fictional people from the generator's name pools)."""
    return write_flat_list(path, rows, seed=seed, cedula=False)


def files_state(store: Store) -> dict[str, str]:
    assert store.files is not None
    root = store.files.root
    return {
        os.path.relpath(os.path.join(d, n), root): os.path.join(d, n)
        for d, _, names in os.walk(root)
        for n in names
    }


def snapshot(store: Store) -> dict[str, Any]:
    from tests.conftest import db_snapshot

    return db_snapshot(store)


@dataclass
class Trial:
    outcome: str  # "before", "complete" or "FAILED: ..."
    killed_at: str  # "checking rows" or "writing" or "after DONE"
    delay: float
    child_seconds: float

    @property
    def survived(self) -> bool:
        return not self.outcome.startswith("FAILED")


class _Reader(threading.Thread):
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.proc = proc
        self.planned = threading.Event()
        self.done = threading.Event()
        self.lines: list[str] = []

    def run(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if line.startswith("PLANNED"):
                self.planned.set()
            elif line.startswith("DONE"):
                self.done.set()


def run_trial(
    workspace: Workspace,
    csv_path: Path,
    rows: int,
    title: str,
    rng: random.Random,
    timing: tuple[float, float],
) -> Trial:
    """One kill -9 trial; ``timing`` is (seconds until rows are checked, seconds of writing)."""
    store = Store.open(workspace)
    before = snapshot(store)
    head_before = store.recorded_head()
    files_before = files_state(store)
    store.close()
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.trust.kill_child", str(workspace.root), str(csv_path), title],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reader = _Reader(proc)
    reader.start()
    if rng.random() < 0.2:  # while the child starts up, reads and checks rows
        delay = rng.uniform(0.0, timing[0])
        time.sleep(delay)
    else:  # inside the write: files stored, then one transaction, then the commit
        if not reader.planned.wait(600):
            proc.kill()
            proc.wait()
            return Trial(
                "FAILED: the child never finished checking rows: "
                + (proc.stderr.read()[-500:] if proc.stderr else ""),
                "",
                0,
                0,
            )
        delay = rng.uniform(0.0, timing[1] * 0.8)
        time.sleep(delay)
    phase = (
        "after DONE"
        if reader.done.is_set()
        else ("writing" if reader.planned.is_set() else "checking rows")
    )
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(5)
    stderr = proc.stderr.read() if proc.stderr else ""
    elapsed = time.monotonic() - started
    if proc.returncode not in (-signal.SIGKILL, 0):
        return Trial(
            f"FAILED: the child failed by itself ({proc.returncode}): {stderr[-800:]}",
            phase,
            delay,
            elapsed,
        )
    return Trial(
        _check(workspace, before, head_before, files_before, rows, title), phase, delay, elapsed
    )


def _check(
    workspace: Workspace,
    before: dict[str, Any],
    head_before: tuple[int, str] | None,
    files_before: dict[str, str],
    rows: int,
    title: str,
) -> str:
    store = Store.open(workspace)
    try:
        verified = store.verify_log()
        if not verified.ok:
            return f"FAILED: the change log does not verify: {verified.problems}"
        for name, path in files_state(store).items():
            if name in files_before:
                continue
            base = os.path.basename(name)
            if base.startswith(".incoming-"):
                continue
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            if digest != base:
                return f"FAILED: a file in the store does not match its hash name: {name}"
        if snapshot(store) == before:
            if store.recorded_head() != head_before:
                return "FAILED: the database is as before but log.head moved"
            return "before"
        with store.read() as session:
            source = session.execute(
                select(Source).where(Source.title == title)
            ).scalar_one_or_none()
            count = session.execute(
                select(func.count())
                .select_from(Record)
                .where(Record.source_id == (source.id if source else -1))
            ).scalar()
        if source is None or count != rows:
            return f"FAILED: a partial import is visible ({count} of {rows} rows)"
        if verified.entries != len(before["change_log"]) + 1:
            return "FAILED: the import is there but the log did not gain exactly one entry"
        return "complete"
    finally:
        store.close()


def calibrate(workspace: Workspace, csv_path: Path, title: str) -> tuple[float, float]:
    """Run one import to completion: (seconds until rows are checked, seconds of writing)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.trust.kill_child", str(workspace.root), str(csv_path), title],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    planned_at = done_at = None
    for line in proc.stdout:
        if line.startswith("PLANNED"):
            planned_at = time.monotonic()
        elif line.startswith("DONE"):
            done_at = time.monotonic()
    proc.wait()
    if proc.returncode != 0 or planned_at is None or done_at is None:
        raise RuntimeError(
            "calibration import failed: " + (proc.stderr.read() if proc.stderr else "")
        )
    return planned_at - started, max(done_at - planned_at, 0.2)
