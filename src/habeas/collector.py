"""Python's cycle collector during a long bulk run (an import of millions of rows).

An import allocates dozens of small containers per row (the row's cells and values, its
prepared record, its search keys, the tuples handed to the driver) and keeps tens of
thousands of them alive at once (a batch of prepared rows, the caches of names, dates and
key digests). Nearly none is in a reference cycle (a few thousand cyclic objects in an
import of 100,000 rows, from the database layer), so the collector frees next to nothing
there; but it runs every 700 allocations, and each of its older passes walks every object
the process holds, caches included: a fifth to a quarter of an import's CPU.

:class:`BatchCollector` pauses the automatic collector for the run and collects at the
points the run chooses instead (after each batch written): the young objects then, and
everything every :data:`FULL_EVERY` batches, so that cyclic garbage cannot pile up however
long the run is (memory stays flat). The collector is resumed afterwards, if it ran before.
"""

from __future__ import annotations

import gc
from types import TracebackType

#: Batches between two full collections (each batch: the young generations only).
FULL_EVERY = 10


class BatchCollector:
    """``with BatchCollector() as collector: ... collector.batch_done() ...``"""

    def __init__(self, full_every: int = FULL_EVERY) -> None:
        self.full_every = full_every
        self.batches = 0
        self._was_running = False

    def __enter__(self) -> BatchCollector:
        self._was_running = gc.isenabled()
        gc.disable()
        return self

    def batch_done(self) -> None:
        """A batch is done: collect what it left (all generations every ``full_every``)."""
        self.batches += 1
        gc.collect(2 if self.batches % self.full_every == 0 else 1)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._was_running:
            gc.enable()
