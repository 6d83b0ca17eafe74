"""``habeas person`` and ``habeas gaps``: where is this person, on what basis, what is missing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

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
from habeas.cli.notices import current_person
from habeas.errors import UsageError
from habeas.trace import group_gaps, person_summary
from habeas.trace.person import PersonSummary

_STATUS_STYLE = {"raised": "bold red", "not_raised": "green", "undetermined": "yellow",
                 "known": "green", "partial": "yellow", "unknown": "bold red",
                 "not_applicable": "dim"}


def register(app: typer.Typer) -> None:
    app.command("person")(person)
    app.command("gaps")(gaps)


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of must be YYYY-MM-DD, not {text!r}") from None


def person(
    person_id: Annotated[int, typer.Argument(help="The person's id (see `habeas find`).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge whereabouts and terms "
                                              "as of this date (YYYY-MM-DD; default today).")
                     ] = None,
    unaccounted_after: Annotated[int, typer.Option(
        help="Days without confirmation after a removal, transfer or admission before a "
             "person counts as unaccounted for.")] = 30,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Show one person: identity with sources, custody timeline (with contradictions),
    last known whereabouts, due-process flags and register gaps.

    Restricted records (testimonies, court filings) are shown only with --purpose;
    every such view is logged.

    Example: habeas person 42 --as-of 2025-06-30 --purpose "lawyer_request: case 25-1"
    """
    store = open_store(workspace)
    person_id, where, lines = current_person(store, person_id)
    for line in lines:
        err_console.print(f"[bold]{line}[/]", highlight=False)
    summary = person_summary(store, person_id, as_of=_as_of(as_of),
                             unaccounted_after_days=unaccounted_after,
                             reader=reader_for(store, as_user, purpose))
    print_withheld(summary.withheld)
    if as_json:
        print_json({**summary.to_dict(), "asked": where.to_dict()})
        return
    _identity(summary)
    _timeline(summary)
    _whereabouts(summary)
    _flags(summary)
    _gaps(summary)
    _protected(summary)


def _protected(s: PersonSummary) -> None:
    if not s.protected:
        return
    table = Table(title="Who reported (witness-protected: never share; this view is logged)")
    for column in ("record", "field", "value"):
        table.add_column(column)
    for p in s.protected:
        for fld, v in sorted(p.values.items()):
            table.add_row(f"{p.source_title} #{p.record_key}", fld, v["value"])
    console.print(table)


def _identity(s: PersonSummary) -> None:
    table = Table(title=f"Person {s.person_id}: {s.display_name} — identity, per source")
    for column in ("field", "value", "as written", "stated by"):
        table.add_column(column)
    ident = s.identity
    for label, variants in (("name", ident.names), ("date of birth", ident.dates_of_birth),
                            ("document", ident.identifiers),
                            ("nationality", ident.nationalities), ("sex", ident.sexes),
                            ("residence", ident.residences)):
        for v in variants:
            table.add_row(label, v.value, " | ".join(v.as_written),
                          "\n".join(f"{p.source} #{p.record}" for p in v.stated_by))
    console.print(table)


def _timeline(s: PersonSummary) -> None:
    table = Table(title="Custody timeline (earliest first; events in one group cannot be "
                  "ordered against each other)")
    for column in ("#", "date", "time", "event", "where", "flight", "source"):
        table.add_column(column)
    for group in s.timeline.groups:
        marker = str(group.position) if group.order_known else f"{group.position}*"
        for ev in group.events:
            table.add_row(marker, ev.date, ev.time_text or "", ev.event_type.replace("_", " "),
                          " / ".join(x for x in (ev.facility or ev.place, ev.unit) if x),
                          ev.flight or "", f"{ev.source_title} #{ev.record_key}")
    for ev in s.timeline.undated:
        table.add_row("?", "undated", ev.time_text or "", ev.event_type.replace("_", " "),
                      ev.facility or ev.place or "", ev.flight or "", ev.source_title)
    console.print(table)
    if any(not g.order_known for g in s.timeline.groups):
        console.print("[dim]* order unknown: these events' dates overlap.[/dim]")
    for c in s.timeline.contradictions:
        console.print(f"[bold red]Contradiction ({c.kind})[/bold red]: {c.description}")
        for v in c.values:
            console.print(f"  {v.value}: {'; '.join(v.records)}")


def _whereabouts(s: PersonSummary) -> None:
    w = s.whereabouts
    style = "bold red" if w.status == "unaccounted_for" else "bold"
    console.print(f"\n[{style}]Whereabouts as of {w.as_of}: {w.status.replace('_', ' ')}"
                  f"[/{style}] — {w.place or 'no place recorded'}"
                  + (f" / {w.unit}" if w.unit else "")
                  + (f", last confirmed {w.last_seen}" if w.last_seen else "")
                  + f" (confidence {w.confidence}: {w.confidence_reason})")
    if w.explanation:
        console.print(f"  {w.explanation}")
    if w.incommunicado:
        console.print(f"  [bold red]Incommunicado[/bold red]: detained since {w.detained_since};"
                      " no contact with family or counsel is recorded since.")
    elif w.contact_evidence:
        console.print(f"  Contact recorded: {'; '.join(w.contact_evidence)}")


def _flags(s: PersonSummary) -> None:
    table = Table(title="Due-process flags")
    for column in ("flag", "status", "why (facts and sources)"):
        table.add_column(column)
    for f in s.flags:
        style = _STATUS_STYLE[f.status]
        table.add_row(f.title_en, f"[{style}]{f.status.replace('_', ' ')}[/{style}]",
                      f.explanation)
    console.print(table)


def _gaps(s: PersonSummary) -> None:
    table = Table(title="Register gaps (ICPPED art. 17(3), 18; Body of Principles 12, 16)")
    for column in ("field", "legal basis", "status", "evidence / note", "should be held by"):
        table.add_column(column)
    for g in s.gaps:
        style = _STATUS_STYLE[g.status]
        detail = "\n".join(g.evidence[:3] + ([f"… {len(g.evidence) - 3} more"]
                                            if len(g.evidence) > 3 else []))
        table.add_row(g.label, g.legal_basis, f"[{style}]{g.status.replace('_', ' ')}[/{style}]",
                      "\n".join(x for x in (detail, g.note) if x), g.holder)
    console.print(table)


def gaps(
    facility: Annotated[str | None, typer.Option(help="Only events at this facility.")] = None,
    flight: Annotated[str | None, typer.Option(help="Only this flight number.")] = None,
    event_type: Annotated[str, typer.Option(help="Persons with an event of this type.")
                          ] = "removal_flight",
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The register gap report for a group: per required field, how many have it recorded.

    Example: habeas gaps --flight RWG1503
    """
    report = group_gaps(open_store(workspace), facility=facility, flight=flight,
                        event_type=event_type)
    if as_json:
        print_json(report.to_dict())
        return
    table = Table(title=f"Register gaps for {report.persons} {report.description}")
    for column in ("field", "legal basis", "known", "partly", "unknown", "n/a",
                   "should be held by"):
        table.add_column(column)
    for f in report.fields:
        table.add_row(f.label, f.legal_basis, str(f.known), str(f.partial),
                      f"[bold red]{f.unknown}[/bold red]" if f.unknown else "0",
                      str(f.not_applicable), f.holder)
    console.print(table)
    worst = [f for f in report.fields if f.known == 0 and f.persons]
    for f in worst:
        console.print(f.sentence(f"in this group ({report.description})"))
