"""``habeas serve``: the web application on this workspace (uvicorn)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

from habeas.cli.common import WorkspaceOption, console, warn_loose
from habeas.cli.lang import _
from habeas.cli.passphrase import ask_passphrase
from habeas.errors import UsageError
from habeas.store.db import Store
from habeas.workspace import SECRET_NAME, Workspace, find_workspace


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def secret_key(workspace: Workspace) -> str:
    """``HABEAS_SECRET_KEY``, else the workspace's ``web.secret`` (created once, mode 600)."""
    configured = os.environ.get("HABEAS_SECRET_KEY")
    if configured:
        return configured
    path: Path = workspace.root / SECRET_NAME
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text(encoding="ascii").strip()


def proxy_options(trusted: list[str] | None) -> dict[str, Any]:
    """uvicorn's proxy settings: ``X-Forwarded-For`` / ``-Proto`` are believed only from
    the configured proxies; without any, from nobody (not even 127.0.0.1)."""
    addresses = [a.strip() for item in trusted or [] for a in item.split(",") if a.strip()]
    if not addresses:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(addresses)}


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0: every network).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool, typer.Option(help="Send cookies only over HTTPS (when served behind TLS).")
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            envvar="HABEAS_TRUSTED_PROXY",
            show_envvar=True,
            help="Address of the reverse proxy in front (repeatable): only its "
            "X-Forwarded-For and X-Forwarded-Proto headers are believed. Without it "
            "they are ignored.",
        ),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name the server answers to besides loopback ones "
            "(repeat it; *.example.org allows its subdomains; also HABEAS_ALLOWED_HOSTS, "
            "comma-separated). Requests naming another host are refused.",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the register in a browser (and the JSON API) on this workspace.

    Example: habeas serve --port 8000   (then open http://127.0.0.1:8000)

    For a shared server, see docs/deploy.md (reverse proxy with TLS, PostgreSQL;
    --trusted-proxy 127.0.0.1 when the proxy runs on this machine).
    """
    import uvicorn

    from habeas.access.users import count_users
    from habeas.web.accesslog import log_config
    from habeas.web.app import create_app

    if not 0 < port < 65536:
        raise UsageError(_("--port must be between 1 and 65535, not {port}.").format(port=port))
    ws = find_workspace(workspace)
    warn_loose(ws)
    store = Store.open(ws)
    if store.keyring.enabled:  # unlock now: a server never asks mid-request
        store.keyring.prompt = ask_passphrase
        store.keyring.data_key()
        store.keyring.prompt = None
        console.print(
            _(
                "Encryption: unlocked; protected files and fields will be opened "
                "for the users allowed to see them."
            )
        )
    from habeas.web.uploads import Uploads, staging_dir

    Uploads(staging_dir(None, store)).cleanup()  # uploads abandoned while the server was down
    if count_users(store) == 0:
        console.print(_("No users yet: add one with `habeas user add NAME --role admin`."))
    hosts = allowed_hosts(host, allowed_host or [])
    app = create_app(
        store,
        secret_key=secret_key(ws),
        secure_cookies=secure_cookies,
        site_name=ws.name,
        allowed_hosts=hosts,
    )
    console.print(
        _("Serving {name} on http://{host}:{port} (Ctrl+C stops).").format(
            name=ws.name, host=host, port=port
        ),
        highlight=False,
    )
    if hosts:
        console.print(
            _("Answering to: {hosts} and loopback names.").format(hosts=", ".join(hosts)),
            highlight=False,
        )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=log_config(),
        **proxy_options(trusted_proxy),
    )


def allowed_hosts(bound: str, given: list[str]) -> tuple[str, ...]:
    """The host names the server answers to besides loopback: ``--allowed-host`` names,
    ``HABEAS_ALLOWED_HOSTS`` (comma-separated) and the address it listens on (unless
    that is every address)."""
    names = [*given, *os.environ.get("HABEAS_ALLOWED_HOSTS", "").split(",")]
    if bound not in ("0.0.0.0", "::", ""):
        names.append(bound)
    return tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
