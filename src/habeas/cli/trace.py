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
from habeas.cli.lang import _, current
from habeas.cli.notices import current_person
from habeas.errors import UsageError
from habeas.report.labels import STATUSES
from habeas.trace import group_gaps, person_summary
from habeas.trace.person import PersonSummary

_STATUS_STYLE = {
    "raised": "bold red",
    "not_raised": "green",
    "undetermined": "yellow",
    "known": "green",
    "partial": "yellow",
    "unknown": "bold red",
    "not_applicable": "dim",
}


def _status(code: str) -> str:
    """A whereabouts, flag or gap status as printed: in English the code with spaces."""
    if current() == "en" or code not in STATUSES:
        return code.replace("_", " ")
    return _(STATUSES[code])


def _columns(table: Table, *names: str) -> None:
    for name in names:
        table.add_column(_(name))


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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge whereabouts and terms as of this date (YYYY-MM-DD; default today).",
        ),
    ] = None,
    unaccounted_after: Annotated[
        int,
        typer.Option(
            help="Days without confirmation after a removal, transfer or admission before a "
            "person counts as unaccounted for."
        ),
    ] = 30,
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
    summary = person_summary(
        store,
        person_id,
        as_of=_as_of(as_of),
        unaccounted_after_days=unaccounted_after,
        lang=current(),  # the explanations, reasons and notes in the CLI's language
        reader=reader_for(store, as_user, purpose),
    )
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
    table = Table(title=_("Who reported (witness-protected: never share; this view is logged)"))
    _columns(table, "record", "field", "value")
    for p in s.protected:
        for fld, v in sorted(p.values.items()):
            table.add_row(f"{p.source_title} #{p.record_key}", fld, v["value"])
    console.print(table)


def _identity(s: PersonSummary) -> None:
    table = Table(
        title=_("Person {id}: {name} — identity, per source").format(
            id=s.person_id, name=s.display_name
        )
    )
    _columns(table, "field", "value", "as written", "stated by")
    ident = s.identity
    for label, variants in (
        ("name", ident.names),
        ("date of birth", ident.dates_of_birth),
        ("document", ident.identifiers),
        ("nationality", ident.nationalities),
        ("sex", ident.sexes),
        ("residence", ident.residences),
    ):
        for v in variants:
            table.add_row(
                _(label),
                v.value,
                " | ".join(v.as_written),
                "\n".join(f"{p.source} #{p.record}" for p in v.stated_by),
            )
    console.print(table)


def _timeline(s: PersonSummary) -> None:
    table = Table(
        title=_(
            "Custody timeline (earliest first; events in one group cannot be "
            "ordered against each other)"
        )
    )
    _columns(table, "#", "date", "time", "event", "where", "flight", "source")
    for group in s.timeline.groups:
        marker = str(group.position) if group.order_known else f"{group.position}*"
        for ev in group.events:
            table.add_row(
                marker,
                ev.date,
                ev.time_text or "",
                ev.event_type.replace("_", " "),
                " / ".join(x for x in (ev.facility or ev.place, ev.unit) if x),
                ev.flight or "",
                f"{ev.source_title} #{ev.record_key}",
            )
    for ev in s.timeline.undated:
        table.add_row(
            "?",
            _("undated"),
            ev.time_text or "",
            ev.event_type.replace("_", " "),
            ev.facility or ev.place or "",
            ev.flight or "",
            ev.source_title,
        )
    console.print(table)
    if any(not g.order_known for g in s.timeline.groups):
        unknown_order = _("* order unknown: these events' dates overlap.")
        console.print(f"[dim]{unknown_order}[/dim]")
    for c in s.timeline.contradictions:
        console.print(
            f"[bold red]{_('Contradiction ({kind})').format(kind=c.kind)}"
            f"[/bold red]: {c.description}"
        )
        for v in c.values:
            console.print(f"  {v.value}: {'; '.join(v.records)}")


def _whereabouts(s: PersonSummary) -> None:
    w = s.whereabouts
    style = "bold red" if w.status == "unaccounted_for" else "bold"
    heading = _("Whereabouts as of {date}: {status}").format(date=w.as_of, status=_status(w.status))
    console.print(
        f"\n[{style}]{heading}[/{style}] — {w.place or _('no place recorded')}"
        + (f" / {w.unit}" if w.unit else "")
        + (_(", last confirmed {date}").format(date=w.last_seen) if w.last_seen else "")
        + " "
        + _("(confidence {level}: {reason})").format(
            level=_status(w.confidence), reason=w.confidence_reason
        )
    )
    if w.explanation:
        console.print(f"  {w.explanation}")
    if w.incommunicado:
        console.print(
            f"  [bold red]{_('Incommunicado')}[/bold red]: "
            + _(
                "detained since {date}; no contact with family or counsel is recorded since."
            ).format(date=w.detained_since)
        )
    elif w.contact_evidence:
        console.print(
            "  " + _("Contact recorded: {contacts}").format(contacts="; ".join(w.contact_evidence))
        )


def _flags(s: PersonSummary) -> None:
    table = Table(title=_("Due-process flags"))
    _columns(table, "flag", "status", "why (facts and sources)")
    for f in s.flags:
        style = _STATUS_STYLE[f.status]
        table.add_row(f.title(current()), f"[{style}]{_status(f.status)}[/{style}]", f.explanation)
    console.print(table)


def _gaps(s: PersonSummary) -> None:
    table = Table(title=_("Register gaps (ICPPED art. 17(3), 18; Body of Principles 12, 16)"))
    _columns(table, "field", "legal basis", "status", "evidence / note", "should be held by")
    for g in s.gaps:
        style = _STATUS_STYLE[g.status]
        detail = "\n".join(
            g.evidence[:3]
            + ([_("… {n} more").format(n=len(g.evidence) - 3)] if len(g.evidence) > 3 else [])
        )
        table.add_row(
            _(g.label),
            g.legal_basis,
            f"[{style}]{_status(g.status)}[/{style}]",
            "\n".join(x for x in (detail, g.note) if x),
            _(g.holder),
        )
    console.print(table)


def gaps(
    facility: Annotated[str | None, typer.Option(help="Only events at this facility.")] = None,
    flight: Annotated[str | None, typer.Option(help="Only this flight number.")] = None,
    event_type: Annotated[
        str, typer.Option(help="Persons with an event of this type.")
    ] = "removal_flight",
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The register gap report for a group: per required field, how many have it recorded.

    Example: habeas gaps --flight RWG1503
    """
    report = group_gaps(
        open_store(workspace),
        facility=facility,
        flight=flight,
        event_type=event_type,
        lang=current(),
    )
    if as_json:
        print_json(report.to_dict())
        return
    table = Table(
        title=_("Register gaps for {n} {group}").format(n=report.persons, group=report.description)
    )
    _columns(
        table, "field", "legal basis", "known", "partly", "unknown", "n/a", "should be held by"
    )
    for f in report.fields:
        table.add_row(
            _(f.label),
            f.legal_basis,
            str(f.known),
            str(f.partial),
            f"[bold red]{f.unknown}[/bold red]" if f.unknown else "0",
            str(f.not_applicable),
            _(f.holder),
        )
    console.print(table)
    worst = [f for f in report.fields if f.known == 0 and f.persons]
    for f in worst:
        group = _("in this group ({description})").format(description=report.description)
        console.print(f.sentence(group, current()))
