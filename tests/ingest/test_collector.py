"""The cycle collector during an import: paused, collected after each batch, resumed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from habeas.collector import BatchCollector


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def collector_running() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_running")
def test_paused_within_and_resumed_after() -> None:
    with BatchCollector():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_running")
def test_resumed_after_a_failure() -> None:
    with pytest.raises(RuntimeError), BatchCollector():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_not_resumed_when_it_was_not_running() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with BatchCollector():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_running")
def test_two_overlapping_runs_leave_it_running() -> None:
    first, second = BatchCollector(), BatchCollector()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_running")
def test_the_cycles_left_are_freed_every_few_batches() -> None:
    with BatchCollector(full_every=3) as collector:
        for _ in range(2):
            left = [_cycle() for _ in range(3)]
            assert all(ref() is not None for ref in left)  # the automatic collector is paused
            collector.batch_done()
            collector.batch_done()
            assert all(ref() is not None for ref in left)  # not yet
            collector.batch_done()  # the third: everything
            assert all(ref() is None for ref in left)
