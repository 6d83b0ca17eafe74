"""Shared fixtures: real stores on SQLite and PostgreSQL, and the synthetic case.

PostgreSQL: ``HABEAS_TEST_POSTGRES_URL`` (default: the server this machine kind
runs on 127.0.0.1:5432). Each test gets its own schema, dropped afterwards.
When ``CI`` is set, an unreachable server FAILS the PostgreSQL tests; locally
they skip with the reason shown.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from habeas.store.db import Store
from habeas.workspace import Workspace, init_workspace

# The CLI speaks the language of the locale (habeas.cli.lang): tests that expect English
# output must not depend on the developer's LANG; Spanish tests set it themselves.
os.environ["HABEAS_LANG"] = "en"

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True)
def no_cli_language_chosen() -> Iterator[None]:
    """Every test starts with no CLI language chosen. ``habeas --lang es`` chooses it for the
    process; ``main()`` resets it on each run, but tests that drive the Typer app directly
    (CliRunner) do not pass through ``main()``, so a choice could leak into the next test."""
    from habeas.cli import lang

    lang.choose(None)
    yield
    lang.choose(None)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("HABEAS_TEST_POSTGRES_URL", DEFAULT_PG)
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        message = f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI requires it)")
        pytest.skip(message)
    return url


@contextmanager
def private_pg_schema(postgres_url: str, prefix: str = "t") -> Iterator[str]:
    """A database URL whose search_path is a fresh schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_schema_url(postgres_url: str) -> Iterator[str]:
    """A database URL whose search_path is a fresh, private schema."""
    with private_pg_schema(postgres_url) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def workspace(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    """A fresh workspace on the backend under test (HABEAS_DATABASE_URL set for PostgreSQL)."""
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    monkeypatch.delenv("HABEAS_WORKSPACE", raising=False)
    if backend == "postgresql":
        url = request.getfixturevalue("pg_schema_url")
        monkeypatch.setenv("HABEAS_DATABASE_URL", url)
    ws = init_workspace(tmp_path / "ws")
    return ws


@pytest.fixture
def store(workspace: Workspace) -> Iterator[Store]:
    store = Store.open(workspace, create=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic case (300 persons, seed 7), generated once per test session."""
    from habeas.synth import generate_case

    out = tmp_path_factory.mktemp("case")
    return generate_case(out, persons=300, seed=7)


def db_snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, ordered: equal snapshots mean unchanged content."""
    from habeas.store.schema import Base

    snapshot: dict[str, list[tuple[object, ...]]] = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(table.select()).all()
            snapshot[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return snapshot
