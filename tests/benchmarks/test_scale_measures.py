"""The scale benchmarks' measures: CPU of a leg's whole process tree (a Spark leg's JVM is
a child of the worker), the stage log of a long leg, and the import's memory by rows."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from typing import Any

import pytest

linkage_bench = importlib.import_module("benchmarks.linkage")
import_csv = importlib.import_module("benchmarks.import_csv")

BURN = (
    "import time\n"
    "t = time.process_time()\n"
    "while time.process_time() - t < 0.5:\n"
    "    pass\n"
    "time.sleep(60)\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_tree_cpu_counts_a_grandchild() -> None:
    """The worker's child (the JVM, here a Python that burns half a CPU second) is counted."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BURN!r}])",
        ]
    )
    try:
        seen: dict[int, float] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            linkage_bench._tree_cpu_seconds(parent.pid, seen)
            if sum(v for p, v in seen.items() if p != parent.pid) >= 0.45:
                break
            time.sleep(0.2)
        others = {p: v for p, v in seen.items() if p != parent.pid}
        assert others, "the grandchild was never seen"
        assert sum(others.values()) >= 0.45
        assert seen[parent.pid] < 0.45  # the parent itself only waits
    finally:
        for child in subprocess.run(
            ["pgrep", "-P", str(parent.pid)], capture_output=True, text=True
        ).stdout.split():
            subprocess.run(["kill", child])
        parent.kill()
        parent.wait()


def test_tree_cpu_of_a_gone_process_is_left_out() -> None:
    seen: dict[int, float] = {}
    linkage_bench._tree_cpu_seconds(2**22 + 12345, seen)  # above pid_max's default
    assert seen == {}


def test_stage_log_keeps_the_link_signature_and_its_progress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import inspect

    import habeas.linkage as linkage

    calls: list[tuple[str, int, int]] = []

    def fake_link(store: Any, *, actor: str = "", progress: Any = None) -> str:
        for stage in ("features", "features", "training", "scoring"):
            progress(stage, 1, 2)
        return f"linked {store}"

    monkeypatch.setattr(linkage, "link", fake_link)
    linkage_bench._log_stages("habeas-spark")
    assert "progress" in inspect.signature(linkage.link).parameters  # the harness asks
    assert linkage.link("s", progress=lambda *a: calls.append(a)) == "linked s"
    assert [c[0] for c in calls] == ["features", "features", "training", "scoring"]
    logged = [line for line in capsys.readouterr().err.splitlines() if "[habeas-spark]" in line]
    assert [line.split("]")[1].split()[0] for line in logged] == ["features", "training", "scoring"]


def test_memory_watch_marks_each_step_once_and_samples() -> None:
    watch = import_csv.MemoryWatch(step=10, every_s=0.01)
    watch.written(9)
    assert watch.by_step == []
    watch.written(25)  # one batch crossing two steps
    watch.written(29)
    time.sleep(0.2)
    out = watch.stop()
    assert [m["rows"] for m in out["by_million"]] == [10, 20]
    assert all(m["peak_mb"] >= m["rss_mb"] > 0 for m in out["by_million"])
    assert out["samples"] and out["sampled_max_mb"] > 0
    count = len(out["samples"])
    time.sleep(0.05)
    assert len(watch.samples) == count  # stopped
