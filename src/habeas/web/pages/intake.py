"""Intake in the browser: a person's record entered from a conversation or a document.

* ``GET /intake`` — the form: the conversation (kind, channel, day, who took it, level)
  and the person's values, in groups (identity, who reported, what happened, legal);
* ``POST /intake`` — :func:`habeas.ingest.intake.enter_record` (edit); a problem is
  shown next to its field in the page's language with what was typed kept;
* ``GET /intake/records/{record_id}`` — the result: the record and its source, the
  person it is linked to, its candidate matches (read_identities, reader-scoped);
* ``POST /intake/records/{record_id}/same`` — "this is the same person" for a candidate
  (a human review decision, permission review).
"""

from __future__ import annotations

from typing import Any

from habeas.errors import UsageError
from habeas.ingest.intake import FieldProblem, Intake, IntakeFailed
from habeas.ingest.intake import enter_record as enter
from habeas.ingest.intake_matches import candidate_matches
from habeas.linkage.review import decide
from habeas.messages import N_
from habeas.read.entries import PurposeNeeded, entered_record
from habeas.web.context import Context
from habeas.web.import_problems import message_text
from habeas.web.pages._common import clean_text, vocabulary_labels
from habeas.web.pages.search import reason_text
from habeas.web.rendering import render
from habeas.web.views import action, page

#: The person's fields on the form, in groups: (group label, [(field, label, vocabulary)]).
GROUPS: tuple[tuple[str, tuple[tuple[str, str, str | None], ...]], ...] = (
    (
        N_("The person"),
        (
            ("full_name", N_("Full name"), None),
            ("date_of_birth", N_("Date of birth"), None),
            ("age", N_("Age"), None),
            ("sex", N_("Sex"), "sex"),
            ("nationality", N_("Nationality"), None),
            ("national_id", N_("National identity document"), None),
            ("passport", N_("Passport"), None),
            ("a_number", N_("A-number"), None),
            ("locality", N_("Town or city of residence"), None),
        ),
    ),
    (
        N_("Who reported (kept sealed, witness-protected)"),
        (
            ("reporter_name", N_("Reported by"), None),
            ("reporter_relationship", N_("Relationship"), None),
            ("reporter_contact", N_("Contact"), None),
        ),
    ),
    (
        N_("What happened"),
        (
            ("event_type", N_("Event"), "event_type"),
            ("event_date", N_("Date of the event"), None),
            ("place", N_("Place"), None),
            ("facility", N_("Facility"), None),
            ("event_authority", N_("Authority"), None),
        ),
    ),
    (
        N_("Legal facts"),
        (
            ("legal_basis", N_("Legal basis"), "legal_basis"),
            ("hearing", N_("Hearing"), "hearing"),
            ("counsel", N_("Legal counsel"), "counsel"),
            ("court_order", N_("Court order"), "court_order"),
            ("court", N_("Court"), None),
            ("notes", N_("Notes"), None),
        ),
    ),
)
PERSON_FIELDS = tuple(f for _, fields in GROUPS for f, _label, _v in fields)
DATE_HINT = N_("day/month/year, e.g. 17/03/2025")
LEVEL_LABELS = {
    "": N_("by the kind of source"),
    "public": N_("public"),
    "internal": N_("internal"),
    "restricted": N_("restricted"),
    "witness_protected": N_("witness-protected"),
}


def _terms(vocab: dict[str, dict[str, str]], name: str) -> list[dict[str, str]]:
    return [
        {"code": c, "label": label}
        for c, label in sorted(vocab.get(name, {}).items(), key=lambda kv: kv[1].casefold())
    ]


def form_groups(ctx: Context, groups: Any = GROUPS) -> list[dict[str, Any]]:
    """The form's groups with labels and choices in the page's language."""
    vocab = vocabulary_labels(ctx.store, ctx.lang)
    return [
        {
            "label": ctx._(label),
            "fields": [
                {
                    "name": name,
                    "label": ctx._(text),
                    "terms": _terms(vocab, vocabulary) if vocabulary else None,
                    "hint": ctx._(DATE_HINT)
                    if name.endswith("date") or name == "date_of_birth"
                    else "",
                }
                for name, text, vocabulary in fields
            ],
        }
        for label, fields in groups
    ]


def source_choices(ctx: Context) -> dict[str, Any]:
    """The conversation's own fields: kinds, channels, levels the user may choose."""
    vocab = vocabulary_labels(ctx.store, ctx.lang)
    from habeas.access import policy

    return {
        "source_kinds": _terms(vocab, "source_kind"),
        "channels": _terms(vocab, "channel"),
        "levels": [
            {"code": code, "label": ctx._(label)}
            for code, label in LEVEL_LABELS.items()
            if not code or policy.may(ctx.role, code, "view")
        ],
    }


def problem_texts(
    ctx: Context, problems: list[FieldProblem], known: tuple[str, ...]
) -> dict[str, str]:
    """field → message in the page's language; problems of no shown field go to ``form``."""
    vocab = vocabulary_labels(ctx.store, ctx.lang)
    out: dict[str, str] = {}
    for p in problems:
        if p.severity != "error":
            continue
        text = p.translated(ctx._) or message_text(p.to_dict(), ctx._, ctx.lang, vocab)
        where = p.field if p.field in known else "form"
        out[where] = f"{out[where]} {text}" if where in out else text
    return out


def intake_from(form: dict[str, str], lang: str) -> Intake:
    """The conversation's fields from the form; a default title is written in ``lang``."""
    return Intake(
        channel=clean_text(form.get("channel")) or "",
        taken_on=clean_text(form.get("taken_on")) or "",
        kind=clean_text(form.get("kind")) or "",
        taken_by=clean_text(form.get("taken_by")),
        title=clean_text(form.get("title")),
        sensitivity=clean_text(form.get("sensitivity")),
        notes=clean_text(form.get("source_notes")),
        title_language=lang,
    )


SOURCE_INPUTS = ("kind", "channel", "taken_on", "taken_by", "title", "sensitivity", "source")


def _intake_page(ctx: Context, form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    from datetime import UTC, datetime

    defaults = {
        "kind": "testimony",
        "channel": "phone",
        "taken_on": datetime.now(UTC).date().isoformat(),
        "taken_by": ctx.actor,
    }
    return {
        "groups": form_groups(ctx),
        **source_choices(ctx),
        "form": {**defaults, **form},
        "errors": errors,
    }


def _source(ctx: Context, source: str | int | None) -> dict[str, Any] | None:
    """An earlier source to add another record to (the same conversation), if chosen."""
    if source is None or not str(source).strip():
        return None
    from habeas.errors import NotFound
    from habeas.read.sources import source_choices as visible

    wanted = str(source).strip()
    for choice in visible(ctx.store, reader=ctx.reader):
        if str(choice.id) == wanted:
            return {"id": choice.id, "title": choice.title}
    raise NotFound(ctx._("No source %(id)s you may add to.", id=wanted))


@page("/intake", permission="edit", template="intake.html", name="intake", tags=["intake"])
def intake_form(ctx: Context, source: int | None = None) -> dict[str, Any]:
    """The form to enter a person's record from a conversation or a document
    (``source``: another record from that earlier intake source)."""
    return {**_intake_page(ctx, {}, {}), "source": _source(ctx, source)}


@action("/intake", permission="edit", name="intake_submit", tags=["intake"])
def intake_submit(ctx: Context) -> Any:
    """Enter one record: the source's ``kind``, ``channel``, ``taken_on``, ``taken_by``,
    ``sensitivity``, ``title`` and the person's fields (``full_name``, ``date_of_birth``,
    ``event_type``, ...; the fields of ``habeas import``)."""
    form = {k: str(v) for k, v in ctx.form.items() if k != "csrf_token"}
    values = {k: form[k] for k in PERSON_FIELDS if form.get(k, "").strip()}
    earlier = _source(ctx, form.get("source"))
    try:
        if earlier is not None:
            result = enter(ctx.store, ctx.reader, None, values, source_id=earlier["id"])
        else:
            result = enter(ctx.store, ctx.reader, intake_from(form, ctx.lang), values)
    except IntakeFailed as exc:
        if ctx.wants_json:
            raise UsageError(str(exc)) from None
        errors = problem_texts(ctx, exc.problems, (*PERSON_FIELDS, *SOURCE_INPUTS))
        data = {**_intake_page(ctx, form, errors), "source": earlier}
        return render(ctx, "intake.html", data, status=400)
    if not ctx.wants_json:
        ctx.flash(ctx._("Record %(id)s entered.", id=result.record_id), "ok")
        if result.link_note:
            ctx.flash(ctx._(result.link_note), "info")
    return {
        **result.to_dict(),
        "redirect": ctx.url("intake_result", record_id=result.record_id),
    }


def result_view(ctx: Context, record_id: int) -> dict[str, Any]:
    """The record, its source, its person and its candidate matches, for this reader."""
    rec = entered_record(ctx.store, ctx.reader, record_id)
    vocab = vocabulary_labels(ctx.store, ctx.lang)
    candidates = [
        {
            **c.to_dict(),
            "reasons_text": [reason_text(r, ctx._) for r in c.reasons],
            "url": ctx.url("person", person_id=c.person_id),
        }
        for c in candidate_matches(ctx.store, ctx.reader, record_id)
    ]
    linked = next((c for c in candidates if c["is_linked"]), None)
    labels = {name: ctx._(text) for _, fields in GROUPS for name, text, _v in fields}
    # A value chosen from a list was stored as its term's code: show the term, not the code.
    coded = {name: vocabulary for _, fields in GROUPS for name, _t, vocabulary in fields}

    def shown(name: str, value: Any) -> Any:
        vocabulary = coded.get(name)
        return vocab.get(vocabulary, {}).get(value, value) if vocabulary else value

    return {
        "record": rec.to_dict(),
        "values_shown": [
            {"field": k, "label": labels.get(k, k), "value": shown(k, v)}
            for k, v in rec.values.items()
        ],
        "channel_label": vocab.get("channel", {}).get(rec.channel or "", rec.channel or ""),
        "kind_label": vocab.get("source_kind", {}).get(rec.source_kind, rec.source_kind),
        "level_label": ctx._(LEVEL_LABELS.get(rec.sensitivity, rec.sensitivity)),
        "taken_on_local": ctx.format_date(rec.taken_on, "long") if rec.taken_on else "",
        "person_url": ctx.url("person", person_id=rec.person_id) if rec.person_id else None,
        "same_source_url": f"{ctx.url('intake')}?source={rec.source_id}"
        if rec.channel and not rec.corrects_record_id
        else None,
        "linked_names": linked["names"] if linked else [],
        "candidates": candidates,
        **source_choices(ctx),
        "can_review": ctx.allowed("review"),
        "can_edit": ctx.allowed("edit"),
    }


@page(
    "/intake/records/{record_id}",
    permission="read_identities",
    template="intake_result.html",
    name="intake_result",
    tags=["intake"],
)
def intake_result(ctx: Context, record_id: int) -> Any:
    """An entered record: its source, the person it is linked to, its candidate matches."""
    try:
        return result_view(ctx, record_id)
    except PurposeNeeded:
        if ctx.wants_json:
            raise
        from starlette.responses import RedirectResponse

        return RedirectResponse(ctx.purpose_url, status_code=303)


@action(
    "/intake/records/{record_id}/same",
    permission="review",
    name="intake_same_person",
    tags=["intake"],
)
def intake_same(ctx: Context, record_id: int) -> dict[str, Any]:
    """Decide that the record is the same person as ``person_id`` (a human decision)."""
    from habeas.ingest.intake import person_anchor

    raw = clean_text(ctx.form.get("person_id"))
    if raw is None or not raw.isdigit():
        raise UsageError(ctx._("Choose the person."))
    try:
        anchor = person_anchor(ctx.store, ctx.reader, int(raw))
    except IntakeFailed as exc:
        raise UsageError(exc.problems[0].translated(ctx._) or str(exc)) from None
    done = decide(
        ctx.store,
        (record_id, anchor),
        "same",
        reader=ctx.reader,
        note=f"intake: record {record_id} is person {raw}",
    )
    if not ctx.wants_json:
        ctx.flash(ctx._("Linked: the record is now person %(id)s's.", id=raw), "ok")
    return {**done, "redirect": ctx.url("intake_result", record_id=record_id)}
