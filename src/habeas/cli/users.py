"""``habeas user add|list|disable|role`` and ``habeas token create``: accounts of the web app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from habeas.access import policy, users
from habeas.cli.common import WorkspaceOption, console, open_store
from habeas.errors import UsageError

user_app = typer.Typer(help="Accounts of the web application (habeas serve).",
                       no_args_is_help=True)
token_app = typer.Typer(help="API tokens for the JSON API.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: no password on standard input.")
        return password
    password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return password


@user_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="The user name they log in with.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(policy.ROLES)}.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (scripts).")] = False,
    totp: Annotated[bool, typer.Option(
        "--totp", help="Require a second factor: prints the key for an authenticator app.")]
    = False,
    display_name: Annotated[str | None, typer.Option(help="Their full name.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a user of the web application (asks for the password unless --password-stdin).

    Example: habeas user add ana --role documenter --totp
    """
    store = open_store(workspace)
    password = _read_password(password_stdin)
    user, secret = users.add_user(store, name, role, password, totp=totp,
                                  display_name=display_name)
    console.print(f"Added user {user.name} ({user.role}).")
    if secret:
        console.print("Second factor: enter this key in the authenticator app "
                      "(shown only now):")
        console.print(f"  {secret}", highlight=False)
        console.print(f"  {users.totp_uri(user.name, secret)}", highlight=False, markup=False)


@user_app.command("list")
def list_command(workspace: WorkspaceOption = None) -> None:
    """List the users, their roles and whether they are disabled.

    Example: habeas user list
    """
    found = users.list_users(open_store(workspace))
    table = Table(title=f"{len(found)} users")
    for column in ("name", "role", "TOTP", "state", "created"):
        table.add_column(column)
    for u in found:
        table.add_row(u.name, u.role, "yes" if u.has_totp else "no",
                      "disabled" if u.disabled else "active",
                      u.created_at.isoformat(timespec="minutes") if u.created_at else "")
    console.print(table)


@user_app.command("disable")
def disable_command(name: Annotated[str, typer.Argument(help="The user name.")],
                    workspace: WorkspaceOption = None) -> None:
    """Disable a user: their sessions end and their API tokens stop working.

    Example: habeas user disable ana
    """
    users.set_disabled(open_store(workspace), name, True)
    console.print(f"Disabled {name}.")


@user_app.command("role")
def role_command(name: Annotated[str, typer.Argument(help="The user name.")],
                 role: Annotated[str, typer.Argument(help=f"One of: {', '.join(policy.ROLES)}.")],
                 workspace: WorkspaceOption = None) -> None:
    """Change a user's role.

    Example: habeas user role ana legal
    """
    users.set_role(open_store(workspace), name, role)
    console.print(f"{name} is now {role}.")


@token_app.command("create")
def token_create_command(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    workspace: WorkspaceOption = None,
) -> None:
    """Create an API token (printed once; only its hash is kept).

    Example: habeas token create ana --label "weekly export"
    """
    token = users.create_token(open_store(workspace), name, label)
    console.print("API token (shown only now; send it as `Authorization: Bearer TOKEN`):",
                  markup=False)
    typer.echo(token)
