"""Charts for reports and pages: matplotlib (Agg) figures rendered to PNG.

Every chart takes a ``gettext`` function so its labels are in the reader's
language. Reports embed them as ``data:`` URIs (``population_chart``); the web
pages serve the same PNG bytes from a URL of their own (``population_png``), so
a page never waits for matplotlib; ``has_population_chart`` and
``has_space_chart`` say whether there is anything to draw without drawing it.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from habeas.document.conditions import FacilityConditions
from habeas.document.thresholds import THRESHOLDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Gettext = Callable[[str], str]
GREYS = ["#1b1b1b", "#4a4a4a", "#7a7a7a"]
PALETTE = [
    "#1f4e79",
    "#c0392b",
    "#7f8c8d",
    "#27ae60",
    "#8e44ad",
    "#d35400",
    "#2c3e50",
    "#16a085",
    "#b7950b",
    "#6c3483",
    "#a04000",
    "#117a65",
]


#: matplotlib's renderer shares font caches between figures: one drawing at a time.
_DRAWING = threading.Lock()


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with _DRAWING:
        fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def png_data_uri(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def to_data_uri(fig: Figure) -> str:
    return "data:image/png;base64," + base64.b64encode(to_png(fig)).decode("ascii")


def _figure(width: float = 7.0, height: float = 3.0) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure  # imported on the first drawing, not with the module

    fig = Figure(figsize=(width, height))  # no pyplot: no global state, nothing to close
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.tick_params(labelsize=8)
    return fig, ax


def _date_axis(ax: Any) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def _spaces_charted(fc: FacilityConditions) -> list[Any]:
    """The spaces with an m² per person figure (units, else the whole facility)."""
    spaces = [sp for sp in fc.units if any(o.m2_per_person for o in sp.observations)]
    if not spaces:
        spaces = [fc.whole] if any(o.m2_per_person for o in fc.whole.observations) else []
    return spaces


def has_space_chart(fc: FacilityConditions) -> bool:
    return bool(_spaces_charted(fc))


def has_population_chart(fc: FacilityConditions) -> bool:
    return bool(fc.whole.observations)


def space_chart(fc: FacilityConditions, _: Gettext, max_units: int = 10) -> str | None:
    """m² per person over time in the most crowded units, as a ``data:`` URI."""
    return png_data_uri(space_png(fc, _, max_units))


def space_png(fc: FacilityConditions, _: Gettext, max_units: int = 10) -> bytes | None:
    """m² per person over time in the most crowded units, against the shared-space thresholds."""
    spaces = _spaces_charted(fc)
    if not spaces:
        return None
    spaces.sort(key=lambda sp: min(o.m2_per_person or 1e9 for o in sp.observations))
    fig, ax = _figure()
    for k, sp in enumerate(spaces[:max_units]):
        pts = [(o.day, o.m2_per_person) for o in sp.observations if o.m2_per_person]
        ax.plot(
            [d for d, _v in pts],
            [v for _d, v in pts],
            marker="o",
            markersize=2.5,
            linewidth=1.2,
            color=PALETTE[k % len(PALETTE)],
            label=sp.unit or _("whole facility"),
        )
    top = max(
        4.6, max(o.m2_per_person or 0 for sp in spaces[:max_units] for o in sp.observations) * 1.1
    )
    for t, style in zip(
        [t for t in THRESHOLDS if t.applies_to == "shared"], ["-", "--", ":"], strict=True
    ):
        ax.axhline(t.m2_per_person, color="#000000", linestyle=style, linewidth=0.9)
        ax.text(
            1.0,
            t.m2_per_person,
            f" {t.body} {t.m2_per_person:g} m²",
            fontsize=7,
            va="center",
            transform=ax.get_yaxis_transform(),
        )
    ax.set_ylim(0, top)
    ax.set_ylabel(_("m² per person"), fontsize=8)
    _date_axis(ax)
    ax.legend(fontsize=6.5, ncol=4, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    return to_png(fig)


def population_chart(fc: FacilityConditions, _: Gettext) -> str | None:
    """The facility's reported population over time, as a ``data:`` URI."""
    return png_data_uri(population_png(fc, _))


def population_png(fc: FacilityConditions, _: Gettext) -> bytes | None:
    """The facility's reported population over time against each capacity figure."""
    obs = fc.whole.observations
    if not obs:
        return None
    fig, ax = _figure(7.0, 2.6)
    ax.plot(
        [o.day for o in obs],
        [o.population for o in obs],
        marker="o",
        color=PALETTE[0],
        linewidth=1.5,
        label=_("reported population"),
    )
    for k, cap in enumerate(fc.capacities):
        ax.axhline(
            cap.value, color=GREYS[k % len(GREYS)], linestyle=["--", ":", "-."][k % 3], linewidth=1
        )
        ax.text(
            1.0,
            cap.value,
            f" {cap.value:,.0f}",
            fontsize=7,
            va="center",
            transform=ax.get_yaxis_transform(),
        )
    ax.set_ylim(0, max([o.population for o in obs] + [c.value for c in fc.capacities]) * 1.12)
    ax.set_ylabel(_("people"), fontsize=8)
    _date_axis(ax)
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    return to_png(fig)


def stacked_months_chart(
    counts: dict[str, dict[str, int]], labels: dict[str, str], _: Gettext, ylabel: str
) -> str | None:
    """Stacked bars: ``counts[month][category]``; months sorted, categories labelled.

    ``None`` (no chart) when no bar is left to draw, e.g. when every count was
    hidden as too small: an empty frame would read as "none happened"."""
    months = sorted(m for m in counts if len(m) == 7 and m[4] == "-")
    if not any(n > 0 for m in months for n in counts[m].values()):
        return None
    categories = sorted(
        {c for m in months for c, n in counts[m].items() if n > 0},
        key=lambda c: -sum(counts[m].get(c, 0) for m in months),
    )
    fig, ax = _figure(7.0, 2.8)
    bottom = [0] * len(months)
    xs = list(range(len(months)))
    for k, cat in enumerate(categories):
        values = [counts[m].get(cat, 0) for m in months]
        ax.bar(
            xs,
            values,
            bottom=bottom,
            color=PALETTE[k % len(PALETTE)],
            width=0.7,
            label=labels.get(cat, cat),
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(xs, months)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=6.5, frameon=False, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return to_data_uri(fig)


def events_chart(events: list[tuple[date, str]], labels: dict[str, str], _: Gettext) -> str | None:
    """Custody events per week (dated to a single day or week), stacked by type."""
    if not events:
        return None
    weeks: dict[date, dict[str, int]] = {}
    for day, kind in events:
        monday = date.fromordinal(day.toordinal() - day.weekday())
        weeks.setdefault(monday, {}).setdefault(kind, 0)
        weeks[monday][kind] += 1
    kinds = sorted(
        {k for w in weeks.values() for k in w},
        key=lambda k: -sum(w.get(k, 0) for w in weeks.values()),
    )
    order = sorted(weeks)
    fig, ax = _figure(7.0, 2.8)
    bottom = [0] * len(order)
    for k, kind in enumerate(kinds):
        values = [weeks[w].get(kind, 0) for w in order]
        ax.bar(
            order,
            values,
            bottom=bottom,
            width=5.5,
            color=PALETTE[k % len(PALETTE)],
            label=labels.get(kind, kind),
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(_("events per week"), fontsize=8)
    _date_axis(ax)
    ax.legend(fontsize=6.5, frameon=False, ncol=1, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return to_data_uri(fig)
