"""``habeas facility CECOT`` (``habeas facility show``): a facility's conditions, in the
CLI's language (``habeas --lang``, ``HABEAS_LANG`` or the locale)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from habeas import i18n
from habeas.cli.common import WorkspaceOption, console, open_store, print_json
from habeas.cli.document import FromOption, JsonOption, ToOption, _day
from habeas.cli.lang import _, current
from habeas.document import conditions as cond
from habeas.document import thresholds as thr
from habeas.document.figure_labels import describe
from habeas.errors import UsageError


def facility(
    name: Annotated[str, typer.Argument(help="The facility's name (e.g. CECOT).")],
    start: FromOption = None,
    end: ToOption = None,
    unit: Annotated[str | None, typer.Option(help="Show every observation of this unit.")] = None,
    max_gap: Annotated[
        int,
        typer.Option(
            help="A value holds until the next observation if it is at most this many days "
            "later; longer gaps break a run."
        ),
    ] = thr.MAX_GAP_DAYS,
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
) -> None:
    """Conditions in a facility: capacity figures side by side, occupancy rate and m² per
    person over time, thresholds breached (ICRC, CPT, ECtHR) and for how many consecutive days.

    Example: habeas facility CECOT --from 2025-03-01 --to 2025-07-31
    """
    fc = cond.facility_conditions(
        open_store(workspace),
        name,
        start=_day(start, "--from"),
        end=_day(end, "--to"),
        max_gap_days=max_gap,
    )
    if as_json:
        data = fc.to_dict()
        if unit is not None:
            data["units"] = [u for u in data["units"] if u["unit"] == unit]
        print_json(data)
        return
    lang = current()

    def num(value: float | None, digits: int = 2) -> str:
        return i18n.format_decimal(value, lang, digits)

    def rate(value: float) -> str:
        return f"{value:.0%}" if lang == "en" else i18n.format_percent(value, lang)

    def label(item: thr.Threshold | thr.Breach | cond.ThresholdSummary) -> str:
        return i18n.label(item, lang)

    console.print(
        _(
            "{facility} ({kind}, {country}) — {authority}; {units} units, {observed} with "
            "occupancy observations"
        ).format(
            facility=f"[bold]{escape(fc.facility)}[/]",
            kind=escape(fc.kind),
            country=escape(fc.country or "?"),
            authority=escape(fc.authority or _("authority not recorded")),
            units=fc.units_total,
            observed=len(fc.units),
        )
    )
    caps = Table(title=_("Capacity figures (they may conflict: each with its source)"))
    for column in (_("capacity"), _("what"), _("source")):
        caps.add_column(column)
    for f in fc.capacities:
        caps.add_row(num(f.value, 0), escape(describe(f, _)), f.source or _("(no source)"))
    console.print(caps)
    if fc.whole.observations:
        occ = Table(title=_("The facility as a whole"))
        occ.add_column(_("date"))
        occ.add_column(_("population"), justify="right")
        for f in fc.capacities:
            occ.add_column(
                _("rate vs {capacity}").format(capacity=num(f.value, 0)), justify="right"
            )
        occ.add_column(_("m²/person"), justify="right")
        occ.add_column(_("source"))
        for o in fc.whole.observations:
            occ.add_row(
                o.day.isoformat(),
                num(o.population, 0),
                *[rate(r.rate) for r in o.rates],
                num(o.m2_per_person),
                o.source or "",
            )
        console.print(occ)
    th = Table(
        title=_(
            "Thresholds ({units} observed units; a value holds up to {days} days until the "
            "next observation)"
        ).format(units=len(fc.units), days=fc.max_gap_days)
    )
    for column in (
        _("standard"),
        _("units breaching"),
        _("units flagged"),
        _("longest run (days)"),
        _("unit"),
    ):
        th.add_column(column)
    for t in fc.thresholds:
        th.add_row(
            label(t),
            str(t.units_breached),
            str(t.units_flagged),
            str(t.longest_run_days),
            t.longest_run_unit or "",
        )
    console.print(th)
    shared = [t for t in thr.THRESHOLDS if t.applies_to == "shared"]
    units = Table(title=_("Units: latest observation and consecutive days under each threshold"))
    for column in (
        _("unit"),
        _("area m²"),
        _("obs."),
        _("latest"),
        _("people"),
        _("m²/person"),
        *[_("<{m2} m² days (longest)").format(m2=_short(t.m2_per_person, lang)) for t in shared],
    ):
        units.add_column(column)
    flagged = " " + _("FLAGGED")
    for sp in fc.units:
        latest = sp.latest
        assert latest is not None
        units.add_row(
            sp.unit or "",
            " / ".join(num(a.value, 1) for a in sp.areas),
            str(len(sp.observations)),
            latest.day.isoformat(),
            str(latest.population),
            num(latest.m2_per_person),
            *[
                f"{b.days_breached} ({b.longest_run_days})"
                + (flagged if b.flagged and b.min_consecutive_days else "")
                for b in (sp.breach(t.code) for t in shared)
            ],
        )
    console.print(units)
    if unit is not None:
        chosen = [sp for sp in fc.units if sp.unit == unit]
        if not chosen:
            raise UsageError(
                _("No occupancy observations for unit {unit!r} of {facility}.").format(
                    unit=unit, facility=fc.facility
                )
            )
        detail = Table(title=_("{unit}: every observation").format(unit=unit))
        for column in (_("date"), _("people"), _("m²/person"), _("source")):
            detail.add_column(column)
        for o in chosen[0].observations:
            detail.add_row(
                o.day.isoformat(), str(o.population), num(o.m2_per_person), o.source or ""
            )
        console.print(detail)
        for b in chosen[0].breaches:
            for run in b.runs:
                console.print(
                    _("{standard}: {start} → {end}, {days} days").format(
                        standard=label(b), start=run.start, end=run.end, days=run.days
                    )
                )
    for c in fc.whole.conflicts + [c for sp in fc.units for c in sp.conflicts]:
        console.print(
            "[yellow]"
            + escape(_("Conflicting populations on {day}:").format(day=c["day"]))
            + "[/] "
            + "; ".join(f"{f['population']} ({f['source']})" for f in c["figures"])
        )


def _short(value: float, lang: str) -> str:
    """3, 3.4 (3,4 in Spanish): a threshold as written in the standard."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "es" else text
