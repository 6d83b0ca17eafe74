"""How ``habeas inquiry`` shows inquiries on the terminal: tables and the one-inquiry view.

The asker is shown only when the library gave it (a reader cleared for its level);
otherwise "asker withheld".
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from habeas import i18n
from habeas.cli.common import console
from habeas.cli.lang import _, current, ngettext
from habeas.inquiry import ASKER_WITHHELD, STATUS_LABELS, InquiryView
from habeas.inquiry.model import KINDS


def status_label(code: str) -> str:
    return _(STATUS_LABELS[code])


def asker_text(v: InquiryView) -> str:
    if v.asker is None:
        return _(ASKER_WITHHELD)
    return f"{v.asker.name} ({v.asker.relationship}) · {v.asker.contact}"


def print_candidates(candidates: list[dict[str, Any]], confirmed: int | None) -> None:
    if not candidates:
        console.print(_("The register had no candidate for this description."))
        return
    table = Table(title=_("Candidates in the register"))
    for column in (_("person"), _("score"), _("records")):
        table.add_column(column)
    for c in candidates:
        mark = " ✓" if c["person_id"] == confirmed else ""
        table.add_row(
            f"{c['person_id']}{mark}",
            f"{round(100 * float(c['score']))} %",
            "\n".join(f"{r['name'] or r['record_key']} ({r['source']})" for r in c["records"]),
        )
    console.print(table)


def print_inquiries(rows: list[InquiryView]) -> None:
    """The inquiries as a table: number, person sought, asker, status, received."""
    table = Table(
        title=ngettext("%(num)s inquiry", "%(num)s inquiries", len(rows)) % {"num": len(rows)}
    )
    for column in (_("No."), _("Person sought"), _("Asked by"), _("Status"), _("Received")):
        table.add_column(column)
    for v in rows:
        table.add_row(
            str(v.id),
            (v.sought.name or "") if v.sought else _("withheld until you state a purpose"),
            v.asker.name if v.asker else _(ASKER_WITHHELD),
            status_label(v.status),
            i18n.format_date(v.created_at.date(), current(), "medium"),
        )
    console.print(table)


def print_inquiry(v: InquiryView) -> None:
    """One inquiry: who asks (or 'asker withheld'), whom they seek, candidates, history."""
    lines = [
        f"{_('Inquiry %(n)s') % {'n': v.id}} — {status_label(v.status)}",
        f"{_('Asked by')}: {asker_text(v)}",
    ]
    if v.sought is not None:
        s = v.sought
        sought = " · ".join(x for x in (s.name, s.dob, s.nationality, s.identifier) if x)
        lines.append(f"{_('Person sought')}: {sought}")
        if s.known:
            lines.append(f"{_('What they know')}: {s.known}")
        lines.append(
            f"{_('Person confirmed')}: "
            + (_("person %(id)s") % {"id": v.person_id} if v.person_id else _("none yet"))
        )
    else:
        lines.append(_("withheld until you state a purpose"))
    for line in lines:
        console.print(line, highlight=False, markup=False)
    if v.sought is not None and v.matched_at is not None:
        print_candidates(v.candidates, v.person_id)
    table = Table(title=_("History"))
    for column in (_("When"), _("Who"), _("What"), _("Note")):
        table.add_column(column)
    for e in v.history:
        what = _(KINDS[e.kind])
        if e.kind == "status" and e.detail:
            what += f": {status_label(e.detail['from'])} → {status_label(e.detail['to'])}"
        elif e.kind == "confirmed" and e.detail:
            what += ": " + _("person %(id)s") % {"id": e.detail["person_id"]}
        table.add_row(
            i18n.format_date(e.at, current(), "medium"), e.actor, what, e.detail.get("note") or ""
        )
    console.print(table)
