"""Every message the web and report templates show is in the Spanish catalog, translated.

A page or report written in English and never added to ``habeas.po`` reaches Spanish
readers in English; a count said with ``_()`` instead of ``ngettext()`` reads "1 elementos".
The templates are read with Babel's Jinja extractor, the one ``pybabel extract`` uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from habeas import i18n

SRC = Path(__file__).resolve().parents[1] / "src" / "habeas"
TEMPLATES = sorted([*SRC.glob("web/templates/**/*.html"), *SRC.glob("report/templates/**/*.html")])
OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def template_messages(path: Path) -> list[tuple[int, str, str | tuple[str, ...]]]:
    """(line, function, message) for each translatable message in the template."""
    with path.open("rb") as handle:
        found = babel_extract(handle, ("_", "gettext", "ngettext"), [], OPTIONS)
        return [(line, func, msg) for line, func, msg, _ in found if msg]


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    with (i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "habeas.po").open("rb") as handle:
        return read_po(handle)


def problems(path: Path, catalog: Catalog) -> list[str]:
    out = []
    for line, func, msg in template_messages(path):
        key = msg if isinstance(msg, str) else msg[0]
        entry = catalog.get(key)
        where = f"{path.name}:{line}"
        if entry is None:
            out.append(f"{where}: {key!r} is not in the Spanish catalog")
        elif func == "ngettext" and not entry.pluralizable:
            out.append(f"{where}: {key!r} is said with ngettext but has no plural entry")
        elif func != "ngettext" and entry.pluralizable:
            out.append(f"{where}: {key!r} has plural forms but is said without ngettext")
        elif not (all(entry.string) if entry.pluralizable else entry.string):
            out.append(f"{where}: {key!r} has no Spanish translation")
    return out


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_messages_are_translated(path: Path, spanish: Catalog) -> None:
    assert problems(path, spanish) == []


def test_the_check_finds_a_missing_and_a_plural_message(tmp_path: Path, spanish: Catalog) -> None:
    page = tmp_path / "probe.html"
    page.write_text(
        '{{ _("A sentence nobody translated.") }}\n'
        '{{ _("Withheld from this dossier: %(num)s item at a sensitivity level its author'
        ' may not include.") }}\n',
        encoding="utf-8",
    )
    found = problems(page, spanish)
    assert len(found) == 2
    assert "not in the Spanish catalog" in found[0]
    assert "said without ngettext" in found[1]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (1, "Retenido en este expediente: 1 elemento con"),
        (3, "Retenidos en este expediente: 3 elementos con"),
        ("<5", "Retenidos en este expediente: &lt;5 elementos con"),  # a hidden small count
    ],
)
def test_the_dossier_says_its_withheld_count_in_its_form(total: int | str, expected: str) -> None:
    """The dossier template's own withheld line, rendered as the report renders it."""
    from habeas.report.render import environment

    source = (SRC / "report" / "templates" / "dossier.html").read_text(encoding="utf-8")
    line = next(x for x in source.splitlines() if "Withheld from this dossier" in x)
    html = environment("es").from_string(line).render(p={"withheld": {"total": total}})
    assert expected in html
