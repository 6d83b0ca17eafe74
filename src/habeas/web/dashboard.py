"""The dashboard: where the register stands (counts, events over time, flights, facilities).

Every role that may log in sees the aggregates (computed by
:mod:`habeas.report.aggregates`). Roles that may read identities see them
exact; every other role sees them with counts below the workspace's k hidden
(``"<k"``, and ``"x"`` where a month total would give a hidden count back; see
:mod:`habeas.report.suppression`). The recent activity (the newest change-log
entries: who read which person, logins, tokens) is part of the audit trail,
shown only with the ``admin`` permission.
"""

from __future__ import annotations

from typing import Any

from habeas.messages import N_
from habeas.read.activity import recent_activity
from habeas.report.aggregates import overview, suppress_overview
from habeas.report.sharing import sharing_settings
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.views import page


def cached_aggregates(store: Any, session: Any, lang: str, k: int | None = None) -> dict[str, Any]:
    """The aggregates (exact, or with counts below ``k`` hidden), recomputed only when the
    register changes (see habeas.web.cache)."""
    exact: dict[str, Any] = cached(
        store, ("dashboard", lang), lambda: overview(store, session, lang)
    )
    if k is None:
        return exact
    hidden: dict[str, Any] = cached(
        store, ("dashboard", lang, "k", k), lambda: suppress_overview(exact, k)
    )
    return hidden


@page(
    "/",
    permission="read_summary",
    template="dashboard.html",
    name="dashboard",
    nav=N_("Overview"),
    nav_order=10,
)
def dashboard(ctx: Context) -> dict[str, Any]:
    """Where the register stands: counts, events over time, flights, facilities.

    Without the permission to read identities, counts below the workspace's k are
    written "<k" (or "x" where a total would give one back)."""
    identities = ctx.allowed("read_identities")
    with ctx.store.read() as session:
        k = (
            None
            if identities
            else cached(ctx.store, ("sharing_k",), lambda: sharing_settings(ctx.store).k)
        )
        data = cached_aggregates(ctx.store, session, ctx.lang, k)
        if ctx.allowed("admin"):
            data["recent_activity"] = [
                e.to_dict() for e in recent_activity(ctx.store, reader=ctx.reader)
            ]
    return data
