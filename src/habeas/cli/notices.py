"""What the terminal says first: a retired person id, and data withheld from the reader.

Both go to stderr (stdout stays the table or the JSON) in the reader's language:
``--lang``, ``HABEAS_LANG``, else the locale (:mod:`habeas.cli.lang`).
Withheld data is said *before* any count or "no match", with how to see
it: ``--purpose`` for restricted data, an administrator for levels above the role.
"""

from __future__ import annotations

from typing import Any

from habeas import i18n
from habeas.access.reader import Withheld, withheld_parts
from habeas.cli.lang import current
from habeas.errors import NotFound
from habeas.i18n_withheld import ABOVE_CLEARANCE, FOR_PURPOSE_CLI, withheld_said
from habeas.store.db import Store
from habeas.store.person_ids import Move, PersonId, resolve


def tr(message: str, lang: str | None = None, **values: Any) -> str:
    text = str(i18n.gettext_for(lang or current())(message))
    return text % values if values else text


def _day(m: Move, lang: str) -> str:
    return i18n.format_date(m.at.date(), lang, "long") if m.at else "?"


def merged_line(m: Move, lang: str) -> str:
    if m.at is None:
        return tr(
            "Person %(old)s was merged into person %(new)s.", lang, old=m.person_id, new=m.into_id
        )
    return tr(
        "Person %(old)s was merged into person %(new)s on %(date)s.",
        lang,
        old=m.person_id,
        new=m.into_id,
        date=_day(m, lang),
    )


def current_person(
    store: Store, person_id: int, lang: str | None = None
) -> tuple[int, PersonId, list[str]]:
    """The person to show for ``person_id`` (its survivor if it was merged), what the id
    stands for, and the lines saying so. Records split among several persons: NotFound
    naming them."""
    lang = lang or current()
    where = resolve(store, person_id)
    if where.current or not where.moved_to:
        return (
            person_id,
            where,
            [
                tr(
                    "Split on %(date)s: %(n)s of this person's records now "
                    "belong to person %(new)s.",
                    lang,
                    date=_day(m, lang),
                    n=m.records,
                    new=m.into_id,
                )
                for m in where.split_off
            ],
        )
    if where.survivor is None:
        raise NotFound(
            tr(
                "Person %(old)s was merged; its records now belong to persons %(ids)s.",
                lang,
                old=person_id,
                ids=", ".join(map(str, where.moved_to)),
            )
            + " "
            + tr("Show one of them with `habeas person ID`.", lang)
        )
    survivor = where.survivor
    lines = [merged_line(m, lang) for m in where.path]
    lines.append(
        tr(
            "Showing person %(new)s, who holds the records of person %(old)s now.",
            lang,
            new=survivor,
            old=person_id,
        )
    )
    return survivor, where, lines


def withheld_lines(
    withheld: dict[str, Any] | Withheld | None, lang: str | None = None
) -> list[str]:
    """What was kept back and how to see it (empty when nothing was)."""
    parts = withheld_parts(withheld)
    if parts is None:
        return []
    lang = lang or current()
    total, for_purpose, above = parts.total, parts.for_purpose, parts.above_clearance
    translations = i18n.translator(lang)
    lines = [withheld_said(translations, total)]
    if for_purpose:
        lines.append(withheld_said(translations, for_purpose, FOR_PURPOSE_CLI))
    if above:
        lines.append(withheld_said(translations, above, ABOVE_CLEARANCE))
    return lines
