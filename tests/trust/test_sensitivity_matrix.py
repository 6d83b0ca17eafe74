"""Role × sensitivity × action, enumerated against the library (SQLite and PostgreSQL).

For every role (and anonymous), every level and every action (view, export,
dossier), the library shows the record of that level exactly when the policy
table allows it — with a purpose; without one, restricted and witness-protected
records are always withheld. The number of combinations checked is printed.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from habeas.access import policy
from habeas.access.policy import ROLES, SENSITIVITY_LEVELS, PermissionDenied
from habeas.access.reader import AUDITED_LEVELS, Reader
from habeas.report.dossier import build_dossier
from habeas.report.export import export
from habeas.store.db import Store
from habeas.trace import person_summary
from tests.trust.sensitivity_data import NAMES, SOURCES, LevelCase, build_levels

ACTIONS = tuple(policy.ACTIONS)


def _titles_seen(
    store: Store, case: LevelCase, reader: Reader, action: str, tmp: Path
) -> set[str] | None:
    """Source titles whose record the library showed; ``None`` when refused outright."""
    try:
        if action == "view":
            summary = person_summary(store, case.person_id, reader=reader)
            return {r.source_title for r in summary.records}
        if action == "dossier":
            return {
                r.source_title
                for r in build_dossier(store, case.person_id, reader=reader).summary.records
            }
        out = tmp / f"export-{reader.role}-{reader.purpose is not None}.json"
        export(store, "records", out, reader=reader)
        return {row["source"] for row in json.loads(out.read_text(encoding="utf-8"))}
    except PermissionDenied:
        return None


def test_policy_table_has_every_cell() -> None:
    for role, action in itertools.product([*ROLES, None], ACTIONS):
        top = policy.max_level(role, action)
        assert top is None or top in SENSITIVITY_LEVELS
    assert policy.may("admin", "witness_protected", "view")
    assert not policy.may("documenter", "witness_protected", "view")
    assert policy.may("legal", "restricted", "view")
    assert not policy.may("legal", "restricted", "export")  # exports stricter than views
    assert not any(policy.may("analyst", lv, a) for lv in SENSITIVITY_LEVELS for a in ACTIONS)


def test_role_sensitivity_action_matrix(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = build_levels(store, tmp_path)
    checked = 0
    failures = []
    for role in [*ROLES, None]:
        for purpose in ("lawyer_request: matrix test", None):
            reader = Reader(role, f"user-{role}", purpose, "cli")
            for action in ACTIONS:
                seen = _titles_seen(store, case, reader, action, tmp_path)
                for level in SENSITIVITY_LEVELS:
                    expected = policy.may(role, level, action) and (
                        purpose is not None or level not in AUDITED_LEVELS
                    )
                    shown = seen is not None and SOURCES[level][0] in seen
                    if shown != expected:
                        failures.append(
                            f"{role} {action} {level} purpose={purpose!r}: "
                            f"shown={shown} expected={expected}"
                        )
                    checked += 1
    assert not failures, "\n".join(failures)
    assert checked == (len(ROLES) + 1) * 2 * len(ACTIONS) * len(SENSITIVITY_LEVELS) == 144
    with capsys.disabled():
        print(
            f"\nrole × sensitivity × action (× purpose given or not) combinations "
            f"checked against the library: {checked}"
        )


def test_withheld_is_said_never_silent(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    legal = person_summary(
        store, case.person_id, reader=Reader("legal", "lucia", "lawyer_request", "cli")
    )
    # The witness-protected record (and its source), the reporter's identity on the
    # restricted record, that record's file (it carries the identity) and one incident.
    assert legal.withheld["counts"] == {
        "records": 1,
        "sources": 1,
        "protected values": 1,
        "files": 1,
        "incidents": 1,
    }
    assert legal.withheld["levels"] == {"witness_protected": 4}
    assert legal.withheld["for_purpose"] == 0
    no_purpose = person_summary(store, case.person_id, reader=Reader("legal", "lucia", None, "cli"))
    assert no_purpose.withheld["counts"] == {"records": 2, "sources": 2, "incidents": 2}
    assert no_purpose.withheld["for_purpose"] == 2  # the restricted record and incident
    assert "withheld: " in no_purpose.withheld["message"]
    names = {v.value for v in no_purpose.identity.names}
    assert names == {NAMES["public"], NAMES["internal"]}


def test_incidents_follow_their_level(store: Store, tmp_path: Path) -> None:
    from habeas.access.reader import Withheld
    from habeas.document.incidents import list_incidents

    case = build_levels(store, tmp_path)
    for role in [*ROLES, None]:
        withheld = Withheld()
        rows = list_incidents(
            store, reader=Reader(role, "x", "documentation", "web"), withheld=withheld
        )
        seen = {r.id for r in rows}
        for level, iid in case.incident_ids.items():
            assert (iid in seen) == policy.allowed(role, "read_summary", sensitivity=level), (
                role,
                level,
            )
        assert withheld.counts["incidents"] == len(case.incident_ids) - len(seen)
        for r in rows:  # victims are named only for readers who may view the record
            assert len(r.victims) == (1 if policy.may(role, "internal", "view") else 0)


def test_legal_actions_follow_their_level(store: Store, tmp_path: Path) -> None:
    """Every role × purpose × level: a legal action is listed, shown on the person summary
    and cited by a gap exactly when the reader may view its level; the rest is counted."""
    from habeas.access.reader import Withheld
    from habeas.document.legal_actions import list_actions
    from tests.trust.sensitivity_data import build_legal_levels

    case = build_levels(store, tmp_path)
    legal = build_legal_levels(store, case)
    checked = 0
    for role in [*ROLES, None]:
        for purpose in ("court_filing: matrix", None):
            reader = Reader(role, f"user-{role}", purpose, "cli")
            expected = {
                lv
                for lv in SENSITIVITY_LEVELS
                if policy.may(role, lv, "view") and (purpose or lv not in AUDITED_LEVELS)
            }
            try:
                withheld = Withheld()
                listed = {a.id for a in list_actions(store, reader=reader, withheld=withheld)}
                summary = person_summary(store, case.person_id, reader=reader)
            except PermissionDenied:
                assert policy.max_level(role, "view") is None
                checked += len(SENSITIVITY_LEVELS)
                continue
            assert listed == {legal[lv] for lv in expected}, (role, purpose)
            assert withheld.counts["legal actions"] == len(legal) - len(expected)
            assert {a.id for a in summary.legal_actions} == {legal[lv] for lv in expected}
            cited = {i for g in summary.gaps for i in g.requested_ids}
            assert cited == {legal[lv] for lv in expected}  # gaps cite only what is shown
            checked += len(SENSITIVITY_LEVELS)
    assert checked == (len(ROLES) + 1) * 2 * len(SENSITIVITY_LEVELS)
