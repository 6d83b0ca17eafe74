"""Estimates in plain words, in the reader's language: the conclusion first.

The faces (CLI table, web page) print :func:`conclusion` before any table:
"Between X and Y people, most likely Z; the lists name N, so about M are on no
list." With several methods it spans their intervals and takes the middle of
their estimates, because methods often disagree and the spread is part of the
answer; two-list methods are left out of it when others used more lists.
:func:`describe_model` says what each model assumes, with the list names;
:func:`interval_kind` says how an interval was made.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from typing import Any

from habeas.estimate.result import Estimate
from habeas.i18n import format_number, gettext_for


def whole(value: float | None, lang: str) -> str:
    """A count for people to read: rounded, grouped in ``lang``'s way; ∞ when unbounded."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞"
    return format_number(round(value), lang)


def conclusion(results: Sequence[Estimate], lang: str) -> str:
    """One or two sentences: the range, the most likely total, the number named, the missing."""
    _ = gettext_for(lang)
    if not results:
        return ""
    # Lincoln/Chapman use two of the lists: beside methods that use them all, leave them out
    # (their "observed" is only the people on those two, and their range can fall below
    # the number the other lists name).
    most = max(len(e.lists) for e in results)
    full = [e for e in results if not e.lists or len(e.lists) == most]
    done = [e for e in full if e.point is not None and math.isfinite(e.point)]
    observed = max(e.observed for e in full)
    if not done:
        return str(
            _("No method gave an estimate; the lists name %(observed)s people.")
            % {"observed": whole(observed, lang)}
        )
    points = [float(e.point) for e in done if e.point is not None]
    point = statistics.median(points)
    lows = [e.interval[0] for e in done if e.interval is not None]
    highs = [e.interval[1] for e in done if e.interval is not None]
    values = {
        "low": whole(min(lows) if lows else point, lang),
        "high": whole(max(highs) if highs else point, lang),
        "point": whole(point, lang),
        "observed": whole(observed, lang),
        "missing": whole(max(point - observed, 0.0), lang),
        "count": len(done),
        "first": whole(min(points), lang),
        "last": whole(max(points), lang),
    }
    unbounded = any(not math.isfinite(h) for h in highs)
    if len(done) == 1:
        text = (
            _(
                "At least %(low)s people (the data set no upper limit), most likely "
                "%(point)s; the lists name %(observed)s, so about %(missing)s are on no "
                "list."
            )
            if unbounded
            else _(
                "Between %(low)s and %(high)s people, most likely %(point)s; the lists name "
                "%(observed)s, so about %(missing)s are on no list."
            )
        )
    else:
        text = (
            _(
                "At least %(low)s people (some method sets no upper limit), most likely "
                "%(point)s (the middle of %(count)s methods' estimates, which run from "
                "%(first)s to %(last)s); the lists name %(observed)s, so about %(missing)s "
                "are on no list."
            )
            if unbounded
            else _(
                "Between %(low)s and %(high)s people, most likely %(point)s (the middle of "
                "%(count)s methods' estimates, which run from %(first)s to %(last)s); the "
                "lists name %(observed)s, so about %(missing)s are on no list."
            )
        )
    return str(text % values)


def interval_kind(kind: str | None, lang: str) -> str:
    """How an interval was made, in words (empty when unknown)."""
    _ = gettext_for(lang)
    names = {
        "profile": _("profile likelihood"),
        "bootstrap": _("bootstrap"),
        "posterior": _("posterior (Bayesian)"),
        "normal": _("normal approximation"),
        "lognormal": _("log-normal approximation"),
    }
    return str(names.get(kind or "", ""))


def _pairs_text(pairs: Sequence[Sequence[str]], lang: str) -> str:
    _ = gettext_for(lang)
    if not pairs:
        return str(_("lists independent of each other"))
    linked = [f"{a}–{b}" for a, b in pairs]
    return str(_("dependence between lists %(pairs)s") % {"pairs": ", ".join(linked)})


_HETEROGENEITY = re.compile(r"^M(t?)h (\S+)$")
_HIERARCHICAL = re.compile(r"^\[([0-9,]+)\]$")


def describe_model(est: Estimate, lang: str) -> str:
    """What the model assumes, in words, naming the lists (falls back to ``est.model``)."""
    _ = gettext_for(lang)
    name = est.model or ""
    lists = est.lists
    diag: dict[str, Any] = est.diagnostics
    if est.error is not None or not name:
        return ""
    if est.stratum == "total":
        return str(_("sum of the strata"))
    if est.method in ("lincoln", "chapman") and len(lists) == 2:
        return str(
            _("two lists: %(first)s and %(second)s") % {"first": lists[0], "second": lists[1]}
        )
    if est.method == "independence":
        return str(_("lists independent of each other; everyone equally likely to be listed"))
    if est.method in ("stepwise", "bhs"):
        pairs = diag.get("pairs")
        if pairs is None:
            pairs = [p.split(":", 1) for p in name.split(" + ")[1:]]
        return _pairs_text(pairs, lang)
    if est.method == "dga":
        top = diag.get("top_cliques") or []
        groups = [
            "–".join(c) if len(c) > 1 else str(_("%(list)s alone") % {"list": c[0]}) for c in top
        ]
        return str(
            _("average of %(count)s dependence structures; the most probable links %(top)s")
            % {"count": diag.get("n_graphs", "?"), "top": ", ".join(groups) or "—"}
        )
    if est.method == "lcmcr":
        return str(
            _(
                "up to %(k)s groups of people with different chances of being listed "
                "(latent classes)"
            )
            % {"k": diag.get("K", "?")}
        )
    fixed = {
        "M0": _("every list equally likely to name anyone; lists independent"),
        "Mt": _("lists differ in coverage; lists independent"),
        "Mb": _("being listed once changes the chance of being listed again"),
        "Mbh": _(
            "being listed once changes the chance of being listed again; people "
            "differ in how likely they are to be listed"
        ),
    }
    if name in fixed:
        return str(fixed[name])
    het = _HETEROGENEITY.match(name)
    if het:
        text = (
            _(
                "lists differ in coverage and people differ in how likely they are to be "
                "listed (%(kind)s)"
            )
            if het.group(1)
            else _("people differ in how likely they are to be listed (%(kind)s)")
        )
        return str(text % {"kind": het.group(2)})
    hier = _HIERARCHICAL.match(name)
    if hier and len(lists) <= 9:
        pairs = []
        for term in hier.group(1).split(","):
            idx = [int(ch) - 1 for ch in term]
            if len(idx) >= 2 and all(0 <= i < len(lists) for i in idx):
                pairs.append([lists[idx[0]], "–".join(lists[i] for i in idx[1:])])
        return _pairs_text(pairs, lang)
    return name
