"""Pages that must not show what the reader's clearance withholds (issues #14.9, #14.10, #14.12).

The register of :mod:`tests.trust.sensitivity_data`: one person stated by four sources, one
at each sensitivity level, and one incident at each level.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.schema import ImportBatch, Source
from tests.trust.sensitivity_data import SOURCES, build_levels

SEALED = SOURCES["witness_protected"][0]


def _import_ids(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {level: s.execute(select(ImportBatch.id).join(
            Source, Source.id == ImportBatch.source_id).where(Source.title == title)).scalar_one()
            for level, (title, _, _) in SOURCES.items()}


def test_import_history_follows_the_readers_clearance(
        store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]) -> None:
    build_levels(store, tmp_path)
    ids = _import_ids(store)
    documenter = client_as("documenter")
    page = documenter.get("/sources.json").json()
    assert SEALED not in str(page)
    assert "testimony-witness_protected.csv" not in str(page)
    assert {i["id"] for i in page["imports"]} == {ids["public"], ids["internal"]}
    # the restricted testimony's file names a reporter, so it (and its import) is sealed
    assert page["withheld"]["counts"]["imports"] == 2
    assert SEALED not in documenter.get("/sources").text
    # the sealed import's report is not there for them; the restricted one needs a purpose
    answer = documenter.get(f"/sources/imports/{ids['witness_protected']}.json")
    assert answer.status_code == 404 and SEALED not in answer.text
    assert documenter.get(f"/sources/imports/{ids['restricted']}").status_code == 404
    shown = documenter.get(f"/sources/imports/{ids['internal']}.json").json()
    assert shown["import"]["source"] == SOURCES["internal"][0]
    admin = client_as("admin")  # cleared, but no purpose stated in this session yet
    unstated = admin.get(f"/sources/imports/{ids['witness_protected']}.json").json()
    assert unstated["all_withheld"] and unstated["withheld"]["for_purpose"] == 1
    assert SEALED not in str(unstated)
    assert "purpose" in admin.get(f"/sources/imports/{ids['witness_protected']}").text
    assert SEALED not in admin.get("/sources.json").text
