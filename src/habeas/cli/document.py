"""``habeas facility``, ``habeas incidents`` and ``habeas report``: document conditions,
incidents, and write the person dossier and the situation report (PDF or HTML, en/es)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from habeas import i18n
from habeas.access.reader import Withheld
from habeas.cli.common import (
    AsOption,
    PurposeOption,
    WorkspaceOption,
    console,
    err_console,
    open_store,
    print_json,
    print_withheld,
    reader_for,
)
from habeas.cli.lang import current
from habeas.cli.notices import current_person, tr
from habeas.document import incidents as inc
from habeas.document.incident_entry import IncidentSpec, PerpetratorSpec
from habeas.domain.dates import DateParseError, parse_date
from habeas.errors import UsageError

incidents_app = typer.Typer(
    help="List, count and record incidents (torture, beatings, deaths in custody, ...).\n\n"
    "Example: habeas incidents --type torture --facility CECOT --by month",
    invoke_without_command=True,
)
report_app = typer.Typer(
    help="Write a person dossier or a situation report (PDF or HTML, "
    "English or Spanish).\n\nExample: habeas report person 12",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
FromOption = Annotated[
    str | None, typer.Option("--from", help="From this date (YYYY-MM-DD), inclusive.")
]
ToOption = Annotated[str | None, typer.Option("--to", help="To this date (YYYY-MM-DD), inclusive.")]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language: en or es (default: habeas --lang, HABEAS_LANG or the locale).",
        show_default=False,
    ),
]
FormatOption = Annotated[str, typer.Option("--format", help="pdf or html.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write here (default: a descriptive name in the current folder).",
        dir_okay=False,
    ),
]


def register(app: typer.Typer) -> None:
    # (habeas facility: the group in habeas.cli.facilities; its show command is in
    # habeas.cli.facility_show)
    app.add_typer(incidents_app, name="incidents")
    app.add_typer(report_app, name="report")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r}: expected a date such as 2025-03-15.") from exc


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


# -- habeas incidents -------------------------------------------------------------------------


@incidents_app.callback()
def incidents(
    ctx: typer.Context,
    act_type: Annotated[
        list[str] | None,
        typer.Option(
            "--type", help="Incident type (act_type term); repeatable or comma-separated."
        ),
    ] = None,
    facility_name: Annotated[str | None, typer.Option("--facility", help="Facility name.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the facility.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            help="Verification status (confirmed, likely, possible, unlikely); repeatable."
        ),
    ] = None,
    person: Annotated[int | None, typer.Option(help="Only incidents with this victim.")] = None,
    by: Annotated[
        str | None,
        typer.Option(help="Count by month, type, facility or status instead of listing."),
    ] = None,
    lang: LangOption = None,
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """List or count incidents, with the sources behind every number.

    Example: habeas incidents --type torture --type killing --facility CECOT
    --from 2024-01-01 --to 2024-06-30 --by month
    """
    if ctx.invoked_subcommand is not None:
        return
    lang = i18n.check_language(lang or current())
    store = open_store(workspace)
    filters: dict[str, Any] = {
        "types": _split(act_type),
        "facility": facility_name,
        "unit": unit,
        "statuses": _split(status),
        "start": _day(start, "--from"),
        "end": _day(end, "--to"),
        "person_id": person,
    }
    count = inc.count_incidents(store, **filters)
    groups = count.grouped(by) if by else None
    withheld = Withheld()
    rows = (
        []
        if by
        else inc.list_incidents(
            store, **filters, reader=reader_for(store, as_user, purpose), withheld=withheld
        )
    )
    print_withheld(withheld, lang)  # first: before any count
    if as_json:
        data = count.to_dict()
        if not by:
            data["incidents"] = [{**vars(r), "month": r.month} for r in rows]
            data["withheld"] = withheld.to_dict()
        print_json(data)
        return
    _ = i18n.gettext_for(lang)
    if groups is not None:
        label = _(by) if by else ""  # never _(""): that is the catalog's header
        table = Table(title=_("{n} incidents by {by}").format(n=count.count, by=label))
        table.add_column(label)
        table.add_column(_("incidents"), justify="right")
        for key, n in groups.items():
            table.add_row(key, str(n))
        console.print(table)
    else:
        table = Table(title=_("{n} incidents").format(n=count.count))
        for column in ("id", "date", "type", "where", "status", "victims", "sources"):
            table.add_column(_(column))
        for r in rows:
            table.add_row(
                str(r.id),
                r.date,
                r.label(lang),
                (r.facility or "") + (f" — {r.unit}" if r.unit else ""),
                r.status_label(lang),
                str(len(r.victims)),
                "; ".join(r.sources),
            )
        console.print(table)
        if not rows and withheld:
            console.print(
                tr(
                    "None of the incidents counted above can be listed for you: "
                    "they are withheld (see the top of this output).",
                    lang,
                ),
                highlight=False,
            )
    if count.uncertain_ids:
        ids = ", ".join(map(str, count.uncertain_ids))
        console.print(
            _(
                "Not counted: {n} incidents whose dates only partly overlap the period (ids {ids})."
            ).format(n=len(count.uncertain_ids), ids=ids)
        )
    if count.undated:
        console.print(_("Not counted: {n} undated incidents.").format(n=count.undated))
    console.print(
        _("Sources: {sources}").format(
            sources="; ".join(f"{s.title} ({s.incidents})" for s in count.sources) or _("none")
        )
    )


def _victim(value: str) -> tuple[str, str]:
    title, sep, key = value.rpartition("::")
    if not sep or not title or not key:
        raise UsageError(f"--victim {value!r}: expected 'SOURCE TITLE::RECORD ID'.")
    return title, key


def _perpetrator(value: str) -> PerpetratorSpec:
    parts = value.split(":", 2)
    return PerpetratorSpec(
        role=parts[0],
        involvement=parts[1] if len(parts) > 1 and parts[1] else None,
        unit=parts[2] if len(parts) > 2 and parts[2] else None,
    )


@incidents_app.command("add")
def incidents_add(
    act_type: Annotated[str, typer.Option("--type", help="Incident type (act_type term).")],
    status: Annotated[str, typer.Option(help="Verification status (violation_status term).")],
    source: Annotated[list[str], typer.Option(help="A source title reporting it; repeatable.")],
    when: Annotated[
        str | None,
        typer.Option(
            "--date", help="Date as known: 2025-04-13, 2025-04, 'entre 2025-03 y 2025-05', ..."
        ),
    ] = None,
    facility_name: Annotated[str | None, typer.Option("--facility", help="Facility name.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the facility.")] = None,
    description: Annotated[str | None, typer.Option(help="What happened.")] = None,
    victim: Annotated[
        list[str] | None, typer.Option(help="A victim as 'SOURCE TITLE::RECORD ID'; repeatable.")
    ] = None,
    perpetrator: Annotated[
        list[str] | None,
        typer.Option(
            help="ROLE[:INVOLVEMENT[:UNIT]], e.g. prison_officials:directly_carried_out; "
            "repeatable."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record an incident (one logged operation); every term, name and source is checked.

    Example: habeas incidents add --type beating --status likely --date 2025-04
    --facility CECOT --source "NGO interviews" --victim "NGO interviews::ENT-0003"
    """
    parsed = None
    if when:
        try:
            parsed = parse_date(when, "YMD")
        except DateParseError as exc:
            raise UsageError(f"--date: {exc}") from exc
    spec = IncidentSpec(
        act_type=act_type,
        verification_status=status,
        source_titles=source,
        when=parsed,
        date_text=when,
        facility=facility_name,
        unit=unit,
        description=description,
        victims=[_victim(v) for v in victim or []],
        perpetrators=[_perpetrator(p) for p in perpetrator or []],
    )
    new_id = inc.record_incident(open_store(workspace), spec)
    console.print(i18n.gettext_for(current())("Recorded incident {id}.").format(id=new_id))


# -- habeas report ----------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "all"


@report_app.command("person")
def report_person(
    person_id: Annotated[int, typer.Argument(help="The person's id (see `habeas records`).")],
    fmt: FormatOption = "pdf",
    lang: LangOption = None,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    preparer: Annotated[
        str | None,
        typer.Option(
            help="Who prepares the dossier: adds the filing details, a declaration and a "
            "signature block."
        ),
    ] = None,
    organisation: Annotated[str | None, typer.Option(help="The preparer's organisation.")] = None,
    place: Annotated[str | None, typer.Option(help="Where the dossier is signed.")] = None,
    case_number: Annotated[
        str | None, typer.Option("--case-number", help="The court or UN case number.")
    ] = None,
) -> None:
    """Write a person's dossier: identity with provenance, custody timeline, legal facts and
    due-process flags, register gaps, incidents, sources with file hashes, how the records
    were linked and the chain of custody of the cited files.

    With --preparer it is a dossier to file: the preparer, organisation, place, date, the
    purpose (from --purpose) and the case number on its first page, a declaration and a
    signature block.

    Example: habeas report person 12 --format pdf --lang es --output dossier-12.pdf
    --preparer "Ana Pérez" --place Caracas --purpose court_filing --case-number 25-cv-1
    """
    from habeas.report.dossier import dossier_report
    from habeas.report.dossier_annex import Filing

    lang = i18n.check_language(lang or current())
    path = output or Path(f"dossier-person-{person_id}-{lang}.{fmt}")
    store = open_store(workspace)
    reader = reader_for(store, as_user, purpose)
    filing = None
    if preparer:
        code = (reader.purpose or "court_filing").partition(":")[0].strip()
        filing = Filing(
            preparer=preparer,
            organisation=organisation or "",
            place=place or "",
            purpose=code,
            case_number=case_number or "",
        )
    for line in current_person(store, person_id)[2]:
        err_console.print(f"[bold]{line}[/]", highlight=False)
    dossier_report(
        store,
        person_id,
        path,
        lang=lang,
        fmt=fmt,
        register=_register_name(workspace),
        reader=reader,
        filing=filing,
    )
    console.print(i18n.gettext_for(lang)("Wrote {path}").format(path=path), highlight=False)


@report_app.command("situation")
def report_situation(
    facility_name: Annotated[str | None, typer.Option("--facility", help="Facility name.")] = None,
    flight: Annotated[str | None, typer.Option(help="Flight number.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = "pdf",
    lang: LangOption = None,
    output: OutputOption = None,
    k: Annotated[
        int | None,
        typer.Option(
            "--k", help="Hide counts below k (default: the workspace's setting; 1 hides nothing)."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write a situation report for a facility, a flight or a period: counts, timelines,
    flags, register gaps, conditions and incidents, with charts and sources.

    Example: habeas report situation --facility CECOT --from 2025-03-01 --to 2025-07-31
    """
    from habeas.report.situation_render import situation_report

    lang = i18n.check_language(lang or current())
    scope = "-".join(_slug(p) for p in (facility_name, flight, start, end) if p)
    path = output or Path(f"situation-{scope or 'all'}-{lang}.{fmt}")
    situation_report(
        open_store(workspace),
        path,
        facility=facility_name,
        flight=flight,
        start=_day(start, "--from"),
        end=_day(end, "--to"),
        lang=lang,
        fmt=fmt,
        register=_register_name(workspace),
        k=k,
    )
    console.print(i18n.gettext_for(lang)("Wrote {path}").format(path=path), highlight=False)


def _register_name(workspace: Path | None) -> str:
    from habeas.workspace import find_workspace

    ws = find_workspace(workspace)
    return ws.name  # never the folder: a dossier leaves this computer
