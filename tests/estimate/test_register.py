"""Capture histories from the register (persons × sources), with filters and strata."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from habeas.cli.main import main
from habeas.demo import load_case
from habeas.errors import UsageError
from habeas.estimate import NoOverlap, run
from habeas.estimate.register import histories_from_register, parse_where
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import LinkageRun

LISTS = [
    "Flight manifest (leaked), 15 March 2025",
    "List of names published by the press, March 2025",
    "Repatriation list, 18 July 2025",
]


def _truth(case: Path) -> dict[tuple[str, str], str]:
    with (case.parent / "ground_truth.csv").open(encoding="utf-8") as handle:
        return {
            (r["source_title"], r["record_id"]): r["person_key"] for r in csv.DictReader(handle)
        }


def _link_by_truth(store: Store, case: Path) -> None:
    """Test set-up: link records exactly as the ground truth says (as a perfect linker would)."""
    truth = _truth(case)
    now = datetime.now(UTC)
    with store.write("test") as op:
        s = op.session
        rows = s.execute(
            select(Record.id, Source.title, Record.record_key, Link.person_id)
            .join(Source, Source.id == Record.source_id)
            .join(Link, Link.record_id == Record.id)
            .where(Link.superseded_at.is_(None))
        ).all()
        person_for_key: dict[str, int] = {}
        for rid, title, key, pid in rows:
            target = person_for_key.setdefault(truth[(title, key)], pid)
            if target != pid:
                s.execute(
                    update(Link)
                    .where(Link.record_id == rid, Link.superseded_at.is_(None))
                    .values(superseded_at=now)
                )
                s.add(
                    Link(
                        record_id=rid,
                        person_id=target,
                        method="human",
                        score=None,
                        decided_by="test",
                        decided_at=now,
                    )
                )
        s.add(
            LinkageRun(
                started_at=now,
                finished_at=datetime.now(UTC),
                actor="test",
                kind="ground-truth",
                parameters={},
                counts={},
            )
        )
        op.log("test-link", "link", None, {"by": "ground truth"})


def _expected_patterns(case: Path, lists: list[str]) -> Counter[tuple[int, ...]]:
    by_person: dict[str, set[str]] = {}
    for (title, _key), person in _truth(case).items():
        by_person.setdefault(person, set()).add(title)
    return Counter(
        tuple(int(t in titles) for t in lists)
        for titles in by_person.values()
        if titles & set(lists)
    )


def test_histories_match_the_ground_truth(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    _link_by_truth(store, demo_case)
    [hist] = histories_from_register(store, LISTS).values()
    got = Counter(
        {tuple(int(x) for x in p): int(c) for p, c in zip(hist.patterns, hist.counts, strict=True)}
    )
    assert got == _expected_patterns(demo_case, LISTS)
    assert not any("linkage" in w for w in hist.warnings)
    estimate = run("independence", hist)
    assert estimate.point is not None and estimate.point >= hist.n


def test_unlinked_register_refuses_to_estimate(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    [hist] = histories_from_register(store, LISTS).values()
    assert any("habeas link" in w for w in hist.warnings)
    with pytest.raises(NoOverlap, match="habeas link"):
        run("independence", hist)


def test_filters_and_strata(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    _link_by_truth(store, demo_case)
    everyone = histories_from_register(store, LISTS)["all"].n
    venezuelans = histories_from_register(store, LISTS, {"nationality": "VEN"})["all"].n
    assert 0 < venezuelans < everyone
    strata = histories_from_register(store, LISTS, strata="nationality")
    assert "VEN" in strata and sum(h.n for h in strata.values()) == everyone
    march = histories_from_register(store, LISTS, {"from": "2025-03-01", "to": "2025-03-31"})
    assert march["all"].n <= everyone
    with pytest.raises(UsageError, match="No person"):
        histories_from_register(store, LISTS, {"nationality": "NOR"})


def test_bad_requests() -> None:
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_where(["colour=red"])
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        parse_where(["from=March"])


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_cli_register_mode_json(
    store: Store, demo_case: Path, capsys: pytest.CaptureFixture[str], workspace: object
) -> None:
    load_case(store, demo_case)
    _link_by_truth(store, demo_case)
    args = ["estimate", "--workspace", str(workspace.root)]  # type: ignore[attr-defined]
    for title in LISTS:
        args += ["--lists", title]
    assert main([*args, "--method", "chapman", "--format", "json"]) == 0
    [chapman] = json.loads(capsys.readouterr().out)
    assert any("Only lists" in w for w in chapman["warnings"])  # two of the three, said so
    assert main([*args, "--method", "independence", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["method"] == "independence" and out[0]["observed"] > 0
    assert set(out[0]) == {
        "method",
        "observed",
        "point",
        "missing",
        "interval",
        "level",
        "interval_kind",
        "unstable_interval",
        "model",
        "lists",
        "stratum",
        "diagnostics",
        "warnings",
        "error",
        "hints",
    }
    code = main([*args, "--method", "independence", "--strata", "nationality", "--format", "json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert "VEN" in payload["strata"] and payload["total"]["model"] == "sum over strata"


def test_cli_register_mode_warns_about_undecided_review_pairs(
    store: Store, demo_case: Path, capsys: pytest.CaptureFixture[str], workspace: object
) -> None:
    from habeas.estimate.register import unreviewed_pairs
    from habeas.linkage import link

    load_case(store, demo_case)
    link(store, actor="test")
    pending = unreviewed_pairs(store, LISTS)
    assert pending > 0  # the model leaves pairs for people to decide
    args = ["estimate", "--workspace", str(workspace.root)]  # type: ignore[attr-defined]
    for title in LISTS:
        args += ["--lists", title]
    assert main([*args, "--method", "independence", "--format", "json"]) == 0
    [est] = json.loads(capsys.readouterr().out)
    assert any(
        w.startswith(f"{pending} pairs of records on these lists are waiting in the review queue")
        for w in est["warnings"]
    )
