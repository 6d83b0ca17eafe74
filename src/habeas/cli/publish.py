"""``habeas publish``: share aggregates safely (small counts hidden, no personal data)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from habeas import i18n
from habeas.cli.common import WorkspaceOption, console, open_store, print_json
from habeas.cli.lang import _
from habeas.report.public_figures import write_aggregates
from habeas.report.public_page import publish_situation
from habeas.report.sharing import effective_k, set_sharing, sharing_settings
from habeas.workspace import find_workspace

publish_app = typer.Typer(
    help="Share aggregates without personal data: counts below k are written “<k”.",
    no_args_is_help=True,
)

KOption = Annotated[
    int | None,
    typer.Option(
        "--k",
        help="Hide counts below k (default: the workspace's setting, see "
        "`habeas publish settings`; 1 hides nothing).",
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of labels: es or en.")]


def register(app: typer.Typer) -> None:
    app.add_typer(publish_app, name="publish")


@publish_app.command("situation")
def situation(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write into (created if needed).", file_okay=False)
    ],
    k: KOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write the public situation page as static HTML and JSON, in Spanish and English.

    Only aggregates: no names, identifiers or free text from the records.

    Example: habeas publish situation sitio/ --k 10
    """
    store = open_store(workspace)
    paths = publish_situation(store, directory, k=k, site_name=find_workspace(workspace).name)
    for path in paths:
        console.print(_("Wrote {path}").format(path=path), highlight=False)


@publish_app.command("aggregates")
def aggregates(
    output: Annotated[Path, typer.Argument(help="File to write (.csv or .json).", dir_okay=False)],
    k: KOption = None,
    lang: LangOption = "es",
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or json (default: from the file name).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Export the aggregate tables (counts, events per month and type, facilities, flags,
    incidents) with counts below k hidden.

    Example: habeas publish aggregates agregados.csv --k 5
    """
    store = open_store(workspace)
    used = effective_k(store, k)
    count = write_aggregates(store, output, k=used, lang=i18n.check_language(lang), fmt=fmt)
    console.print(
        _("Wrote {count} figures to {output} (counts below {k} hidden)").format(
            count=f"{count:,}", output=output, k=used
        ),
        highlight=False,
    )


@publish_app.command("settings")
def settings(
    k: Annotated[int | None, typer.Option("--k", help="Set k: counts below it are hidden.")] = None,
    public_page: Annotated[
        bool | None,
        typer.Option(
            "--public-page/--no-public-page",
            help="Publish (or withdraw) the public page /public of `habeas serve`.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Show or change the sharing settings (each change is logged).

    Example: habeas publish settings --k 10 --public-page
    """
    store = open_store(workspace)
    if k is not None or public_page is not None:
        current = set_sharing(store, k=k, public_page=public_page)
    else:
        current = sharing_settings(store)
    if as_json:
        print_json(current.to_dict())
        return
    console.print(_("k = {k} (counts below it are hidden)").format(k=current.k))
    console.print(
        _("public page: {state}").format(
            state=_("published") if current.public_page else _("not published")
        )
    )
    if current.changed_by:
        console.print(
            _("last changed by {user} at {at}").format(
                user=current.changed_by, at=current.changed_at
            ),
            highlight=False,
        )
