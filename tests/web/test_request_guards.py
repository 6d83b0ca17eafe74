"""Request bodies, JSON nesting and Host headers (issues #14.18, #14.19, #14.22)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.store.db import Store
from habeas.web import create_app
from tests.web.conftest import csrf


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    token = csrf(client)
    big = b"name=x&password=" + b"a" * (2 * 1024 * 1024)
    answer = client.post(
        "/login",
        content=big,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    # chunked (no Content-Length): cut off once past the limit
    chunks = iter([b"csrf_token=" + token.encode() + b"&name=", *[b"a" * 65536] * 40])
    answer = client.post(
        "/login",
        content=chunks,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    assert answer.status_code == 413
    spanish = client.post(
        "/login",
        content=big,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "es"},
    )
    assert spanish.status_code == 413 and "bytes como máximo" in spanish.text
    # a normal login form is still read
    assert client.post(
        "/login",
        data={"name": "nobody", "password": "x", "csrf_token": token},
        follow_redirects=False,
    ).status_code in (303, 401)


def test_the_import_upload_may_be_large(client_as: Callable[[str], TestClient]) -> None:
    documenter = client_as("documenter")
    body = "Folio;Nombre completo\n" + "".join(f"A-{i};Persona Número {i}\n" for i in range(60000))
    assert len(body.encode()) > 1024 * 1024
    answer = documenter.post(
        "/sources/import",
        data={
            "source_title": "Una lista grande",
            "source_kind": "list",
            "csrf_token": csrf(documenter),
        },
        files={"file": ("grande.csv", body.encode())},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def test_deeply_nested_json_is_a_400_not_a_500(client_as: Callable[[str], TestClient]) -> None:
    admin = client_as("admin")
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRF-Token": csrf(admin),
    }
    deep = '{"name": ' + "[" * 100000 + "]" * 100000 + "}"
    answer = admin.post("/login", content=deep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"
    middling = '{"name": ' + "[" * 200 + "]" * 200 + "}"
    answer = admin.post("/login", content=middling, headers=headers)
    assert answer.status_code == 400 and "anidados" in answer.json()["error"]["message"]


@pytest.fixture
def guarded(store: Store, users: dict[str, str]) -> Iterator[FastAPI]:
    yield create_app(store, secret_key="test-secret-key", allowed_hosts=("register.example",))


def test_unknown_hosts_are_refused_and_never_echoed(guarded: FastAPI) -> None:
    with TestClient(guarded, base_url="http://evil.example") as evil:
        answer = evil.get("/login/", follow_redirects=False)
        assert answer.status_code == 400
        assert "evil.example" not in answer.text and "location" not in answer.headers
        assert answer.json()["error"]["code"] == "invalid_host"
    for base in (
        "http://register.example",
        "http://127.0.0.1:8000",
        "http://localhost",
        "http://[::1]:8000",
    ):
        with TestClient(guarded, base_url=base) as ok:
            assert ok.get("/login").status_code == 200, base


def test_the_access_log_keeps_no_query_strings() -> None:
    import logging
    import logging.config

    from habeas.cli.serve import allowed_hosts
    from habeas.web.accesslog import log_config

    config = log_config()
    logging.config.dictConfig(config)
    access = logging.getLogger("uvicorn.access")
    handler = access.handlers[0]
    record = access.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/search?q=Maria+Perez&dob=1990-05-04", "1.1", 200),
        None,
    )
    assert all(f.filter(record) for f in handler.filters)
    line = record.getMessage()
    assert "Maria" not in line and "1990" not in line and "/search?…" in line
    assert allowed_hosts("0.0.0.0", ["Register.Example"]) == ("register.example",)
    assert allowed_hosts("10.0.0.5", []) == ("10.0.0.5",)
