"""The review page and its JSON withhold pairs the user may not see, and say how many
and how to see them (never "queue empty"); deciding such a pair is refused (403).

The register of :mod:`tests.trust.sensitivity_data` (one person, four records, one per
level), every pair of its records queued.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from habeas.store.db import Store
from habeas.store.schema_linkage import ScoredPair
from tests.trust.sensitivity_data import NAMES, build_levels
from tests.trust.test_sensitivity_review import _queue_all
from tests.web.conftest import csrf


@pytest.fixture
def levels_web(store: Store, tmp_path: Path, client_as: Any) -> tuple[Any, dict[Any, int]]:
    case = build_levels(store, tmp_path)
    return client_as, _queue_all(store, case)


def _with_purpose(client: TestClient) -> TestClient:
    client.post(
        "/purpose", data={"purpose": "documentation", "next": "/", "csrf_token": csrf(client)}
    )
    return client


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_review_web_withholds_pairs(levels_web: tuple[Any, dict[Any, int]], store: Store) -> None:
    client_as, pairs = levels_web
    doc = client_as("documenter")
    doc.get("/language/en")
    data = doc.get("/review.json").json()
    assert data["pair"]["pair_id"] == pairs[("public", "internal")]
    assert data["count"] == 1 and data["withheld"]["total"] == 5
    assert data["withheld"]["for_purpose"] == 2
    hidden = pairs[("internal", "witness_protected")]
    refused = doc.get(f"/review.json?pair={hidden}")
    assert refused.status_code == 403
    assert NAMES["witness_protected"] not in refused.text
    assert "ask an administrator" in refused.json()["error"]["message"]
    no_purpose = doc.get(f"/review.json?pair={pairs[('public', 'restricted')]}")
    assert no_purpose.status_code == 403 and "purpose" in no_purpose.json()["error"]["message"]
    token = csrf(doc)
    post = doc.post(
        f"/review/{hidden}/decide",
        data={"decision": "same"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert post.status_code == 403
    html = doc.get("/review").text
    assert "Pairs withheld: 5" in html and "/purpose?next=" in html
    # once the one visible pair is decided, the page does not say "queue empty" but why
    with store.write("tester") as op:
        op.session.execute(
            update(ScoredPair)
            .where(ScoredPair.id == pairs[("public", "internal")])
            .values(status="decided")
        )
        op.log("test", "scored_pair", pairs[("public", "internal")], {"status": "decided"})
    empty = doc.get("/review").text
    assert "The queue is empty" not in empty
    assert "No pair you may see is waiting" in empty and "Pairs withheld: 5" in empty
    # with a purpose, the restricted pairs appear; the witness-protected ones never
    _with_purpose(doc)
    data = doc.get("/review.json").json()
    assert data["count"] == 2 and data["withheld"]["total"] == 3  # 1 decided
    assert data["withheld"]["for_purpose"] == 0
    body = json.dumps(data, ensure_ascii=False)
    assert NAMES["witness_protected"] not in body
    admin = _with_purpose(client_as("admin"))
    assert admin.get(f"/review.json?pair={hidden}").status_code == 200
