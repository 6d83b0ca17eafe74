"""Retired and split person ids on the web and API (:mod:`habeas.store.person_ids`).

``/persons/87`` of a person merged into 91 redirects (307) to
``/persons/91?merged=87`` (``.json`` stays ``.json``), whose page then says
"Person 87 was merged into person 91 on DATE"; a current person that lost
records to a split says which persons hold them now. An id whose records went
to several persons is a 404 naming them all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import RedirectResponse

from habeas.errors import NotFound
from habeas.store.person_ids import Move, PersonId, resolve
from habeas.web.context import Context
from habeas.web.pages._common import Gettext, fmt_date


def merged_text(m: Move, lang: str, _: Gettext) -> str:
    values = {"old": m.person_id, "new": m.into_id}
    if m.at is None:
        return _("Person %(old)s was merged into person %(new)s.") % values
    return _("Person %(old)s was merged into person %(new)s on %(date)s.") % {
        **values,
        "date": fmt_date(m.at.date(), lang, "long"),
    }


def split_text(m: Move, lang: str, _: Gettext) -> str:
    return _("Split on %(date)s: %(n)s of this person's records now belong to person %(new)s.") % {
        "date": fmt_date(m.at.date(), lang, "long") if m.at else "?",
        "n": m.records,
        "new": m.into_id,
    }


def retired_redirect(
    ctx: Context, person_id: int, route: str = "person", **query: Any
) -> tuple[PersonId, RedirectResponse | None]:
    """Where ``person_id`` stands, and the redirect to its survivor if it was merged."""
    where = resolve(ctx.store, person_id)
    if where.current or not where.moved_to:
        return where, None
    if where.survivor is None:
        raise NotFound(
            ctx._("Person %(old)s was merged; its records now belong to persons %(ids)s.")
            % {"old": person_id, "ids": ", ".join(map(str, where.moved_to))}
        )
    path = ctx.url(route, person_id=where.survivor)
    if ctx.wants_json and route == "person":
        path = ctx.url(route + ".json", person_id=where.survivor)
    params = {k: v for k, v in query.items() if v is not None}
    return where, RedirectResponse(
        f"{path}?{urlencode({'merged': person_id, **params})}", status_code=307
    )


def id_notices(ctx: Context, where: PersonId, merged: int | None) -> dict[str, Any]:
    """The page's ``merged_from`` / ``split_off`` notices (texts and codes)."""
    came = resolve(ctx.store, merged) if merged is not None and merged != where.asked else None
    path = list(came.path) if came is not None and where.asked in came.moved_to else []
    notes = [{**m.to_dict(), "text": merged_text(m, ctx.lang, ctx._)} for m in path]
    if path and where.asked not in {m.into_id for m in path}:  # moved on by a later split
        notes.append(
            {
                "person_id": merged,
                "into_id": where.asked,
                "kind": "now",
                "text": ctx._("The records of person %(old)s now belong to person %(new)s.")
                % {"old": merged, "new": where.asked},
            }
        )
    return {
        "merged_from": notes,
        "split_off": [
            {**m.to_dict(), "text": split_text(m, ctx.lang, ctx._)} for m in where.split_off
        ],
    }
