"""What every command shares: the workspace option, opening the store, output helpers."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from habeas import i18n
from habeas.access.reader import Reader, Withheld, cli_reader
from habeas.cli import lang
from habeas.cli.passphrase import ask_passphrase
from habeas.store.db import Store
from habeas.workspace import Workspace, find_workspace

console = Console()
err_console = Console(stderr=True)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="HABEAS_WORKSPACE",
        show_envvar=True,
        help="Workspace folder (default: the current directory or a parent).",
        file_okay=False,
    ),
]


AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Read as this app user (their role decides what is shown). "
        "Default: HABEAS_USER or your login name; if no account has that name, "
        "you are the workspace's owner (admin).",
        show_default=False,
    ),
]
PurposeOption = Annotated[
    str | None,
    typer.Option(
        "--purpose",
        envvar="HABEAS_PURPOSE",
        show_envvar=True,
        help="Why you consult restricted data (required to see it; logged): "
        "relative_request, lawyer_request, court_filing, un_communication, "
        "documentation or audit, optionally ': note'.",
    ),
]


def warn_loose(workspace: Workspace) -> None:
    """Say on stderr when other local users can reach the workspace, and how to fix it."""
    loose = workspace.loose_paths()
    if not loose:
        return
    _ = i18n.gettext_for(lang.current())
    paths = ", ".join(
        f"{p.path.relative_to(workspace.root) if p.path != workspace.root else '.'} ({p.octal})"
        for p in loose
    )
    err_console.print(
        _(
            "Warning: other users of this computer can read or change this "
            "workspace (%(paths)s). Make it yours alone with: "
            "chmod -R go-rwx %(root)s"
        )
        % {"paths": paths, "root": shlex.quote(str(workspace.root))},
        style="yellow",
        highlight=False,
        markup=False,
    )


def open_store(workspace: Path | None) -> Store:
    found = find_workspace(workspace)
    warn_loose(found)
    store = Store.open(found)
    store.keyring.prompt = ask_passphrase  # asked only when protected data is touched
    return store


def reader_for(store: Store, as_user: str | None, purpose: str | None) -> Reader:
    """Who is asking, for commands that show personal data (see habeas.access.reader)."""
    return cli_reader(store, as_user, purpose, explicit=as_user is not None)


def print_withheld(withheld: dict[str, Any] | Withheld | None, lang: str | None = None) -> bool:
    """Say on stderr what was kept back and how to see it (never silently); call it
    before any count or "no match". True when something was withheld."""
    from habeas.cli.notices import withheld_lines

    lines = withheld_lines(withheld, lang)
    for i, line in enumerate(lines):
        err_console.print(
            f"[bold yellow]{line}[/]" if i == 0 else f"[yellow]{line}[/]", highlight=False
        )
    return bool(lines)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Any]:
    """A Rich progress bar driven by library callbacks ``(stage, done, total)``."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
