"""Concurrent writers on PostgreSQL lose nothing.

Several processes import different files while other processes and threads add
vocabulary terms and log file views, all released at the same instant. Then:
every import is there with all its rows, every term is there, the change log
has exactly one entry per operation with no missing or duplicate sequence
number, and the chain verifies. ``CONCURRENT_RUNS`` repeats the whole round
(default 1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from habeas.evidence import add_file, read_file
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry, Record, Source, VocabularyTerm
from habeas.store.vocabulary import add_term
from habeas.workspace import Workspace
from tests.trust.killing import REPO, build_csv

IMPORTERS = 3
ROWS = 1500
VOCAB_PROCS = 2
TERMS_PER_PROC = 10
THREADS = 3
OPS_PER_THREAD = 5
RUNS = int(os.environ.get("CONCURRENT_RUNS", "1"))


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.trust.concurrent_child", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def one_round(store: Store, workspace: Workspace, tmp_path: Path, tag: str) -> dict[str, int]:
    with store.read() as s:
        log_before = s.execute(select(func.count()).select_from(ChangeLogEntry)).scalar() or 0
    files = [
        build_csv(tmp_path / f"list-{tag}-{n}.csv", ROWS, seed=hash((tag, n)) % 10_000)
        for n in range(IMPORTERS)
    ]
    evidence = tmp_path / f"photo-{tag}.bin"
    evidence.write_bytes(f"synthetic evidence {tag}".encode())
    photo = add_file(store, evidence, actor="setup")
    (workspace.root / "go").unlink(missing_ok=True)
    procs: list[tuple[str, subprocess.Popen[str]]] = [
        (f"import {n}", _child("import", str(workspace.root), str(f), f"List {tag}-{n}"))
        for n, f in enumerate(files)
    ]
    procs += [
        (f"vocab {n}", _child("vocab", str(workspace.root), f"p{tag}_{n}", str(TERMS_PER_PROC)))
        for n in range(VOCAB_PROCS)
    ]
    errors: list[str] = []

    def thread_work(n: int) -> None:
        try:
            for k in range(OPS_PER_THREAD):
                add_term(store, "source_kind", f"t{tag}_{n}_{k}", "t", "t", [], actor=f"th{n}")
                read_file(store, photo, actor=f"th{n}", purpose="concurrency test")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"thread {n}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=thread_work, args=(n,)) for n in range(THREADS)]
    (workspace.root / "go").touch()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for label, proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0 or not out.startswith("OK"):
            errors.append(f"process {label}: exit {proc.returncode}: {err[-1500:]}")
    assert not errors, "\n".join(errors)

    expected_ops = IMPORTERS + VOCAB_PROCS * TERMS_PER_PROC + THREADS * OPS_PER_THREAD * 2
    with store.read() as s:
        for n in range(IMPORTERS):
            source = s.execute(select(Source).where(Source.title == f"List {tag}-{n}")).scalar_one()
            count = s.execute(
                select(func.count()).select_from(Record).where(Record.source_id == source.id)
            ).scalar()
            assert count == ROWS
        terms = s.execute(
            select(func.count())
            .select_from(VocabularyTerm)
            .where(
                VocabularyTerm.code.like(f"p{tag}\\_%", escape="\\")
                | VocabularyTerm.code.like(f"t{tag}\\_%", escape="\\")
            )
        ).scalar()
        assert terms == VOCAB_PROCS * TERMS_PER_PROC + THREADS * OPS_PER_THREAD
        seqs = list(s.execute(select(ChangeLogEntry.seq).order_by(ChangeLogEntry.seq)).scalars())
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no duplicate
    assert len(seqs) == log_before + 1 + expected_ops  # +1: the add_file above
    check = store.verify_log()
    assert check.ok, check.problems
    # log.head (kept outside the database) names the newest entry, not an older one
    assert store.recorded_head() == (check.head_seq, check.head_hash)
    return {"operations": expected_ops + 1, "log_entries": len(seqs)}


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_concurrent_writers_lose_nothing(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    for run in range(RUNS):
        figures = one_round(store, workspace, tmp_path, f"r{run}")
        print(
            f"\nrun {run + 1}/{RUNS}: {figures['operations']} concurrent operations, "
            f"{figures['log_entries']} log entries, chain verifies"
        )
