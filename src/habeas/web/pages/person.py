"""The person page: everything the register holds about one person, each value with its source.

Data from :func:`habeas.trace.person_summary` (identity per field with
provenance, records, custody timeline with contradictions, whereabouts, legal
facts, due-process flags, register gaps, sources and file hashes),
:func:`habeas.document.incidents.list_incidents` (incidents naming the person)
and :func:`habeas.linkage.explain` (why these records were joined). Texts are
translated here; codes stay beside them.

Everything goes through the logged-in user's reader (``ctx.reader``): records,
sources, files and incidents above the user's clearance are withheld and counted
(``withheld``), restricted ones need the session's purpose (``purpose_url``), and
the reporters' and witnesses' identities (``protected``) appear only for roles
cleared for witness_protected.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from starlette.responses import Response

from habeas import i18n
from habeas.access.reader import Reader
from habeas.document.incidents import list_incidents
from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.errors import NotFound
from habeas.i18n_withheld import FOR_PURPOSE, withheld_said
from habeas.linkage import explain
from habeas.messages import N_
from habeas.store.db import Store
from habeas.trace.items import fact_label
from habeas.web.context import Context
from habeas.web.country_names import country_name
from habeas.web.pages._common import (
    Gettext,
    fmt_date,
    jsonable,
    status_text,
    vocabulary_labels,
)
from habeas.web.pages._person_entries import person_entries
from habeas.web.pages._person_ids import id_notices, retired_redirect
from habeas.web.pages._withheld import withheld_notice
from habeas.web.views import page

IDENTITY_FIELDS = (
    ("names", N_("Name")),
    ("dates_of_birth", N_("Date of birth")),
    ("identifiers", N_("Identity documents")),
    ("nationalities", N_("Nationality")),
    ("sexes", N_("Sex")),
    ("countries_of_birth", N_("Country of birth")),
    ("residences", N_("Place of residence")),
)

ID_TYPES = ID_TYPE_LABELS

LINK_METHODS = {
    "model": N_("linkage model"),
    "human": N_("human decision"),
    "single": N_("only record"),
    "deterministic": N_("same document number"),
}


def _conflicting(key: str, variants: list[dict[str, Any]]) -> int:
    """How many variants of one value the records give (more than one: they disagree).
    For identity documents, per type: an A-number and a cédula are two documents, not
    two variants of one."""
    if key != "identifiers":
        return len(variants)
    kinds = Counter(v["code"].partition(":")[0].removesuffix(" (invalid)") for v in variants)
    return max(kinds.values(), default=0)


def _identifier_value(value: str, _: Gettext) -> str:
    """``a_number: 230119595`` → ``A-number: 230119595`` in the reader's language."""
    kind, sep, rest = value.partition(":")
    invalid = " (invalid)"
    bad = kind.endswith(invalid)
    kind = kind.removesuffix(invalid)
    if not sep or kind not in ID_TYPES:
        return value
    label = _(ID_TYPES[kind])
    return f"{label} ({_('invalid')}):{rest}" if bad else f"{label}:{rest}"


PROTECTED_LABELS = {
    "reporter_name": N_("Reported by"),
    "reporter_contact": N_("Contact"),
    "reporter_relationship": N_("Relationship"),
    "witness_name": N_("Witness"),
    "witness_contact": N_("Witness contact"),
}


def withheld_text(withheld: dict[str, Any], lang: str) -> str:
    """ "Withheld: 3 items at a level you may not see" in the reader's language."""
    if not withheld:
        return ""
    translations = i18n.translator(lang)
    text = withheld_said(translations, withheld["total"])
    if withheld.get("for_purpose"):
        text += " " + withheld_said(translations, withheld["for_purpose"], FOR_PURPOSE)
    return text


def build_person(
    store: Store,
    person_id: int,
    *,
    lang: str,
    _: Gettext,
    vocab: dict[str, dict[str, str]],
    can_dossier: bool,
    reader: Reader | None = None,
) -> dict[str, Any]:
    from habeas.trace import person_summary

    try:
        summary = person_summary(store, person_id, lang=lang, reader=reader)
    except NotFound:  # the library's message names a CLI command: say it in the page's terms
        raise NotFound(
            _(
                "No person %(id)s (or no record is linked to them now). Persons "
                "merged by linkage keep the id of the surviving person: look the "
                "person up by name on the search page."
            )
            % {"id": person_id}
        ) from None
    if not summary.records and summary.withheld:
        return jsonable(
            {
                "person_id": person_id,
                "display_name": _("Person %(id)s") % {"id": person_id},
                "all_withheld": True,
                "withheld": summary.withheld,
                "withheld_text": withheld_text(summary.withheld, lang),
            }
        )
    if not summary.records:
        raise NotFound(
            _("No person %(id)s (or no record is linked to them now).") % {"id": person_id}
        )
    raw: dict[str, Any] = summary.to_dict()
    events = vocab.get("event_type", {})

    identity = []
    for key, label in IDENTITY_FIELDS:
        variants = []
        for v in raw["identity"][key]:
            value = v["value"]
            if key == "identifiers":
                value = _identifier_value(value, _)
            elif key == "dates_of_birth":
                value = fmt_date(value, lang, "long") or value
            elif key == "sexes":
                value = vocab.get("sex", {}).get(value, value)
            variants.append(
                {
                    "value": value,
                    "code": v["value"],
                    "as_written": v["as_written"],
                    "stated_by": v["stated_by"],
                }
            )
        identity.append(
            {
                "field": key,
                "label": _(label),
                "variants": variants,
                "conflict": _conflicting(key, variants) > 1,
                "variant_count": _conflicting(key, variants),
            }
        )

    contradicted: dict[int, list[str]] = {}
    contradictions = []
    for c in raw["timeline"]["contradictions"]:
        kind = _("dates differ") if c["kind"] == "date" else _("places differ")
        for v in c["values"]:
            for eid in v["event_ids"]:
                contradicted.setdefault(eid, []).append(kind)
        contradictions.append(
            {**c, "kind_text": kind, "event_label": events.get(c["event_type"], c["event_type"])}
        )

    def event(e: dict[str, Any]) -> dict[str, Any]:
        return {
            **e,
            "label": events.get(e["event_type"], e["event_type"]),
            "date_text_local": fmt_date(e["date"], lang) if e.get("date") else "",
            "contradicted": bool(contradicted.get(e["id"])),
            "contradiction_kinds": sorted(set(contradicted.get(e["id"], []))),
        }

    timeline = {
        "groups": [
            {
                **g,
                "events": [event(e) for e in g["events"]],
                "order_unknown": (not g["order_known"]) and len(g["events"]) > 1,
            }
            for g in raw["timeline"]["groups"]
        ],
        "undated": [event(e) for e in raw["timeline"]["undated"]],
        "contradictions": contradictions,
    }

    w = dict(raw["whereabouts"])
    w["status_text"] = status_text(w.get("status"), _)
    w["confidence_text"] = status_text(w.get("confidence"), _)
    w["last_seen_local"] = fmt_date(w.get("last_seen"), lang, "long")
    w["last_event_label"] = events.get(w.get("last_event_type") or "", w.get("last_event_type"))

    flags = [
        {**f, "title": i18n.label(f, lang, "title"), "status_text": status_text(f["status"], _)}
        for f in raw["flags"]
    ]
    flags.sort(key=lambda f: (not f["raised"], f["status"] != "undetermined"))

    gaps = [
        {
            **g,
            "label_text": _(g["label"]),
            "holder_text": _(g["holder"]),
            "status_text": status_text(g["status"], _),
            "missing": g["status"] in ("unknown", "partial"),
        }
        for g in raw["gaps"]
    ]

    facts = []
    for f in raw["legal_facts"]:
        value = vocab.get(f["fact_type"], {}).get(f["value"], f["value"]) if f["value"] else ""
        facts.append(
            {
                **f,
                "fact_label": fact_label(f["fact_type"], lang),
                "value_label": value,
                "date_local": fmt_date(f["date"], lang),
            }
        )

    records = []
    for r in raw["records"]:
        records.append(
            {
                **r,
                "link_method_text": _(LINK_METHODS[r["link_method"]])
                if r.get("link_method") in LINK_METHODS
                else (r.get("link_method") or ""),
                "identifiers_text": [
                    f"{_(ID_TYPES.get(i['type'], i['type']))}: "
                    f"{i['value'] if i['valid'] else i['as_written']}"
                    + ("" if i["valid"] else f" ({_('invalid')})")
                    for i in r["identifiers"]
                ],
                "sex_label": vocab.get("sex", {}).get(r.get("sex") or "", r.get("sex")),
                "dob_local": fmt_date(r.get("date_of_birth"), lang),
                "nationality_text": country_name(r.get("nationality"), lang),
            }
        )

    # the incidents naming the person: with a reader, only those of summary.incident_ids
    # (none: nothing to read)
    named = (
        list_incidents(store, person_id=person_id) if reader is None or summary.incident_ids else []
    )
    incidents = [
        {
            "id": i.id,
            "type": i.act_type,
            "label": i.label(lang),
            "date": i.date,
            "facility": i.facility,
            "unit": i.unit,
            "description": i.description,
            "status": i.verification_status,
            "status_label": i.status_label(lang),
            "sources": i.sources,
        }
        for i in named
        if reader is None or i.id in summary.incident_ids
    ]

    from habeas.web.pages.legal_actions import action_view

    today = date.today()
    legal_actions = [
        action_view(a, lang, _, today)
        for a in sorted(
            summary.legal_actions, key=lambda a: (not a.has_deadline, a.next_date or date.max, a.id)
        )
    ]

    shown_records = {r.id for r in summary.records}
    links = []
    # a pair joins two records: with fewer than two shown, none could be shown
    pairs = explain(store, person_id) if reader is None or len(shown_records) > 1 else []
    for pair in pairs:
        if reader is not None and not {pair["record_a"], pair["record_b"]} <= shown_records:
            continue
        decision = pair.get("decision")
        links.append(
            {
                "pair_id": pair.get("pair_id"),
                "a": pair.get("a", {}).get("name") or pair["record_a"],
                "b": pair.get("b", {}).get("name") or pair["record_b"],
                "match_probability": pair.get("match_probability"),
                "decision": decision["decision"] if decision else None,
                "reviewer": decision["reviewer"] if decision else None,
            }
        )

    return jsonable(
        {
            "person_id": person_id,
            "display_name": summary.display_name,
            "as_of": raw["as_of"],
            "as_of_local": fmt_date(summary.as_of, lang, "long"),
            "identity": identity,
            "records": records,
            "timeline": timeline,
            "whereabouts": w,
            "flags": flags,
            "flags_raised": sum(1 for f in flags if f["raised"]),
            "gaps": gaps,
            "gaps_missing": sum(1 for g in gaps if g["missing"]),
            "legal_facts": facts,
            "incidents": incidents,
            "legal_actions": legal_actions,
            "sources": raw["sources"],
            "links": links,
            "dossier_url": f"/persons/{person_id}/dossier.pdf" if can_dossier else None,
            "dossier_form_url": f"/persons/{person_id}/dossier" if can_dossier else None,
            "withheld": summary.withheld,
            "withheld_text": withheld_text(summary.withheld, lang),
            "protected": [
                {
                    "record_key": p.record_key,
                    "source": p.source_title,
                    "values": [
                        {
                            "field": f,
                            "label": _(PROTECTED_LABELS.get(f, f)),
                            "header": v["header"],
                            "value": v["value"],
                        }
                        for f, v in sorted(p.values.items())
                    ],
                }
                for p in summary.protected
            ],
        }
    )


# --------------------------------------------------------------------------- the pages


@page(
    "/persons/{person_id}",
    permission="read_identities",
    template="person.html",
    name="person",
    tags=["persons"],
)
def person_page(ctx: Context, person_id: int, merged: int | None = None) -> Any:
    """One person: identity with provenance, records, custody timeline, flags, gaps, sources.

    A retired id (a person merged into another) redirects to the surviving person
    (``?merged=`` names the id asked for; the page says so)."""
    where, moved = retired_redirect(ctx, person_id)
    if moved is not None:
        return moved
    data = build_person(
        ctx.store,
        person_id,
        lang=ctx.lang,
        _=ctx._,
        vocab=vocabulary_labels(ctx.store, ctx.lang),
        can_dossier=ctx.allowed("dossier"),
        reader=ctx.reader,
    )
    data["purpose"] = ctx.reader.purpose
    data["purpose_url"] = ctx.purpose_url
    data.update(id_notices(ctx, where, merged))
    data["withheld_notice"] = withheld_notice(ctx, data.get("withheld"))
    data.update(person_entries(ctx, person_id, data))
    return data


@page(
    "/persons/{person_id}/dossier.pdf",
    permission="dossier",
    name="person_dossier",
    json=False,
    tags=["persons"],
)
def person_dossier(ctx: Context, person_id: int) -> Response:
    """The person's dossier as a PDF (identity, timeline, flags, gaps, incidents, sources).

    A retired id redirects to the surviving person's dossier."""
    from habeas.report.dossier import dossier_report

    _where, moved = retired_redirect(ctx, person_id, "person_dossier")
    if moved is not None:
        return moved

    with tempfile.TemporaryDirectory(prefix="habeas-dossier-") as tmp:
        path = dossier_report(
            ctx.store,
            person_id,
            Path(tmp) / f"dossier-{person_id}.pdf",
            lang=ctx.lang,
            fmt="pdf",
            register=ctx.settings.site_name,
            reader=ctx.reader,
        )
        content = path.read_bytes()
    name = f"dossier-{person_id}-{ctx.lang}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
