"""The estimates page: the conclusion first, readable models, and the review-queue warning."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from habeas.estimate.register import unreviewed_pairs
from habeas.linkage.review import pending_count
from habeas.store.db import Store
from habeas.store.schema_linkage import ScoredPair
from tests.web.test_pages_data import demo_store, web  # noqa: F401 (fixtures)


def _lists(client: Any) -> list[str]:
    form = client.get("/estimates.json").json()
    return [
        c["title"]
        for c in form["choices"]["lists"]
        if c["title"].startswith(("Flight manifest", "List of names", "Repatriation"))
    ]


def test_pending_pairs_are_counted_through_the_library(demo_store: Store) -> None:  # noqa: F811
    with demo_store.read() as s:
        queued = int(
            s.execute(
                select(func.count()).select_from(ScoredPair).where(ScoredPair.status == "queued")
            ).scalar()
            or 0
        )
    assert queued > 0  # the demo leaves pairs for people to decide
    assert pending_count(demo_store) == queued
    assert pending_count(demo_store, []) == 0


def test_conclusion_models_and_review_warning(web: Any, demo_store: Store) -> None:  # noqa: F811
    client = web("analyst")
    client.get("/language/en")
    lists = _lists(client)
    pending = unreviewed_pairs(demo_store, lists)
    assert pending > 0
    data = client.get("/estimates.json", params={"lists": lists, "method": "dga"}).json()
    assert data["ran"] and data["conclusion"].startswith("Between ")
    row = data["results"][0]
    assert row["interval_kind_text"] == "posterior (Bayesian)"
    assert row["model_text"].startswith("average of") and row["error"] is None
    assert any(
        f"{pending} pairs of records on these lists are waiting in the review queue" in w
        for w in data["warnings"]
    )
    client.get("/language/es")
    html = client.get("/estimates", params={"lists": lists, "method": "dga"}).text
    assert "Entre " in html and "en ninguna lista" in html
    assert "esperan en la cola de revisión" in html and "a posteriori (bayesiano)" in html
    client.get("/language/en")
