"""The purpose of a consultation: asked once per browser session, then remembered.

Restricted and witness-protected data are shown only for a stated purpose (art. 19
ICPPED: data collected in the search for a disappeared person serve that search).
``GET /purpose`` shows the small form, ``POST /purpose`` stores the purpose on the
session (:func:`habeas.access.users.set_session_purpose`, a logged change) and goes
back to the page the user came from. API clients send ``X-Habeas-Purpose`` instead.
"""

from __future__ import annotations

from typing import Any

from habeas.access.reader import PURPOSES
from habeas.access.users import set_session_purpose
from habeas.errors import UsageError
from habeas.messages import N_
from habeas.web.context import Context
from habeas.web.views import action, page

PURPOSE_LABELS = {
    "relative_request": N_("request from a relative"),
    "lawyer_request": N_("request from a lawyer or representative"),
    "court_filing": N_("preparing a court filing or habeas petition"),
    "un_communication": N_("communication to a UN body or the IACHR"),
    "documentation": N_("documentation of the case (verification, linkage, corrections)"),
    "audit": N_("audit of the register itself"),
}
assert set(PURPOSE_LABELS) == set(PURPOSES)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@page("/purpose", permission="read_identities", template="purpose.html", name="purpose")
def purpose_form(ctx: Context, next: str | None = None) -> dict[str, Any]:
    """The purpose stated for this session, and the choices."""
    return {
        "purpose": ctx.reader.purpose,
        "next": _safe_next(next),
        "choices": [{"code": c, "label": ctx._(label)} for c, label in PURPOSE_LABELS.items()],
    }


@action("/purpose", permission="read_identities", name="purpose_set")
def purpose_set(ctx: Context) -> dict[str, Any]:
    """State the purpose (fields ``purpose``: a code, ``note``: free text, ``next``)."""
    code = str(ctx.form.get("purpose", "")).strip()
    note = " ".join(str(ctx.form.get("note", "")).split())
    if ctx.session.sid is None:
        raise UsageError(ctx._("API clients send the purpose in the X-Habeas-Purpose header."))
    if not code:
        raise UsageError(ctx._("Choose the purpose of this consultation."))
    text = f"{code}: {note}" if note else code
    set_session_purpose(ctx.store, ctx.session.sid, text, ctx.actor)
    ctx.flash(ctx._("Purpose noted for this session."), "ok")
    return {"purpose": text, "redirect": _safe_next(str(ctx.form.get("next", "")))}
