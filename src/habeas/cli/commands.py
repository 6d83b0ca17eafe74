"""Which module holds each top-level command, and the one line ``habeas --help`` shows.

``habeas --help`` and ``habeas --version`` must answer at once, so the root group
imports a command's module (and with it pandas, Splink, SQLAlchemy, ...) only when
that command runs or its own help is asked for. The summaries here are what the
root help lists; a test checks each equals the first line of the command's own
help, so they cannot drift.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from habeas.cli.lang import _

# Typer vendors its own copy of Click (typer._click): only Typer's public names are
# used here (typer.core.TyperCommand and TyperGroup), never a separate ``click``.

#: Top-level command -> (module under habeas.cli, one-line summary), in help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "workspace",
        "Create a workspace: config file, database and content-addressed file store.",
    ),
    "status": ("workspace", "Counts of what the register holds."),
    "migrate": (
        "workspace",
        "Bring the database schema up to this version of habeas (back up first).",
    ),
    "import": (
        "importing",
        "Import a list with row-level provenance; all or nothing, and idempotent.",
    ),
    "link": (
        "linkage",
        "Link records into persons: new records only, or everything with --retrain.",
    ),
    "review": ("linkage", "The review queue: pairs the model is unsure of."),
    "find": (
        "find",
        "Find a person on every list: ranked candidates with a score and the reasons.",
    ),
    "index": ("find", "The find-a-person search index."),
    "intake": (
        "intake",
        "Enter a person's record from a conversation or a document (a source of its own).",
    ),
    "correct": (
        "intake",
        "Correct a record: a new record, in a source of its own, that cites the old one.",
    ),
    "attach": (
        "intake",
        "Attach a file to a person, record, custody event, incident, legal action or inquiry.",
    ),
    "attachments": (
        "intake",
        "List the files attached to a person, record, event or incident (or save one of them).",
    ),
    "sources": (
        "browse",
        "List the sources, how many records each holds and their files (with hashes).",
    ),
    "records": ("browse", "List records with their person, source, row and normalised fields."),
    "person": (
        "trace",
        "Show one person: identity with sources, custody timeline (with "
        "contradictions), last known whereabouts, due-process flags and "
        "register gaps.",
    ),
    "gaps": (
        "trace",
        "The register gap report for a group: per required field, how many have it recorded.",
    ),
    "export": ("export", "Export a table; every row carries its record → person link."),
    "facility": (
        "facilities",
        "Show a facility's conditions, or enter its units, areas, "
        "capacity figures and occupancy, each from a source.",
    ),
    "incidents": (
        "document",
        "List, count and record incidents (torture, beatings, deaths in custody, ...).",
    ),
    "inquiry": (
        "inquiry",
        "Relatives' inquiries under article 18: record, match, answer with a letter.",
    ),
    "legal": (
        "legal",
        "Legal actions: habeas petitions, asylum claims, complaints to UN bodies, "
        "with their deadlines.",
    ),
    "report": (
        "document",
        "Write a person dossier or a situation report (PDF or HTML, English or Spanish).",
    ),
    "estimate": (
        "estimate",
        "Estimate how many people are on none of the lists (multiple systems estimation).",
    ),
    "serve": ("serve", "Serve the register in a browser (and the JSON API) on this workspace."),
    "user": ("users", "Accounts of the web application (habeas serve)."),
    "token": ("users", "API tokens for the JSON API."),
    "evidence": ("evidence", "Evidence integrity: stored files, their hashes and custody."),
    "encryption": ("encryption", "Encryption at rest of restricted and witness-protected data."),
    "backup": (
        "backup",
        "Write the database, the file store, their hashes and the log head to one archive.",
    ),
    "restore": (
        "backup",
        "Restore a backup into an empty workspace, verifying every hash before accepting it.",
    ),
    "log": ("logs", "The hash-chained change log."),
    "vocab": ("vocab", "Controlled vocabularies (event types, legal bases, ...)."),
    "demo": (
        "demo",
        "Build a synthetic CECOT-like case (fictional people only) and import every list.",
    ),
    "publish": (
        "publish",
        "Share aggregates without personal data: counts below k are written “<k”.",
    ),
}


def load(name: str) -> Any:
    """The real command ``name``: import its module and let it register itself."""
    module = importlib.import_module(f"habeas.cli.{COMMANDS[name][0]}")
    holder = typer.Typer()
    module.register(holder)
    group = typer.main.get_group(holder)
    return group.commands[name]


class _Listed(TyperCommand):
    """What the root help shows for a command that is not loaded: its name and summary."""

    def __init__(self, name: str, summary: str) -> None:
        super().__init__(name, help=summary, short_help=summary)
        self.rich_help_panel: Any = None


class LazyGroup(TyperGroup):
    """The root ``habeas`` group: lists every command from :data:`COMMANDS` and imports a
    command's module only to run it (or to show its own help)."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            return _Listed(cmd_name, _(COMMANDS[cmd_name][1]))
        return load(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        english = self.help
        self._listing = True
        self.help = _(english) if english else english
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
            self.help = english


def loaded() -> dict[str, Any]:
    """Every top-level command, loaded (for the generated reference and its tests)."""
    return {name: load(name) for name in COMMANDS}
