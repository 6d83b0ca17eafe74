"""The withheld notice of the sources page and of an import's report takes the plural form of
its count (``ngettext`` in the templates), in Spanish: "Retenidos: 2 elementos", never
"Retenidos: 1 elementos" for one item."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from habeas.store.db import Store
from tests.trust.sensitivity_data import build_levels


def test_sources_and_import_report_say_their_withheld_count_in_its_form(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    build_levels(store, tmp_path)
    documenter = client_as("documenter")
    documenter.get("/language/es")
    total = documenter.get("/sources.json").json()["withheld"]["total"]
    page = documenter.get("/sources").text
    assert total > 1
    assert f"Retenidos: {total} elementos con un nivel de confidencialidad" in page
    documenter.get("/language/en")
    assert f"Withheld: {total} items at a sensitivity level" in documenter.get("/sources").text
