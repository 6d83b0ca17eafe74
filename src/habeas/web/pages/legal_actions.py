"""Legal actions in the browser: the list with upcoming deadlines first (overdue ones
marked), one action with its history, the form to record one, and the form to record a
change (status, next date, case number). The person page shows a person's actions.

Data from :mod:`habeas.document.legal_actions` through the logged-in user's reader:
actions above the user's clearance are withheld and counted, restricted ones need the
session's purpose. Writes need ``edit`` (:mod:`habeas.document.legal_action_entry`);
a value the library refuses is shown next to its field, in the page's language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from habeas.access import policy
from habeas.access.reader import Withheld
from habeas.audit.reads import PurposeRequired
from habeas.document import legal_actions as la
from habeas.document.legal_action_entry import ActionError, ActionSpec, add_action, update_action
from habeas.errors import UsageError
from habeas.evidence.attachments import list_attachments
from habeas.messages import N_
from habeas.web.context import Context
from habeas.web.pages._common import Gettext, clean_text, fmt_date
from habeas.web.pages._withheld import withheld_notice
from habeas.web.pages.entries import attach_upload
from habeas.web.rendering import render
from habeas.web.views import action, page

#: Deadlines this many days ahead are listed first (``?within=`` changes it).
WITHIN_DAYS = 30
#: Actions listed per page under "All legal actions" (the deadlines are never paged).
PAGE_SIZE = 100
FIELD_OF = {"filed_on": "filed_on", "next_date": "next_date", "person_id": "person_id"}
TEXT_FIELDS = ("case_number", "court", "petitioner", "respondent", "counsel")
LEVEL_LABELS = {
    "public": N_("public"),
    "internal": N_("internal"),
    "restricted": N_("restricted"),
    "witness_protected": N_("witness-protected"),
}


class FormErrors(Exception):
    """Problems with a submitted form: ``{field: message}`` (already translated)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


def action_view(a: la.LegalAction, lang: str, _: Gettext, today: date) -> dict[str, Any]:
    """One action as the pages and the JSON API show it."""
    left = a.days_left(today)
    if left is None:
        due_text = ""
    elif left < 0:
        due_text = _("overdue by %(n)s days") % {"n": -left}
    elif left == 0:
        due_text = _("due today")
    else:
        due_text = _("in %(n)s days") % {"n": left}
    return {
        "id": a.id,
        "kind": a.kind,
        "kind_label": a.kind_label(lang),
        "person_id": a.person_id,
        "person_now": list(a.person_now),
        "court": a.court,
        "case_number": a.case_number,
        "filed_on": a.filed_on.isoformat() if a.filed_on else None,
        "filed_local": fmt_date(a.filed_on, lang),
        "petitioner": a.petitioner,
        "respondent": a.respondent,
        "counsel": a.counsel,
        "notes": a.notes,
        "status": a.status,
        "status_label": a.status_label(lang),
        "open": a.is_open,
        "next_date": a.next_date.isoformat() if a.has_deadline and a.next_date else None,
        "next_local": fmt_date(a.next_date, lang) if a.has_deadline else "",
        "next_due": a.next_due if a.has_deadline else None,
        "days_left": left,
        "overdue": a.overdue(today),
        "due_text": due_text,
        "sensitivity": a.sensitivity,
        "description": a.describe(lang),
    }


def _history(a: la.LegalAction, lang: str, _: Gettext) -> list[dict[str, Any]]:
    names = {
        "case_number": _("case number"),
        "filed_on": _("filing date"),
        "court": _("court or body"),
        "petitioner": _("petitioner"),
        "respondent": _("respondent"),
        "counsel": _("counsel"),
        "person_id": _("person"),
    }
    return [
        {
            "id": c.id,
            "at": c.at.isoformat(),
            "at_local": fmt_date(c.at.date(), lang),
            "actor": c.actor,
            "status": c.status,
            "status_label": la.status_label(c.status, lang) if c.status else "",
            "next_date": c.next_date.isoformat() if c.next_date else None,
            "next_local": fmt_date(c.next_date, lang),
            "next_due": c.next_due,
            "clears_next": c.clears_next,
            "fields": c.fields,
            "fields_text": [
                f"{names.get(k, k)}: {v if v is not None else '—'}"
                for k, v in sorted(c.fields.items())
            ],
            "note": c.note,
            "first": i == 0,
        }
        for i, c in enumerate(a.history)
    ]


def _choices(ctx: Context) -> dict[str, Any]:
    kinds = la.kind_codes(ctx.store)
    lang = ctx.lang
    return {
        "kinds": [
            {"code": c, "label": es if lang == "es" else en} for c, (en, es) in kinds.items()
        ],
        "statuses": [{"code": c, "label": la.status_label(c, lang)} for c in la.STATUSES],
        "levels": [
            {"code": lv, "label": ctx._(LEVEL_LABELS[lv])} for lv in ctx.reader.levels("view")
        ],
    }


def _day(ctx: Context, form: dict[str, str], name: str) -> date | None:
    raw = clean_text(form.get(name))
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FormErrors(
            {name: ctx._("%(value)s is not a date: write 2025-03-20.") % {"value": raw}}
        ) from None


def _refused(ctx: Context, exc: ActionError) -> FormErrors:
    return FormErrors(
        {FIELD_OF.get(exc.field or "form", exc.field or "form"): exc.translated(ctx._)}
    )


def _failed(ctx: Context, template: str, data: dict[str, Any], errors: FormErrors) -> Response:
    if ctx.wants_json:
        raise UsageError(str(errors))
    return render(ctx, template, {**data, "errors": errors.fields}, status=400)


# --------------------------------------------------------------------------- the pages


@page(
    "/legal-actions",
    permission="read_identities",
    template="legal_actions.html",
    name="legal_actions",
    nav=N_("Legal actions"),
    nav_order=57,
    tags=["legal actions"],
)
def legal_actions_page(
    ctx: Context,
    kind: str | None = None,
    status: str | None = None,
    within: int = WITHIN_DAYS,
    page: int = 1,
) -> dict[str, Any]:
    """Legal actions: what is due in the next days (and overdue) first, then every action
    (``PAGE_SIZE`` a page)."""
    if not 0 <= within <= 3660:
        raise UsageError(ctx._("Choose between 0 and 3660 days ahead."))
    withheld = Withheld()
    rows = la.list_actions(
        ctx.store,
        reader=ctx.reader,
        kinds=[k] if (k := clean_text(kind)) else None,
        statuses=[s] if (s := clean_text(status)) else None,
        withheld=withheld,
    )
    today = date.today()
    due = la.deadlines_of(rows, within, today)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if not 1 <= page <= pages:
        raise UsageError(
            ctx._("There is no page %(page)s (pages 1 to %(pages)s).")
            % {"page": page, "pages": pages}
        )
    return {
        "today": today.isoformat(),
        "today_local": fmt_date(today, ctx.lang, "long"),
        "within": within,
        "filters": {"kind": kind or "", "status": status or ""},
        "deadlines": [action_view(d.action, ctx.lang, ctx._, today) for d in due],
        "overdue": sum(1 for d in due if d.overdue),
        "actions": [
            action_view(a, ctx.lang, ctx._, today)
            for a in rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        ],
        "listed": len(rows),
        "page": page,
        "pages": pages,
        "withheld": withheld.to_dict() if withheld else {},
        "withheld_notice": withheld_notice(ctx, withheld),
        "can_add": ctx.allowed("legal_actions"),
        **(_choices(ctx) if not ctx.wants_json else {}),
    }


def _new_data(ctx: Context, form: dict[str, str]) -> dict[str, Any]:
    return {**_choices(ctx), "form": form, "errors": {}}


@page(
    "/legal-actions/new",
    permission="legal_actions",
    template="legal_action_new.html",
    name="legal_action_new",
    tags=["legal actions"],
)
def legal_action_new(ctx: Context, person: int | None = None) -> dict[str, Any]:
    """The form to record a legal action for a person."""
    form = {"person_id": str(person) if person else "", "sensitivity": policy.INTERNAL}
    return _new_data(ctx, form)


@action(
    "/legal-actions/new",
    permission="legal_actions",
    name="legal_action_add",
    tags=["legal actions"],
)
def legal_action_add(ctx: Context) -> Any:
    """Record a legal action: ``person_id``, ``kind``, ``court``, ``case_number``, ``filed_on``,
    ``petitioner``, ``respondent``, ``counsel``, ``status``, ``next_date``, ``next_due``,
    ``notes``, ``sensitivity``."""
    form = {k: str(v) for k, v in ctx.form.items()}
    data = _new_data(ctx, form)
    try:
        person = clean_text(form.get("person_id"))
        if person is None or not person.isdigit():
            raise FormErrors({"person_id": ctx._("Give the person's number (see their page).")})
        kind = clean_text(form.get("kind"))
        if kind is None:
            raise FormErrors({"kind": ctx._("Choose the kind of legal action.")})
        spec = ActionSpec(
            kind=kind,
            person_id=int(person),
            court=form.get("court", ""),
            case_number=form.get("case_number"),
            filed_on=_day(ctx, form, "filed_on"),
            petitioner=form.get("petitioner"),
            respondent=form.get("respondent"),
            counsel=form.get("counsel"),
            status=clean_text(form.get("status")) or "draft",
            next_date=_day(ctx, form, "next_date"),
            next_due=form.get("next_due"),
            notes=form.get("notes"),
            sensitivity=clean_text(form.get("sensitivity")) or policy.INTERNAL,
        )
        new_id = add_action(ctx.store, ctx.reader, spec)
    except FormErrors as errors:
        return _failed(ctx, "legal_action_new.html", data, errors)
    except ActionError as exc:
        return _failed(ctx, "legal_action_new.html", data, _refused(ctx, exc))
    if not ctx.wants_json:
        ctx.flash(ctx._("Legal action %(id)s recorded.", id=new_id), "ok")
    return {"legal_action_id": new_id, "redirect": ctx.url("legal_action", action_id=new_id)}


def _detail(ctx: Context, action_id: int, form: dict[str, str] | None = None) -> dict[str, Any]:
    try:
        a = la.get_action(ctx.store, action_id, reader=ctx.reader)
    except PurposeRequired:
        return {
            "id": action_id,
            "needs_purpose": True,
            "purpose_url": ctx.purpose_url,
            "withheld_notice": withheld_notice(
                ctx, {"total": 1, "for_purpose": 1}, ctx.request.url.path.removesuffix(".json")
            ),
        }
    today = date.today()
    files = list_attachments(ctx.store, ctx.reader, "legal_action", a.id)
    return {
        "action": action_view(a, ctx.lang, ctx._, today),
        "documents": [
            {
                **i.to_dict(),
                "url": ctx.url("attachment_file", attachment_id=i.id),
                "added_local": ctx.format_date(i.added_at),
            }
            for i in files.items
        ],
        "documents_withheld": files.withheld.total,
        "history": _history(a, ctx.lang, ctx._),
        "split_since": a.split_since,
        "can_edit": ctx.allowed("legal_actions"),
        "form": form or {},
        "errors": {},
        **(_choices(ctx) if not ctx.wants_json else {}),
    }


@page(
    "/legal-actions/{action_id}",
    permission="read_identities",
    template="legal_action.html",
    name="legal_action",
    tags=["legal actions"],
)
def legal_action_page(ctx: Context, action_id: int) -> dict[str, Any]:
    """One legal action: court or body, case number, parties, status, next date, history."""
    return _detail(ctx, action_id)


@action(
    "/legal-actions/{action_id}/update",
    permission="legal_actions",
    name="legal_action_update",
    tags=["legal actions"],
)
def legal_action_change(ctx: Context, action_id: int) -> Any:
    """Record a change: ``status``, ``next_date`` + ``next_due`` (or ``clear_next``),
    ``case_number``, ``filed_on``, ``court``, ``person_id``, ``note``."""
    form = {k: str(v) for k, v in ctx.form.items()}
    data = _detail(ctx, action_id, form)
    if data.get("needs_purpose"):
        raise PurposeRequired(ctx._("State the purpose of this consultation first."))
    fields: dict[str, Any] = {
        name: form[name] for name in TEXT_FIELDS if clean_text(form.get(name)) is not None
    }
    try:
        if clean_text(form.get("filed_on")):
            fields["filed_on"] = _day(ctx, form, "filed_on")
        person = clean_text(form.get("person_id"))
        if person is not None:
            if not person.isdigit():
                raise FormErrors({"person_id": ctx._("Give the person's number (see their page).")})
            fields["person_id"] = int(person)
        change = update_action(
            ctx.store,
            ctx.reader,
            action_id,
            status=clean_text(form.get("status")),
            next_date=_day(ctx, form, "next_date"),
            next_due=form.get("next_due"),
            clear_next=form.get("clear_next") in ("1", "on", "true"),
            fields=fields,
            note=form.get("note"),
        )
    except FormErrors as errors:
        return _failed(ctx, "legal_action.html", data, errors)
    except ActionError as exc:
        return _failed(ctx, "legal_action.html", data, _refused(ctx, exc))
    if not ctx.wants_json:
        ctx.flash(ctx._("Change recorded; the history below keeps every earlier value."), "ok")
    return {
        "change_id": change,
        "redirect": ctx.url("legal_action", action_id=action_id) + "#history",
    }


@action(
    "/legal-actions/{action_id}/documents",
    permission="legal_actions",
    name="legal_action_document",
    tags=["legal actions"],
)
def legal_action_document(ctx: Context, action_id: int) -> Any:
    """Attach a document (multipart ``file``, ``description``, ``sensitivity``) to the
    action: the petition as filed, the court's answer. Lawyers may, as for the action."""
    return attach_upload(ctx, "legal_action", action_id)
