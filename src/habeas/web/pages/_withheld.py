"""How every page says that data was withheld: first, prominently, and how to see it.

The library reports what it kept from the reader (:class:`habeas.access.reader.Withheld`);
:func:`withheld_notice` turns it into the words every page shows *above* its
counts and results (template ``_withheld_notice.html``): how many items, how many
a stated purpose would show (with the link to the purpose form, coming back to
this very page and query), and how many are above the role's clearance (ask an
administrator). A page says "no match" only when nothing matched at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from habeas.access.reader import Withheld, withheld_parts
from habeas.i18n_withheld import ABOVE_CLEARANCE, FOR_PURPOSE, withheld_said
from habeas.web.context import Context


def withheld_notice(
    ctx: Context, withheld: dict[str, Any] | Withheld | None, next_path: str | None = None
) -> dict[str, Any]:
    """``{}`` when nothing was withheld; else the texts, counts and the purpose link."""
    parts = withheld_parts(withheld)
    if parts is None:
        return {}
    total, for_purpose, above = parts.total, parts.for_purpose, parts.above_clearance
    if next_path is None:
        url = ctx.request.url
        path = url.path.removesuffix(".json")  # the API points to the page
        next_path = path + (f"?{url.query}" if url.query else "")
    return {
        "total": total,
        "for_purpose": for_purpose,
        "above_clearance": above,
        "text": withheld_said(ctx.translations, total),
        "purpose_text": withheld_said(ctx.translations, for_purpose, FOR_PURPOSE)
        if for_purpose
        else "",
        "purpose_url": f"/purpose?next={quote(next_path, safe='')}" if for_purpose else None,
        "level_text": withheld_said(ctx.translations, above, ABOVE_CLEARANCE) if above else "",
    }
