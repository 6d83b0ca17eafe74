"""Legal actions: history kept and logged, deadlines in order, merges followed, and the flags
and gaps that cite them (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader, Withheld
from habeas.audit.reads import PurposeRequired
from habeas.document.legal_action_entry import (
    ActionError,
    ActionSpec,
    add_action,
    update_action,
)
from habeas.document.legal_actions import get_action, list_actions, upcoming
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.trace import due_process_flags, person_gaps, person_summary
from tests.trace.conftest import Importer, merge

DOC = Reader("documenter", "ana", "court_filing", "cli")
TODAY = date(2025, 4, 1)


def _petition(store: Store, pid: int, **kw: object) -> int:
    spec = ActionSpec(
        kind=str(kw.pop("kind", "habeas_petition")),
        person_id=pid,
        court=str(kw.pop("court", "U.S. District Court for the District of Columbia")),
        case_number=kw.pop("case_number", "1:25-cv-00766"),  # type: ignore[arg-type]
        filed_on=kw.pop("filed_on", date(2025, 3, 20)),  # type: ignore[arg-type]
        petitioner="Madre de la persona (ficticia)",
        respondent="Secretary of Homeland Security",
        status=str(kw.pop("status", "pending")),
        **kw,  # type: ignore[arg-type]
    )
    return add_action(store, DOC, spec)


def _log_count(store: Store, entity: str = "legal_action") -> int:
    with store.read() as s:
        return int(
            s.execute(
                select(func.count()).where(
                    ChangeLogEntry.entity == entity, ChangeLogEntry.action != "read"
                )
            ).scalar_one()
        )


def test_history_is_appended_and_logged(store: Store, add_list: Importer) -> None:
    pid = add_list("L", "NAME\nAna Pérez\n")[0]
    aid = _petition(store, pid, status="filed", next_date=date(2025, 4, 2), next_due="hearing")
    assert _log_count(store) == 1
    update_action(store, DOC, aid, status="pending", note="docketed")
    update_action(
        store,
        DOC,
        aid,
        next_date=date(2025, 4, 10),
        next_due="government's return",
        fields={"case_number": "1:25-cv-00766-JEB"},
    )
    action = get_action(store, aid, reader=DOC)
    assert action.status == "pending" and action.case_number == "1:25-cv-00766-JEB"
    assert action.next_date == date(2025, 4, 10) and action.next_due == "government's return"
    assert [c.status for c in action.history] == ["filed", "pending", None]
    assert action.history[0].next_date == date(2025, 4, 2)  # the first next date is kept
    assert action.history[2].fields == {"case_number": "1:25-cv-00766-JEB"}
    assert _log_count(store) == 3
    with pytest.raises(ActionError, match="Nothing to change"):
        update_action(store, DOC, aid, status="pending")
    with pytest.raises(ActionError) as bad:
        update_action(store, DOC, aid, status="won")
    assert bad.value.field == "status"
    assert _log_count(store) == 3  # refused changes write nothing
    update_action(store, DOC, aid, clear_next=True)
    assert get_action(store, aid, reader=DOC).next_date is None


def test_refusals_name_the_field(store: Store, add_list: Importer) -> None:
    pid = add_list("L", "NAME\nAna Pérez\n")[0]
    with pytest.raises(ActionError) as kind:
        _petition(store, pid, kind="lawsuit-ish")
    assert kind.value.field == "kind"
    with pytest.raises(ActionError) as filed:
        _petition(store, pid, filed_on=None, status="filed")
    assert filed.value.field == "filed_on"
    with pytest.raises(ActionError) as who:
        _petition(store, 999_999)
    assert who.value.field == "person_id"
    with pytest.raises(PermissionDenied):
        add_action(
            store,
            Reader("analyst", "lucia", "court_filing", "cli"),
            ActionSpec("habeas_petition", pid, "Court"),
        )
    assert _log_count(store) == 0


def test_deadlines_in_order_with_overdue_first(store: Store, add_list: Importer) -> None:
    pids = add_list("L", "NAME\nAna Pérez\nEva Ruiz\nRosa Díaz\nLuz Mar\n")
    later = _petition(store, pids[0], next_date=TODAY + timedelta(days=20), next_due="reply")
    soon = _petition(store, pids[1], next_date=TODAY + timedelta(days=2), next_due="hearing")
    late = _petition(store, pids[2], next_date=TODAY - timedelta(days=3), next_due="brief")
    far = _petition(store, pids[3], next_date=TODAY + timedelta(days=90), next_due="status")
    none = _petition(store, pids[3], kind="asylum_claim", court="Immigration Court")
    closed = _petition(store, pids[0], next_date=TODAY + timedelta(days=1), status="closed")
    due = upcoming(store, DOC, 30, today=TODAY)
    assert [d.action.id for d in due] == [late, soon, later]
    assert [d.overdue for d in due] == [True, False, False]
    assert [d.days_left for d in due] == [-3, 2, 20]
    listed = [a.id for a in list_actions(store, reader=DOC)]
    assert listed[:4] == [late, soon, later, far]  # deadlines first, then the others
    assert set(listed[4:]) == {none, closed}


def test_action_follows_its_person_through_a_merge(store: Store, add_list: Importer) -> None:
    a = add_list("A", "NAME\nAna Pérez\n")[0]
    b = add_list("B", "NAME\nAna Perez\n")[0]
    aid = _petition(store, b)
    survivor = merge(store, [a, b])
    action = get_action(store, aid, reader=DOC)
    assert action.person_id == b and action.person_now == (survivor,)
    assert [x.id for x in list_actions(store, reader=DOC, person_id=survivor)] == [aid]
    assert list_actions(store, reader=DOC, person_id=b) == []
    summary = person_summary(store, survivor, reader=DOC)
    assert any(g.requested_ids == [aid] for g in summary.gaps)
    # A new action for the retired id is filed for the survivor.
    again = _petition(store, b, kind="ced_urgent_action", court="CED")
    assert get_action(store, again, reader=DOC).person_id == survivor
    # Reassigning by hand is a change in the history too.
    other = add_list("C", "NAME\nRosa Díaz\n")[0]
    update_action(store, DOC, aid, fields={"person_id": other}, note="wrong person")
    assert list_actions(store, reader=DOC, person_id=other)[0].id == aid
    assert get_action(store, aid, reader=DOC).history[-1].fields == {"person_id": other}


def test_flag_and_gap_cite_the_pending_petition(store: Store, add_list: Importer) -> None:
    flight = add_list(
        "Manifest",
        "NAME;FLIGHT\nAna Pérez;RWG1501\n",
        defaults={"event_type": "removal_flight", "event_date": "2025-03-15"},
    )
    filing = add_list(
        "Filing",
        "Petitioner;Filed;Hearing;Asylum claim pending\nAna Pérez;03/17/2025;No;Yes\n",
        kind="court_filing",
        defaults={"event_type": "detention"},
        date_order="MDY",
    )
    pid = merge(store, flight + filing)
    before = {f.code: f for f in due_process_flags(store, pid, as_of=TODAY)}
    no_hearing = before["removed_without_hearing_or_notice"]
    assert no_hearing.status == "raised" and no_hearing.actions == []
    aid = _petition(store, pid, next_date=date(2025, 4, 2), next_due="hearing")
    draft = _petition(store, pid, kind="ced_urgent_action", court="CED", status="draft")
    flags = {f.code: f for f in due_process_flags(store, pid, as_of=TODAY)}
    cited = flags["removed_without_hearing_or_notice"]
    assert cited.status == "raised"  # an action never changes a flag's status
    assert [a.id for a in cited.actions] == [aid]
    assert "1:25-cv-00766" in cited.explanation and "March 20, 2025" in cited.explanation
    assert "pending" in cited.explanation
    assert flags["removed_while_asylum_pending"].actions == []  # no asylum action
    es = {f.code: f for f in due_process_flags(store, pid, as_of=TODAY, lang="es")}
    assert "pendiente" in es["removed_without_hearing_or_notice"].explanation
    gaps = {g.field: g for g in person_gaps(store, pid)}
    assert gaps["place_authority"].status in ("unknown", "partial")
    assert gaps["place_authority"].requested_ids == [aid]  # the draft asked nobody yet
    assert draft not in gaps["health"].requested_ids
    assert gaps["identity"].requested_by == []


def test_reader_sees_actions_by_level(store: Store, add_list: Importer) -> None:
    pid = add_list("L", "NAME\nAna Pérez\n")[0]
    admin = Reader("admin", "root", "audit", "cli")
    levels = {}
    for level in ("public", "internal", "restricted", "witness_protected"):
        levels[level] = add_action(
            store, admin, ActionSpec("habeas_petition", pid, f"Court {level}", sensitivity=level)
        )
    for role, purpose, seen in (
        ("admin", "audit", {"public", "internal", "restricted", "witness_protected"}),
        ("documenter", "court_filing", {"public", "internal", "restricted"}),
        ("legal", None, {"public", "internal"}),
        ("legal", "court_filing", {"public", "internal", "restricted"}),
    ):
        reader = Reader(role, "x", purpose, "cli")
        withheld = Withheld()
        shown = {a.id for a in list_actions(store, reader=reader, withheld=withheld)}
        assert shown == {levels[lv] for lv in seen}, (role, purpose)
        assert withheld.counts["legal actions"] == 4 - len(seen)
    with pytest.raises(NotFound):
        get_action(store, levels["witness_protected"], reader=DOC)
    with pytest.raises(PurposeRequired):
        get_action(store, levels["restricted"], reader=Reader("legal", "x", None, "cli"))
    for role in ("analyst", "viewer"):
        with pytest.raises(PermissionDenied):
            list_actions(store, reader=Reader(role, "x", None, "cli"))


def test_dossier_lists_actions_and_gaps_cite_them(
    store: Store, add_list: Importer, tmp_path
) -> None:
    from habeas.report.dossier import dossier_report

    pid = add_list("L", "NAME\nAna Pérez\n")[0]
    _petition(store, pid, next_date=date(2025, 4, 2), next_due="audiencia")
    out = dossier_report(store, pid, tmp_path / "d.html", lang="es", reader=DOC)
    html = out.read_text(encoding="utf-8")
    assert "Acciones legales" in html and "Petición de hábeas corpus 1:25-cv-00766" in html
    assert "pendiente; próximo: audiencia el 2 de abril de 2025" in html
    assert "Solicitado a la autoridad por: Petición de hábeas corpus" in html


def test_action_stays_with_its_id_after_a_split(store: Store, add_list: Importer) -> None:
    from habeas.linkage.apply import reassign
    from habeas.store.schema import Link

    pid = merge(store, add_list("A", "NAME\nAna Pérez\nAna Perez\nAna P.\n"))
    aid = _petition(store, pid)
    with store.read() as s:
        rows = s.execute(
            select(Link.record_id, Link.method)
            .where(Link.person_id == pid, Link.superseded_at.is_(None))
            .order_by(Link.record_id)
        ).all()
    records = [r for r, _ in rows]
    with store.write("test") as op:
        reassign(
            op.session,
            [records[:2], records[2:]],
            {r: (pid, m) for r, m in rows},
            actor="test",
            method="human",
        )
        op.log("split", "person", pid, {})
    action = get_action(store, aid, reader=DOC)
    assert action.person_now == (pid,)  # the id stays with the larger part, and so does it
    assert [m["records"] for m in action.split_since] == [1]
    other = action.split_since[0]["into_id"]
    assert list_actions(store, reader=DOC, person_id=other) == []
    update_action(store, DOC, aid, fields={"person_id": other}, note="concerns the other part")
    assert [a.id for a in list_actions(store, reader=DOC, person_id=other)] == [aid]
    assert list_actions(store, reader=DOC, person_id=pid) == []
