"""The CLI reference, generated from the commands themselves (``docs/cli.md``).

``make cli-docs`` writes it; a test checks the committed file matches, so the
reference never drifts from the commands.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer
from typer.core import TyperOption

from habeas.cli.commands import COMMANDS, load

HEADER = (
    "# habeas command reference\n\n"
    "Generated from the commands by `make cli-docs`; do not edit by hand. "
    "`habeas COMMAND --help` prints the same in the terminal.\n"
)


def _section(command: Any, path: list[str], parent: Any) -> list[str]:
    ctx = typer.Context(command, info_name=path[-1], parent=parent)
    title = " ".join(path)
    lines = [f"\n{'#' * min(len(path), 4)} `{title}`\n"]
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines.append(f"```\n{ctx.command_path} {usage}\n```\n")
    if command.help:
        lines.append(_help_text(command.help) + "\n")
    rows = []
    for param in command.get_params(ctx):
        if isinstance(param, TyperOption) and param.hidden:
            continue
        record = param.get_help_record(ctx)
        if record is None:  # an argument: name it with its metavar
            rows.append(
                (
                    param.make_metavar(ctx) if _takes_ctx(param) else param.make_metavar(),
                    getattr(param, "help", "") or "",
                )
            )
        else:
            rows.append(record)
    if rows:
        lines.append("| option | meaning |\n|---|---|")
        lines += [f"| `{name}` | {_cell(text)} |" for name, text in rows]
        lines.append("")
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                lines += _section(sub, [*path, name], ctx)
    return lines


def _help_text(text: str) -> str:
    """The help as Markdown: indented example lines become code (four spaces)."""
    lines = inspect.cleandoc(text).replace("\b\n", "").splitlines()
    out = []
    for line in lines:
        if line.startswith("  "):
            line = "  " + line
        elif line.startswith("Example: "):
            line = "Example:\n\n    " + line.removeprefix("Example: ")
        out.append(line)
    return "\n".join(out)


def _takes_ctx(param: Any) -> bool:
    return "ctx" in inspect.signature(param.make_metavar).parameters


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def generate() -> str:
    """The whole reference as Markdown: every command, its usage, help and options."""
    from habeas.cli.main import app

    root = typer.Context(typer.main.get_command(app), info_name="habeas")
    lines = [HEADER]
    for name in COMMANDS:
        lines += _section(load(name), ["habeas", name], root)
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:  # pragma: no cover - `make cli-docs`
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli.md")
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
