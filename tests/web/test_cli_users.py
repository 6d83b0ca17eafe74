"""``habeas user`` / ``habeas token`` / ``habeas serve`` commands (registered on a fresh app)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from habeas.access import users as accounts
from habeas.cli import serve
from habeas.cli import users as users_cli
from habeas.store.db import Store
from habeas.workspace import Workspace


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    users_cli.register(app)
    serve.register(app)
    return app


def test_user_add_list_token(cli: typer.Typer, workspace: Workspace, store: Store) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    r = runner.invoke(
        cli,
        ["user", "add", "ana", "--role", "documenter", "--password-stdin", "--totp", *ws],
        input="a very long password\n",
    )
    assert r.exit_code == 0, r.output
    assert "otpauth://totp/" in r.output
    user = accounts.get_user(store, "ana")
    assert user.role == "documenter" and user.has_totp
    r = runner.invoke(
        cli,
        ["user", "add", "ana", "--role", "viewer", "--password-stdin", *ws],
        input="another long password\n",
    )
    assert r.exit_code != 0
    r = runner.invoke(cli, ["user", "list", *ws])
    assert r.exit_code == 0 and "ana" in r.output and "documenter" in r.output
    r = runner.invoke(cli, ["token", "create", "ana", *ws])
    assert r.exit_code == 0
    token = r.output.strip().splitlines()[-1]
    assert accounts.token_user(store, token) == accounts.get_user(store, "ana")
    r = runner.invoke(cli, ["user", "role", "ana", "legal", *ws])
    assert r.exit_code == 0 and accounts.get_user(store, "ana").role == "legal"
    r = runner.invoke(cli, ["user", "disable", "ana", *ws])
    assert r.exit_code == 0 and accounts.token_user(store, token) is None


@pytest.mark.parametrize(
    "command",
    [
        ["user", "add"],
        ["user", "list"],
        ["user", "disable"],
        ["user", "password"],
        ["token", "list"],
        ["user", "role"],
        ["token", "create"],
        ["serve"],
    ],
)
def test_every_command_has_an_example(cli: typer.Typer, command: list[str]) -> None:
    r = CliRunner().invoke(cli, [*command, "--help"])
    assert r.exit_code == 0 and "Example" in r.output


def test_serve_keeps_one_secret_per_workspace(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HABEAS_SECRET_KEY", raising=False)
    first = serve.secret_key(workspace)
    assert len(first) > 40 and serve.secret_key(workspace) == first
    assert (workspace.root / serve.SECRET_NAME).stat().st_mode & 0o077 == 0


def test_tokens_expire_and_are_listed(
    cli: typer.Typer, workspace: Workspace, store: Store, users: dict[str, str]
) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    r = runner.invoke(cli, ["token", "create", "analyst", "--days", "30", *ws])
    assert r.exit_code == 0, r.output
    token = r.output.strip().splitlines()[-1]
    listed = accounts.list_tokens(store, "analyst")[0]
    assert listed["expires_at"] is not None and accounts.token_user(store, token) is not None
    assert listed["expires_at"].isoformat(timespec="minutes") in r.output  # type: ignore[attr-defined]
    r = runner.invoke(cli, ["token", "list", *ws])
    assert r.exit_code == 0 and "analyst" in r.output and "active" in r.output
    assert runner.invoke(cli, ["token", "create", "analyst", "--days", "0", *ws]).exit_code != 0
    # an admin's reset of the password revokes it, and says so
    r = runner.invoke(
        cli,
        ["user", "password", "analyst", "--password-stdin", *ws],
        input="a fresh long password\n",
    )
    assert r.exit_code == 0 and "1 API tokens revoked" in r.output
    assert accounts.token_user(store, token) is None
    r = runner.invoke(
        cli, ["user", "password", "analyst", "--password-stdin", *ws], input="aaaaaaaaaaaa\n"
    )
    assert r.exit_code != 0  # one character repeated


def test_serve_believes_forwarded_headers_only_from_a_configured_proxy(
    cli: typer.Typer,
    workspace: Workspace,
    store: Store,
    users: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    runs: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    monkeypatch.delenv("HABEAS_TRUSTED_PROXY", raising=False)
    ws = ["--workspace", str(workspace.root)]
    assert CliRunner().invoke(cli, ["serve", *ws]).exit_code == 0
    assert runs[-1].get("proxy_headers") is False  # not even from 127.0.0.1
    r = CliRunner().invoke(cli, ["serve", "--trusted-proxy", "10.0.0.5", *ws])
    assert r.exit_code == 0, r.output
    assert runs[-1]["proxy_headers"] is True and runs[-1]["forwarded_allow_ips"] == "10.0.0.5"
