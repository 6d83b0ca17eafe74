"""The situation report for a reader who may not read everything it could name.

The report is made of aggregates, but it also lists the incidents in scope and the
sources behind its figures. For a reader below the top clearance (an analyst: internal)
:func:`within_clearance` takes out of the report every incident and source above that
level, and the titles of such sources from the incidents that cite them; the counts,
which are aggregates with small cells hidden, stay. The number taken out is kept on
the report (``withheld_sources``, ``withheld_incidents``) so the document says so.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from habeas.access import policy
from habeas.access.levels import levels_of
from habeas.store.db import Store

if TYPE_CHECKING:
    from habeas.report.situation import SituationReport


def within_clearance(store: Store, report: SituationReport, clearance: str) -> None:
    """Drop from ``report`` (a :class:`~habeas.report.situation.SituationReport`) the
    incidents and sources above ``clearance``; count what was dropped."""
    top = policy.rank(policy.check_level(clearance))
    sources = report.sources
    incidents = report.incidents
    with store.read() as s:
        source_levels = levels_of(s, "source", [src["id"] for src in sources])
        incident_levels = levels_of(s, "incident", [i.id for i in incidents])

    def ok(level: str | None) -> bool:
        return policy.rank(level or policy.RESTRICTED) <= top

    hidden_titles = {src["title"] for src in sources if not ok(source_levels.get(src["id"]))}
    kept_sources = [src for src in sources if ok(source_levels.get(src["id"]))]
    kept_incidents = [
        dataclasses.replace(i, sources=[t for t in i.sources if t not in hidden_titles])
        for i in incidents
        if ok(incident_levels.get(i.id))
    ]
    report.withheld_sources = len(sources) - len(kept_sources)
    report.withheld_incidents = len(incidents) - len(kept_incidents)
    report.sources = kept_sources
    report.incidents = kept_incidents
