"""How ``habeas estimate`` shows its results: a table in the terminal (in Spanish or
English, with advice on what each warning means), JSON, and the progress line.

:mod:`habeas.cli.estimate` runs the estimation; the demo reuses
:func:`render_estimates`.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from habeas import i18n


def _clean(value: Any) -> Any:
    """Make diagnostics JSON-safe: numpy scalars -> Python, non-finite floats -> None."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def estimate_dict(est: Any) -> dict[str, Any]:
    d = est.to_dict()
    d["missing"] = est.missing
    return {k: _clean(d[k]) for k in JSON_KEYS}


JSON_KEYS = (
    "method",
    "observed",
    "point",
    "missing",
    "interval",
    "level",
    "interval_kind",
    "unstable_interval",
    "model",
    "lists",
    "stratum",
    "diagnostics",
    "warnings",
    "error",
    "hints",
)


def advice(hint: str, lang: str) -> str:
    """What to change on this command line for a result's hint (see ``Estimate.hints``)."""
    _ = i18n.gettext_for(lang)
    texts = {
        "more_draws": _("Raise --samples or --thinning (LCMCR) for more independent draws."),
        "longer_burnin": _(
            "Raise --burnin and --chains (LCMCR); if the chains still "
            "disagree, do not report a single number."
        ),
        "more_time": _(
            "Allow more time with --time-limit SECONDS (0 for no limit), or "
            "lower --nboot, --samples or --thinning."
        ),
        "two_lists": _("Choose the two lists with --model A,B (Lincoln-Petersen, Chapman)."),
        "fewer_lists": _(
            "Use fewer lists (drop or merge list columns, or fewer --lists), or another method."
        ),
    }
    return str(texts.get(hint, hint))


def render_estimates(results: list[Any], console: Console, lang: str = "en") -> None:
    """The conclusion in plain words, the estimates side by side, then warnings and advice."""
    from habeas.estimate.summary import conclusion, describe_model, interval_kind, whole

    _ = i18n.gettext_for(lang)
    headline = [e for e in results if e.stratum is None or e.stratum == "total"]
    console.print(escape(conclusion(headline or results, lang)), style="bold", highlight=False)
    table = Table(title=_("Estimated total (people on a list + people on none)"))
    strata = any(e.stratum for e in results)
    interval_head = _("interval")
    columns = ([_("stratum")] if strata else []) + [
        _("method"),
        _("on the lists"),
        _("estimate"),
        _("on no list"),
        interval_head + (f" {i18n.format_percent(results[0].level, lang)}" if results else ""),
        _("interval from"),
    ]
    numeric = {_("on the lists"), _("estimate"), _("on no list")}
    for col in columns:
        table.add_column(
            col, justify="right" if col in numeric else "left", no_wrap=col == _("method")
        )
    for e in results:
        if e.interval is None:
            interval = "-"
        else:
            interval = f"{whole(e.interval[0], lang)} – {whole(e.interval[1], lang)}"
            if e.unstable_interval:
                interval += " ⚠ " + _("unstable")
        row = [
            escape(e.method),
            whole(e.observed, lang),
            whole(e.point, lang) if e.error is None else _("not computed"),
            whole(e.missing, lang) if e.point is not None else "-",
            interval,
            interval_kind(e.interval_kind, lang) or "-",
        ]
        table.add_row(*([escape(e.stratum or "")] if strata else []), *row)
    console.print(table)
    labels = {
        "error": escape(_("not computed")),
        "warning": escape(_("warning")),
        "hint": escape(_("what to do")),
    }
    for e in results:
        name = e.method if not e.stratum else f"{e.method} [{e.stratum}]"
        described = describe_model(e, lang)
        if described or e.model:
            technical = f" [dim]({escape(e.model)})[/dim]" if e.model and described else ""
            console.print(
                f"[bold]{escape(name)}[/bold]: {escape(described or e.model or '')}{technical}",
                highlight=False,
            )
    # one line per message, naming every method it concerns (the table's warnings,
    # e.g. about the input, would otherwise repeat once per method)
    lines: dict[tuple[str, str], list[str]] = {}
    for e in results:
        name = e.method if not e.stratum else f"{e.method} [{e.stratum}]"
        for key in (
            ([("error", e.error)] if e.error is not None else [])
            + [("warning", w) for w in e.warnings]
            + [("hint", advice(h, lang)) for h in e.hints]
        ):
            lines.setdefault(key, []).append(name)
    colour = {"error": "red", "warning": "yellow", "hint": "cyan"}
    for (kind, text), names in lines.items():
        console.print(
            f"[{colour[kind]}]{labels[kind]}[/{colour[kind]}] "
            f"({escape(', '.join(names))}): {escape(text)}",
            highlight=False,
        )


class EstimateProgress:
    """Which method is running and how long each took, on stderr (Rich)."""

    def __init__(self, lang: str) -> None:
        self._ = i18n.gettext_for(lang)
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> EstimateProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def __call__(self, name: str, est: Any) -> None:
        if est is None:
            self.tasks[name] = self.bar.add_task(
                self._("%(method)s: running…") % {"method": name}, total=1
            )
            return
        done = (
            self._("%(method)s: not computed")
            if est.error is not None
            else self._("%(method)s: done")
        )
        self.bar.update(self.tasks[name], completed=1, description=done % {"method": name})
