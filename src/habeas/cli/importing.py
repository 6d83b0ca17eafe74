"""``habeas import``: bring a list into the register, with row-level provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from habeas.cli.common import (
    WorkspaceOption,
    console,
    err_console,
    open_store,
    print_json,
    progress_bar,
)
from habeas.cli.import_pages import ocr_hint, read_corrections, show_page_rows
from habeas.cli.import_problems import date_order_text, guessed_text, keep_fixes, line
from habeas.cli.lang import _, current
from habeas.errors import UsageError
from habeas.ingest.importer import ImportOptions, ImportPlan, import_file, plan_import
from habeas.ingest.page_lists import is_document
from habeas.ingest.problems import ImportFailed, Problem
from habeas.read.vocabulary import vocabulary_labels
from habeas.search.index import index_pending
from habeas.store.db import Store

#: Problems printed before "… and N more".
SHOWN = 50


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise UsageError(f"{option} expects NAME=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        pairs[key.strip()] = value.strip()
    return pairs


def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV, XLSX, JSON or JSON Lines file, or a PDF or scanned page (PNG, JPEG, TIFF).",
            exists=True,
            dir_okay=False,
        ),
    ],
    source_title: Annotated[str, typer.Option(help="The source this list is (created if new).")],
    source_kind: Annotated[
        str | None,
        typer.Option(
            help="list, document, testimony, court_filing, news_report, official_statement."
        ),
    ] = None,
    reliability: Annotated[
        str | None,
        typer.Option(help="Source reliability, A (completely reliable) to F (cannot be judged)."),
    ] = None,
    publisher: Annotated[str | None, typer.Option(help="Who published or compiled it.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Source date, YYYY-MM-DD.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the source can be found.")] = None,
    language: Annotated[str | None, typer.Option(help="Language code, e.g. es or en.")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes on the source.")] = None,
    one_row_per_person: Annotated[
        bool, typer.Option(help="The source lists each person once (e.g. a manifest).")
    ] = False,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=field (or COLUMN=- to keep it unmapped). Repeatable."),
    ] = None,
    defaults: Annotated[
        list[str] | None,
        typer.Option(
            "--defaults", help="field=value for every row, e.g. event_type=removal_flight."
        ),
    ] = None,
    date_order: Annotated[
        str | None, typer.Option(help="DMY or MDY, when a date column is ambiguous.")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Only this XLSX sheet.")] = None,
    corrects: Annotated[
        str | None,
        typer.Option(
            help="This list corrects the source with this title: each row's record id must be "
            "one of its records (the correction is kept beside it, never over it)."
        ),
    ] = None,
    sensitivity: Annotated[
        str | None,
        typer.Option(
            help="public, internal, restricted or witness_protected (default by kind: "
            "testimony and court_filing restricted, others internal). Reporters' and "
            "witnesses' columns are always witness_protected."
        ),
    ] = None,
    keep_as_written: Annotated[
        list[str] | None,
        typer.Option(
            "--keep-as-written",
            metavar="COLUMN",
            help="Cells of this column that cannot be read are kept exactly as written (flagged, "
            "not read) instead of refusing the import: never edit the evidence to import "
            "it. Repeatable.",
        ),
    ] = None,
    correct: Annotated[
        list[str] | None,
        typer.Option(
            "--correct",
            metavar="ROW:COLUMN=TEXT",
            help="PDFs and scans: import TEXT in this cell instead of what was read (the "
            "machine reading is kept beside it). Rows as the dry run numbers them. Repeatable.",
        ),
    ] = None,
    confirm: Annotated[
        list[str] | None,
        typer.Option(
            "--confirm",
            metavar="ROW:COLUMN",
            help="PDFs and scans: a flagged cell was looked at and reads right. Repeatable.",
        ),
    ] = None,
    corrections_file: Annotated[
        Path | None,
        typer.Option(
            "--corrections",
            help="PDFs and scans: a CSV of row,column,text (an empty text confirms the reading).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            help="Show the mapping, sample rows and every problem (PDFs and scans: every row "
            "read, with its page and flags); write nothing."
        ),
    ] = False,
    output: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    workspace: WorkspaceOption = None,
) -> None:
    """Import a list with row-level provenance; all or nothing, and idempotent.

    Examples:

      habeas import manifest.csv --source-title "Flight manifest" --source-kind list
        --date-order MDY --defaults event_type=removal_flight --defaults event_date=2025-03-15

      habeas import familiares.csv --source-title "Reportes de familiares"
        --source-kind testimony --dry-run

      habeas import correcciones.csv --source-title "Manifest corrections (lawyer)"
        --source-kind document --corrects "Flight manifest"

      habeas import familiares.csv --source-title "Reportes de familiares"
        --source-kind testimony --keep-as-written "Fecha de nacimiento"

      habeas import lista-escaneada.pdf --source-title "Lista (escaneo)" --source-kind list
        --dry-run --correct "12:Apellidos=Pérez Gómez" --confirm "3:A#"
    """
    options = ImportOptions(
        source_title=source_title,
        source_kind=source_kind,
        reliability=reliability,
        publisher=publisher,
        published_on=date,
        url=url,
        language=language,
        notes=notes,
        one_row_per_person=one_row_per_person,
        mapping=_pairs(map_ or [], "--map"),
        defaults=_pairs(defaults or [], "--defaults"),
        date_order=date_order,
        sheet=sheet,
        corrects=corrects,
        sensitivity=sensitivity,
        keep_as_written=tuple(keep_as_written or ()),
        corrections=read_corrections(correct or [], confirm or [], corrections_file),
    )
    store = open_store(workspace)
    try:
        with progress_bar(output == "text") as progress, ocr_hint():
            if dry_run:
                plan = plan_import(store, file, options, progress)
                if output == "text" and is_document(file):
                    show_page_rows(file, options.corrections)
                _show_plan(plan, output, store)
                if plan.errors:
                    raise typer.Exit(1)
                return
            result = import_file(store, file, options, progress=progress)
            indexed = result.indexed + (0 if result.already_imported else index_pending(store))
    except ImportFailed as exc:
        if output == "json":
            raise
        _show_refusal(exc, store)
        raise typer.Exit(1) from None
    if output == "json":
        print_json(
            {
                "source": result.source_title,
                "source_id": result.source_id,
                "file_sha256": result.sha256,
                "already_imported": result.already_imported,
                "import_id": result.import_id,
                "records": result.records,
                "persons": result.persons,
                "identifiers": result.identifiers,
                "events": result.events,
                "legal_facts": result.legal_facts,
                "indexed_for_search": indexed,
                "warnings": [w.to_dict() for w in result.warnings],
            }
        )
        return
    if result.already_imported:
        console.print(
            _(
                "Already imported: {file} (SHA-256 {sha}…) is in source {source!r} "
                "(import {id}). Nothing changed."
            ).format(
                file=file.name,
                sha=result.sha256[:12],
                source=result.source_title,
                id=result.import_id,
            )
        )
        return
    console.print(
        _(
            "Imported {records} records from {file} into {source!r}: {events} events, "
            "{facts} legal facts, {ids} identifiers; {indexed} records indexed for "
            "`habeas find`. Next: `habeas link` to join them to known persons."
        ).format(
            records=f"{result.records:,}",
            file=file.name,
            source=result.source_title,
            events=f"{result.events:,}",
            facts=f"{result.legal_facts:,}",
            ids=f"{result.identifiers:,}",
            indexed=f"{indexed:,}",
        )
    )
    if result.warnings:
        console.print(_("{n} warning(s):").format(n=len(result.warnings)))
        vocab = vocabulary_labels(store, current())
        for warning in result.warnings[:20]:
            console.print(f"  {line(warning, vocab)}", highlight=False, markup=False)
        if len(result.warnings) > 20:
            console.print(
                _("  … {n} more (habeas import --dry-run --format json shows all)").format(
                    n=len(result.warnings) - 20
                )
            )


def _show_refusal(exc: ImportFailed, store: Store) -> None:
    """The refused import's errors, each with the option that fixes it, on stderr."""
    errors = [p for p in exc.problems if p.severity == "error"]
    err_console.print(
        _("Import refused: {n} error(s); nothing was written.").format(n=len(errors)),
        highlight=False,
    )
    vocab = vocabulary_labels(store, current())
    for problem in errors[:SHOWN]:
        err_console.print(f"  {line(problem, vocab)}", highlight=False, markup=False)
    if len(errors) > SHOWN:
        err_console.print(
            _("  … {n} more (--dry-run --format json shows all)").format(n=len(errors) - SHOWN),
            highlight=False,
        )


def _show_plan(plan: ImportPlan, output: str, store: Store) -> None:
    if output == "json":
        print_json(
            {
                "file": plan.file,
                "file_sha256": plan.sha256,
                "tables": [
                    {
                        "sheet": t.sheet,
                        "rows": t.rows,
                        "mapping": t.mapping.columns,
                        "guessed": t.mapping.guessed,
                        "date_orders": t.date_orders,
                    }
                    for t in plan.tables
                ],
                "records": plan.record_count,
                "sample": [
                    {
                        "row": r.row_number,
                        "record_id": r.record_key,
                        "given_names": list(r.name.given_names) if r.name else [],
                        "surnames": list(r.name.surnames) if r.name else [],
                        "date_of_birth": r.dob.display() if r.dob else None,
                        "identifiers": [[t, v] for t, _, v, _ in r.identifiers],
                        "events": [e.event_type for e in r.events],
                    }
                    for r in plan.sample[:5]
                ],
                "problems": [p.to_dict() for p in plan.problems],
            }
        )
        return
    errors, warnings = plan.errors, plan.warnings
    _show_problems(plan, errors, warnings, store)  # problems first: they decide what to do next
    for table in plan.tables:
        title = f"{plan.file}" + (
            _(" — sheet {sheet!r}").format(sheet=table.sheet) if table.sheet else ""
        )
        mapping = Table(
            title=_("{title}: {rows} rows").format(title=title, rows=f"{table.rows:,}"),
            show_lines=False,
        )
        mapping.add_column(_("column in the file"))
        mapping.add_column(_("habeas field"))
        for header, field in table.mapping.columns.items():
            shown = field or f"[dim]{_('(kept as written)')}[/]"
            if header in table.mapping.guessed:
                shown += f" [yellow]({_('guessed')})[/]"
            mapping.add_row(escape(header), shown)
        console.print(mapping)
        for header, field in table.mapping.guessed.items():
            console.print(guessed_text(header, field), highlight=False, markup=False)
        for fld, order in table.date_orders.items():
            column = table.mapping.fields.get(fld)
            text = date_order_text(order, plan.problems, table.sheet, column)
            console.print(
                _("{field}: day/month order {order}").format(field=fld, order=text),
                highlight=False,
            )
    sample = Table(title=_("Sample of parsed rows"))
    for column in ("row", "record id", "given names", "surnames", "date of birth", "ids", "events"):
        sample.add_column(_(column))
    for r in plan.sample[:5]:
        sample.add_row(
            str(r.row_number),
            r.record_key,
            " ".join(r.name.given_names) if r.name else "",
            " | ".join(r.name.surnames) if r.name else "",
            r.dob.display() if r.dob else "",
            ", ".join(f"{t}={v or '(invalid)'}" for t, _, v, _ in r.identifiers),
            ", ".join(e.event_type for e in r.events),
        )
    console.print(sample)
    console.print(
        _(
            "{records} records would be imported; {errors} error(s), {warnings} "
            "warning(s). Nothing was written (dry run)."
        ).format(records=f"{plan.record_count:,}", errors=len(errors), warnings=len(warnings))
    )


def _show_problems(
    plan: ImportPlan, errors: list[Problem], warnings: list[Problem], store: Store
) -> None:
    if not errors and not warnings:
        return
    vocab = vocabulary_labels(store, current())
    console.print(
        _("{errors} error(s), {warnings} warning(s) in {file}:").format(
            errors=len(errors), warnings=len(warnings), file=plan.file
        )
    )
    for problem in (errors + warnings)[:SHOWN]:
        severity = _("error") if problem.severity == "error" else _("warning")
        console.print(f"  [{severity}] {line(problem, vocab)}", highlight=False, markup=False)
    if len(errors) + len(warnings) > SHOWN:
        console.print(
            _("  … {n} more (--format json shows all)").format(
                n=len(errors) + len(warnings) - SHOWN
            )
        )
    mapping_problems = [p for t in plan.tables for p in t.mapping.problems]
    if any(keep_fixes(p, mapping_problems) for p in errors):
        console.print(
            _(
                "A cell that cannot be read can be kept exactly as written with "
                "--keep-as-written COLUMN, instead of editing the file."
            )
        )
