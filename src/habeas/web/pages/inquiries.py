"""Relatives' inquiries (ICPPED art. 18) in the browser: the list with a status filter, a
form to record one, and each inquiry's page (history, candidates from the register,
confirming the person, changing the status, the answer letter as a preview and a PDF).

Everything comes from :mod:`habeas.inquiry`: the asker's name, relationship and contact
are shown only to readers cleared for their level (``witness_protected`` by default);
the others read "asker withheld", never a blank. Reads need ``read_identities``,
changes ``edit``, the letter ``dossier`` (it leaves the register).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse, Response

from habeas.access import policy
from habeas.access.reader import Withheld
from habeas.audit.reads import PurposeRequired
from habeas.errors import UsageError
from habeas.inquiry import (
    ASKER_WITHHELD,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS,
    Asker,
    InquiryError,
    InquirySpec,
    InquiryView,
    Sought,
    create_inquiry,
    describe_inquiry,
    get_inquiry,
    list_inquiries,
    set_status,
)
from habeas.inquiry.letter import build_letter, render_letter, write_letter
from habeas.inquiry.matching import confirm_person, match_inquiry
from habeas.inquiry.model import KINDS, LANGUAGES, LEVELS
from habeas.web.context import Context
from habeas.web.pages._common import clean_text
from habeas.web.pages._withheld import withheld_notice
from habeas.web.pages.search import reason_text
from habeas.web.rendering import render
from habeas.web.views import N_, action, page

LEVEL_LABELS = {
    policy.RESTRICTED: N_("restricted (staff who may read identities, with a purpose)"),
    policy.WITNESS_PROTECTED: N_("witness protected (administrators only)"),
}
FORM_FIELDS = {"asker": "asker_level", "sensitivity": "asker_level"}


class FormErrors(Exception):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


def _form_error(exc: InquiryError, ctx: Context) -> FormErrors:
    where = FORM_FIELDS.get(exc.field or "form", exc.field or "form")
    return FormErrors({where: exc.translated(ctx._)})


def _status_options(ctx: Context, codes: list[str] | tuple[str, ...]) -> list[dict[str, str]]:
    return [{"code": c, "label": ctx._(STATUS_LABELS[c])} for c in codes]


def _asker_text(ctx: Context, v: InquiryView) -> str:
    return v.asker.name if v.asker is not None else ctx._(ASKER_WITHHELD)


def _row(ctx: Context, v: InquiryView) -> dict[str, Any]:
    return {
        "id": v.id,
        "url": ctx.url("inquiry", inquiry_id=v.id),
        "status": v.status,
        "status_label": ctx._(STATUS_LABELS[v.status]),
        "received": ctx.format_date(v.created_at.date(), "medium"),
        "updated": ctx.format_date(v.updated_at.date(), "medium"),
        "sought": v.sought.name if v.sought else None,
        "asker": _asker_text(ctx, v),
        "asker_withheld": v.asker is None,
        "person_id": v.person_id,
    }


# --------------------------------------------------------------------------- list


@page(
    "/inquiries",
    permission="read_identities",
    template="inquiries.html",
    name="inquiries",
    nav=N_("Inquiries"),
    nav_order=35,
    tags=["inquiries"],
)
def inquiries_page(ctx: Context, status: str | None = None) -> dict[str, Any]:
    """Relatives' inquiries, newest first (``status``: open, information_found, answered,
    closed)."""
    status = clean_text(status)
    if status is not None and status not in STATUSES:
        raise UsageError(ctx._("Unknown status %(status)s.", status=status))
    withheld = Withheld()
    rows = list_inquiries(ctx.store, ctx.reader, status=status, withheld=withheld)
    return {
        "inquiries": [_row(ctx, v) for v in rows],
        "statuses": _status_options(ctx, STATUSES),
        "filters": {"status": status or ""},
        "can_edit": ctx.allowed("edit"),
        "withheld": withheld.to_dict(),
        "withheld_notice": withheld_notice(ctx, withheld),
    }


# --------------------------------------------------------------------------- new


def _new_form(ctx: Context, form: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "form": form or {"language": ctx.lang, "asker_level": policy.WITNESS_PROTECTED},
        "errors": {},
        "languages": [
            {"code": c, "label": ctx._({"es": "Spanish", "en": "English"}[c])} for c in LANGUAGES
        ],
        "levels": [{"code": c, "label": ctx._(LEVEL_LABELS[c])} for c in LEVELS],
    }


@page(
    "/inquiries/new",
    permission="edit",
    template="inquiry_new.html",
    name="inquiry_new",
    tags=["inquiries"],
)
def inquiry_new(ctx: Context) -> dict[str, Any]:
    """The form to record a relative's inquiry."""
    return _new_form(ctx)


@action("/inquiries/new", permission="edit", name="inquiry_add", tags=["inquiries"])
def inquiry_add(ctx: Context) -> Any:
    """Record an inquiry: ``asker_name``, ``asker_relationship``, ``asker_contact``,
    ``asker_level``, ``sought_name``, ``sought_dob``, ``sought_nationality``,
    ``sought_identifier``, ``known``, ``language``."""
    form = {k: str(v) for k, v in ctx.form.items() if k != "csrf_token"}
    spec = InquirySpec(
        Asker(
            form.get("asker_name", ""),
            form.get("asker_relationship", ""),
            form.get("asker_contact", ""),
        ),
        Sought(
            form.get("sought_name"),
            form.get("sought_dob"),
            form.get("sought_nationality"),
            form.get("sought_identifier"),
            form.get("known"),
        ),
        language=form.get("language") or ctx.lang,
        asker_sensitivity=form.get("asker_level") or policy.WITNESS_PROTECTED,
    )
    try:
        inquiry_id = create_inquiry(ctx.store, spec, ctx.reader)
    except InquiryError as exc:
        errors = _form_error(exc, ctx)
        if ctx.wants_json:
            raise
        return render(
            ctx, "inquiry_new.html", {**_new_form(ctx, form), "errors": errors.fields}, status=400
        )
    if not ctx.wants_json:
        ctx.flash(ctx._("Inquiry %(n)s recorded.", n=inquiry_id), "ok")
    return {"inquiry_id": inquiry_id, "redirect": ctx.url("inquiry", inquiry_id=inquiry_id)}


# --------------------------------------------------------------------------- correct


def _correct_form(
    ctx: Context, v: InquiryView, form: dict[str, str] | None = None
) -> dict[str, Any]:
    if v.sought is None:
        raise PurposeRequired(ctx._("State the purpose of this consultation to correct it."))
    if form is None:
        form = {
            "sought_name": v.sought.name or "",
            "sought_dob": v.sought.dob or "",
            "sought_nationality": v.sought.nationality or "",
            "sought_identifier": v.sought.identifier or "",
            "known": v.sought.known or "",
            "language": v.language,
        }
        if v.asker is not None:
            form.update(
                asker_name=v.asker.name,
                asker_relationship=v.asker.relationship,
                asker_contact=v.asker.contact,
            )
    return {
        **_new_form(ctx, form),
        "correcting": True,
        "inquiry_id": v.id,
        "asker_editable": v.asker is not None,
    }


@page(
    "/inquiries/{inquiry_id}/correct",
    permission="edit",
    template="inquiry_new.html",
    name="inquiry_correct",
    tags=["inquiries"],
)
def inquiry_correct(ctx: Context, inquiry_id: int) -> dict[str, Any]:
    """The form to correct an inquiry's description (and the asker, if you may see it)."""
    return _correct_form(ctx, get_inquiry(ctx.store, inquiry_id, ctx.reader))


@action(
    "/inquiries/{inquiry_id}/correct",
    permission="edit",
    name="inquiry_correct_save",
    tags=["inquiries"],
)
def inquiry_correct_save(ctx: Context, inquiry_id: int) -> Any:
    """Save a corrected description (``sought_*``, ``known``, ``language``, ``note``; the
    asker's three fields restate the asker when they changed)."""
    v = get_inquiry(ctx.store, inquiry_id, ctx.reader)
    form = {k: str(val) for k, val in ctx.form.items() if k != "csrf_token"}
    sought = Sought(
        form.get("sought_name"),
        form.get("sought_dob"),
        form.get("sought_nationality"),
        form.get("sought_identifier"),
        form.get("known"),
    )
    asker = None
    if v.asker is not None and "asker_name" in form:
        typed = Asker(
            form.get("asker_name", ""),
            form.get("asker_relationship", ""),
            form.get("asker_contact", ""),
        )
        asker = typed if typed != v.asker else None
    try:
        describe_inquiry(
            ctx.store,
            inquiry_id,
            ctx.reader,
            sought=sought,
            asker=asker,
            language=form.get("language") or None,
            note=form.get("note"),
        )
    except InquiryError as exc:
        if ctx.wants_json:
            raise
        errors = _form_error(exc, ctx)
        data = {**_correct_form(ctx, v, form), "errors": errors.fields}
        return render(ctx, "inquiry_new.html", data, status=400)
    return _back(
        ctx, inquiry_id, ctx._("Correction saved; the previous description is in the history.")
    )


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


def _back(ctx: Context, inquiry_id: int, message: str) -> dict[str, Any]:
    if not ctx.wants_json:
        ctx.flash(message, "ok")
    return {"inquiry_id": inquiry_id, "redirect": ctx.url("inquiry", inquiry_id=inquiry_id)}


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
