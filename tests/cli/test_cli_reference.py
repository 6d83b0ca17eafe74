"""The CLI reference (docs/cli.md) and the README's commands cannot drift from the CLI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from habeas.cli.commands import loaded
from habeas.cli.reference import generate

ROOT = Path(__file__).resolve().parents[2]


def test_docs_cli_md_is_the_generated_reference() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == generate(), "docs/cli.md is stale: run `make cli-docs`"


def _readme_commands() -> list[tuple[int, list[str]]]:
    """Every ``habeas …`` line inside the README's code blocks, continuation lines joined."""
    found: list[tuple[int, list[str]]] = []
    inside, pending, start = False, "", 0
    for number, line in enumerate((ROOT / "README.md").read_text("utf-8").splitlines(), 1):
        if line.startswith("```"):
            inside = not inside
            continue
        if not inside:
            continue
        text = (pending + " " + line.strip()) if pending else line.strip()
        if text.endswith("\\"):
            pending, start = text[:-1], start or number
            continue
        pending = ""
        match = re.search(r"(?:^|\s)(?:\.venv/bin/)?habeas\s(.*)$", text)
        if match and not text.startswith("#"):
            words = shlex.split(match.group(1), comments=True)
            found.append((start or number, words))
        start = 0
    return found


def _option_names(command: Any) -> set[str]:
    names: set[str] = set()
    for param in command.params:
        names.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("-"))
    return names


def test_every_readme_command_and_option_exists() -> None:
    commands = loaded()
    lines = _readme_commands()
    assert len(lines) > 20
    problems = []
    for number, words in lines:
        if words[0].startswith("-") or "..." in words or "…" in words:
            continue  # "habeas --help", or prose such as "habeas import f.csv ... (same)"
        command = commands.get(words[0])
        if command is None:
            problems.append(f"README line {number}: no command {words[0]!r}")
            continue
        path = [words[0]]
        rest = words[1:]
        while hasattr(command, "commands") and rest and rest[0] in command.commands:
            command = command.commands[rest[0]]
            path.append(rest.pop(0))
        if hasattr(command, "commands") and not getattr(command, "invoke_without_command", False):
            problems.append(f"README line {number}: 'habeas {' '.join(path)}' needs a subcommand")
            continue
        known = _option_names(command) | {"--help"}
        for word in rest:
            if word.startswith("--") and word.split("=", 1)[0] not in known:
                problems.append(
                    f"README line {number}: habeas {' '.join(path)} has no "
                    f"option {word.split('=', 1)[0]}"
                )
    assert not problems, "\n".join(problems)
