"""``habeas vocab list|add``: the controlled vocabularies (data, not code)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from habeas.cli.common import WorkspaceOption, console, open_store
from habeas.cli.lang import _, ngettext
from habeas.store.vocabulary import add_term, list_terms

vocab_app = typer.Typer(
    help="Controlled vocabularies (event types, legal bases, ...).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(vocab_app, name="vocab")


@vocab_app.command("list")
def list_command(
    vocabulary: Annotated[str | None, typer.Argument(help="Only this vocabulary.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List vocabulary terms with their English and Spanish labels.

    Example: habeas vocab list event_type
    """
    terms = list_terms(open_store(workspace), vocabulary)
    table = Table(title=ngettext("%(num)s term", "%(num)s terms", len(terms)) % {"num": len(terms)})
    for column in (_("vocabulary"), _("code"), "English", "Español", _("also written")):
        table.add_column(column)
    for t in terms:
        table.add_row(t.vocabulary, t.code, t.label_en, t.label_es, ", ".join(t.synonyms))
    console.print(table)


@vocab_app.command("add")
def add_command(
    vocabulary: Annotated[str, typer.Argument(help="e.g. event_type, legal_basis, act_type.")],
    code: Annotated[str, typer.Argument(help="The code stored in the register.")],
    en: Annotated[str, typer.Option("--en", help="English label.")],
    es: Annotated[str, typer.Option("--es", help="Spanish label.")],
    synonym: Annotated[
        list[str] | None, typer.Option(help="Another way lists write it. Repeatable.")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a term (admins): the only way a vocabulary grows — imports never add terms.

    Example: habeas vocab add legal_basis title_42 --en "Title 42" --es "Título 42"
    """
    add_term(open_store(workspace), vocabulary, code, en, es, synonym or [])
    console.print(_("Added {vocabulary}:{code}.").format(vocabulary=vocabulary, code=code))
