"""Schemathesis against the OpenAPI schema of the real app, on the synthetic demo case.

Every documented operation gets generated requests — valid ones and, where it has
parameters, invalid ones — as an admin and as an analyst, each with an API token.
No response may be a 5xx, and every response must match what the schema
documents (status code, content type, body). The case count is kept small here;
``benchmarks/schemathesis_run.py`` runs many more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from habeas.store.db import Store
from habeas.web import create_app
from tests.trust.api_fuzzing import demo_store, fuzz_api


@pytest.fixture(scope="module")
def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory, demo_case: Path
) -> Iterator[tuple[FastAPI, Store]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    store = demo_store(tmp_path_factory.mktemp("schemathesis") / "ws", demo_case)
    yield create_app(store, secret_key="schemathesis"), store
    store.close()
    mp.undo()


@pytest.mark.parametrize(
    ("role", "examples", "modes"),
    [
        ("admin", 4, ("positive", "negative")),
        ("analyst", 3, ("positive",)),
    ],
)
def test_every_response_matches_the_schema(
    fuzz_target: tuple[FastAPI, Store], role: str, examples: int, modes: tuple[str, ...]
) -> None:
    app, store = fuzz_target
    result = fuzz_api(app, store, f"fuzz-{role}", role, examples=examples, modes=modes)
    assert result.cases >= 50 * len(modes), result
    assert not result.failures, "\n".join(result.failures[:20])
    # the token kept working: most answers are not "log in first"
    assert result.statuses[401] < result.cases / 10, result.statuses
    if role == "analyst":
        assert result.statuses[403] > 0  # the admin and identity routes refuse an analyst
