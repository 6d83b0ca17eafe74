"""One relative's inquiry in the browser: who asks (if you may see it), whom they look for,
its history, the candidates from the register, confirming the person, changing the
status, its documents, and the answer letter as a preview (HTML) and a PDF (recorded in
the history). Data from :mod:`habeas.inquiry`; the list and forms are in :mod:`.inquiries`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse, Response

from habeas.errors import UsageError
from habeas.inquiry import (
    STATUS_LABELS,
    TRANSITIONS,
    InquiryError,
    InquiryView,
    get_inquiry,
    set_status,
)
from habeas.inquiry.letter import build_letter, render_letter, write_letter
from habeas.inquiry.matching import confirm_person, match_inquiry
from habeas.inquiry.model import KINDS, LANGUAGES, LEVELS
from habeas.web.context import Context
from habeas.web.pages._common import clean_text
from habeas.web.pages._withheld import withheld_notice
from habeas.web.pages.inquiries import (
    _asker_text,
    _back,
    _status_options,
)
from habeas.web.pages.search import reason_text
from habeas.web.views import action, page

# --------------------------------------------------------------------------- one inquiry


def _history(ctx: Context, v: InquiryView) -> list[dict[str, Any]]:
    out = []
    for e in v.history:
        d = e.detail
        what = ""
        if e.kind == "status" and d:
            what = f"{ctx._(STATUS_LABELS[d['from']])} → {ctx._(STATUS_LABELS[d['to']])}"
        elif e.kind == "matched" and d:
            n = len(d.get("candidates", []))
            what = ctx.ngettext("%(num)s candidate", "%(num)s candidates", n)
        elif e.kind in ("confirmed", "unconfirmed") and d:
            pid = d.get("person_id") or d.get("was")
            what = ctx._("person %(id)s", id=pid)
        elif e.kind == "letter" and d:
            what = ctx._({"es": "Spanish", "en": "English"}.get(d.get("language", ""), "English"))
        elif e.kind == "described" and e.asker_stated:
            what = ctx._("the asker's details were restated")
        out.append(
            {
                "at": ctx.format_date(e.at, "medium"),
                "actor": e.actor,
                "kind": ctx._(KINDS[e.kind]),
                "what": what,
                "note": d.get("note") if d else None,
            }
        )
    return out


def _candidates(ctx: Context, v: InquiryView) -> list[dict[str, Any]]:
    return [
        {
            "person_id": c["person_id"],
            "person_url": ctx.url("person", person_id=c["person_id"]),
            "score": round(100 * float(c["score"])),
            "reasons": [reason_text(r, ctx._) for r in c.get("reasons", [])],
            "records": c["records"],
            "confirmed": c["person_id"] == v.person_id,
        }
        for c in v.candidates
    ]


def _attachments(ctx: Context, v: InquiryView) -> dict[str, Any]:
    """The files attached to the inquiry (:mod:`habeas.evidence.attachments`), reader-scoped,
    and the levels the attach form offers."""
    from habeas.evidence.attachments import list_attachments
    from habeas.web.pages.intake import LEVEL_LABELS as FILE_LEVELS

    if v.content_withheld is not None:
        return {"attachments": [], "attachments_withheld": 0, "attach_levels": []}
    found = list_attachments(ctx.store, ctx.reader, "inquiry", v.id)
    return {
        "attachments": [
            {
                **i.to_dict(),
                "url": ctx.url("attachment_file", attachment_id=i.id),
                "level_label": ctx._(FILE_LEVELS.get(i.sensitivity, i.sensitivity)),
                "added_local": ctx.format_date(i.added_at),
            }
            for i in found.items
        ],
        "attachments_withheld": found.withheld.total,
        "attach_levels": [
            {"code": c, "label": ctx._(FILE_LEVELS.get(c, c))} for c in LEVELS if ctx.reader.may(c)
        ],
    }


def inquiry_data(ctx: Context, inquiry_id: int) -> dict[str, Any]:
    v = get_inquiry(ctx.store, inquiry_id, ctx.reader)
    data = v.to_dict()
    can_edit = ctx.allowed("edit")
    return {
        **_attachments(ctx, v),
        "inquiry": {
            **data,
            "status_label": ctx._(STATUS_LABELS[v.status]),
            "received": ctx.format_date(v.created_at, "medium"),
            "language_label": ctx._({"es": "Spanish", "en": "English"}[v.language]),
        },
        "asker": data["asker"],
        "asker_text": _asker_text(ctx, v),
        "history": _history(ctx, v),
        "candidates": _candidates(ctx, v),
        "person_url": ctx.url("person", person_id=v.person_id) if v.person_id else None,
        "transitions": _status_options(ctx, sorted(TRANSITIONS[v.status]))
        if can_edit and v.content_withheld is None
        else [],
        "can_edit": can_edit and v.content_withheld is None,
        "can_letter": ctx.allowed("dossier") and v.content_withheld is None,
        "letter_url": ctx.url("inquiry_letter", inquiry_id=inquiry_id),
        "letter_pdf_url": ctx.url("inquiry_letter_pdf", inquiry_id=inquiry_id),
        "languages": [
            {"code": c, "label": ctx._({"es": "Spanish", "en": "English"}[c])} for c in LANGUAGES
        ],
        "withheld_notice": withheld_notice(ctx, v.withheld),
    }


@page(
    "/inquiries/{inquiry_id}",
    permission="read_identities",
    template="inquiry.html",
    name="inquiry",
    tags=["inquiries"],
)
def inquiry_page(ctx: Context, inquiry_id: int) -> dict[str, Any]:
    """One inquiry: who asks (if you may see it), whom they look for, status, history,
    candidates from the register, the confirmed person and the answer letter."""
    return inquiry_data(ctx, inquiry_id)


def _translated(ctx: Context, exc: InquiryError) -> UsageError:
    return UsageError(exc.translated(ctx._))


@action(
    "/inquiries/{inquiry_id}/match", permission="edit", name="inquiry_match", tags=["inquiries"]
)
def inquiry_match(ctx: Context, inquiry_id: int) -> dict[str, Any]:
    """Search the register for the person the inquiry describes (candidates are kept)."""
    outcome = match_inquiry(ctx.store, inquiry_id, ctx.reader)
    data = _back(
        ctx,
        inquiry_id,
        ctx.ngettext(
            "%(num)s candidate found in the register.",
            "%(num)s candidates found in the register.",
            len(outcome.candidates),
        ),
    )
    return {**data, "candidates": outcome.candidates}


@action(
    "/inquiries/{inquiry_id}/confirm", permission="edit", name="inquiry_confirm", tags=["inquiries"]
)
def inquiry_confirm(ctx: Context, inquiry_id: int) -> dict[str, Any]:
    """Confirm the person the inquiry concerns (``person_id``; empty: withdraw), ``note``."""
    raw = clean_text(ctx.form.get("person_id"))
    if raw is not None and not raw.isdigit():
        raise UsageError(ctx._("Choose a person."))
    try:
        confirm_person(
            ctx.store,
            inquiry_id,
            int(raw) if raw else None,
            ctx.reader,
            note=clean_text(ctx.form.get("note")),
        )
    except InquiryError as exc:
        raise _translated(ctx, exc) from None
    return _back(
        ctx,
        inquiry_id,
        ctx._("Person %(id)s confirmed.", id=raw) if raw else ctx._("Confirmation withdrawn."),
    )


@action(
    "/inquiries/{inquiry_id}/status", permission="edit", name="inquiry_status", tags=["inquiries"]
)
def inquiry_status(ctx: Context, inquiry_id: int) -> dict[str, Any]:
    """Change the status (``status``), with an optional ``note``."""
    status = clean_text(ctx.form.get("status")) or ""
    try:
        set_status(ctx.store, inquiry_id, status, ctx.reader, clean_text(ctx.form.get("note")))
    except InquiryError as exc:
        raise _translated(ctx, exc) from None
    return _back(ctx, inquiry_id, ctx._("Status changed."))


def _lang(ctx: Context, lang: str | None) -> str | None:
    lang = clean_text(lang)
    if lang is not None and lang not in LANGUAGES:
        raise UsageError(ctx._("Choose the language of the answer: es or en."))
    return lang


@page(
    "/inquiries/{inquiry_id}/letter",
    permission="dossier",
    name="inquiry_letter",
    json=False,
    tags=["inquiries"],
)
def inquiry_letter(ctx: Context, inquiry_id: int, lang: str | None = None) -> Response:
    """A preview of the answer letter (HTML); ``lang``: es or en (default: the inquiry's)."""
    letter = build_letter(
        ctx.store, inquiry_id, ctx.reader, lang=_lang(ctx, lang), register=ctx.settings.site_name
    )
    return HTMLResponse(render_letter(letter))


@action(
    "/inquiries/{inquiry_id}/letter.pdf",
    permission="dossier",
    name="inquiry_letter_pdf",
    tags=["inquiries"],
)
def inquiry_letter_pdf(ctx: Context, inquiry_id: int) -> Response:
    """Produce the answer letter as a PDF (``lang``: es or en); it is recorded in the
    inquiry's history."""
    lang = _lang(ctx, ctx.form.get("lang"))
    with tempfile.TemporaryDirectory(prefix="habeas-letter-") as tmp:
        path, letter = write_letter(
            ctx.store,
            inquiry_id,
            Path(tmp) / "letter.pdf",
            ctx.reader,
            lang=lang,
            fmt="pdf",
            register=ctx.settings.site_name,
        )
        content = path.read_bytes()
    name = f"inquiry-{inquiry_id}-{letter.lang}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
