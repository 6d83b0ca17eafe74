"""Sources and import: list sources, upload a list, dry run, adjust the mapping, import.

The flow (each step also JSON):

1. ``GET /sources/import`` — the upload form; ``POST /sources/import`` stores the
   file in the staging area (:mod:`habeas.web.uploads`) with the options.
2. ``GET /sources/import/{upload_id}`` — the dry run (``plan_import``): the
   detected mapping of every column, a sample of parsed rows and **every**
   problem (file, row, column, value, message). Nothing is written.
3. ``POST /sources/import/{upload_id}/check`` — change the mapping or options
   and run the dry run again.
4. ``POST /sources/import/{upload_id}/confirm`` — import (``import_file``: all
   or nothing; a refused import answers 422 with every problem in ``details``).
5. ``GET /sources/imports/{import_id}`` — the import's report: options, mapping,
   and the row-level warnings stored with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from habeas.errors import NotFound, UsageError
from habeas.ingest.fields import CANONICAL_FIELDS
from habeas.ingest.history import import_detail, visible_imports
from habeas.ingest.importer import DATE_ORDERS, ImportOptions, ImportPlan, import_file, plan_import
from habeas.ingest.mapping import UNMAPPED
from habeas.messages import N_
from habeas.read.sources import source_titles, visible_sources
from habeas.read.vocabulary import terms
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.import_form import default_fields, form_defaults, kept_columns, problem_columns
from habeas.web.import_problems import shown
from habeas.web.pages._common import fmt_date, vocabulary_labels
from habeas.web.uploads import Uploads, staging_dir
from habeas.web.views import action, page

SAMPLE_ROWS = 5
TEXT_OPTIONS = (
    "source_title",
    "source_kind",
    "reliability",
    "publisher",
    "url",
    "language",
    "notes",
    "date_order",
    "sheet",
)


def _uploads(ctx: Context) -> Uploads:
    return Uploads(staging_dir(ctx.settings.upload_dir, ctx.store), ctx.store.keyring)


def _terms(ctx: Context, vocabulary: str) -> list[dict[str, str]]:
    return [{"code": t.code, "label": t.label(ctx.lang)} for t in terms(ctx.store, vocabulary)]


@page(
    "/sources",
    permission="read_identities",
    template="sources.html",
    name="sources",
    nav=N_("Sources"),
    nav_order=60,
)
def sources(ctx: Context) -> dict[str, Any]:
    """Every source with its record count and files, and the import history."""
    found = visible_sources(ctx.store, reader=ctx.reader)
    rows, withheld = [r.to_dict() for r in found.rows], found.withheld
    imports, hidden = visible_imports(ctx.store, ctx.reader)
    withheld.counts.update(hidden.counts)
    withheld.levels.update(hidden.levels)
    withheld.for_purpose += hidden.for_purpose
    return {
        "sources": rows,
        "imports": imports,
        "can_import": ctx.allowed("import"),
        "source_kind_labels": vocabulary_labels(ctx.store, ctx.lang).get("source_kind", {}),
        "withheld": withheld.to_dict() if withheld else {},
    }


@page("/sources/import", permission="import", template="import_upload.html", name="import_upload")
def upload_form(ctx: Context) -> dict[str, Any]:
    """What the upload form needs: source kinds, reliability grades, existing sources."""
    titles = source_titles(ctx.store, reader=ctx.reader)
    return {
        "source_kinds": _terms(ctx, "source_kind"),
        "reliability": _terms(ctx, "reliability"),
        "sources": titles,
        "date_orders": list(DATE_ORDERS),
        "default_fields": default_fields(ctx._, vocabulary_labels(ctx.store, ctx.lang), {}),
        "max_upload_mb": ctx.settings.max_upload_bytes // (1024 * 1024),
    }


def _options(
    form: dict[str, Any], previous: ImportOptions | None, _: Any = lambda text: text
) -> ImportOptions:
    attributes = {"date": "published_on"}

    def text(key: str) -> str | None:
        if key not in form and previous is not None:  # not sent: keep the earlier choice
            kept = getattr(previous, attributes.get(key, key))
            return str(kept) if kept else None
        value = str(form.get(key) or "").strip()
        return value or None

    title = text("source_title") or (previous.source_title if previous else None)
    if not title:
        raise UsageError(_("Give the source a title (which list or document this is)."))
    defaults: dict[str, str] = {}
    for line in str(form.get("defaults") or "").splitlines():
        if line.strip():
            if "=" not in line:
                raise UsageError(
                    _("Values for every row are written field=value, one per line, not “%(line)s”.")
                    % {"line": line.strip()}
                )
            key, value = line.split("=", 1)
            defaults[key.strip()] = value.strip()
    mapping = dict(previous.mapping) if previous else {}
    for key, value in form.items():
        if key.startswith("map:"):
            header, target = key[4:], str(value).strip()
            if target in ("", "auto"):
                mapping.pop(header, None)
            elif target == UNMAPPED or target in CANONICAL_FIELDS:
                mapping[header] = target
            else:
                raise UsageError(_("“%(field)s” is not a field of habeas.") % {"field": target})
    options = ImportOptions(
        source_title=title,
        source_kind=text("source_kind"),
        reliability=text("reliability"),
        publisher=text("publisher"),
        published_on=text("date"),
        url=text("url"),
        language=text("language"),
        notes=text("notes"),
        one_row_per_person=str(form.get("one_row_per_person") or "") in ("1", "on", "true")
        if "one_row_per_person" in form or previous is None
        else previous.one_row_per_person,
        mapping=mapping,
        defaults=form_defaults(form, defaults, _)
        if "defaults" in form or any(k.startswith("default:") for k in form) or not previous
        else previous.defaults,
        date_order=(text("date_order") or "").upper() or None,
        sheet=text("sheet"),
        keep_as_written=kept_columns(form, tuple(previous.keep_as_written) if previous else ()),
        corrections=previous.corrections if previous else None,  # of cells read off pages
    )
    return options


def plan_dict(plan: ImportPlan, max_problems: int | None = None) -> dict[str, Any]:
    problems = [p.to_dict() for p in plan.problems]
    return {
        "file": plan.file,
        "file_sha256": plan.sha256,
        "tables": [
            {
                "sheet": t.sheet,
                "rows": t.rows,
                "headers": t.headers,
                "mapping": t.mapping.columns,
                "guessed": t.mapping.guessed,  # header misread by OCR → the field taken
                "date_orders": t.date_orders,
            }
            for t in plan.tables
        ],
        "records": plan.record_count,
        "sample": [
            {
                "row": r.row_number,
                "record_id": r.record_key,
                "given_names": " ".join(r.name.given_names) if r.name else "",
                "surnames": " | ".join(r.name.surnames) if r.name else "",
                "date_of_birth": r.dob.display() if r.dob else "",
                "identifiers": [f"{t}={v or '(invalid) ' + raw}" for t, raw, v, _ in r.identifiers],
                "events": [e.event_type for e in r.events],
            }
            for r in plan.sample[:SAMPLE_ROWS]
        ],
        "errors": len(plan.errors),
        "warnings": len(plan.warnings),
        "problems": problems if max_problems is None else problems[:max_problems],
        "problems_total": len(problems),
    }


@action("/sources/import", permission="import", name="import_upload_submit")
def upload_submit(ctx: Context) -> dict[str, Any]:
    """Upload a list (multipart field ``file``) with the source's options; nothing is imported."""
    upload = ctx.files.get("file")
    if upload is None or not upload.filename:
        raise UsageError(ctx._("Choose a file to upload."))
    options = _options(ctx.form, None, ctx._)
    uploads = _uploads(ctx)
    upload_id = uploads.save(upload.filename, upload.file, ctx.actor, ctx.settings.max_upload_bytes)
    meta = uploads.meta(upload_id, ctx.actor, True)
    uploads.set_options(upload_id, meta, options)
    data: dict[str, Any] = {"upload_id": upload_id, "redirect": f"/sources/import/{upload_id}"}
    if ctx.wants_json:
        with uploads.opened(upload_id, meta) as path:
            data["plan"] = planned(ctx, upload_id, path, options)["plan"]
    return data


def planned(
    ctx: Context,
    upload_id: str,
    path: Path,
    options: ImportOptions,
    max_problems: int | None = None,
) -> dict[str, Any]:
    """The dry run of the staged file at ``path`` (``plan`` and ``can_import``), parsed
    once per register state, file and options: reading a large workbook takes seconds and
    hundreds of MB, and the dry-run page is viewed again after every change."""

    def compute() -> dict[str, Any]:
        plan = plan_import(ctx.store, path, options)
        return {"plan": plan_dict(plan, max_problems), "can_import": not plan.errors}

    # A staged upload never changes; when the workspace encrypts, ``path`` is a fresh
    # private copy each time, so the key is the upload, not the path.
    key = ("import_plan", upload_id, path.stat().st_size, repr(options), max_problems)
    result: dict[str, Any] = cached(ctx.store, key, compute)
    return result


def staged_upload(ctx: Context, upload_id: str) -> tuple[Uploads, dict[str, Any], ImportOptions]:
    """A staged upload with its options: the uploader's alone (or an admin's), else 404."""
    uploads = _uploads(ctx)
    meta = uploads.meta(upload_id, ctx.actor, ctx.allowed("admin"))
    options = uploads.options(meta)
    if options is None:
        raise NotFound("That upload has no import options yet; upload it again.")
    return uploads, meta, options


@page(
    "/sources/import/{upload_id}",
    permission="import",
    template="import_plan.html",
    name="import_plan",
)
def dry_run(ctx: Context, upload_id: str) -> dict[str, Any]:
    """The dry run: detected mapping, sample rows and every problem. Writes nothing."""
    uploads, meta, options = staged_upload(ctx, upload_id)
    with uploads.opened(upload_id, meta) as path:
        plan = planned(ctx, upload_id, path, options, None if ctx.wants_json else 1000)
    data = {
        "upload_id": upload_id,
        "options": options.__dict__,
        "plan": plan["plan"],
        "fields": list(CANONICAL_FIELDS),
        "date_orders": list(DATE_ORDERS),
        "can_import": plan["can_import"],
    }
    if not ctx.wants_json:  # the page: problems in its language, choices by their labels
        vocab = vocabulary_labels(ctx.store, ctx.lang)
        problems = plan["plan"]["problems"]
        headers = [h for t in plan["plan"]["tables"] for h in t["headers"]]
        data["plan"] = {
            **plan["plan"],
            "problems": shown(problems, ctx._, ctx.lang, vocab),
            "sample": [
                {**r, "date_of_birth": fmt_date(r["date_of_birth"], ctx.lang)}
                for r in plan["plan"]["sample"]
            ],
        }
        data["default_fields"] = default_fields(ctx._, vocab, options.defaults)
        data["text_defaults"] = {
            k: v
            for k, v in options.defaults.items()
            if not any(f["field"] == k for f in data["default_fields"])
        }
        data["problem_columns"] = problem_columns(problems, tuple(options.keep_as_written), headers)
    return data


@action(
    "/sources/import/{upload_id}/check",
    permission="import",
    name="import_check",
    redirect="/sources/import/{upload_id}",
)
def check(ctx: Context, upload_id: str) -> dict[str, Any]:
    """Change the mapping (fields ``map:COLUMN``) or options, then dry-run again."""
    uploads, meta, options = staged_upload(ctx, upload_id)
    options = _options(ctx.form, options, ctx._)
    uploads.set_options(upload_id, meta, options)
    data: dict[str, Any] = {"upload_id": upload_id}
    if ctx.wants_json:
        with uploads.opened(upload_id, meta) as path:
            data["plan"] = planned(ctx, upload_id, path, options)["plan"]
    return data


@action("/sources/import/{upload_id}/confirm", permission="import", name="import_confirm")
def confirm(ctx: Context, upload_id: str) -> dict[str, Any]:
    """Import the staged file (all or nothing; 422 with every problem if refused)."""
    uploads, meta, options = staged_upload(ctx, upload_id)
    with uploads.opened(upload_id, meta) as path:
        result = import_file(ctx.store, path, options, actor=ctx.actor)
    uploads.remove(upload_id)
    if result.already_imported:
        ctx.flash(ctx._("This file was already imported into this source; nothing changed."))
    else:
        ctx.flash(
            ctx._("Imported %(records)s records.", records=ctx.format_number(result.records)), "ok"
        )
    return {
        "source_id": result.source_id,
        "source": result.source_title,
        "import_id": result.import_id,
        "already_imported": result.already_imported,
        "records": result.records,
        "persons": result.persons,
        "identifiers": result.identifiers,
        "events": result.events,
        "legal_facts": result.legal_facts,
        "warnings": len(result.warnings),
        "redirect": f"/sources/imports/{result.import_id}",
    }


@page(
    "/sources/imports/{import_id}",
    permission="read_identities",
    template="import_report.html",
    name="import_report",
)
def import_report(ctx: Context, import_id: int) -> dict[str, Any]:
    """One import: its source, file, options, mapping and row-level warnings."""
    seen = import_detail(ctx.store, ctx.reader, import_id)
    withheld = seen.withheld.to_dict() if seen.withheld else {}
    if seen.detail is None:
        return {
            "import": {"id": import_id},
            "all_withheld": True,
            "warnings": [],
            "withheld": withheld,
            "purpose_url": ctx.purpose_url,
        }
    return {
        "import": seen.detail,
        "warnings": seen.warnings,
        "withheld": withheld,
        "all_withheld": False,
        "purpose_url": ctx.purpose_url,
    }
