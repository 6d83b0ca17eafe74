"""``habeas legal``: legal actions on a person's behalf — habeas petitions, asylum claims,
communications to UN bodies — with their history and the deadlines coming up."""

from __future__ import annotations

from datetime import date
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
    open_store,
    print_json,
    print_withheld,
    reader_for,
)
from habeas.cli.lang import _, current
from habeas.document import legal_actions as la
from habeas.document.legal_action_entry import ActionError, ActionSpec, add_action, update_action
from habeas.errors import UsageError

legal_app = typer.Typer(
    help="Legal actions: habeas petitions, asylum claims, complaints to UN bodies, "
    "with their deadlines.\n\nExample: habeas legal deadlines --within 14",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
#: The library's field → the option that sets it (for error messages).
OPTION = {
    "kind": "--kind",
    "court": "--court",
    "case_number": "--case-number",
    "filed_on": "--filed",
    "status": "--status",
    "next_date": "--next-date",
    "person_id": "PERSON_ID / --person",
    "sensitivity": "--sensitivity",
}


def register(app: typer.Typer) -> None:
    app.add_typer(legal_app, name="legal")


def _day(value: str | None, option: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            _("{option} {value!r}: expected a date such as 2025-03-20.").format(
                option=option, value=value
            )
        ) from None


def _refused(exc: ActionError) -> UsageError:
    """The library's message in the CLI's language, naming the option to fix."""
    text = exc.translated(i18n.gettext_for(current()))
    return UsageError(f"{OPTION[exc.field]}: {text}" if exc.field in OPTION else text)


def _row(a: la.LegalAction, lang: str, today: date) -> dict[str, Any]:
    left = a.days_left(today)
    return {
        "id": a.id,
        "kind": a.kind,
        "kind_label": a.kind_label(lang),
        "person_id": a.person_now[0] if len(a.person_now) == 1 else a.person_id,
        "court": a.court,
        "case_number": a.case_number,
        "filed_on": a.filed_on.isoformat() if a.filed_on else None,
        "status": a.status,
        "status_label": a.status_label(lang),
        "next_date": a.next_date.isoformat() if a.has_deadline and a.next_date else None,
        "next_due": a.next_due if a.has_deadline else None,
        "days_left": left,
        "overdue": a.overdue(today),
        "sensitivity": a.sensitivity,
    }


def _when(row: dict[str, Any], lang: str) -> str:
    if row["next_date"] is None:
        return ""
    text = i18n.format_date(date.fromisoformat(row["next_date"]), lang, "medium")
    if row["overdue"]:
        return f"[bold red]{text} — {_('overdue')}[/]"
    return text


def _table(rows: list[dict[str, Any]], title: str, lang: str) -> Table:
    table = Table(title=title)
    for header in ("id", "person", "kind", "court or body", "case number", "filed", "status"):
        table.add_column(_(header))
    table.add_column(_("next date"))
    table.add_column(_("what is due"))
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["person_id"]),
            r["kind_label"],
            r["court"],
            r["case_number"] or "",
            i18n.format_date(date.fromisoformat(r["filed_on"]), lang, "medium")
            if r["filed_on"]
            else "",
            r["status_label"],
            _when(r, lang),
            r["next_due"] or "",
        )
    return table


@legal_app.command("add")
def legal_add(
    person_id: Annotated[int, typer.Argument(help="The person's id (see `habeas find`).")],
    kind: Annotated[
        str,
        typer.Option(
            help="Kind (legal_action_kind term): habeas_petition, amparo, asylum_claim, "
            "wgeid_communication, ced_urgent_action, iachr_precautionary, other."
        ),
    ],
    court: Annotated[str, typer.Option(help="The court or body it is filed with.")],
    case_number: Annotated[str | None, typer.Option(help="The case or file number.")] = None,
    filed: Annotated[str | None, typer.Option(help="Filing date (YYYY-MM-DD).")] = None,
    petitioner: Annotated[str | None, typer.Option(help="Who files it.")] = None,
    respondent: Annotated[str | None, typer.Option(help="Against whom.")] = None,
    counsel: Annotated[str | None, typer.Option(help="Counsel.")] = None,
    status: Annotated[
        str, typer.Option(help="draft, filed, pending, granted, denied, ... (default draft).")
    ] = "draft",
    next_date: Annotated[str | None, typer.Option(help="Next date (YYYY-MM-DD).")] = None,
    next_due: Annotated[
        str | None, typer.Option(help="What is due on the next date (a hearing, a reply, ...).")
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    sensitivity: Annotated[
        str, typer.Option(help="public, internal, restricted or witness_protected.")
    ] = "internal",
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Record a legal action for a person (one logged operation).

    Example: habeas legal add 12 --kind habeas_petition --court "U.S. District Court, D.D.C."
    --case-number 1:25-cv-00766 --filed 2025-03-20 --status pending --next-date 2025-04-02
    --next-due "hearing"
    """
    store = open_store(workspace)
    spec = ActionSpec(
        kind=kind,
        person_id=person_id,
        court=court,
        case_number=case_number,
        filed_on=_day(filed, "--filed"),
        petitioner=petitioner,
        respondent=respondent,
        counsel=counsel,
        status=status,
        next_date=_day(next_date, "--next-date"),
        next_due=next_due,
        notes=notes,
        sensitivity=sensitivity,
    )
    try:
        new_id = add_action(store, reader_for(store, as_user, purpose), spec)
    except ActionError as exc:
        raise _refused(exc) from None
    console.print(_("Recorded legal action {id}.").format(id=new_id))


@legal_app.command("update")
def legal_update(
    action_id: Annotated[int, typer.Argument(help="The legal action's id.")],
    status: Annotated[str | None, typer.Option(help="The new status.")] = None,
    next_date: Annotated[str | None, typer.Option(help="Next date (YYYY-MM-DD).")] = None,
    next_due: Annotated[str | None, typer.Option(help="What is due on the next date.")] = None,
    clear_next: Annotated[
        bool, typer.Option("--clear-next", help="Nothing is due any more.")
    ] = False,
    case_number: Annotated[str | None, typer.Option(help="The case number.")] = None,
    filed: Annotated[str | None, typer.Option(help="Filing date (YYYY-MM-DD).")] = None,
    court: Annotated[str | None, typer.Option(help="The court or body.")] = None,
    person: Annotated[
        int | None, typer.Option(help="Move the action to this person (e.g. after a split).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why, or what happened.")] = None,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Record a change of a legal action: status, next date, case number, ... (kept in its
    history, one logged operation; nothing is overwritten).

    Example: habeas legal update 3 --status granted --clear-next --note "order of 2 April"
    """
    store = open_store(workspace)
    fields: dict[str, Any] = {}
    if case_number is not None:
        fields["case_number"] = case_number
    if filed is not None:
        fields["filed_on"] = _day(filed, "--filed")
    if court is not None:
        fields["court"] = court
    if person is not None:
        fields["person_id"] = person
    try:
        change = update_action(
            store,
            reader_for(store, as_user, purpose),
            action_id,
            status=status,
            next_date=_day(next_date, "--next-date"),
            next_due=next_due,
            clear_next=clear_next,
            fields=fields,
            note=note,
        )
    except ActionError as exc:
        raise _refused(exc) from None
    console.print(
        _("Recorded change {change} of legal action {id}.").format(change=change, id=action_id)
    )


@legal_app.command("list")
def legal_list(
    person: Annotated[int | None, typer.Option(help="Only this person's actions.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    as_json: JsonOption = False,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """List legal actions, those with a next date first (soonest first).

    Example: habeas legal list --person 12
    """
    lang = current()
    store = open_store(workspace)
    withheld = Withheld()
    rows = la.list_actions(
        store,
        reader=reader_for(store, as_user, purpose),
        person_id=person,
        kinds=[kind] if kind else None,
        statuses=[status] if status else None,
        withheld=withheld,
    )
    print_withheld(withheld, lang)
    today = date.today()
    data = [_row(a, lang, today) for a in rows]
    if as_json:
        print_json({"legal_actions": data, "withheld": withheld.to_dict()})
        return
    if not data:
        console.print(_("No legal actions."))
        return
    console.print(_table(data, _("{n} legal actions").format(n=len(data)), lang))


@legal_app.command("deadlines")
def legal_deadlines(
    within: Annotated[int, typer.Option(help="Days ahead.")] = 30,
    today: Annotated[str | None, typer.Option(help="Count from this day (YYYY-MM-DD).")] = None,
    as_json: JsonOption = False,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """What is due in the next days, and what is overdue (soonest first).

    Example: habeas legal deadlines --within 14
    """
    lang = current()
    store = open_store(workspace)
    day = _day(today, "--today") or date.today()
    withheld = Withheld()
    due = la.upcoming(
        store, reader_for(store, as_user, purpose), within, today=day, withheld=withheld
    )
    print_withheld(withheld, lang)
    data = [_row(d.action, lang, day) for d in due]
    if as_json:
        print_json({"today": day.isoformat(), "within_days": within, "deadlines": data})
        return
    if not data:
        console.print(_("Nothing is due in the next {n} days.").format(n=within))
        return
    title = _("Due in the next {n} days, and overdue").format(n=within)
    console.print(_table(data, title, lang))


@legal_app.command("show")
def legal_show(
    action_id: Annotated[int, typer.Argument(help="The legal action's id.")],
    as_json: JsonOption = False,
    workspace: WorkspaceOption = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Show one legal action with its history.

    Example: habeas legal show 3
    """
    lang = current()
    store = open_store(workspace)
    a = la.get_action(store, action_id, reader=reader_for(store, as_user, purpose))
    if as_json:
        print_json(a.to_dict())
        return
    console.print(f"[bold]{a.describe(lang)}[/]", highlight=False)
    for label, value in (
        (_("person"), ", ".join(str(p) for p in a.person_now) or str(a.person_id)),
        (_("petitioner"), a.petitioner),
        (_("respondent"), a.respondent),
        (_("counsel"), a.counsel),
        (_("notes"), a.notes),
        (_("sensitivity"), a.sensitivity),
    ):
        if value:
            console.print(f"{label}: {value}", highlight=False)
    for moved in a.split_since:
        console.print(
            _(
                "{n} records left person {person} for person {into} after this action was "
                "entered: if it concerns them, run habeas legal update {id} --person {into}."
            ).format(n=moved["records"], person=moved["person_id"], into=moved["into_id"], id=a.id),
            style="yellow",
        )
    table = Table(title=_("History"))
    for header in ("when", "who", "status", "next date", "what is due", "changed", "note"):
        table.add_column(_(header))
    for c in a.history:
        next_text = ""
        if c.clears_next:
            next_text = _("cleared")
        elif c.next_date:
            next_text = i18n.format_date(c.next_date, lang, "medium")
        table.add_row(
            c.at.strftime("%Y-%m-%d %H:%M"),
            c.actor,
            la.status_label(c.status, lang) if c.status else "",
            next_text,
            c.next_due or "",
            ", ".join(f"{k}={v}" for k, v in sorted(c.fields.items())),
            c.note or "",
        )
    console.print(table)
