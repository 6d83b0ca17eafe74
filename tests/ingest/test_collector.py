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
def test_each_batch_frees_the_cycles_it_left() -> None:
    with BatchCollector(full_every=3) as collector:
        for _ in range(4):
            left = _cycle()
            assert left() is not None  # the automatic collector is paused
            collector.batch_done()
            assert left() is None


@pytest.mark.usefixtures("collector_running")
def test_an_older_cycle_is_freed_by_the_full_collection() -> None:
    with BatchCollector(full_every=3) as collector:
        holder = [_Node()]
        holder[0].other = holder[0]
        old = weakref.ref(holder[0])
        collector.batch_done()  # alive: moves to the oldest generation
        holder.clear()  # garbage now, in the oldest generation
        collector.batch_done()
        assert old() is not None  # the young collection leaves it
        collector.batch_done()  # the third: everything
        assert old() is None
