"""The read layer (habeas.read) keeps what a reader may not see out, and audits the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader
from habeas.audit.query import LogFilter, log_entries
from habeas.read.activity import recent_activity
from habeas.read.review import review_records
from habeas.read.sources import find_source_id, source_titles, visible_sources
from habeas.store.db import Store
from tests.trust.sensitivity_data import SOURCES, build_levels

NO_PURPOSE = Reader("documenter", "dora", None, "web")
WITH_PURPOSE = Reader("documenter", "dora", "relative_request: folio RF-2", "web")


def _reads(store: Store) -> int:
    return len(log_entries(store, LogFilter(kind="read")))


def test_sources_need_a_purpose_above_internal(store: Store, tmp_path: Path) -> None:
    build_levels(store, tmp_path)
    titles = {level: t for level, (t, _kind, _s) in SOURCES.items()}
    found = visible_sources(store, reader=NO_PURPOSE)
    assert {r.title for r in found.rows} == {titles["public"], titles["internal"]}
    assert found.withheld.counts["sources"] == 2 and found.withheld.for_purpose >= 1
    assert titles["restricted"] not in source_titles(store, reader=NO_PURPOSE)
    assert find_source_id(store, titles["restricted"], reader=NO_PURPOSE) is None
    assert find_source_id(store, titles["public"], reader=NO_PURPOSE) is not None

    before = _reads(store)
    shown = visible_sources(store, reader=WITH_PURPOSE)
    assert titles["restricted"] in {r.title for r in shown.rows}
    assert titles["witness_protected"] not in {r.title for r in shown.rows}
    assert _reads(store) == before + 1  # showing a restricted source is audited
    assert find_source_id(store, titles["witness_protected"], reader=WITH_PURPOSE) is None
    sid = find_source_id(store, titles["restricted"], reader=WITH_PURPOSE)
    assert sid is not None and find_source_id(store, f"#{sid}", reader=WITH_PURPOSE) == sid


def test_review_cards_leave_out_records_the_reader_may_not_see(
    store: Store, tmp_path: Path
) -> None:
    case = build_levels(store, tmp_path)
    ids = list(case.record_ids.values())
    cards, withheld = review_records(store, ids, reader=NO_PURPOSE)
    assert set(cards) == {case.record_ids["public"], case.record_ids["internal"]}
    assert withheld.counts["records"] == 2
    cards, _held = review_records(store, ids, reader=WITH_PURPOSE)
    assert case.record_ids["restricted"] in cards
    assert case.record_ids["witness_protected"] not in cards
    assert all(isinstance(c.given_names, list) for c in cards.values())


def test_recent_activity_is_for_admins_only(store: Store, tmp_path: Path) -> None:
    build_levels(store, tmp_path)
    with pytest.raises(PermissionDenied):
        recent_activity(store, reader=NO_PURPOSE)
    entries = recent_activity(store, reader=Reader("admin", "ada", None, "web"), limit=3)
    assert len(entries) == 3 and entries[0].seq > entries[1].seq > entries[2].seq
