"""Exports and reports from the browser: what ``habeas export``, ``habeas publish aggregates``
and ``habeas report situation`` write, downloaded by the roles that may have them.

* ``GET /exports`` — the page: the tables the user may export (records, persons, links,
  events, legal facts) in CSV, XLSX or JSON; the aggregate tables (counts below k hidden);
  the situation report form.
* ``GET /exports/{what}/download?format=csv`` — one table, through the same library call
  as the CLI (:func:`habeas.report.export.export`) with the user's reader: rows above the
  level the role may export are withheld and counted (``X-Habeas-Withheld``), restricted
  rows need the session's purpose, and the export is written to the change log before the
  file is sent. Reporters' and witnesses' identities are never exported.
* ``GET /exports/aggregates/download?format=csv`` — the aggregate tables
  (:func:`habeas.report.aggregates.write_aggregates`) with the workspace's k (no personal data).
* ``GET /reports/situation`` — the situation report PDF (``read_aggregates``); incidents
  and sources above the user's clearance are left out (:mod:`habeas.report.situation_clearance`).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from starlette.responses import Response

from habeas import i18n
from habeas.access import policy
from habeas.errors import UsageError
from habeas.messages import N_
from habeas.read.facilities import facility_names
from habeas.report.export import FORMATS, TABLES, export
from habeas.web.context import Context
from habeas.web.views import page

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
TABLE_LABELS = {
    "records": N_("Records (one row per row of a source)"),
    "persons": N_("Persons"),
    "links": N_("Links record → person"),
    "events": N_("Custody events"),
    "legal-facts": N_("Legal facts"),
}
assert set(TABLE_LABELS) == set(TABLES)
AGGREGATE_FORMATS = ("csv", "json")


def _download(
    content: bytes, name: str, fmt: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', **(headers or {})},
    )


def _format(ctx: Context, value: str | None, allowed: tuple[str, ...]) -> str:
    fmt = (value or allowed[0]).lower()
    if fmt not in allowed:
        raise UsageError(
            ctx._("Unknown format %(fmt)s; choose one of %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(allowed)}
        )
    return fmt


def _day(ctx: Context, value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            ctx._("%(field)s: expected a date such as 2025-03-15.") % {"field": field}
        ) from None


@page(
    "/exports",
    permission="read_aggregates",
    template="exports.html",
    name="exports",
    nav=N_("Exports and reports"),
    nav_order=70,
    tags=["exports"],
)
def exports_page(ctx: Context) -> dict[str, Any]:
    """What this user may download: tables, aggregates, the situation report."""
    may_export = policy.max_level(ctx.role, "export")
    return {
        "tables": [
            {
                "what": what,
                "label": ctx._(label),
                "links": {fmt: f"/exports/{what}/download?format={fmt}" for fmt in FORMATS},
            }
            for what, label in TABLE_LABELS.items()
        ]
        if may_export
        else [],
        "export_level": may_export,
        "purpose": ctx.reader.purpose,
        "purpose_url": ctx.purpose_url if may_export else None,
        "aggregates": {
            fmt: f"/exports/aggregates/download?format={fmt}" for fmt in AGGREGATE_FORMATS
        },
        "facilities": [f.name for f in facility_names(ctx.store)],
        "situation_url": "/reports/situation",
    }


@page(
    "/exports/aggregates/download",
    permission="read_aggregates",
    name="export_aggregates",
    json=False,
    tags=["exports"],
)
def export_aggregates(ctx: Context, format: str | None = None) -> Response:
    """The aggregate tables (counts below the workspace's k hidden), as CSV or JSON."""
    from habeas.report.public_figures import write_aggregates
    from habeas.report.sharing import sharing_settings

    fmt = _format(ctx, format, AGGREGATE_FORMATS)
    with tempfile.TemporaryDirectory(prefix="habeas-export-") as tmp:
        path = Path(tmp) / f"aggregates-{ctx.lang}.{fmt}"
        write_aggregates(ctx.store, path, k=sharing_settings(ctx.store).k, lang=ctx.lang, fmt=fmt)
        content = path.read_bytes()
    return _download(content, path.name, fmt)


@page(
    "/exports/{what}/download",
    permission="read_identities",
    name="export_table",
    json=False,
    tags=["exports"],
)
def export_table(ctx: Context, what: str, format: str | None = None) -> Response:
    """One table (records, persons, links, events, legal-facts) as CSV, XLSX or JSON.

    Rows above the level the user's role may export are withheld (counted in the
    ``X-Habeas-Withheld`` header); the export is logged before the file is sent."""
    if what not in TABLES:
        raise UsageError(
            ctx._("Cannot export %(what)s; choose one of %(tables)s.")
            % {"what": what, "tables": ", ".join(TABLES)}
        )
    fmt = _format(ctx, format, FORMATS)
    with tempfile.TemporaryDirectory(prefix="habeas-export-") as tmp:
        path = Path(tmp) / f"{what}.{fmt}"
        result = export(ctx.store, what, path, fmt, reader=ctx.reader)
        content = path.read_bytes()
    return _download(
        content,
        path.name,
        fmt,
        {"X-Habeas-Rows": str(result.rows), "X-Habeas-Withheld": str(result.withheld.total)},
    )


@page(
    "/reports/situation",
    permission="read_aggregates",
    name="situation_report",
    json=False,
    tags=["exports"],
)
def situation_pdf(
    ctx: Context,
    facility: str | None = None,
    flight: str | None = None,
    start: str | None = None,
    end: str | None = None,
    lang: str | None = None,
) -> Response:
    """The situation report (PDF) for a facility, a flight or a period, in es or en."""
    from habeas.report.situation_render import situation_report

    language = i18n.check_language(lang or ctx.lang)
    with tempfile.TemporaryDirectory(prefix="habeas-situation-") as tmp:
        path = situation_report(
            ctx.store,
            Path(tmp) / "situation.pdf",
            facility=facility or None,
            flight=flight or None,
            start=_day(ctx, start, ctx._("From")),
            end=_day(ctx, end, ctx._("To")),
            lang=language,
            fmt="pdf",
            register=ctx.settings.site_name,
            clearance=policy.CLEARANCE.get(ctx.role, policy.PUBLIC),
        )
        content = path.read_bytes()
    scope = "-".join(p for p in (facility, flight, start, end) if p) or "all"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scope).strip("-").lower()
    return _download(content, f"situation-{safe or 'all'}-{language}.pdf", "pdf")
