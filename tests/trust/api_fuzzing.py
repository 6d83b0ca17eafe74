"""Schemathesis against the real application: shared by the test and the benchmark.

:func:`fuzz_api` loads the app's own OpenAPI schema (``/api/openapi.json``) over
the ASGI transport, generates requests for every operation (positive: valid by
the schema; negative: invalid on purpose), sends them with an API token of the
given user, and checks four things of every response: not a 5xx (and no
exception escaping the app), a documented status code, a documented content
type, and a body that matches the documented schema. A fresh token is made
before each operation, since the admin's requests may revoke tokens.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.reporting import with_reporter
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from habeas.access.users import add_user, create_token
from habeas.store.db import Store
from habeas.workspace import init_workspace

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PASSWORD = "a long enough password"


@dataclass
class FuzzResult:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def failed(self) -> int:
        return len(self.failures)


def demo_store(directory: Path, case: Path) -> Store:
    """A SQLite workspace with the synthetic case imported (as ``make demo`` does)."""
    from habeas.demo import load_case

    store = Store.open(init_workspace(directory), create=True)
    load_case(store, case)
    return store


def fuzz_api(
    app: FastAPI,
    store: Store,
    user: str,
    role: str,
    *,
    examples: int,
    modes: tuple[str, ...] = ("positive", "negative"),
    derandomize: bool = True,
) -> FuzzResult:
    """Run ``examples`` generated cases per operation and mode as ``user`` (made if needed);
    ``derandomize``: the same cases on every run (the test), else new ones (the benchmark)."""
    from habeas.access.users import get_user
    from habeas.errors import NotFound

    try:
        get_user(store, user)
    except NotFound:
        add_user(store, user, role, PASSWORD, actor="schemathesis")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    result = FuzzResult()
    for loaded in schema.get_all_operations():
        operation = loaded.ok()
        for mode in modes:
            if mode == "negative" and not list(operation.iter_parameters()):
                continue  # nothing to make invalid
            token = create_token(store, user, "schemathesis").token
            _fuzz_operation(
                operation,
                mode,
                {"Authorization": f"Bearer {token}"},
                result,
                examples=examples,
                derandomize=derandomize,
            )
    return result


def _fuzz_operation(
    operation: Any,
    mode: str,
    headers: dict[str, str],
    result: FuzzResult,
    *,
    examples: int,
    derandomize: bool,
) -> None:
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=derandomize,
    )
    @given(strategy)
    def run(case: schemathesis.Case) -> None:
        result.cases += 1
        try:
            response = case.call(headers=headers)
            result.statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            first = " | ".join(str(exc).splitlines()[:6])
            result.failures.append(f"{mode} {operation.label}: {type(exc).__name__}: {first}")

    # Unsatisfiable: no parameter can be made invalid (hypothesis's note about it is muted)
    with contextlib.suppress(Unsatisfiable), with_reporter(lambda _message: None):
        run()
