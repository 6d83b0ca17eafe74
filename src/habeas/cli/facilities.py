"""``habeas facility``: show a facility's conditions, and enter what sources say about it.

``habeas facility NAME`` (or ``habeas facility show NAME``) shows the conditions;
the other subcommands record a facility, its units, their areas, capacity figures
and occupancy counts — each fact citing a source, checked by the one policy
(``edit``), written with a change-log entry, never overwriting another figure —
or import them all from a spreadsheet (all or nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from habeas.access.reader import Reader
from habeas.cli.common import AsOption, WorkspaceOption, console, err_console, open_store
from habeas.cli.common import reader_for as _reader_for
from habeas.cli.facility_show import facility as show_facility
from habeas.cli.lang import _
from habeas.document import facility_entry as fe
from habeas.document.facility_import import FacilityImportFailed, import_facilities, parse_day
from habeas.errors import UsageError
from habeas.read.sources import find_source_id
from habeas.store.db import Store


class _FacilityGroup(TyperGroup):
    """``habeas facility CECOT`` still shows CECOT: a first word that is not a subcommand
    is the name of the facility to show."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["show", *args]
        return super().parse_args(ctx, args)


facility_app = typer.Typer(
    cls=_FacilityGroup,
    invoke_without_command=True,
    help="Show a facility's conditions, or enter its units, areas, capacity figures and "
    "occupancy, each from a source.\n\n"
    "Example: habeas facility capacity CECOT 20480 --kind design --source \"Engineer's "
    'account"',
)

SourceOption = Annotated[
    str, typer.Option("--source", help="The source stating it: its exact title, or #ID.")
]
UnitOption = Annotated[
    str | None,
    typer.Option("--unit", help="A unit of the facility (default: the facility as a whole)."),
]
CAPACITY_KIND = {"official": "official_capacity", "design": "design_capacity"}


def register(app: typer.Typer) -> None:
    app.add_typer(facility_app, name="facility")


@facility_app.callback()
def facility_group(ctx: typer.Context) -> None:
    """Show a facility's conditions, or enter its units, areas, capacity figures and
    occupancy, each from a source."""
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help())
        raise typer.Exit(0)


facility_app.command("show")(show_facility)


@contextmanager
def _explained() -> Iterator[None]:
    """A library error, in the CLI's language and with how to fix it here."""
    try:
        yield
    except fe.EntryError as exc:
        hint = {
            "source": _(
                "See the sources with `habeas sources`; add one with "
                "`habeas facility source TITLE --kind KIND`."
            ),
            "facility": _(
                "Add it first with `habeas facility add NAME --kind KIND --source SOURCE`."
            ),
            "unit": _("Add it first with `habeas facility unit FACILITY UNIT --source SOURCE`."),
        }.get(exc.field or "")
        missing = exc.template.startswith("There is no") or "has no unit" in exc.template
        message = exc.translated(_)
        raise UsageError(message + (f" {hint}" if hint and missing else "")) from None


def _editor(store: Store, as_user: str | None) -> Reader:
    reader = _reader_for(store, as_user, None)
    fe.may_edit(reader)
    return reader


def _source_id(store: Store, text: str, reader: Reader) -> int:
    found = find_source_id(store, text, reader=reader)
    if found is None:
        raise UsageError(
            _("There is no source {source!r}.").format(source=text)
            + " "
            + _(
                "See the sources with `habeas sources`; add one with "
                "`habeas facility source TITLE --kind KIND`."
            )
        )
    return int(found)


def _enter(
    workspace: Path | None, as_user: str | None, source: str, build: Any
) -> list[fe.Entered]:
    store = open_store(workspace)
    reader = _editor(store, as_user)
    facts = build(_source_id(store, source, reader))
    with _explained():
        return fe.enter_all(store, reader, facts)


def _said(entered: list[fe.Entered]) -> None:
    labels = {
        "facility": _("facility"),
        "facility_location": _("location"),
        "facility_unit": _("unit"),
        "facility_figure": _("figure"),
        "occupancy_observation": _("observation"),
    }
    for e in entered:
        where = e.facility + (f" / {e.unit}" if e.unit else "")
        console.print(
            _("Recorded {what} {id} ({where}, source {source}).").format(
                what=labels.get(e.entity, e.entity),
                id=e.id,
                where=escape(where),
                source=e.source_id,
            ),
            highlight=False,
        )


@facility_app.command("add")
def facility_add(
    name: Annotated[str, typer.Argument(help="The facility's name.")],
    kind: Annotated[
        str,
        typer.Option(
            help="Facility kind (facility_kind term: prison, immigration_detention, ...)."
        ),
    ],
    source: SourceOption,
    country: Annotated[str | None, typer.Option(help="Country (name or ISO code).")] = None,
    operator: Annotated[str | None, typer.Option(help="Who runs it.")] = None,
    notes: Annotated[str | None, typer.Option(help="A note.")] = None,
    latitude: Annotated[
        float | None,
        typer.Option(help="Where it is: latitude in decimal degrees (south negative)."),
    ] = None,
    longitude: Annotated[
        float | None,
        typer.Option(help="Where it is: longitude in decimal degrees (west negative)."),
    ] = None,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a facility, as a source describes it (and where it is, for the map).

    Example: habeas facility add CECOT --kind prison --country SLV --latitude 13.7
    --longitude -88.9 --source "Government statement"
    """
    _said(
        _enter(
            workspace,
            as_user,
            source,
            lambda sid: [
                fe.FacilityFact(name, kind, sid, country, operator, notes, latitude, longitude)
            ],
        )
    )


@facility_app.command("locate")
def facility_locate(
    facility: Annotated[str, typer.Argument(help="The facility's name.")],
    latitude: Annotated[float, typer.Option(help="Latitude in decimal degrees (south negative).")],
    longitude: Annotated[float, typer.Option(help="Longitude in decimal degrees (west negative).")],
    source: SourceOption,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record where a facility recorded without coordinates is (for the map); recorded
    coordinates are never overwritten.

    Example: habeas facility locate CECOT --latitude 13.7 --longitude -88.9 --source M
    """
    _said(
        _enter(
            workspace,
            as_user,
            source,
            lambda sid: [fe.LocationFact(facility, latitude, longitude, sid)],
        )
    )


@facility_app.command("unit")
def facility_unit(
    facility: Annotated[str, typer.Argument(help="The facility's name.")],
    unit: Annotated[str, typer.Argument(help="The unit (building, module or cell).")],
    source: SourceOption,
    building: Annotated[str | None, typer.Option(help="Its building or module.")] = None,
    area: Annotated[
        float | None, typer.Option(help="Its area in m², as the same source states it.")
    ] = None,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a unit of a facility (and its area, from the same source).

    Example: habeas facility unit CECOT "Celda 12" --building "Módulo 3" --area 100 --source M
    """

    def facts(sid: int) -> list[fe.Fact]:
        out: list[fe.Fact] = [fe.UnitFact(facility, unit, sid, building)]
        if area is not None:
            out.append(fe.AreaFact(facility, unit, area, sid))
        return out

    _said(_enter(workspace, as_user, source, facts))


@facility_app.command("area")
def facility_area(
    facility: Annotated[str, typer.Argument(help="The facility's name.")],
    unit: Annotated[str, typer.Argument(help="The unit.")],
    m2: Annotated[float, typer.Argument(help="Its area in m².")],
    source: SourceOption,
    note: Annotated[str | None, typer.Option(help="A note on the figure.")] = None,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a unit's area as one source states it (other sources' areas are kept beside it).

    Example: habeas facility area CECOT "Módulo 3 / Celda 12" 96.5 --source "NGO visit"
    """
    _said(
        _enter(workspace, as_user, source, lambda sid: [fe.AreaFact(facility, unit, m2, sid, note)])
    )


@facility_app.command("capacity")
def facility_capacity(
    facility: Annotated[str, typer.Argument(help="The facility's name.")],
    value: Annotated[int, typer.Argument(help="The capacity (people).")],
    kind: Annotated[
        str,
        typer.Option(
            help="official (what the source states the capacity is) or design (what it was "
            "built for)."
        ),
    ],
    source: SourceOption,
    unit: UnitOption = None,
    note: Annotated[str | None, typer.Option(help="A note on the figure.")] = None,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a capacity figure as one source states it; conflicting figures are kept side
    by side, never overwritten.

    Example: habeas facility capacity CECOT 20480 --kind design --source "Engineer's account"
    """
    if kind not in CAPACITY_KIND:
        raise UsageError(_("--kind must be official or design, not {kind!r}.").format(kind=kind))
    _said(
        _enter(
            workspace,
            as_user,
            source,
            lambda sid: [fe.CapacityFact(facility, CAPACITY_KIND[kind], value, sid, unit, note)],
        )
    )


@facility_app.command("population")
def facility_population(
    facility: Annotated[str, typer.Argument(help="The facility's name.")],
    day: Annotated[str, typer.Argument(help="The day counted (2025-03-17 or 17/03/2025).")],
    population: Annotated[int, typer.Argument(help="How many people.")],
    source: SourceOption,
    unit: UnitOption = None,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record the population of a facility or one unit on a day, as a source counts it.

    Example: habeas facility population CECOT 2025-04-01 14800 --source "Press estimates"
    """
    try:
        when: date = parse_day(day)
    except ValueError:
        raise UsageError(
            _("{value!r} is not a date: write 2025-03-17 or 17/03/2025.").format(value=day)
        ) from None
    _said(
        _enter(
            workspace,
            as_user,
            source,
            lambda sid: [fe.PopulationFact(facility, when, population, sid, unit)],
        )
    )


@facility_app.command("source")
def facility_source(
    title: Annotated[str, typer.Argument(help="The source's title (unique).")],
    kind: Annotated[
        str,
        typer.Option(
            help="source_kind term: official_statement, news_report, document, testimony, ..."
        ),
    ],
    publisher: Annotated[str | None, typer.Option(help="Who published it.")] = None,
    published: Annotated[str | None, typer.Option(help="Its date (YYYY-MM-DD).")] = None,
    url: Annotated[str | None, typer.Option(help="Where it can be read.")] = None,
    reliability: Annotated[str | None, typer.Option(help="reliability term (A-F).")] = None,
    notes: Annotated[str | None, typer.Option(help="A note.")] = None,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a source without a list (an official statement, a press report, an engineer's
    account) that facility figures can cite.

    Example: habeas facility source "Government statement on capacity" --kind official_statement
    """
    from habeas.ingest.sources import add_source

    store = open_store(workspace)
    reader = _editor(store, as_user)
    new_id = add_source(
        store,
        title,
        kind,
        reliability=reliability,
        publisher=publisher,
        published_on=published,
        url=url,
        notes=notes,
        actor=reader.user,
    )
    console.print(
        _("Added source #{id}: {title}").format(id=new_id, title=escape(title)), highlight=False
    )


@facility_app.command("import")
def facility_import(
    path: Annotated[
        Path,
        typer.Argument(help="A CSV or XLSX file, one fact per row.", exists=False, dir_okay=False),
    ],
    sheet: Annotated[str | None, typer.Option(help="Only this sheet of a workbook.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_user: AsOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Import facilities, units, areas, capacity figures and occupancy from a spreadsheet:
    all rows or none. Columns (English or Spanish): record/registro (facility, unit, area,
    capacity, population), facility/centro, unit/unidad, building/edificio, kind/tipo,
    country/pais, operator/operador, value/valor, date/fecha, source/fuente, note/nota.

    Example: habeas facility import cecot.xlsx --dry-run
    """
    store = open_store(workspace)
    reader = _editor(store, as_user)
    try:
        result = import_facilities(store, reader, path, sheet=sheet, dry_run=dry_run)
    except FacilityImportFailed as exc:
        if as_json:
            console.print_json(json.dumps({"errors": [e.to_dict() for e in exc.errors]}))
        else:
            err_console.print(
                _("Import refused: {n} error(s); nothing was written.").format(n=len(exc.errors)),
                highlight=False,
            )
            for e in exc.errors:
                err_console.print(
                    f"  {escape(e.location(_))} — {escape(e.message(_))}", highlight=False
                )
            err_console.print(
                _(
                    "Correct the file and import it again; add a missing "
                    "source with `habeas facility source TITLE --kind KIND`."
                ),
                highlight=False,
            )
        raise typer.Exit(1) from None
    counts = result.counts()
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "file": result.file,
                    "dry_run": result.dry_run,
                    "counts": counts,
                    "facts": [e.to_dict() for e in result.entered],
                }
            )
        )
        return
    summary = _(
        "{facilities} facilities, {units} units, {figures} figures, {observations} observations"
    ).format(
        facilities=counts.get("facility", 0),
        units=counts.get("facility_unit", 0),
        figures=counts.get("facility_figure", 0),
        observations=counts.get("occupancy_observation", 0),
    )
    if dry_run:
        console.print(
            _(
                "{file}: every row is valid; would record {summary}. Nothing was written (dry run)."
            ).format(file=result.file, summary=summary),
            highlight=False,
        )
    else:
        console.print(
            _("Imported {file}: {summary}.").format(file=result.file, summary=summary),
            highlight=False,
        )
