"""A dossier a lawyer can file, from the browser (roles with ``dossier``).

* ``GET /persons/{person_id}/dossier`` — the form: who prepares it (name,
  organisation), where, the purpose and the case number, and the language.
* ``POST /persons/{person_id}/dossier`` — the PDF (:func:`habeas.report.dossier.dossier_report`
  with a :class:`~habeas.report.dossier_annex.Filing`): the details on its first page, a
  declaration and a signature block, the methods appendix and the chain of custody.
  The dossier is produced for the purpose given in the form (with the case number): the
  read log records it, and restricted data is included for it as the policy allows.

``GET /persons/{person_id}/dossier.pdf`` (in :mod:`habeas.web.pages.person`) still gives
the dossier without a signature block.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.responses import Response

from habeas import i18n
from habeas.access.reader import Reader
from habeas.errors import UsageError
from habeas.report.dossier_annex import PURPOSE_TEXT, Filing
from habeas.web.context import Context
from habeas.web.pages._common import clean_text
from habeas.web.pages._person_ids import retired_redirect
from habeas.web.rendering import render
from habeas.web.views import action, page

FIELDS = ("preparer", "organisation", "place", "purpose", "case_number", "language")


def _form_page(ctx: Context, person_id: int, form: dict[str, str] | None = None) -> dict[str, Any]:
    user = ctx.user
    defaults = {
        "preparer": (user.display_name or user.name) if user is not None else "",
        "purpose": "court_filing",
        "language": ctx.lang,
    }
    return {
        "person_id": person_id,
        "form": {**defaults, **(form or {})},
        "purposes": [{"code": c, "label": ctx._(t)} for c, t in PURPOSE_TEXT.items()],
        "errors": {},
        "action": f"/persons/{person_id}/dossier",
    }


@page(
    "/persons/{person_id}/dossier",
    permission="dossier",
    template="dossier_form.html",
    name="dossier_form",
    tags=["persons"],
)
def dossier_form(ctx: Context, person_id: int) -> Any:
    """The form for a dossier to file: preparer, organisation, place, purpose, case, language."""
    _where, moved = retired_redirect(ctx, person_id, "dossier_form")
    if moved is not None:
        return moved
    return _form_page(ctx, person_id)


def _problems(ctx: Context, form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not form.get("preparer"):
        errors["preparer"] = ctx._("Give the name of the person who prepares the dossier.")
    if form.get("purpose") not in PURPOSE_TEXT:
        errors["purpose"] = ctx._("Choose the purpose of the dossier.")
    if form.get("language") not in i18n.LANGUAGES:
        errors["language"] = ctx._("Choose Spanish or English.")
    for name in ("preparer", "organisation", "place", "case_number"):
        if len(form.get(name) or "") > 200:
            errors[name] = ctx._("Keep this under 200 characters.")
    return errors


@action(
    "/persons/{person_id}/dossier",
    permission="dossier",
    name="dossier_make",
    tags=["persons"],
)
def dossier_make(ctx: Context, person_id: int) -> Any:
    """The dossier as a PDF, with the details of the form, a declaration and a signature block."""
    from habeas.report.dossier import dossier_report

    form = {k: clean_text(str(ctx.form.get(k, ""))) or "" for k in FIELDS}
    errors = _problems(ctx, form)
    if errors:
        if ctx.wants_json:
            raise UsageError(" ".join(errors.values()))
        return render(
            ctx,
            "dossier_form.html",
            {**_form_page(ctx, person_id, form), "errors": errors},
            status=400,
        )
    filing = Filing(
        preparer=form["preparer"],
        organisation=form["organisation"],
        place=form["place"],
        purpose=form["purpose"],
        case_number=form["case_number"],
    )
    base = ctx.reader
    reader = Reader(base.role, base.user, filing.reader_purpose, base.face)
    lang = form["language"]
    with tempfile.TemporaryDirectory(prefix="habeas-dossier-") as tmp:
        path = dossier_report(
            ctx.store,
            person_id,
            Path(tmp) / "dossier.pdf",
            lang=lang,
            fmt="pdf",
            register=ctx.settings.site_name,
            reader=reader,
            filing=filing,
        )
        content = path.read_bytes()
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="dossier-{person_id}-{lang}.pdf"'},
    )
