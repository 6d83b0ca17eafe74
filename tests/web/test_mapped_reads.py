"""The web application reads SQLite through a memory map (``Settings.sqlite_mmap_bytes``,
``Store.map_reads``): every connection it opens has the map, the others keep SQLite's
default, and the pages answer the same."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from habeas.store.db import Store
from habeas.web import create_app
from tests.web.conftest import login


def _mmap_size(store: Store) -> int:
    with store.read() as session:
        return int(session.connection().exec_driver_sql("PRAGMA mmap_size").scalar() or 0)


def test_the_app_maps_its_stores_reads(store: Store, users: dict[str, str]) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("a memory map is SQLite's")
    assert _mmap_size(store) == 0  # SQLite's default until an app is made on the store
    app = create_app(store, secret_key="test-secret-key", sqlite_mmap_bytes=64 * 1024 * 1024)
    assert _mmap_size(store) == 64 * 1024 * 1024
    with TestClient(app) as client:
        login(client, users["admin"])
        assert client.get("/search", params={"q": "Pérez"}).status_code == 200
    create_app(store, secret_key="test-secret-key", sqlite_mmap_bytes=0)
    assert _mmap_size(store) == 0


def test_map_reads_is_nothing_on_postgresql(store: Store) -> None:
    store.map_reads(64 * 1024 * 1024)
    if store.engine.dialect.name == "sqlite":
        assert _mmap_size(store) == 64 * 1024 * 1024
    else:
        with store.read() as session:  # the store still reads
            assert session.connection().exec_driver_sql("SELECT 1").scalar() == 1
