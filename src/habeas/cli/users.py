"""``habeas user add|list|disable|role|password`` and ``habeas token create|list``: accounts
of the web app."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from habeas.access import policy, users
from habeas.cli.common import WorkspaceOption, console, open_store
from habeas.cli.lang import _
from habeas.errors import UsageError

user_app = typer.Typer(help="Accounts of the web application (habeas serve).", no_args_is_help=True)
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
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
    ] = False,
    totp: Annotated[
        bool,
        typer.Option(
            "--totp", help="Require a second factor: prints the key for an authenticator app."
        ),
    ] = False,
    display_name: Annotated[str | None, typer.Option(help="Their full name.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a user of the web application (asks for the password unless --password-stdin).

    Example: habeas user add ana --role documenter --totp
    """
    store = open_store(workspace)
    password = _read_password(password_stdin)
    user, secret = users.add_user(store, name, role, password, totp=totp, display_name=display_name)
    console.print(_("Added user {name} ({role}).").format(name=user.name, role=user.role))
    if secret:
        console.print(_("Second factor: enter this key in the authenticator app (shown only now):"))
        console.print(f"  {secret}", highlight=False)
        console.print(f"  {users.totp_uri(user.name, secret)}", highlight=False, markup=False)


@user_app.command("list")
def list_command(workspace: WorkspaceOption = None) -> None:
    """List the users, their roles and whether they are disabled.

    Example: habeas user list
    """
    found = users.list_users(open_store(workspace))
    table = Table(title=_("{n} users").format(n=len(found)))
    for column in ("name", "role", "TOTP", "state", "created"):
        table.add_column(_(column))
    for u in found:
        table.add_row(
            u.name,
            u.role,
            _("yes") if u.has_totp else _("no"),
            _("disabled") if u.disabled else _("active"),
            u.created_at.isoformat(timespec="minutes") if u.created_at else "",
        )
    console.print(table)


@user_app.command("disable")
def disable_command(
    name: Annotated[str, typer.Argument(help="The user name.")], workspace: WorkspaceOption = None
) -> None:
    """Disable a user: their sessions end and their API tokens stop working.

    Example: habeas user disable ana
    """
    users.set_disabled(open_store(workspace), name, True)
    console.print(_("Disabled {name}.").format(name=name))


@user_app.command("role")
def role_command(
    name: Annotated[str, typer.Argument(help="The user name.")],
    role: Annotated[str, typer.Argument(help=f"One of: {', '.join(policy.ROLES)}.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Change a user's role.

    Example: habeas user role ana legal
    """
    users.set_role(open_store(workspace), name, role)
    console.print(_("{name} is now {role}.").format(name=name, role=role))


@user_app.command("password")
def password_command(
    name: Annotated[str, typer.Argument(help="The user name.")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the new password from standard input (scripts)."
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Set a new password for a user (a reset): their sessions end and their API tokens
    are revoked.

    Example: habeas user password ana
    """
    changed = users.set_password(open_store(workspace), name, _read_password(password_stdin))
    console.print(
        _(
            "New password set for {name}: {sessions} sessions ended, {tokens} API "
            "tokens revoked (create new ones if needed)."
        ).format(name=name, sessions=changed.sessions_ended, tokens=changed.tokens_revoked)
    )


@token_app.command("create")
def token_create_command(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    days: Annotated[
        int, typer.Option(help="How many days the token stays valid (1 to 3650).")
    ] = users.TOKEN_LIFETIME.days,
    workspace: WorkspaceOption = None,
) -> None:
    """Create an API token (printed once; only its hash is kept). It expires after
    --days days (default 90); changing the user's password revokes it.

    Example: habeas token create ana --label "weekly export" --days 30
    """
    if not 0 < days <= users.MAX_TOKEN_LIFETIME.days:
        raise UsageError(f"--days must be between 1 and {users.MAX_TOKEN_LIFETIME.days}.")
    new = users.create_token(open_store(workspace), name, label, lifetime=timedelta(days=days))
    console.print(
        _(
            "API token (shown only now; send it as `Authorization: Bearer TOKEN`; "
            "it expires {expires}):"
        ).format(expires=new.expires_at.isoformat(timespec="minutes")),
        markup=False,
    )
    typer.echo(new.token)


@token_app.command("list")
def token_list_command(
    name: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List API tokens: whose, what for, how they begin, when they expire, their state.

    Example: habeas token list ana
    """
    found = users.list_tokens(open_store(workspace), name)
    table = Table(title=_("{n} API tokens").format(n=len(found)))
    for column in ("id", "user", "label", "begins with", "created", "expires", "state"):
        table.add_column(_(column))
    for t in found:
        created, expires = t["created_at"], t["expires_at"]
        table.add_row(
            str(t["id"]),
            str(t["user"]),
            str(t["label"]),
            f"{t['prefix']}…",
            created.isoformat(timespec="minutes") if created else "",  # type: ignore[attr-defined]
            expires.isoformat(timespec="minutes") if expires else _("never"),  # type: ignore[attr-defined]
            _("revoked") if t["revoked"] else _("expired") if t["expired"] else _("active"),
        )
    console.print(table)
