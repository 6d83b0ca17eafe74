"""What every report shares: the Jinja2 environment, the provenance header, HTML → PDF.

Templates live in ``habeas/report/templates/`` and are translated with gettext
(:mod:`habeas.i18n`): ``_("text")`` and ``_("text %(n)s", n=1)``. Charts are
PNG images embedded as ``data:`` URIs, so one HTML file is the whole report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from habeas import __version__, i18n
from habeas.document import figure_labels
from habeas.filemodes import private_output
from habeas.i18n_dates import fmt_date
from habeas.report.labels import STATUSES
from habeas.store.db import Store

FORMATS = ("html", "pdf")


@dataclass
class Provenance:
    """Where a document comes from: printed in its header so a reader can verify it."""

    register: str
    generated_at: datetime
    log_entries: int
    log_head_seq: int
    log_head_hash: str
    log_verified: bool
    habeas_version: str = __version__


def provenance(store: Store, register: str | None = None) -> Provenance:
    """The register's name and its change-log head (the chain is verified on the way)."""
    result = store.verify_log()
    if register is None:
        register = store.head_path.parent.name if store.head_path else "habeas register"
    return Provenance(
        register,
        datetime.now(UTC).replace(microsecond=0),
        result.entries,
        result.head_seq,
        result.head_hash,
        result.ok,
    )


def environment(lang: str) -> Environment:
    lang = i18n.check_language(lang)
    env = Environment(
        loader=PackageLoader("habeas.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translations = i18n.translator(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]

    def fdate(value: date | datetime | None, fmt: str = "medium") -> str:
        return i18n.format_date(value, lang, fmt)

    def label(obj: Any, en: str = "label_en", es: str = "label_es") -> str:
        """``obj|label("title_en", "title_es")``: the text in both languages, in ``lang``."""
        return i18n.label(obj, lang, en.removesuffix("_en"))

    filters: dict[str, Callable[..., Any]] = {
        "date": fdate,
        # a stored date text (``2025-03-15``, ``2025-03 (day unknown)``, a range) in words
        "day": lambda v, fmt="medium": fmt_date(v, lang, fmt) if v else "",
        "number": lambda v: i18n.format_number(v, lang),
        "decimal": lambda v, digits=2: i18n.format_decimal(v, lang, digits),
        "percent": lambda v, digits=0: i18n.format_percent(v, lang, digits),
        "tr": lambda text: translations.gettext(text) if text else "",
        "status": lambda code: translations.gettext(STATUSES.get(code) or str(code)),
        "label": label,
        # a capacity or area figure in words: its source's note, else its kind and origin
        "figure": lambda f: figure_labels.describe(f, translations.gettext),
    }
    env.filters.update(filters)
    env.globals.update(lang=lang)
    return env


def render_html(template: str, lang: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)


def write_pdf(html: str, path: Path) -> Path:
    """Render ``html`` to a PDF at ``path`` with WeasyPrint (paginated, page numbers in CSS).

    WeasyPrint needs the Pango text library from the operating system; where it
    is missing the user gets a clear message and can still write HTML.
    """
    from habeas.errors import HabeasError

    try:
        from weasyprint import HTML
    except ImportError as exc:
        raise HabeasError(
            "PDF output needs WeasyPrint, an optional part of habeas "
            "(pip install 'habeas[pdf]'); HTML output works without it."
        ) from exc
    except OSError as exc:
        raise HabeasError(
            "PDF output needs WeasyPrint and the Pango library it uses "
            f"({exc.__class__.__name__}: {exc}). On Debian/Ubuntu: apt install "
            "libpango-1.0-0 libpangoft2-1.0-0; on macOS: brew install pango. "
            "Or write HTML with --format html."
        ) from exc

    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(private_output(path)))
    return path


def write(html: str, path: Path, fmt: str | None = None) -> Path:
    """Write ``html`` as HTML or PDF; the format comes from ``fmt`` or the file suffix."""
    from habeas.errors import UsageError

    fmt = (fmt or path.suffix.lstrip(".") or "pdf").lower()
    if fmt not in FORMATS:
        raise UsageError(f"Unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if fmt == "pdf":
        return write_pdf(html, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private_output(path).write_text(html, encoding="utf-8")  # owner-only: personal data
    return path
