"""Incidents: the list with filters, counts by month / type / facility / status with their
sources, and a form to add one (documenters).

Data from :mod:`habeas.document.incidents`. Victims' names are personal data:
shown only to roles that may read identities (others see how many victims).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from habeas import i18n
from habeas.access.reader import Reader, Withheld
from habeas.audit.reads import log_read
from habeas.document.incident_entry import IncidentSpec
from habeas.document.incidents import (
    count_incidents,
    incident_levels,
    list_incidents,
    record_incident,
    visible_to,
)
from habeas.domain.dates import DateParseError, parse_date
from habeas.errors import UsageError
from habeas.evidence.attachments import attachments_of
from habeas.messages import N_
from habeas.read.facilities import facility_names, unit_names
from habeas.read.sources import source_titles
from habeas.report.sharing import sharing_settings
from habeas.report.suppression import WITHHELD, below, protect, show
from habeas.store.db import Store
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.pages._common import Gettext, clean_text, fmt_date, jsonable, vocabulary_labels
from habeas.web.pages._withheld import withheld_notice
from habeas.web.pages.intake import source_choices
from habeas.web.views import action, page

#: Incidents listed per page (the counts always cover every incident).
PAGE_SIZE = 50
#: Victims named per incident on the page (``?victims=all`` for every one).
VICTIMS_SHOWN = 20


def _day(value: str | None, what: str, _: Gettext) -> date | None:
    value = clean_text(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            _("%(what)s: expected a date YYYY-MM-DD, not %(value)s.")
            % {"what": what, "value": value}
        ) from None


def choices(store: Store, *, reader: Reader) -> dict[str, Any]:
    return {
        "facilities": [f.name for f in facility_names(store)],
        "units": [{"facility": u.facility, "unit": u.unit} for u in unit_names(store)],
        "sources": source_titles(store, reader=reader),
    }


def incidents_data(
    store: Store,
    *,
    lang: str,
    _: Gettext,
    vocab: dict[str, dict[str, str]],
    show_victims: bool,
    type: str | None = None,
    facility: str | None = None,
    status: str | None = None,
    start: str | None = None,
    end: str | None = None,
    page: int = 1,
    all_victims: bool = False,
    reader: Reader | None = None,
    k: int | None = None,
) -> dict[str, Any]:
    """The filtered incidents, one page of the list (``PAGE_SIZE``), and all the counts.

    The counts cover only the incidents ``reader`` may see; with ``k`` (roles that may
    not read identities), counts below k are hidden (:func:`suppress_counts`).

    Each incident names at most ``VICTIMS_SHOWN`` victims unless ``all_victims``
    (an incident can name a whole cell); ``victims_count`` always gives the total.
    """
    types = [t] if (t := clean_text(type)) else None
    statuses = [s] if (s := clean_text(status)) else None
    fac = clean_text(facility)
    lo, hi = _day(start, _("From"), _), _day(end, _("To"), _)
    withheld, shown = Withheld(), Counter[str]()
    rows = list_incidents(store, types=types, facility=fac, statuses=statuses, start=lo, end=hi)
    if reader is not None:  # the page logs each view itself (this data is cached)
        rows = visible_to(rows, reader, withheld, shown)
    counts = count_incidents(
        store,
        types=types,
        facility=fac,
        statuses=statuses,
        start=lo,
        end=hi,
        levels=None if reader is None else incident_levels(reader),
    )
    acts, verif = vocab.get("act_type", {}), vocab.get("violation_status", {})
    months = {"spans several months": _("spans several months"), "undated": _("undated")}
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if not 1 <= page <= pages:
        raise UsageError(
            _("There is no page %(page)s (pages 1 to %(pages)s).") % {"page": page, "pages": pages}
        )
    items = []
    for r in rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        items.append(
            {
                "id": r.id,
                "type": r.act_type,
                "label": r.label(lang),
                "date": r.date,
                "date_local": fmt_date(r.date_earliest, lang)
                if r.date_precision == "exact"
                else r.date,
                "facility": r.facility,
                "unit": r.unit,
                "description": r.description,
                "status": r.verification_status,
                "status_label": r.status_label(lang),
                "sources": r.sources,
                "victims_count": len(r.victims),
                "victims": [
                    {
                        "person_id": v["person_id"],
                        "name": v["name"],
                        "source": v["source"],
                        "record_id": v["record_id"],
                    }
                    for v in (r.victims if all_victims else r.victims[:VICTIMS_SHOWN])
                ]
                if show_victims
                else [],
                "perpetrators": [
                    {
                        "role": p["role"],
                        "label": i18n.label(p, lang, "role_label"),
                        "unit": p["unit"],
                    }
                    for p in r.perpetrators
                ],
            }
        )
    return jsonable(
        suppress_counts(
            {
                "filters": {
                    "type": types[0] if types else "",
                    "facility": fac or "",
                    "status": statuses[0] if statuses else "",
                    "start": start or "",
                    "end": end or "",
                },
                "incidents": items,
                "page": page,
                "pages": pages,
                "listed": len(rows),
                "page_size": PAGE_SIZE,
                "count": counts.count,
                "by_type": [
                    {"code": k, "label": acts.get(k, k), "n": n} for k, n in counts.by_type.items()
                ],
                "by_status": [
                    {"code": k, "label": verif.get(k, k), "n": n}
                    for k, n in counts.by_status.items()
                ],
                "by_facility": [
                    {"label": k if k != "(no facility)" else _("(no facility)"), "n": n}
                    for k, n in counts.by_facility.items()
                ],
                "by_month": [
                    {"month": k, "label": months.get(k, k), "n": n}
                    for k, n in counts.by_month.items()
                ],
                "max_month": max(counts.by_month.values(), default=0),
                "uncertain_ids": counts.uncertain_ids,
                "undated": counts.undated,
                "withheld": withheld.to_dict() if withheld else {},
                "shown_levels": dict(shown),
                "sources": [
                    {
                        "title": ref.title,
                        "reliability": ref.reliability,
                        "incidents": ref.incidents,
                        "files": ref.files,
                    }
                    for ref in counts.sources
                ],
                "vocab": {
                    "types": [
                        {"code": k, "label": v}
                        for k, v in sorted(acts.items(), key=lambda kv: kv[1])
                    ],
                    "statuses": [{"code": k, "label": v} for k, v in verif.items()],
                    "perpetrators": [
                        {"code": k, "label": v}
                        for k, v in vocab.get("perpetrator_type", {}).items()
                    ],
                },
                "show_victims": show_victims,
            },
            k,
        )
    )


#: The count tables of the incident page: each is a breakdown of ``count``.
COUNT_TABLES = ("by_type", "by_status", "by_facility", "by_month")


def suppress_counts(data: dict[str, Any], k: int | None) -> dict[str, Any]:
    """The page's counts with those below ``k`` hidden ("<k"; "x" where the total would
    give one back), as the dashboard does for roles that may not read identities. A
    hidden count has no bar; ``None``: nothing is hidden."""
    if k is None or k == 1:
        return data
    total_hidden = False
    for name in COUNT_TABLES:
        rows = data[name]
        table = protect({i: row["n"] for i, row in enumerate(rows)}, {"count": range(len(rows))}, k)
        for i, row in enumerate(rows):
            row["n"] = table.cell(i)
        total_hidden = total_hidden or isinstance(table.total("count"), str)
    count = data["count"]
    if total_hidden:
        data["count"] = below(k) if 0 < count < k else WITHHELD
    else:
        data["count"] = show(count, k)
    data["undated"] = show(data["undated"], k)
    data["max_month"] = max(
        (m["n"] for m in data["by_month"] if isinstance(m["n"], int)), default=0
    )
    for ref in data["sources"]:
        ref["incidents"] = show(ref["incidents"], k)
    if data["withheld"]:  # how many were kept back is a count too; the levels are not said
        held = data["withheld"]
        data["withheld"] = {
            "total": show(held["total"], k),
            "counts": {kind: show(n, k) for kind, n in held["counts"].items()},
            "levels": {},
            "for_purpose": show(held["for_purpose"], k),
            "message": "",
        }
    data["suppressed_k"] = k
    return data


def add_incident(
    store: Store, form: dict[str, Any], actor: str, _: Gettext, reader: Reader | None = None
) -> int:
    """Record one incident from the add form; every problem is reported at once."""
    problems = []
    act = clean_text(form.get("act_type"))
    status = clean_text(form.get("verification_status"))
    source = clean_text(form.get("source"))
    if not act:
        problems.append(_("Choose the type of incident."))
    if not status:
        problems.append(_("Choose how well the incident is verified."))
    if not source:
        problems.append(_("Choose the source that reports the incident."))
    when = None
    date_text = clean_text(form.get("date"))
    if date_text:
        try:
            when = parse_date(date_text, "DMY")
        except DateParseError as exc:
            problems.append(
                _("Cannot read the date %(value)s: expected %(expected)s.")
                % {"value": date_text, "expected": exc.expected}
            )
    victims = []
    victim_record = clean_text(form.get("victim_record"))
    if victim_record:
        victims.append((clean_text(form.get("victim_source")) or source or "", victim_record))
    if problems:
        raise UsageError(" ".join(problems))
    assert act and status and source
    spec = IncidentSpec(
        act_type=act,
        verification_status=status,
        source_titles=[source],
        when=when,
        date_text=date_text,
        facility=clean_text(form.get("facility")),
        unit=clean_text(form.get("unit")),
        description=clean_text(form.get("description")),
        victims=victims,
    )
    return record_incident(store, spec, actor=actor, reader=reader)


# --------------------------------------------------------------------------- the pages


@page(
    "/incidents",
    permission="read_aggregates",
    template="incidents.html",
    name="incidents",
    nav=N_("Incidents"),
    nav_order=55,
    tags=["incidents"],
)
def incidents_page(
    ctx: Context,
    type: str | None = None,
    facility: str | None = None,
    status: str | None = None,
    start: str | None = None,
    end: str | None = None,
    page: int = 1,
    victims: str | None = None,
) -> dict[str, Any]:
    """Incidents with filters (type, facility, verification status, period) and their counts."""
    show_victims = ctx.allowed("read_identities")
    reader = ctx.reader
    k = (
        None
        if show_victims
        else cached(ctx.store, ("sharing_k",), lambda: sharing_settings(ctx.store).k)
    )
    data: dict[str, Any] = cached(
        ctx.store,
        (
            "incidents",
            ctx.lang,
            show_victims,
            type,
            facility,
            status,
            start,
            end,
            page,
            PAGE_SIZE,
            VICTIMS_SHOWN,
            victims == "all",
            reader.role,
            reader.purpose is not None,
            k,
        ),
        lambda: incidents_data(
            ctx.store,
            lang=ctx.lang,
            _=ctx._,
            vocab=vocabulary_labels(ctx.store, ctx.lang),
            show_victims=show_victims,
            type=type,
            facility=facility,
            status=status,
            start=start,
            end=end,
            page=page,
            all_victims=victims == "all",
            reader=reader,
            k=k,
        ),
    )
    log_read(
        ctx.store,
        reader,
        "incident",
        None,
        action="view",
        shown=data["shown_levels"],
        detail={"incidents": [i["id"] for i in data["incidents"]]},
    )
    data["withheld_notice"] = withheld_notice(ctx, data["withheld"])
    data["can_add"] = ctx.allowed("edit")
    data["incidents"], data["files_withheld"] = _with_files(ctx, data["incidents"])
    if data["can_add"] and not ctx.wants_json:
        levels = reader.levels("view")
        data["choices"] = cached(
            ctx.store, ("incident_choices", levels), lambda: choices(ctx.store, reader=reader)
        )
        data["levels"] = source_choices(ctx)["levels"]
    return data


def _with_files(ctx: Context, incidents: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Each listed incident with the files attached to it that the reader may see (copies:
    the listing itself is cached for every reader of the same role), and how many files
    are withheld from the reader."""
    if not incidents or not ctx.allowed("read_identities"):
        return incidents, 0
    found = attachments_of(ctx.store, ctx.reader, [("incident", i["id"]) for i in incidents])
    files: dict[str, list[dict[str, Any]]] = {}
    for item in found.items:
        files.setdefault(item.target_id, []).append(
            {
                "id": item.id,
                "filename": item.filename,
                "description": item.description,
                "sha256": item.sha256,
                "url": ctx.url("attachment_file", attachment_id=item.id),
            }
        )
    listed = [{**i, "files": files.get(str(i["id"]), [])} for i in incidents]
    return listed, found.withheld.total


@action(
    "/incidents/new",
    permission="edit",
    name="incident_add",
    redirect="/incidents",
    tags=["incidents"],
)
def incident_add(ctx: Context) -> dict[str, Any]:
    """Add an incident: act_type, verification_status, source, date, facility, unit, ..."""
    incident_id = add_incident(ctx.store, ctx.form, ctx.actor, ctx._, ctx.reader)
    if not ctx.wants_json:
        ctx.flash(ctx._("Incident %(id)s added.", id=incident_id), "ok")
    return {"incident_id": incident_id, "redirect": f"/incidents#incident-{incident_id}"}
