"""``habeas evidence``: verify stored files, show a file's chain of custody, export evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from habeas.cli.common import WorkspaceOption, console, open_store, print_json, progress_bar
from habeas.cli.lang import _
from habeas.evidence import add_file, export_evidence, file_custody, verify_evidence

evidence_app = typer.Typer(
    help="Evidence integrity: stored files, their hashes and custody.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")


@evidence_app.command("verify")
def verify(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    remove_stale_temp: Annotated[
        bool,
        typer.Option(
            "--remove-stale-temp",
            help="Delete temporary files left by killed writers (older than an hour).",
        ),
    ] = False,
) -> None:
    """Re-hash every stored file; report changed, missing, wrong-size and unknown files.

    Exits with 1 if anything is wrong. The check is logged in the change log.

    Example: habeas evidence verify --json
    """
    store = open_store(workspace)
    with progress_bar(not as_json) as progress:
        report = verify_evidence(store, remove_stale_temp=remove_stale_temp, progress=progress)
    if as_json:
        print_json(report.to_dict())
    else:
        for problem in report.problems:
            console.print(
                f"[bold red]{escape(problem.kind)}[/] "
                f"{escape(problem.file or '')} {problem.sha256 or ''}\n    "
                f"{escape(_(problem.message))}",
                highlight=False,
            )
        for temp in report.temp_files:
            state = _("removed") if temp["removed"] else _("left in place")
            console.print(
                _("temporary file {path} ({age} s old, {state}) — not evidence").format(
                    path=escape(temp["path"]), age=temp["age_seconds"], state=state
                ),
                highlight=False,
            )
        verdict = (
            "[green]" + _("all intact") + "[/]"
            if report.ok
            else "[bold red]" + _("{n} problem(s)").format(n=len(report.problems)) + "[/]"
        )
        console.print(
            _(
                "{checked} file(s) re-hashed ({bytes} bytes), {known} known to the "
                "database: {verdict}. Logged as entry {seq}."
            ).format(
                checked=f"{report.files_checked:,}",
                bytes=f"{report.bytes_checked:,}",
                known=f"{report.files_known:,}",
                verdict=verdict,
                seq=report.log_seq,
            )
        )
        if report.plaintext_unchecked:
            console.print(
                "[yellow]"
                + _(
                    "{n} sealed file(s): only the encrypted bytes were checked; their "
                    "plaintext hashes were NOT checked (no key: set HABEAS_PASSPHRASE or "
                    "HABEAS_KEY_FILE)."
                ).format(n=f"{report.plaintext_unchecked:,}")
                + "[/]"
            )
    if not report.ok:
        raise typer.Exit(1)


@evidence_app.command("custody")
def custody(
    sha256: Annotated[str, typer.Argument(help="The file's SHA-256 (see `habeas sources`).")],
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a stored file's chain of custody: who added, viewed, exported, verified it, when.

    Example: habeas evidence custody 3f5a…(64 hex digits)
    """
    entries = file_custody(open_store(workspace), sha256)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    table = Table(title=_("chain of custody of {sha256}").format(sha256=sha256.strip().lower()))
    for column in ("seq", _("at (UTC)"), _("actor"), _("event"), _("detail")):
        table.add_column(column)
    for e in entries:
        detail = ", ".join(
            f"{k}={v}"
            for k, v in e.detail.items()
            if k not in ("files", "problems") and v not in (None, "")
        )
        table.add_row(str(e.seq), e.at[:19], e.actor, e.event, escape(detail[:120]))
    console.print(table)


@evidence_app.command("export")
def export(
    hashes_and_output: Annotated[
        list[str],
        typer.Argument(
            help="SHA-256 hashes of the files (none with --source), then the output .zip or "
            "new folder.",
            metavar="[SHA256...] OUT",
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Export every file of this source (its title).")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option(help="Why the files are exported (kept in the custody log).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Copy stored files out with MANIFEST.sha256 and manifest.json (hashes, custody).

    Example: habeas evidence export --source "Flight manifest" manifest-evidence.zip
    """
    *hashes, out = hashes_and_output
    result = export_evidence(
        open_store(workspace),
        Path(out),
        sha256s=hashes or None,
        source_title=source,
        purpose=purpose,
    )
    console.print(
        _(
            "Exported {n} file(s) to {output} with MANIFEST.sha256 and manifest.json "
            "(logged as entry {seq}). Check the copies with: sha256sum -c MANIFEST.sha256"
        ).format(n=len(result.files), output=escape(str(result.output)), seq=result.log_seq),
        highlight=False,
    )


@evidence_app.command("add")
def add(
    path: Annotated[
        Path,
        typer.Argument(
            help="The file to keep (photo, document, testimony).", exists=True, dir_okay=False
        ),
    ],
    note: Annotated[str | None, typer.Option(help="What the file is.")] = None,
    sensitivity: Annotated[
        str,
        typer.Option(
            help="public, internal, restricted or witness_protected. Restricted and "
            "witness-protected files are kept encrypted when the workspace encrypts."
        ),
    ] = "internal",
    workspace: WorkspaceOption = None,
) -> None:
    """Keep a file in the content-addressed store and start its chain of custody.

    Example: habeas evidence add testimony-4.pdf --sensitivity witness_protected
    """
    store = open_store(workspace)
    sha256 = add_file(store, path, note=note, sensitivity=sensitivity)
    assert store.files is not None
    said = (
        _("Stored {file} as {sha256} (sealed: encrypted at rest)")
        if store.files.is_sealed(sha256)
        else _("Stored {file} as {sha256}")
    )
    console.print(said.format(file=escape(path.name), sha256=sha256), highlight=False)
