"""Adding to a person in the browser: a custody event, a legal fact, a file, a correction.

* ``GET /persons/{person_id}/add`` and ``POST /persons/{person_id}/add/{what}`` (edit;
  ``what``: event or legal_fact) — the fact is a new record of the source it comes from
  (a conversation or a document, given on the form), joined to the person at once by a
  human decision (:func:`habeas.ingest.intake.enter_record` with ``person_record``);
* ``GET``/``POST /records/{record_id}/correct`` (edit) — a correction: a new record in a
  source of its own that cites the record (never an edit in place);
* ``POST /attachments`` (edit, multipart ``file``) — attach a file to a person, record,
  custody event, incident, legal action or inquiry (:mod:`habeas.evidence.attachments`);
* ``GET /attachments/{attachment_id}`` (read_identities) — the file, checked against its
  hash; the reading is logged in its chain of custody.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.responses import Response

from habeas.errors import UsageError
from habeas.evidence.attachments import AttachmentError, attach, open_attachment
from habeas.ingest.intake import IntakeFailed, enter_record, person_anchor
from habeas.read.entries import PurposeNeeded, entered_record
from habeas.web.context import Context
from habeas.web.pages._common import clean_text
from habeas.web.pages.intake import (
    GROUPS,
    SOURCE_INPUTS,
    form_groups,
    intake_from,
    problem_texts,
    source_choices,
)
from habeas.web.rendering import render
from habeas.web.views import action, page

#: What a person's page can add, and the form groups each shows (by index in GROUPS).
FACTS = {"event": (GROUPS[2],), "legal_fact": (GROUPS[3],)}
CORRECTION_GROUPS = (GROUPS[0], GROUPS[2], GROUPS[3])


def _fields(groups: Any) -> tuple[str, ...]:
    return tuple(f for _, fields in groups for f, _label, _v in fields)


def _person(ctx: Context, person_id: int) -> tuple[int, str]:
    """An anchor record of the person and the name it gives (the form's subject)."""
    try:
        anchor = person_anchor(ctx.store, ctx.reader, person_id)
    except IntakeFailed as exc:
        from habeas.errors import NotFound

        raise NotFound(exc.problems[0].translated(ctx._) or str(exc)) from None
    rec = entered_record(ctx.store, ctx.reader, anchor)
    return anchor, rec.full_name or ctx._("Person %(id)s", id=person_id)


def _add_page(
    ctx: Context,
    person_id: int,
    what: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    _anchor, name = _person(ctx, person_id)
    from datetime import UTC, datetime

    defaults = {
        "kind": "document",
        "channel": "document",
        "taken_on": datetime.now(UTC).date().isoformat(),
        "taken_by": ctx.actor,
    }
    return {
        "person": {"id": person_id, "name": name},
        "forms": {w: form_groups(ctx, groups) for w, groups in FACTS.items()},
        **source_choices(ctx),
        "what": what,
        "form": {**defaults, **(form or {})},
        "errors": errors or {},
        "target_kinds": ["person"],
    }


@page(
    "/persons/{person_id}/add",
    permission="edit",
    template="person_add.html",
    name="person_add",
    tags=["persons"],
)
def person_add(ctx: Context, person_id: int) -> Any:
    """Forms to add a custody event, a legal fact or a file to a person."""
    try:
        return _add_page(ctx, person_id)
    except PurposeNeeded:
        if ctx.wants_json:
            raise
        from starlette.responses import RedirectResponse

        return RedirectResponse(ctx.purpose_url, status_code=303)


@action(
    "/persons/{person_id}/add/{what}", permission="edit", name="person_add_fact", tags=["persons"]
)
def person_add_fact(ctx: Context, person_id: int, what: str) -> Any:
    """Add a custody event (``what=event``) or a legal fact (``legal_fact``) to the person,
    from the source given (``kind``, ``channel``, ``taken_on``, ...)."""
    if what not in FACTS:
        raise UsageError(ctx._("Nothing to enter."))
    form = {k: str(v) for k, v in ctx.form.items() if k != "csrf_token"}
    anchor, name = _person(ctx, person_id)
    fields = _fields(FACTS[what])
    values = {"full_name": name, **{k: form[k] for k in fields if form.get(k, "").strip()}}
    try:
        if len(values) == 1:
            raise IntakeFailed([])  # nothing but the name: say so below
        result = enter_record(
            ctx.store, ctx.reader, intake_from(form, ctx.lang), values, person_record=anchor
        )
    except IntakeFailed as exc:
        if ctx.wants_json:
            raise UsageError(str(exc) or ctx._("Nothing to enter.")) from None
        errors = problem_texts(ctx, exc.problems, (*fields, *SOURCE_INPUTS)) or {
            "form": ctx._("Nothing to enter.")
        }
        data = _add_page(ctx, person_id, what, form, errors)
        return render(ctx, "person_add.html", data, status=400)
    if not ctx.wants_json:
        ctx.flash(ctx._("Recorded. The person's page below includes it."), "ok")
    return {**result.to_dict(), "redirect": ctx.url("person", person_id=result.person_id)}


def _correct_page(
    ctx: Context, record_id: int, form: dict[str, str] | None, errors: dict[str, str]
) -> dict[str, Any]:
    from datetime import UTC, datetime

    rec = entered_record(ctx.store, ctx.reader, record_id)
    defaults = {
        "kind": "document",
        "channel": "document",
        "taken_on": datetime.now(UTC).date().isoformat(),
        "taken_by": ctx.actor,
        **rec.form,
    }
    return {
        "record": rec.to_dict(),
        "groups": form_groups(ctx, CORRECTION_GROUPS),
        **source_choices(ctx),
        "form": {**defaults, **(form or {})},
        "errors": errors,
    }


@page(
    "/records/{record_id}/correct",
    permission="edit",
    template="record_correct.html",
    name="record_correct",
    tags=["intake"],
)
def record_correct(ctx: Context, record_id: int) -> Any:
    """The form to correct a record: the record as it should read, and where the
    correction comes from."""
    try:
        return _correct_page(ctx, record_id, None, {})
    except PurposeNeeded:
        if ctx.wants_json:
            raise
        from starlette.responses import RedirectResponse

        return RedirectResponse(ctx.purpose_url, status_code=303)


@action(
    "/records/{record_id}/correct",
    permission="edit",
    name="record_correct_submit",
    tags=["intake"],
)
def record_correct_submit(ctx: Context, record_id: int) -> Any:
    """Correct a record: a new record citing it, in a new source (``kind``, ``channel``,
    ``taken_on``, ...), with every value the record should hold."""
    form = {k: str(v) for k, v in ctx.form.items() if k != "csrf_token"}
    fields = _fields(CORRECTION_GROUPS)
    values = {k: form[k] for k in fields if form.get(k, "").strip()}
    try:
        result = enter_record(
            ctx.store, ctx.reader, intake_from(form, ctx.lang), values, corrects_record=record_id
        )
    except IntakeFailed as exc:
        if ctx.wants_json:
            raise UsageError(str(exc)) from None
        errors = problem_texts(ctx, exc.problems, (*fields, *SOURCE_INPUTS))
        data = _correct_page(ctx, record_id, form, errors)
        return render(ctx, "record_correct.html", data, status=400)
    if not ctx.wants_json:
        ctx.flash(ctx._("Correction recorded as record %(id)s.", id=result.record_id), "ok")
    return {**result.to_dict(), "redirect": ctx.url("intake_result", record_id=result.record_id)}


@action("/attachments", permission="edit", name="attachment_add", tags=["evidence"])
def attachment_add(ctx: Context) -> Any:
    """Attach a file (multipart ``file``) to ``target_kind`` ``target_id`` with a
    ``description`` and a ``sensitivity``; ``next``: where to go back to."""
    kind = clean_text(ctx.form.get("target_kind")) or ""
    target = clean_text(ctx.form.get("target_id")) or ""
    return attach_upload(ctx, kind, target)


def attach_upload(ctx: Context, kind: str, target: int | str) -> dict[str, Any]:
    """Store the uploaded ``file`` and attach it to ``kind`` ``target`` (the library checks
    the permission that target kind needs); the view dict redirects to ``next``."""
    upload = ctx.files.get("file")
    if upload is None or not upload.filename:
        raise UsageError(ctx._("Choose a file to attach."))
    name = Path(upload.filename).name or "file"
    with tempfile.TemporaryDirectory(prefix="habeas-attach-") as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            size = 0
            while chunk := upload.file.read(1 << 20):
                size += len(chunk)
                if size > ctx.settings.max_upload_bytes:
                    raise UsageError(ctx._("The file is larger than this register accepts."))
                out.write(chunk)
        try:
            item = attach(
                ctx.store,
                ctx.reader,
                path,
                kind,
                target,
                description=clean_text(ctx.form.get("description")),
                sensitivity=clean_text(ctx.form.get("sensitivity")) or "restricted",
                filename=name,
                media_type=upload.content_type or None,
            )
        except AttachmentError as exc:
            raise UsageError(exc.translated(ctx._)) from None
    if not ctx.wants_json:
        ctx.flash(ctx._("File %(name)s attached.", name=item.filename), "ok")
    back = clean_text(ctx.form.get("next")) or "/"
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    return {**item.to_dict(), "redirect": back}


@page(
    "/attachments/{attachment_id}",
    permission="read_identities",
    name="attachment_file",
    json=False,
    tags=["evidence"],
)
def attachment_file(ctx: Context, attachment_id: int) -> Response:
    """An attached file's content (checked against its hash; the reading is logged)."""
    item, data = open_attachment(ctx.store, ctx.reader, attachment_id)
    safe = "".join(ch for ch in item.filename if ch.isalnum() or ch in "._- ") or "file"
    return Response(
        data,
        media_type=item.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
