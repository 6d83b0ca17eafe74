"""Record linkage: records from many lists → persons (issue 3).

The public facade the CLI, the web UI and the benchmarks call:

* :func:`link` — one run (full, incremental or retrain); returns a
  :class:`LinkReport`.
* :func:`queue`, :func:`show`, :func:`decide`, :func:`undo`, :func:`explain` — the
  review queue (each takes the ``reader``: pairs it may not see are withheld) and
  why a person's records were joined.
* :func:`export_decisions`, :func:`import_decisions` — review in a spreadsheet.
* :func:`score_frame` — the model without a store (benchmarks): featurised
  records in, scored pairs out.

Modules: :mod:`~habeas.linkage.features` (records → features; residence
columns in :mod:`~habeas.linkage.residence`),
:mod:`~habeas.linkage.comparisons` (what each field's levels are),
:mod:`~habeas.linkage.model` (Splink settings, blocking, scoring, evidence),
:mod:`~habeas.linkage.training` (u, m and λ; sampled at scale),
:mod:`~habeas.linkage.cluster` (constrained clustering),
:mod:`~habeas.linkage.apply` (links and persons written),
:mod:`~habeas.linkage.run` (a run), :mod:`~habeas.linkage.review` (the queue). How it works, what it
can and cannot do, and its measured accuracy: ``docs/linkage.md``.
"""

from __future__ import annotations

from habeas.linkage.review import decide, explain, queue, show, undo
from habeas.linkage.review_csv import export_decisions, import_decisions
from habeas.linkage.run import LinkReport, link
from habeas.linkage.score import score_frame

__all__ = [
    "LinkReport",
    "decide",
    "explain",
    "export_decisions",
    "import_decisions",
    "link",
    "queue",
    "score_frame",
    "show",
    "undo",
]
