"""Python's cycle collector during a long bulk run (an import of millions of rows).

An import allocates dozens of small containers per row (the row's cells and values, its
prepared record, its search keys, the tuples handed to the driver) and keeps tens of
thousands of them alive at once (a batch of prepared rows, the caches of names, dates and
key digests). Nearly none is in a reference cycle, so the collector frees next to nothing
there; but it runs every 700 allocations, and each of its older passes walks every object
the process holds, caches included: a fifth to a quarter of an import's CPU.

:class:`BatchCollector` pauses the automatic collector for the run and collects at the
points the run chooses instead: everything, every :data:`FULL_EVERY` batches, so that cyclic
garbage cannot pile up however long the run is (memory stays flat). An import of 100,000
rows leaves about 1,200 cyclic objects (1 MB, SQLAlchemy's statements of each batch); a
full pass costs about 0.4 CPU s (a pass of the young objects alone after each batch, 0.12
s, would cost more than the garbage it frees). The collector is resumed afterwards, if it
ran before. The switch is the process's: two imports at once in one process (the web
application's threads) leave it running when both are done, the second possibly with the
collector back on before it ends (slower, not wrong).
"""

from __future__ import annotations

import gc
from types import TracebackType

#: Batches between two collections (25 batches of 20,000 rows: one pass per 500,000 rows).
FULL_EVERY = 25


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
        """A batch is done: every ``full_every`` batches, collect what they left."""
        self.batches += 1
        if self.batches % self.full_every == 0:
            gc.collect()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._was_running:
            gc.enable()
