"""Estimates: choose lists, a method and filters → how many people no list names.

Capture histories come from the register (:func:`habeas.estimate.register.
histories_from_register`: persons × chosen sources, after linkage); the methods
are :mod:`habeas.estimate`'s. The result table shows every method run, its
warnings in plain language, and the likelihood / posterior plot
(:func:`habeas.estimate.plot.plot_estimate`, a PNG ``data:`` URI).
"""

from __future__ import annotations

import base64
import math
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from fastapi import Query

from habeas.access import policy
from habeas.access.policy import SENSITIVITY_LEVELS
from habeas.errors import HabeasError, UsageError
from habeas.estimate import MAIN_METHODS, accepted_options, run_all, summary
from habeas.estimate.histories import CaptureHistories
from habeas.estimate.register import (
    FILTER_KEYS,
    STRATA_KEYS,
    histories_from_register,
    unreviewed_pairs,
)
from habeas.estimate.result import Estimate
from habeas.messages import N_
from habeas.read.estimates import estimable_lists
from habeas.report.sharing import sharing_settings
from habeas.report.suppression import protect, show
from habeas.store.db import Store
from habeas.web.cache import cached, slots
from habeas.web.context import Context
from habeas.web.errors import ServerBusy
from habeas.web.pages._common import Gettext, clean_text, fmt_number, jsonable
from habeas.web.views import page

METHODS: dict[str, str] = {
    "dga": N_("Bayesian model averaging over decomposable graphs (dga)"),
    "lcmcr": N_("Latent classes (LCMCR)"),
    "loglinear": N_("Log-linear models (Rcapture)"),
    "bhs": N_("Bayesian model selection (BHS)"),
    "stepwise": N_("Stepwise log-linear (SparseMSE)"),
    "independence": N_("Independence (simplest, usually too low)"),
    "chapman": N_("Chapman (two lists)"),
    "lincoln": N_("Lincoln-Petersen (two lists)"),
}
ALL = "all"
#: Seconds a client refused for want of a free estimate slot is asked to wait.
RETRY_AFTER = 30
FILTER_LABELS = {
    "nationality": N_("Nationality (ISO code, e.g. VEN)"),
    "sex": N_("Sex"),
    "event_type": N_("Event type"),
    "facility": N_("Facility"),
    "from": N_("From (YYYY-MM-DD)"),
    "to": N_("To (YYYY-MM-DD)"),
}
STRATA_LABELS = {"nationality": N_("nationality"), "sex": N_("sex"), "facility": N_("facility")}


def list_choices(
    store: Store, levels: Collection[str], k: int | None = None
) -> list[dict[str, Any]]:
    """Sources with records at ``levels``: the lists one can estimate from (record counts
    below ``k`` hidden, when given)."""
    return [
        {
            "id": c.id,
            "title": c.title,
            "kind": c.kind,
            "records": c.records if k is None else show(c.records, k),
        }
        for c in estimable_lists(store, levels)
    ]


def estimate_levels(role: str | None) -> list[str]:
    """The sensitivity levels whose lists ``role`` may estimate from (its clearance)."""
    return [lv for lv in SENSITIVITY_LEVELS if policy.allowed(role, "estimate", sensitivity=lv)]


def _plot(est: Estimate, lang: str) -> str | None:
    from habeas.estimate.plot import has_curve, plot_estimate

    if not has_curve(est):
        return None
    with tempfile.TemporaryDirectory(prefix="habeas-plot-") as tmp:
        path = plot_estimate(est, Path(tmp) / "estimate.png", lang=lang)
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _row(est: Estimate, lang: str, _: Gettext) -> dict[str, Any]:
    interval = est.interval
    hi = None if interval is None else interval[1]
    return {
        "method": est.method,
        "method_text": _(METHODS.get(est.method, est.method)),
        "observed": est.observed,
        "observed_text": fmt_number(est.observed, lang),
        "point": est.point,
        "point_text": fmt_number(est.point, lang),
        "missing": est.missing,
        "missing_text": fmt_number(est.missing, lang),
        "interval": None
        if interval is None
        else [interval[0], hi if hi is not None and math.isfinite(hi) else None],
        "interval_text": "—"
        if interval is None
        else f"{fmt_number(interval[0], lang)} – {fmt_number(interval[1], lang)}",
        "level": est.level,
        "model": est.model,
        "warnings": est.warnings,
        "computed": est.point is not None,
        "model_text": summary.describe_model(est, lang) or est.model or "",
        "interval_kind_text": summary.interval_kind(est.interval_kind, lang),
        "unstable": est.unstable_interval,
        "error": est.error,
        "stratum": est.stratum,
    }


def estimate_data(
    store: Store,
    *,
    lang: str,
    _: Gettext,
    lists: list[str] | None,
    method: str | None,
    where: dict[str, str],
    strata: str | None,
    seed: int = 7,
    plot: bool = True,
    levels: Collection[str] | None = None,
    k: int | None = None,
) -> dict[str, Any]:
    """The estimate page's data: lists and records at ``levels`` only (``None``: all);
    with ``k`` (roles that may not read identities), counts of people below k hidden."""
    levels = list(SENSITIVITY_LEVELS) if levels is None else list(levels)
    chosen = [t for t in (lists or []) if clean_text(t)]
    method = clean_text(method) or "dga"
    strata = clean_text(strata)
    where = {k: v.strip() for k, v in where.items() if clean_text(v)}
    data: dict[str, Any] = {
        "form": {"lists": chosen, "method": method, "where": where, "strata": strata or ""},
        "choices": {
            "lists": list_choices(store, levels, k),
            "methods": [{"code": ALL, "label": _("All the main methods, side by side")}]
            + [{"code": k, "label": _(v)} for k, v in METHODS.items()],
            "filters": [{"key": k, "label": _(FILTER_LABELS[k])} for k in FILTER_KEYS],
            "strata": [{"code": k, "label": _(STRATA_LABELS[k])} for k in STRATA_KEYS],
        },
        "ran": False,
        "results": [],
        "strata_results": [],
        "warnings": [],
        "plot": None,
        "plot_method": None,
        "error": None,
        "histories": None,
        "conclusion": None,
    }
    if not chosen:
        return jsonable(data)
    if method != ALL and method not in METHODS:
        data["error"] = _("Unknown method %(method)s.") % {"method": method}
        return jsonable(data)
    try:
        tables = histories_from_register(store, chosen, where, strata, levels)
        names = list(MAIN_METHODS) if method == ALL else [method]
        options: dict[str, Any] = {"seed": seed, "chains": 2, "level": 0.95}
        results: list[Estimate] = []
        warnings: list[str] = []
        if strata is None:
            hist = tables["all"]
            warnings += hist.warnings
            results = run_all(hist, names, **options)
            data["histories"] = _histories(hist, k)
            data["conclusion"] = summary.conclusion(results, lang)
        else:
            from habeas.estimate.strata import estimate_by_strata

            if method == ALL:
                raise UsageError(_("With strata, choose one method."))
            for hist in tables.values():
                warnings += [w for w in hist.warnings if w not in warnings]
            extra = accepted_options(method, {"seed": seed, "chains": 2})
            per, total = estimate_by_strata(tables, method, level=0.95, **extra)
            data["strata_results"] = [{"stratum": k, **_row(e, lang, _)} for k, e in per.items()]
            results = [total]
            data["conclusion"] = summary.conclusion(results, lang)
        pending = unreviewed_pairs(store, chosen)
        if pending:
            warnings.append(
                _(
                    "%(num)s pairs of records on these lists are waiting in the review "
                    "queue. Each decision can merge or split people and change the "
                    "estimate: decide them in the review queue first."
                )
                % {"num": fmt_number(pending, lang)}
            )
    except HabeasError as exc:
        data["error"] = str(exc)
        return jsonable(data)
    data["ran"] = True
    data["results"] = [_row(e, lang, _) for e in results]
    observed = (data["histories"] or {}).get("observed")
    if isinstance(observed, str):  # the total itself is small: do not give it back
        for row in data["results"]:
            row["observed"] = row["observed_text"] = observed
    data["warnings"] = warnings
    if plot:
        target = next((e for e in results if e.point is not None and _plot_ok(e)), None)
        if target is not None:
            data["plot"] = _plot(target, lang)
            data["plot_method"] = _(METHODS.get(target.method, target.method))
    return jsonable(data)


def _plot_ok(est: Estimate) -> bool:
    from habeas.estimate.plot import has_curve

    return has_curve(est)


def _histories(hist: CaptureHistories, k: int | None) -> dict[str, Any]:
    """Who is on which lists: one count per capture pattern, and the total observed.

    The names are the histories' own lists (a list with nobody left after the
    filters is dropped from them). With ``k``, counts below k are hidden, and so is
    any count the total would give back (:func:`habeas.report.suppression.protect`)."""
    names = hist.lists
    out: list[dict[str, Any]] = []
    for row, count in zip(hist.patterns.tolist(), hist.counts.tolist(), strict=True):
        out.append(
            {"lists": [n for n, bit in zip(names, row, strict=True) if bit], "count": int(count)}
        )
    out.sort(key=lambda p: (-len(p["lists"]), -p["count"]))
    observed: int | str = int(hist.n)
    if k is not None:
        table = protect(
            {i: p["count"] for i, p in enumerate(out)}, {"observed": range(len(out))}, k
        )
        for i, p in enumerate(out):
            p["count"] = table.cell(i)
        observed = table.total("observed")
    return {"observed": observed, "patterns": out}


# --------------------------------------------------------------------------- the page


@page(
    "/estimates",
    permission="estimate",
    template="estimates.html",
    name="estimates",
    nav=N_("Estimates"),
    nav_order=60,
    tags=["estimates"],
)
def estimates_page(
    ctx: Context,
    lists: list[str] | None = Query(None),  # noqa: B008
    method: str | None = None,
    strata: str | None = None,
    nationality: str | None = None,
    sex: str | None = None,
    event_type: str | None = None,
    facility: str | None = None,
    date_from: str | None = Query(None, alias="from"),  # noqa: B008
    date_to: str | None = Query(None, alias="to"),  # noqa: B008
    seed: int = 7,
) -> dict[str, Any]:
    """Estimate how many people no list names: choose lists, a method and filters."""
    where = {
        "nationality": nationality or "",
        "sex": sex or "",
        "event_type": event_type or "",
        "facility": facility or "",
        "from": date_from or "",
        "to": date_to or "",
    }
    k = (
        None
        if ctx.allowed("read_identities")
        else cached(ctx.store, ("sharing_k",), lambda: sharing_settings(ctx.store).k)
    )
    levels = estimate_levels(ctx.role)
    plot = not ctx.wants_json
    running = slots("estimates", ctx.settings.max_concurrent_estimates)

    def compute() -> dict[str, Any]:
        if not running.try_enter():
            raise ServerBusy(
                ctx._("Other estimates are being computed right now; try again in a minute."),
                retry_after=RETRY_AFTER,
            )
        try:
            return estimate_data(
                ctx.store,
                lang=ctx.lang,
                _=ctx._,
                lists=lists,
                method=method,
                where=where,
                strata=strata,
                seed=seed,
                plot=plot,
                levels=levels,
                k=k,
            )
        finally:
            running.leave()

    # the same question on the same register gives the same answer: computed once
    key = (
        "estimates",
        ctx.lang,
        tuple(lists or ()),
        method,
        tuple(sorted(where.items())),
        strata,
        seed,
        plot,
        tuple(levels),
        k,
    )
    data: dict[str, Any] = cached(ctx.store, key, compute)
    return data
