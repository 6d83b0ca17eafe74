"""The situation report on the page: small counts hidden, charts drawn, HTML or PDF written.

:mod:`habeas.report.situation` gathers the figures (:class:`SituationReport`); this
module hides every count below the workspace's threshold (``k``, complementary
suppressions included: :mod:`habeas.report.suppression`), draws the charts
without the bars that would show a hidden count, and renders the document.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from habeas import i18n
from habeas.document.thresholds import THRESHOLDS
from habeas.report import charts, render
from habeas.report.sharing import effective_k
from habeas.report.situation import SituationReport, build_situation
from habeas.report.suppression import protect, show
from habeas.store.db import Store


def _distribution(counts: dict[str, int], k: int) -> tuple[dict[str, Any], Any]:
    table = protect(counts, {"total": list(counts)}, k)
    return {key: table.cell(key) for key in counts}, table.total("total")


def suppressed_counts(report: SituationReport, k: int) -> dict[str, Any]:
    """Every count the report shows, with small cells hidden (``"<k"`` or ``"x"``)."""
    statuses = ("raised", "not_raised", "undetermined")
    gap_statuses = ("known", "partial", "unknown", "not_applicable")
    whereabouts, persons = _distribution(report.whereabouts, k)
    events_by_type, events = _distribution(report.events_by_type, k)
    by_type, incidents = _distribution(report.incident_count.by_type, k)
    by_status, _n = _distribution(report.incident_count.by_status, k)
    if not report.whereabouts:
        persons = show(len(report.persons), k)
    return {
        "k": k,
        "persons": persons,
        "events": events,
        "incidents": incidents,
        "whereabouts": whereabouts,
        "events_by_type": events_by_type,
        "unaccounted_for": whereabouts.get("unaccounted_for", 0),
        "incommunicado": show(report.incommunicado, k),
        "flags": [
            {**f, **_distribution({s: f.get(s, 0) for s in statuses}, k)[0]} for f in report.flags
        ],
        "gaps": [
            {**g, **_distribution({s: g.get(s, 0) for s in gap_statuses}, k)[0]}
            for g in report.gaps
        ],
        "incidents_by_type": by_type,
        "incidents_by_status": by_status,
        "victims": {r.id: show(len(r.victims), k) for r in report.incidents},
        "uncertain": show(len(report.incident_count.uncertain_ids), k),
        "not_charted": show(report.events_not_charted, k),
    }


def _weekly_at_least(events: list[tuple[date, str]], k: int) -> list[tuple[date, str]]:
    """The charted events without the (week, type) bars that would show fewer than k."""

    def week(day: date) -> date:
        return date.fromordinal(day.toordinal() - day.weekday())

    sizes = Counter((week(day), kind) for day, kind in events)
    return [(day, kind) for day, kind in events if sizes[(week(day), kind)] >= k]


def render_situation(
    report: SituationReport,
    lang: str,
    store: Store,
    register: str | None = None,
    k: int | None = None,
) -> str:
    """The report as one self-contained HTML document (charts embedded).

    ``k``: counts below it are hidden (default: the workspace's setting)."""
    lang = i18n.check_language(lang)
    _ = i18n.gettext_for(lang)
    idx = 1 if lang == "es" else 0

    def labels(vocabulary: str) -> dict[str, str]:
        return {code: pair[idx] for code, pair in report.labels.get(vocabulary, {}).items()}

    k = effective_k(store, k)
    chart = {
        "events": charts.events_chart(
            _weekly_at_least(report.events_charted, k), labels("event_type"), _
        ),
        "incidents": charts.stacked_months_chart(
            {
                month: {t: n for t, n in per.items() if n >= k}
                for month, per in report.incidents_by_month_type.items()
            },
            labels("act_type"),
            _,
            _("incidents"),
        ),
        "population": charts.population_chart(report.conditions, _) if report.conditions else None,
        "space": charts.space_chart(report.conditions, _) if report.conditions else None,
    }
    return render.render_html(
        "situation.html",
        lang,
        r=report,
        chart=chart,
        prov=render.provenance(store, register),
        thresholds=THRESHOLDS,
        vocab=labels,
        shown=suppressed_counts(report, k),
        max_gap_days=(report.conditions.max_gap_days if report.conditions else None),
    )


def situation_report(
    store: Store,
    path: Path,
    *,
    facility: str | None = None,
    flight: str | None = None,
    start: date | None = None,
    end: date | None = None,
    lang: str = "en",
    fmt: str | None = None,
    register: str | None = None,
    k: int | None = None,
    clearance: str | None = None,
) -> Path:
    """Build and write the situation report to ``path`` (HTML or PDF); counts below ``k``
    (default: the workspace's setting) are hidden. With ``clearance`` (the reader's, see
    :data:`habeas.access.policy.CLEARANCE`) incidents and sources above it are left out
    (:mod:`habeas.report.situation_clearance`)."""
    k = effective_k(store, k)
    report = build_situation(
        store,
        facility=facility,
        flight=flight,
        start=start,
        end=end,
        lang=i18n.check_language(lang),
    )
    if clearance is not None:
        from habeas.report.situation_clearance import within_clearance

        within_clearance(store, report, clearance)
    return render.write(render_situation(report, lang, store, register, k), path, fmt)
