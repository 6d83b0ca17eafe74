"""The review queue × role × sensitivity × purpose: a pair is shown and decided only when
the reader may see both records (library, CLI, web); the rest is counted, never silent.

One person stated by four sources, one per level (:mod:`tests.trust.sensitivity_data`);
every pair of those records is queued, as a linkage run would leave them.
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from habeas.access import policy
from habeas.access.policy import ROLES, SENSITIVITY_LEVELS, PermissionDenied
from habeas.access.reader import AUDITED_LEVELS, Reader
from habeas.linkage import decide, export_decisions, import_decisions, queue, show
from habeas.linkage.apply import now
from habeas.linkage.review_access import PairWithheld
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.store.schema_linkage import LinkageRun, ReviewDecision, ScoredPair
from tests.trust.sensitivity_data import NAMES, LevelCase, build_levels

PURPOSES = ("documentation: review test", None)


def _queue_all(store: Store, case: LevelCase) -> dict[tuple[str, str], int]:
    """Queue every pair of the four records; (level a, level b) -> pair id."""
    out = {}
    with store.write("tester") as op:
        run = LinkageRun(started_at=now(), actor="tester", kind="full", parameters={}, counts={})
        op.session.add(run)
        op.session.flush()
        for i, (la, lb) in enumerate(itertools.combinations(SENSITIVITY_LEVELS, 2)):
            a, b = sorted((case.record_ids[la], case.record_ids[lb]))
            p = ScoredPair(
                run_id=run.id,
                record_a=a,
                record_b=b,
                match_weight=0.5,
                match_probability=0.5,
                status="queued",
                reason="band",
                priority=float(10 - i),
                evidence={"given": ["Exact match", 3.0], "dui_sv": ["All other comparisons", -6.0]},
            )
            op.session.add(p)
            op.session.flush()
            out[(la, lb)] = p.id
        op.log("link", "linkage_run", run.id, {"test": "queued pairs"})
    return out


def _allowed(reader: Reader, la: str, lb: str, action: str = "view") -> bool:
    return all(
        policy.may(reader.role, lv, action)
        and (reader.purpose is not None or lv not in AUDITED_LEVELS)
        for lv in (la, lb)
    )


def _decisions(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(ReviewDecision)).scalar() or 0)


def test_review_library_role_sensitivity_matrix(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = build_levels(store, tmp_path)
    pairs = _queue_all(store, case)
    checked = 0
    failures = []
    for role, purpose in itertools.product([*ROLES, None], PURPOSES):
        reader = Reader(role, f"user-{role}", purpose, "cli")
        result = queue(store, 100, reader=reader)
        listed = {p["pair_id"] for p in result.pairs}
        expected = {pid for (la, lb), pid in pairs.items() if _allowed(reader, la, lb)}
        if listed != expected:
            failures.append(f"queue {role} {purpose}: {sorted(listed)} != {sorted(expected)}")
        if result.count != len(expected) or result.withheld.total != len(pairs) - len(expected):
            failures.append(f"counts {role} {purpose}: {result.count} {result.withheld.total}")
        for (la, lb), pid in pairs.items():
            try:
                shown = show(store, pid, reader=reader)
                seen = True
                assert {shown["a"]["name"], shown["b"]["name"]} == {NAMES[la], NAMES[lb]}
            except PairWithheld:
                seen = False
            if seen != _allowed(reader, la, lb):
                failures.append(f"show {role} {purpose} {la}+{lb}: {seen}")
            if not _allowed(reader, la, lb):
                before = _decisions(store)
                with pytest.raises(PermissionDenied):
                    decide(store, pid, "same", reader=reader)
                if _decisions(store) != before:
                    failures.append(f"decide wrote {role} {purpose} {la}+{lb}")
            checked += 1
    assert not failures, "\n".join(failures)
    assert checked == (len(ROLES) + 1) * len(PURPOSES) * len(pairs) == 72
    with capsys.disabled():
        print(f"\nreview pair × role × purpose combinations checked: {checked}")


def test_withheld_pairs_need_a_purpose_or_clearance(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    pairs = _queue_all(store, case)
    doc = queue(store, 100, reader=Reader("documenter", "dora", None, "cli"))
    # public+internal only; the 3 pairs with the restricted record need a purpose,
    # the 3 with the witness-protected one a higher clearance
    assert [p["pair_id"] for p in doc.pairs] == [pairs[("public", "internal")]]
    assert doc.withheld.total == 5 and doc.withheld.for_purpose == 2
    assert doc.withheld.counts == {"pairs": 5}
    with pytest.raises(PairWithheld) as refused:
        decide(
            store,
            pairs[("internal", "witness_protected")],
            "same",
            reader=Reader("documenter", "dora", "documentation", "cli"),
        )
    assert refused.value.reason == "level"
    with pytest.raises(PairWithheld) as refused:
        show(
            store, pairs[("public", "restricted")], reader=Reader("documenter", "dora", None, "cli")
        )
    assert refused.value.reason == "purpose"
    assert _decisions(store) == 0


def test_review_reads_of_restricted_pairs_are_audited(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    pairs = _queue_all(store, case)
    reader = Reader("documenter", "dora", "documentation: review", "web")

    def reads() -> list[dict[str, Any]]:
        with store.read() as s:
            return [
                json.loads(e.detail)
                for e in s.execute(
                    select(ChangeLogEntry).where(
                        ChangeLogEntry.action == "read", ChangeLogEntry.actor == "dora"
                    )
                ).scalars()
            ]

    show(store, pairs[("public", "internal")], reader=reader)
    assert reads() == []  # nothing restricted shown
    pid = pairs[("internal", "restricted")]
    show(store, pid, reader=reader)
    entry = reads()[-1]
    assert entry["purpose"] == "documentation: review" and entry["pairs"] == [pid]
    assert entry["shown"] == {"internal": 1, "restricted": 1}
    result = decide(store, pid, "unsure", reader=reader)
    with store.read() as s:
        logged = json.loads(
            s.execute(
                select(ChangeLogEntry.detail).where(ChangeLogEntry.action == "review")
            ).scalar_one()
        )
    assert logged["read"] == {
        "role": "documenter",
        "face": "web",
        "purpose": "documentation: review",
        "levels": ["internal", "restricted"],
    }
    assert {result["a"]["name"], result["b"]["name"]} == {NAMES["internal"], NAMES["restricted"]}


def test_review_export_and_import_follow_the_export_column(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    pairs = _queue_all(store, case)
    out = tmp_path / "q.csv"
    legal = Reader("legal", "lucia", "lawyer_request", "cli")  # exports stop at internal
    result = export_decisions(store, out, reader=legal)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [int(r["pair_id"]) for r in rows] == [pairs[("public", "internal")]]
    assert result.rows == 1 and result.withheld.total == 5
    body = out.read_text(encoding="utf-8")
    assert NAMES["restricted"] not in body and NAMES["witness_protected"] not in body
    admin = Reader("admin", "adm", "audit", "cli")
    assert export_decisions(store, out, reader=admin).rows == 6
    with store.read() as s:
        audit = [
            json.loads(d)
            for d in s.execute(
                select(ChangeLogEntry.detail).where(
                    ChangeLogEntry.action == "read", ChangeLogEntry.entity == "export"
                )
            ).scalars()
        ]
    assert audit and audit[-1]["purpose"] == "audit" and audit[-1]["rows"] == 6
    # importing a decision on a pair the reader may not see is refused, nothing written
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    for r in rows:
        r["decision"] = "distinta"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(Exception, match="not visible to you"):
        import_decisions(store, out, reader=Reader("documenter", "dora", "documentation"))
    assert _decisions(store) == 0


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_review_cli_withholds_and_says_how(
    store: Store, tmp_path: Path, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer
    from typer.testing import CliRunner

    from habeas.access.users import add_user
    from habeas.cli import linkage as cli

    case = build_levels(store, tmp_path)
    pairs = _queue_all(store, case)
    add_user(store, "dora", "documenter", "correct horse battery staple", actor="test")
    cli_app = typer.Typer()
    cli_app.command("noop")(lambda: None)
    cli.register(cli_app)
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root), "--as", "dora"]
    listed = runner.invoke(cli_app, ["review", "list", "--json", *ws])
    assert listed.exit_code == 0, listed.output
    assert "5 pairs withheld" in listed.output and "--purpose" in listed.output
    assert "ask an administrator" in listed.output
    shown = runner.invoke(
        cli_app,
        [
            "review",
            "show",
            str(pairs[("public", "witness_protected")]),
            *ws,
            "--purpose",
            "documentation",
        ],
    )
    assert shown.exit_code == 1 and NAMES["witness_protected"] not in shown.output
    assert "ask an administrator" in shown.output
    refused = runner.invoke(
        cli_app, ["review", "decide", str(pairs[("public", "restricted")]), "misma", *ws]
    )
    assert refused.exit_code == 1 and "--purpose" in refused.output
    assert _decisions(store) == 0
    out = tmp_path / "q.csv"
    exported = runner.invoke(cli_app, ["review", "export", str(out), *ws])
    assert exported.exit_code == 0 and "Wrote 1 pairs" in exported.output
    assert "5 pairs withheld" in exported.output
