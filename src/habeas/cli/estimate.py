"""``habeas estimate``: multiple systems estimation from a capture-history table.

``register(app)`` adds the command to a Typer app (the main app calls it).
TABLE is optional so that a register mode (``--lists``/``--where``/``--strata``)
can be added by the main CLI later. Errors are :class:`HabeasError` messages
on stderr (exit 2 for usage errors, 1 otherwise), never tracebacks.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from habeas.cli.common import WorkspaceOption, open_store
from habeas.errors import HabeasError, UsageError

CHOICES = ("lincoln", "chapman", "independence", "loglinear", "stepwise", "bhs", "dga",
           "lcmcr", "all")


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
    keys = ("method", "observed", "point", "interval", "level", "model", "diagnostics",
            "warnings")
    return {k: _clean(d[k]) for k in keys}


def _options(method: str, model: str | None, seed: int | None, chains: int | None,
             nboot: int | None, level: float) -> dict[str, Any]:
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
    return opts


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if not math.isfinite(v):
        return "∞"
    return f"{v:,.0f}"


def render_estimates(results: list[Any], console: Console) -> None:
    """The estimates side by side, then every warning."""
    table = Table(title="Estimated total (observed + unobserved)")
    for col in ("method", "observed", "estimate", "interval", "model"):
        table.add_column(col, justify="right" if col in ("observed", "estimate") else "left")
    for e in results:
        interval = "-" if e.interval is None else (
            f"{_fmt(e.interval[0])} – {_fmt(e.interval[1])} ({e.level:.0%})")
        table.add_row(e.method, f"{e.observed:,}", _fmt(e.point), interval, e.model or "-")
    console.print(table)
    for e in results:
        for w in e.warnings:
            console.print(f"[yellow]warning[/yellow] ({e.method}): {w}")


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` command to ``app``."""

    @app.command("estimate")
    def estimate(
        table: Path | None = typer.Argument(None, help="CSV: one 0/1 column per list "
                                            "(+ optional count column)."),
        method: str = typer.Option("all", "--method", "-m", help=" | ".join(CHOICES)),
        model: str | None = typer.Option(None, "--model", help="loglinear: model name "
                                         "(Mth Darroch, [12,13,14], search); stepwise: "
                                         "pairs A:B,B:C; lincoln/chapman: two lists A,B."),
        seed: int | None = typer.Option(None, "--seed", help="Random seed."),
        chains: int | None = typer.Option(None, "--chains", help="LCMCR chains."),
        nboot: int | None = typer.Option(None, "--nboot", help="Bootstrap samples (stepwise)."),
        level: float = typer.Option(0.95, "--level", help="Interval level."),
        fmt: str = typer.Option("table", "--format", help="table | json"),
        plot: Path | None = typer.Option(None, "--plot", help="Write a PNG of the "
                                         "likelihood/posterior of the (first) method."),
        lists: list[str] | None = typer.Option(None, "--lists", help="Register mode: a source "
                                               "title to use as a list. Repeat for each list."),
        where: list[str] | None = typer.Option(None, "--where", help="Register mode filter "
                                               "KEY=VALUE: nationality, sex, event_type, "
                                               "facility, from, to. Repeatable."),
        strata: str | None = typer.Option(None, "--strata", help="Register mode: estimate "
                                          "per nationality, sex or facility, with a total."),
        workspace: WorkspaceOption = None,
    ) -> None:
        """Estimate how many people are on none of the lists (multiple systems estimation).

        Example: habeas estimate lists.csv --method all

        Example (register): habeas estimate --lists "Flight manifest" --lists "Press list"
        --lists "Repatriation list" --method dga --where nationality=VEN
        """
        try:
            if lists:
                if table is not None:
                    raise UsageError("Give either a TABLE or --lists from the register, "
                                     "not both.")
                payload = _run_register(workspace, lists, where or [], strata, method, model,
                                        seed, chains, nboot, level, fmt)
                if payload is not None:
                    typer.echo(json.dumps(payload, indent=2, allow_nan=False))
                return
            if where or strata:
                raise UsageError("--where and --strata apply to register mode (--lists).")
            results = _run(table, method, model, seed, chains, nboot, level, fmt)
            if plot is not None:
                _plot(results, plot)
        except HabeasError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        if fmt == "json":
            payload_any: Any = [estimate_dict(e) for e in results]
            if method != "all":
                payload_any = payload_any[0]
            typer.echo(json.dumps(payload_any, indent=2, allow_nan=False))
        else:
            render_estimates(results, Console())


def _plot(results: list[Any], path: Path) -> None:
    from habeas.estimate.plot import has_curve, plot_estimate

    target = next((e for e in results if has_curve(e)), None)
    if target is None:
        raise UsageError("None of the chosen methods produced a curve to plot "
                         "(try --method loglinear, dga or lcmcr).")
    plot_estimate(target, path)


def _run_register(workspace: Path | None, lists: list[str], where: list[str],
                  strata: str | None, method: str, model: str | None, seed: int | None,
                  chains: int | None, nboot: int | None, level: float,
                  fmt: str) -> Any:
    """Register mode: histories from persons × sources; returns a JSON payload or prints."""
    from habeas.estimate import run_all
    from habeas.estimate.register import histories_from_register, parse_where
    from habeas.estimate.strata import estimate_by_strata

    if method not in CHOICES:
        raise UsageError(f"Unknown method {method!r}; choose one of {', '.join(CHOICES)}.")
    store = open_store(workspace)
    tables = histories_from_register(store, lists, parse_where(where), strata)
    console = Console()
    if strata is None:
        hist = tables["all"]
        names = None if method == "all" else [method]
        results = run_all(hist, names, **_options(method, model, seed, chains, nboot, level))
        for e in results:
            e.warnings = [*hist.warnings, *e.warnings]
        if fmt == "json":
            return [estimate_dict(e) for e in results]
        render_estimates(results, console)
        return None
    if method == "all":
        raise UsageError("With --strata choose one --method (e.g. --method dga).")
    per, total = estimate_by_strata(tables, method, **_options(method, model, seed, chains,
                                                                nboot, level))
    if fmt == "json":
        return {"strata": {k: estimate_dict(e) for k, e in per.items()},
                "total": estimate_dict(total)}
    for name, est in per.items():
        est.method = f"{method} [{name}]"
    total.method = f"{method} [total]"
    render_estimates([*per.values(), total], console)
    return None


def _run(table: Path | None, method: str, model: str | None, seed: int | None,
         chains: int | None, nboot: int | None, level: float, fmt: str) -> list[Any]:
    from habeas.estimate import run
    from habeas.estimate.histories import CaptureHistories
    from habeas.estimate.result import Estimate

    if fmt not in ("table", "json"):
        raise UsageError("--format must be table or json.")
    if method not in CHOICES:
        raise UsageError(f"Unknown method {method!r}; choose one of {', '.join(CHOICES)}.")
    if not 0 < level < 1:
        raise UsageError("--level must be between 0 and 1.")
    if table is None:
        raise UsageError("Give a capture-history table (CSV).")
    hist = CaptureHistories.from_table(table)
    names = [m for m in CHOICES if m != "all"] if method == "all" else [method]
    results = []
    for name in names:
        opts = _options(name, model, seed, chains, nboot, level)
        if method == "all":
            try:
                results.append(run(name, hist, **opts))
            except HabeasError as exc:
                results.append(Estimate(name, hist.n, None, None, level, None, {},
                                        [f"Not computed: {exc}"]))
        else:
            results.append(run(name, hist, **opts))
    return results
