"""Relatives' inquiries (ICPPED art. 18) in the browser: the list with a status filter, the
form to record one and the form to correct one. Each inquiry's own page (history,
candidates, confirming the person, the status, the letter) is :mod:`.inquiry`.

Everything comes from :mod:`habeas.inquiry`: the asker's name, relationship and contact
are shown only to readers cleared for their level (``witness_protected`` by default);
the others read "asker withheld", never a blank. Reads need ``read_identities``,
changes ``edit``, the letter ``dossier`` (it leaves the register).
"""

from __future__ import annotations

from typing import Any

from habeas.access import policy
from habeas.access.reader import Withheld
from habeas.audit.reads import PurposeRequired
from habeas.errors import UsageError
from habeas.inquiry import (
    ASKER_WITHHELD,
    STATUS_LABELS,
    STATUSES,
    Asker,
    InquiryError,
    InquirySpec,
    InquiryView,
    Sought,
    create_inquiry,
    describe_inquiry,
    get_inquiry,
    list_inquiries,
)
from habeas.inquiry.model import LANGUAGES, LEVELS
from habeas.messages import N_
from habeas.web.context import Context
from habeas.web.pages._common import clean_text
from habeas.web.pages._withheld import withheld_notice
from habeas.web.rendering import render
from habeas.web.views import action, page

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


def _back(ctx: Context, inquiry_id: int, message: str) -> dict[str, Any]:
    if not ctx.wants_json:
        ctx.flash(message, "ok")
    return {"inquiry_id": inquiry_id, "redirect": ctx.url("inquiry", inquiry_id=inquiry_id)}


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
