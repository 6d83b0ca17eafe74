"""``habeas``: the command-line interface.

Exit codes: 0 success, 1 an error the user can act on (printed as one clear
message), 2 a usage error (bad option or argument). Never a traceback, unless
``HABEAS_DEBUG=1`` is set.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

from habeas import __version__
from habeas.cli import lang
from habeas.cli.commands import LazyGroup
from habeas.cli.lang import _
from habeas.errors import HabeasError

app = typer.Typer(
    name="habeas",
    help="Account for every person who is detained or deported: register, link, trace, "
    "document, estimate, share.\n\nStart with `habeas demo` or `habeas init DIR`.",
    no_args_is_help=True,
    cls=LazyGroup,  # a command's module is imported only when it runs: --help is instant
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"habeas {__version__}")
        raise typer.Exit()


def _lang(value: str | None) -> None:
    lang.choose(value)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    language: str | None = typer.Option(
        None,
        "--lang",
        callback=_lang,
        is_eager=True,
        metavar="es|en",
        help="Language of the answers: es or en (default: HABEAS_LANG, then the locale).",
    ),
) -> None:
    """habeas command line."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (also used by tests)."""
    from rich.console import Console

    err_console = Console(stderr=True)
    lang.choose(None)  # each run starts from HABEAS_LANG and the locale (tests run many)
    try:
        # Standalone mode: Typer prints usage errors itself and exits with 2.
        app(args=argv, prog_name="habeas", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except HabeasError as exc:
        err_console.print(
            f"[bold red]{_('Error:')}[/] {escape(_(str(exc)))}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print(
            _("Interrupted; nothing was half-written (each change is one transaction).")
        )
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for HABEAS_DEBUG
        if os.environ.get("HABEAS_DEBUG"):
            raise
        kind = exc.__class__.__name__
        err_console.print(
            f"[bold red]{_('Unexpected error')}[/] ({kind}): {escape(str(exc))}\n"
            + _(
                "This is a bug in habeas. Run again with HABEAS_DEBUG=1 to see "
                "the details, and report it."
            ),
            markup=True,
            highlight=False,
        )
        return 1
    return 0


def run() -> None:  # pragma: no cover - console entry point
    sys.exit(main())
