"""``habeas estimate``: multiple systems estimation from a capture-history table.

``register(app)`` adds the command to a Typer app (the main app calls it).
TABLE is optional so that a register mode (``--lists``/``--where``/``--strata``)
can be added by the main CLI later. Errors are :class:`HabeasError` messages
on stderr (exit 2 for usage errors, 1 otherwise), never tracebacks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from habeas import i18n
from habeas.cli.common import WorkspaceOption, open_store
from habeas.cli.estimate_render import EstimateProgress, estimate_dict, render_estimates
from habeas.cli.lang import current
from habeas.errors import HabeasError, UsageError
from habeas.estimate import ALL_METHODS
from habeas.estimate.budget import DEFAULT_SECONDS

CHOICES = (*ALL_METHODS, "all")


def _options(
    method: str,
    model: str | None,
    seed: int | None,
    chains: int | None,
    nboot: int | None,
    level: float,
    mcmc: dict[str, int] | None = None,
) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    opts["level"] = level
    if model is not None and method == "loglinear":
        opts["model"] = model
    if model is not None and method == "stepwise":
        opts["pairs"] = model
    if model is not None and method in ("lincoln", "chapman"):
        opts["lists"] = model
    if seed is not None and method in ("stepwise", "lcmcr"):
        opts["seed"] = seed
    if nboot is not None and method == "stepwise":
        opts["nboot"] = nboot
    if chains is not None and method == "lcmcr":
        opts["chains"] = chains
    if method == "lcmcr":
        opts.update({k: v for k, v in (mcmc or {}).items() if v is not None})
    return opts


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` command to ``app``."""

    @app.command("estimate")
    def estimate(
        table: Path | None = typer.Argument(
            None, help="CSV: one 0/1 column per list (+ optional count column)."
        ),
        method: str = typer.Option("all", "--method", "-m", help=" | ".join(CHOICES)),
        model: str | None = typer.Option(
            None,
            "--model",
            help="loglinear: model name "
            "(Mth Darroch, [12,13,14], search); stepwise: "
            "pairs A:B,B:C; lincoln/chapman: two lists A,B.",
        ),
        seed: int | None = typer.Option(None, "--seed", help="Random seed."),
        chains: int | None = typer.Option(None, "--chains", help="LCMCR chains."),
        samples: int | None = typer.Option(
            None, "--samples", help="LCMCR draws kept per chain (default 1000)."
        ),
        thinning: int | None = typer.Option(
            None, "--thinning", help="LCMCR sweeps between kept draws (default 100)."
        ),
        burnin: int | None = typer.Option(
            None, "--burnin", help="LCMCR sweeps discarded before keeping draws (default 10000)."
        ),
        nboot: int | None = typer.Option(None, "--nboot", help="Bootstrap samples (stepwise)."),
        level: float = typer.Option(0.95, "--level", help="Interval level."),
        time_limit: float = typer.Option(
            DEFAULT_SECONDS,
            "--time-limit",
            help="Seconds each method may run before it stops (0: no limit).",
        ),
        fmt: str = typer.Option("table", "--format", help="table | json"),
        plot: Path | None = typer.Option(
            None, "--plot", help="Write a PNG of the likelihood/posterior of the (first) method."
        ),
        lists: list[str] | None = typer.Option(
            None,
            "--lists",
            help="Register mode: a source title to use as a list. Repeat for each list.",
        ),
        where: list[str] | None = typer.Option(
            None,
            "--where",
            help="Register mode filter "
            "KEY=VALUE: nationality, sex, event_type, "
            "facility, from, to. Repeatable.",
        ),
        strata: str | None = typer.Option(
            None,
            "--strata",
            help="Register mode: estimate per nationality, sex or facility, with a total.",
        ),
        lang: str | None = typer.Option(
            None,
            "--lang",
            help="Language of the output: en or es (default: habeas --lang, HABEAS_LANG "
            "or the locale).",
            show_default=False,
        ),
        workspace: WorkspaceOption = None,
    ) -> None:
        """Estimate how many people are on none of the lists (multiple systems estimation).

        Example: habeas estimate lists.csv --method all

        Example (register): habeas estimate --lists "Flight manifest" --lists "Press list"
        --lists "Repatriation list" --method dga --where nationality=VEN
        """
        run = _Run(
            method,
            model,
            seed,
            chains,
            nboot,
            level,
            fmt,
            time_limit or None,
            {"samples": samples, "thinning": thinning, "burnin": burnin},
        )
        _ = i18n.gettext_for(current())  # until --lang is checked
        try:
            lang = i18n.check_language(lang or current())
            _ = i18n.gettext_for(lang)
            run.check()
            if plot is not None and not plot.parent.is_dir():
                raise UsageError(
                    _(
                        "--plot: the folder %(folder)s does not exist; create it or "
                        "choose another path."
                    )
                    % {"folder": plot.parent}
                )
            if lists:
                if table is not None:
                    raise UsageError(
                        _("Give either a TABLE or --lists from the register, not both.")
                    )
                results = _run_register(workspace, lists, where or [], strata, run, lang)
            else:
                if where or strata:
                    raise UsageError(_("--where and --strata apply to register mode (--lists)."))
                results = _run(table, run, lang)
        except HabeasError as exc:
            typer.echo(f"{_('error:')} {_(str(exc))}", err=True)
            raise typer.Exit(exc.exit_code) from None
        _print(results, run, unwrap=not lists, lang=lang)
        if plot is not None:  # after printing: a failed plot never loses the estimate
            try:
                _plot(results, plot, lang)
            except HabeasError as exc:
                typer.echo(f"{_('error:')} {_(str(exc))}", err=True)
                raise typer.Exit(exc.exit_code) from None


class _Run:
    """The method choice and options of one command line."""

    def __init__(
        self,
        method: str,
        model: str | None,
        seed: int | None,
        chains: int | None,
        nboot: int | None,
        level: float,
        fmt: str,
        time_limit: float | None,
        mcmc: dict[str, int | None],
    ) -> None:
        self.method, self.model, self.seed, self.chains = method, model, seed, chains
        self.nboot, self.level, self.fmt, self.time_limit = nboot, level, fmt, time_limit
        self.mcmc = {k: v for k, v in mcmc.items() if v is not None}

    def check(self) -> None:
        if self.fmt not in ("table", "json"):
            raise UsageError("--format must be table or json.")
        if self.method not in CHOICES:
            raise UsageError(f"Unknown method {self.method!r}; choose one of {', '.join(CHOICES)}.")
        if not 0 < self.level < 1:
            raise UsageError("--level must be between 0 and 1.")
        if self.time_limit is not None and self.time_limit < 0:
            raise UsageError("--time-limit must be 0 (no limit) or a number of seconds.")
        for flag, value in self.mcmc.items():
            if value < (0 if flag == "burnin" else 1):
                raise UsageError(f"--{flag} must be at least {0 if flag == 'burnin' else 1}.")

    @property
    def names(self) -> list[str]:
        return list(ALL_METHODS) if self.method == "all" else [self.method]

    def options(self, name: str) -> dict[str, Any]:
        return _options(name, self.model, self.seed, self.chains, self.nboot, self.level, self.mcmc)

    def estimates(self, hist: Any, lang: str) -> list[Any]:
        """Every chosen method on ``hist``; with one method its failure is the error."""
        from habeas.estimate import run, run_all

        with EstimateProgress(lang) as progress:
            if self.method != "all":
                progress(self.method, None)
                est = run(
                    self.method, hist, time_limit=self.time_limit, **self.options(self.method)
                )
                progress(self.method, est)
                return [est]
            results = []
            for name in self.names:  # each method with its own options
                results += run_all(
                    hist,
                    [name],
                    time_limit=self.time_limit,
                    progress=progress,
                    **self.options(name),
                )
            return results


def _print(results: Any, run: _Run, *, unwrap: bool, lang: str) -> None:
    """JSON (one object for one method from a table, else a list) or the table."""
    if run.fmt == "json":
        if isinstance(results, tuple):
            per, total = results
            payload: Any = {
                "strata": {k: estimate_dict(e) for k, e in per.items()},
                "total": estimate_dict(total),
            }
        else:
            payload = [estimate_dict(e) for e in results]
            if unwrap and run.method != "all" and len(payload) == 1:
                payload = payload[0]
        typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    if isinstance(results, tuple):
        per, total = results
        results = [*per.values(), total]
    render_estimates(results, Console(), lang)


def _plot(results: Any, path: Path, lang: str) -> None:
    from habeas.estimate.plot import has_curve, plot_estimate

    if isinstance(results, tuple):
        results = [*results[0].values(), results[1]]
    target = next((e for e in results if has_curve(e)), None)
    if target is None:
        raise UsageError(
            "None of the chosen methods produced a curve to plot "
            "(try --method loglinear, dga or lcmcr)."
        )
    plot_estimate(target, path, lang=lang)


def _run_register(
    workspace: Path | None,
    lists: list[str],
    where: list[str],
    strata: str | None,
    run: _Run,
    lang: str,
) -> Any:
    """Register mode: histories from persons × sources (a tuple (per, total) with strata)."""
    from habeas.estimate.register import histories_from_register, parse_where, unreviewed_pairs
    from habeas.estimate.strata import estimate_by_strata

    store = open_store(workspace)
    tables = histories_from_register(store, lists, parse_where(where), strata)
    _ = i18n.gettext_for(lang)
    pending = unreviewed_pairs(store, lists)
    queue = (
        [
            _(
                "%(num)s pairs of records on these lists are waiting in the review queue. Each "
                "decision can merge or split people and change the estimate: decide them "
                "first (habeas review list)."
            )
            % {"num": i18n.format_number(pending, lang)}
        ]
        if pending
        else []
    )
    if strata is None:
        hist = tables["all"]
        results = run.estimates(hist, lang)
        for e in results:
            e.warnings = [*queue, *hist.warnings, *e.warnings]
        return results
    if run.method == "all":
        raise UsageError("With --strata choose one --method (e.g. --method dga).")
    with EstimateProgress(lang) as progress:
        progress(run.method, None)
        per, total = estimate_by_strata(
            tables, run.method, time_limit=run.time_limit, **run.options(run.method)
        )
        progress(run.method, total)
    total.warnings = [*queue, *total.warnings]
    return per, total


def _run(table: Path | None, run: _Run, lang: str) -> list[Any]:
    from habeas.estimate import check_estimable
    from habeas.estimate.histories import CaptureHistories

    if table is None:
        raise UsageError("Give a capture-history table (CSV).")
    hist = CaptureHistories.from_table(table)
    check_estimable(hist)
    return run.estimates(hist, lang)
