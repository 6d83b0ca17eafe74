"""The answer letter to an inquiry: what art. 18(1) a–g entitles the asker to, item by item.

For each item the letter quotes what the Convention says the asker is entitled to,
then what the register holds (each statement with its source and the source's
date) and what the register does not know (from the register gap report,
:mod:`habeas.trace.gaps`, with the authority that should hold it). The facts come
from :func:`habeas.trace.person_summary` for the person confirmed for the inquiry,
with the ``dossier`` column of the policy (the letter leaves the register), so a
producer only puts in it what they may put in a dossier. The letter never names the
asker (art. 18(2)): it is addressed by the inquiry's number and date; whoever sends
it adds the address. No codes, no internal ids, no file paths: dates and labels are
in the letter's language (``es`` or ``en``).

:func:`build_letter` gives the typed :class:`Letter`; :func:`render_letter` its HTML;
:func:`write_letter` an HTML or PDF file and, for a file that leaves the register,
a ``letter`` event in the inquiry's history (and the change log).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from habeas import i18n
from habeas.access import policy
from habeas.access.reader import Reader
from habeas.audit.reads import PurposeRequired
from habeas.inquiry.model import _append
from habeas.inquiry.read import get_inquiry
from habeas.messages import N_
from habeas.store.db import Store
from habeas.trace.items import EventItem, LegalFactItem, event_label, fact_label

#: Art. 18(1) ICPPED, item by item (the official English text; Spanish in the catalog).
ARTICLE_18: dict[str, str] = {
    "a": N_("The authority that ordered the deprivation of liberty;"),
    "b": N_(
        "The date, time and place of deprivation of liberty and of admission to a place "
        "of deprivation of liberty;"
    ),
    "c": N_("The authority responsible for supervising the deprivation of liberty;"),
    "d": N_(
        "The whereabouts of the person deprived of liberty, including, in the event of a "
        "transfer to another place of deprivation of liberty, the destination and the "
        "authority responsible for the transfer;"
    ),
    "e": N_("The date, time and place of release;"),
    "f": N_("Elements relating to the state of health of the person deprived of liberty;"),
    "g": N_(
        "In the event of death during deprivation of liberty, the circumstances and cause "
        "of death and the destination of the remains."
    ),
}
#: item -> (event types, legal fact types, register gap fields) that answer it.
SOURCES_OF: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "a": ((), ("ordering_authority",), ("ordering_authority",)),
    "b": (("apprehension", "detention", "admission"), (), ("deprivation", "admission")),
    "c": ((), ("supervising_authority",), ("supervising_authority",)),
    "d": (
        ("admission", "detention", "cell_assignment", "transfer", "removal_flight"),
        (),
        ("place_of_detention", "transfers"),
    ),
    "e": (("release", "repatriation"), (), ("release",)),
    "f": ((), ("health",), ("health",)),
    "g": (("death",), (), ("death",)),
}


@dataclass
class Statement:
    """One thing the register holds, as one source states it."""

    text: str
    dated: str  # when it happened, in the letter's language ("" when undated)
    source: str
    source_date: str  # when the source was published ("" when not known)


@dataclass
class LetterItem:
    key: str  # a … g
    entitlement: str  # art. 18(1)(key), in the letter's language
    holds: list[Statement] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # what the register does not know
    notes: list[str] = field(default_factory=list)  # e.g. "no death is recorded"


@dataclass
class Letter:
    inquiry_id: int
    lang: str
    written_on: date
    received_on: date
    sought_name: str  # as the asker gave it
    person_found: bool
    person_name: str | None  # as the register records it
    whereabouts: str  # the register's last known whereabouts, one sentence
    items: list[LetterItem]
    withheld: int  # items the producer may not put in a letter
    register: str = ""

    def to_dict(self) -> dict[str, Any]:
        from habeas.trace.items import to_jsonable

        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


def _month(value: date, lang: str) -> str:
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", value, locale=lang))


def when(item: EventItem | LegalFactItem, lang: str) -> str:
    """The item's (uncertain) date in words of ``lang``."""
    _ = i18n.gettext_for(lang)
    first, last = item.date_earliest, item.date_latest
    if first is None or last is None:
        return ""
    if first == last:
        text = i18n.format_date(first, lang, "long")
    elif (
        first.year == last.year
        and first.month == last.month
        and first.day == 1
        and (item.date_precision == "month")
    ):
        text = _month(first, lang)
    elif item.date_precision == "year" or (first.month, first.day, last.month, last.day) == (
        1,
        1,
        12,
        31,
    ):
        text = str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    else:
        text = _("between %(first)s and %(last)s") % {
            "first": i18n.format_date(first, lang, "long"),
            "last": i18n.format_date(last, lang, "long"),
        }
    if item.time_text:
        text += " " + _("at %(time)s") % {"time": item.time_text}
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _event_text(ev: EventItem, lang: str) -> str:
    _ = i18n.gettext_for(lang)
    parts = [_upper_first(event_label(ev.event_type, lang))]
    where = ev.facility or ev.place
    if where:
        parts.append(_("at %(place)s") % {"place": where + (f" ({ev.unit})" if ev.unit else "")})
    if ev.flight:
        parts.append(_("flight %(flight)s") % {"flight": ev.flight})
    text = " ".join(parts)
    if ev.authority:
        text += "; " + _("authority: %(authority)s") % {"authority": ev.authority}
    if ev.notes:
        text += "; " + ev.notes
    return text


def _fact_text(fact: LegalFactItem, lang: str) -> str:
    text = (
        f"{_upper_first(fact_label(fact.fact_type, lang))}: {fact.value_text or fact.value or ''}"
    )
    if fact.court:
        text += f" ({fact.court})"
    if fact.detail:
        text += f"; {fact.detail}"
    return text


def _statements(summary: Any, key: str, lang: str) -> list[Statement]:
    events, facts, _gaps = SOURCES_OF[key]
    sources = {s.id: s for s in summary.sources}

    def published(source_id: int) -> str:
        src = sources.get(source_id)
        return i18n.format_date(src.published_on, lang, "long") if src and src.published_on else ""

    out = [
        Statement(_event_text(e, lang), when(e, lang), e.source_title, published(e.source_id))
        for e in summary.timeline.events
        if e.event_type in events
    ]
    out += [
        Statement(_fact_text(f, lang), when(f, lang), f.source_title, published(f.source_id))
        for f in summary.legal_facts
        if f.fact_type in facts and f.value not in ("unknown",)
    ]
    return out


def _gap_sentences(summary: Any, key: str, lang: str) -> tuple[list[str], list[str]]:
    """(what is not known, notes) for item ``key`` from the register gap report."""
    _ = i18n.gettext_for(lang)
    wanted = SOURCES_OF[key][2]
    unknown, notes = [], []
    for gap in summary.gaps:
        if gap.field not in wanted:
            continue
        holder = _(gap.holder)
        if gap.status == "unknown":
            text = _("The register does not know: %(what)s.") % {"what": _(gap.label).lower()}
        elif gap.status == "partial":
            text = _("The register knows this only in part: %(what)s.") % {
                "what": _(gap.label).lower()
            }
        else:
            if gap.status == "not_applicable" and gap.note:
                notes.append(_upper_first(gap.note) + ".")
            continue
        if gap.note:
            text += " " + _upper_first(gap.note) + "."
        text += " " + _("The authority that should hold it: %(holder)s.") % {"holder": holder}
        unknown.append(text)
    return unknown, notes


def whereabouts_sentence(w: Any, lang: str) -> str:
    """The last known whereabouts (:class:`habeas.trace.Whereabouts`) in one sentence of
    ``lang``, with the date in words and the source."""
    _ = i18n.gettext_for(lang)
    last = w.evidence[-1] if w.evidence else None
    if last is None or w.status == "unknown":
        return _("The register does not know where the person is.")
    values = {
        "place": w.facility or w.place or _("a place the register does not name"),
        "date": when(last, lang) or _("an unknown date"),
        "source": last.source_title,
        "days": w.days_since if w.days_since is not None else "?",
    }
    texts = {
        "located": N_(
            "The register last places the person at %(place)s (%(date)s; source: %(source)s)."
        ),
        "unaccounted_for": N_(
            "The register last places the person at %(place)s (%(date)s; source: "
            "%(source)s); nothing has confirmed where the person is in the %(days)s days since."
        ),
        "released": N_("The register records the person's release (%(date)s; source: %(source)s)."),
        "deceased": N_("The register records the person's death (%(date)s; source: %(source)s)."),
    }
    if w.status not in texts:
        return _("The register does not know where the person is.")
    return _(texts[w.status]) % values


def _no_person_items(lang: str) -> list[LetterItem]:
    _ = i18n.gettext_for(lang)
    return [
        LetterItem(
            key,
            _(text),
            unknown=[
                _(
                    "The register holds no person we could confirm as the one you asked "
                    "about, so it knows nothing of this."
                )
            ],
        )
        for key, text in ARTICLE_18.items()
    ]


def build_letter(
    store: Store,
    inquiry_id: int,
    reader: Reader | None,
    *,
    lang: str | None = None,
    register: str | None = None,
) -> Letter:
    """The answer letter of an inquiry (see the module doc); ``lang``: the inquiry's own
    language unless given. Needs the ``dossier`` permission."""
    from habeas.trace import person_summary

    if reader is not None:
        policy.require(reader.role, "dossier")
    inquiry = get_inquiry(store, inquiry_id, reader)
    if inquiry.sought is None:
        raise PurposeRequired(
            f"Inquiry {inquiry_id} is {inquiry.sensitivity}: answering it needs a stated purpose."
        )
    lang = i18n.check_language(lang or inquiry.language)
    _ = i18n.gettext_for(lang)
    sought_name = inquiry.sought.name or inquiry.sought.identifier or inquiry.sought.dob or ""
    base: dict[str, Any] = {
        "inquiry_id": inquiry_id,
        "lang": lang,
        "written_on": date.today(),
        "received_on": inquiry.created_at.date(),
        "sought_name": sought_name,
        "register": register or "",
    }
    if inquiry.person_id is None:
        return Letter(
            **base,
            person_found=False,
            person_name=None,
            whereabouts=_("The register does not know where the person is."),
            items=_no_person_items(lang),
            withheld=0,
        )
    person_id = _current(store, inquiry.person_id)
    summary = person_summary(store, person_id, lang=lang, reader=reader, action="dossier")
    summary.protected = []  # never in a document that leaves the register
    if not summary.records and summary.withheld:
        raise policy.PermissionDenied(
            "dossier",
            reader.role if reader else None,
            f"Every record of person {person_id} is at a level you may not put in a letter.",
        )
    withheld = int(str(summary.withheld.get("total", 0))) if summary.withheld else 0
    items = []
    for key, text in ARTICLE_18.items():
        unknown, notes = _gap_sentences(summary, key, lang)
        items.append(LetterItem(key, _(text), _statements(summary, key, lang), unknown, notes))
    w = summary.whereabouts
    return Letter(
        **base,
        person_found=bool(summary.records),
        person_name=summary.display_name if summary.records else None,
        whereabouts=whereabouts_sentence(w, lang),
        items=items,
        withheld=withheld,
    )


def _current(store: Store, person_id: int) -> int:
    """The confirmed person, or the one holding their records now if linkage merged them."""
    from habeas.store.person_ids import resolve

    asked = resolve(store, person_id)
    if not asked.current and asked.survivor is not None:
        return int(asked.survivor)
    return person_id


def render_letter(letter: Letter) -> str:
    from habeas.report import render

    return render.render_html("inquiry_letter.html", letter.lang, letter=letter)


def write_letter(
    store: Store,
    inquiry_id: int,
    path: Path,
    reader: Reader | None,
    *,
    lang: str | None = None,
    fmt: str | None = None,
    register: str | None = None,
) -> tuple[Path, Letter]:
    """Build the letter, write it (HTML or PDF) and record a ``letter`` event."""
    from habeas.inquiry.model import may_edit
    from habeas.report import render

    letter = build_letter(store, inquiry_id, reader, lang=lang, register=register)
    written = render.write(render_letter(letter), path, fmt)
    actor = reader.user if reader is not None else may_edit(None)
    _append(
        store,
        inquiry_id,
        actor,
        "letter",
        {
            "language": letter.lang,
            "person_id": None if not letter.person_found else _person_of(store, inquiry_id),
            "format": (fmt or path.suffix.lstrip(".") or "pdf").lower(),
            "known": sum(1 for i in letter.items if i.holds),
        },
    )
    return written, letter


def _person_of(store: Store, inquiry_id: int) -> int | None:
    from habeas.inquiry.read import load_state

    return load_state(store, inquiry_id).person_id
