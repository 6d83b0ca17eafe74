"""The public situation page: aggregates only, as HTML and JSON, served or written to a folder.

The data is :func:`habeas.report.aggregates.public_situation` (every count below
k hidden; no name, identifier or free text from a record). The web application
serves it at ``/public`` once an admin has published it
(:func:`habeas.report.sharing.set_sharing`); :func:`publish_situation` writes the
same page as static files for hosting anywhere::

    DIR/index.html              the Spanish page (same as situation-es.html)
    DIR/situation-es.html       Spanish
    DIR/situation-en.html       English
    DIR/situation-es.json       the data of each page
    DIR/situation-en.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from habeas import i18n
from habeas.errors import UsageError
from habeas.report import render
from habeas.report.public_figures import public_situation
from habeas.report.sharing import effective_k
from habeas.store.db import Store


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def page_html(
    data: dict[str, Any],
    *,
    site_name: str | None,
    language_links: dict[str, str],
    json_href: str | None,
    admin: dict[str, Any] | None = None,
) -> str:
    """The page for ``data`` (in ``data["lang"]``); ``admin``: the publishing box."""
    peak = max(
        (m["total"] for m in data["events_over_time"]["months"] if isinstance(m["total"], int)),
        default=0,
    )
    context = {key: value for key, value in data.items() if key != "lang"}
    return render.render_html(
        "situation_public.html",
        data["lang"],
        **context,
        peak=peak,
        site_name=site_name or "",
        language_links=language_links,
        json_href=json_href,
        admin=admin,
    )


def publish_situation(
    store: Store,
    directory: Path,
    *,
    k: int | None = None,
    site_name: str | None = None,
    languages: tuple[str, ...] = ("es", "en"),
) -> list[Path]:
    """Write the public page (HTML and JSON, one per language) into ``directory``."""
    k = effective_k(store, k)
    languages = tuple(i18n.check_language(lang) for lang in languages)
    if not languages:
        raise UsageError("Give at least one language.")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder.")
    directory.mkdir(parents=True, exist_ok=True)
    links = {lang: f"situation-{lang}.html" for lang in languages}
    written: list[Path] = []
    for lang in languages:
        data = public_situation(store, k=k, lang=lang)
        html = page_html(
            data, site_name=site_name, language_links=links, json_href=f"situation-{lang}.json"
        )
        for name, text in (
            (f"situation-{lang}.html", html),
            (f"situation-{lang}.json", to_json(data)),
        ):
            path = directory / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
        if lang == languages[0]:
            index = directory / "index.html"
            index.write_text(html, encoding="utf-8")
            written.append(index)
    return written
