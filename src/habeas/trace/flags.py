"""Due-process flags computed from legal facts and events; the rules are data.

The rules live in ``rules/due_process.toml`` (read with :mod:`tomllib`): each
names a *test* implemented below and its parameters, the English and Spanish
titles, and the rule text shown to lawyers (``text``, in Spanish ``text_es``; a flag
carries it in the language it was evaluated in). Every flag carries its status
(``raised``, ``not_raised`` or ``undetermined``), a plain-words explanation
naming the facts and sources, the supporting facts (ids and source titles) and
the facts that point the other way.

A rule may name kinds of legal action (``actions = ["habeas_petition", ...]``): the
flag then cites the person's actions of those kinds (:class:`ActionRef`, and a
sentence in the explanation: "Legal actions on this: habeas corpus petition
25-cv-0766 before ..., filed 20 Mar 2025 (pending)"). Actions are what the
register's users did about it; they never change a flag's status.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from typing import Any

from habeas import i18n
from habeas.i18n import check_language, format_date, format_number, translator
from habeas.i18n_dates import fmt_date
from habeas.store.db import Store
from habeas.trace.facts import load_person
from habeas.trace.items import EventItem, LegalFactItem, PersonFacts, fact_label, to_jsonable
from habeas.trace.timeline import definitely_before

RULES_FILE = "rules/due_process.toml"


@dataclass
class FactRef:
    kind: str  # "event" or "legal_fact"
    id: int
    description: str
    source: str
    record: str


@dataclass
class ActionRef:
    """A legal action cited by a flag or a gap (:mod:`habeas.document.legal_actions`)."""

    id: int
    kind: str
    description: str
    status: str
    filed_on: date | None
    next_date: date | None


@dataclass
class Flag:
    code: str
    title_en: str
    title_es: str
    status: str  # raised, not_raised, undetermined
    raised: bool
    explanation: str
    rule_text: str  # in the language the flag was evaluated in, like the explanation
    supporting: list[FactRef] = field(default_factory=list)
    contrary: list[FactRef] = field(default_factory=list)
    actions: list[ActionRef] = field(default_factory=list)

    def title(self, language: str = "en") -> str:
        return i18n.label(self, language, "title")

    def to_dict(self) -> dict[str, object]:
        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


def load_rules() -> list[dict[str, Any]]:
    """The rules as data (a fresh copy each call; the file is read once per process)."""
    return copy.deepcopy(_read_rules())


@functools.cache
def _read_rules() -> list[dict[str, Any]]:
    text = resources.files("habeas.trace").joinpath(RULES_FILE).read_text("utf-8")
    rules = tomllib.loads(text)["rule"]
    for rule in rules:
        if rule["test"] not in TESTS:
            raise ValueError(f"rule {rule['code']!r}: unknown test {rule['test']!r}")
    return list(rules)


def rule_text(rule: dict[str, Any], lang: str = "en") -> str:
    """The rule's text for lawyers in ``lang`` (the English text where no translation is)."""
    texts = {"text_en": rule["text"], "text_es": rule.get("text_es") or rule["text"]}
    return i18n.label(texts, lang, "text")


def due_process_flags(
    store: Store, person_id: int, *, as_of: date | None = None, lang: str = "en"
) -> list[Flag]:
    """Every rule evaluated for the person, in the order of the rules file."""
    return evaluate(load_person(store, person_id), as_of=as_of, lang=lang)


def evaluate(
    person: PersonFacts,
    *,
    as_of: date | None = None,
    rules: list[dict[str, Any]] | None = None,
    lang: str = "en",
) -> list[Flag]:
    ctx = _Context(person, as_of or date.today(), check_language(lang))
    flags = []
    for rule in rules if rules is not None else load_rules():
        status, why, support, contrary = TESTS[rule["test"]](ctx, rule)
        cited = cite_actions(person, rule.get("actions", []), ctx.lang)
        if cited:
            why += " " + ctx._("Legal actions on this: %(actions)s.") % {
                "actions": "; ".join(a.description for a in cited)
            }
        flags.append(
            Flag(
                rule["code"],
                rule["title_en"],
                rule["title_es"],
                status,
                status == "raised",
                why,
                " ".join(rule_text(rule, ctx.lang).split()),
                support,
                contrary,
                cited,
            )
        )
    return flags


def cite_actions(person: PersonFacts, kinds: list[str], lang: str) -> list[ActionRef]:
    """The person's legal actions of ``kinds``, open ones first, oldest filing first."""
    found = [a for a in person.actions if a.kind in kinds]
    found.sort(key=lambda a: (not a.is_open, a.filed_on or date.max, a.id))
    return [
        ActionRef(a.id, a.kind, a.describe(lang), a.status, a.filed_on, a.next_date) for a in found
    ]


@dataclass
class _Context:
    person: PersonFacts
    as_of: date
    lang: str = "en"

    @property
    def removals(self) -> list[EventItem]:
        return self.person.events_of("removal_flight")

    def _(self, message: str) -> str:
        return str(translator(self.lang).gettext(message))

    def ref(self, item: EventItem | LegalFactItem) -> FactRef:
        kind = "event" if isinstance(item, EventItem) else "legal_fact"
        return FactRef(
            kind,
            item.id,
            item.describe(self.lang),
            item.source_title,
            f"{item.source_title} #{item.record_key}",
        )

    def refs(self, items: list[EventItem] | list[LegalFactItem]) -> list[FactRef]:
        return [self.ref(i) for i in items]

    def cite(self, items: list[EventItem] | list[LegalFactItem]) -> str:
        return "; ".join(f"{i.describe(self.lang)} [{i.source_title}]" for i in items)


Result = tuple[str, str, list[FactRef], list[FactRef]]


def _removed_with_fact(ctx: _Context, rule: dict[str, Any]) -> Result:
    _, cite, refs = ctx._, ctx.cite, ctx.refs
    facts = ctx.person.facts_of(rule["fact_type"])
    hits = [f for f in facts if f.value in rule["values"]]
    others = [f for f in facts if f.value not in rule["values"] and f.value != "unknown"]
    what = fact_label(rule["fact_type"], ctx.lang)
    if not ctx.removals:
        return ("undetermined", _("No removal flight is recorded for this person."), refs(hits), [])
    if hits:
        why = _(
            "Removal recorded: %(removals)s. The %(what)s is stated as %(values)s by: %(facts)s."
        ) % {
            "removals": cite(ctx.removals),
            "what": what,
            "values": ", ".join(sorted({h.value_label(ctx.lang) for h in hits})),
            "facts": cite(hits),
        }
        if others:
            why += " " + _("Other sources state otherwise: %(facts)s.") % {"facts": cite(others)}
        return ("raised", why, refs(ctx.removals) + refs(hits), refs(others))
    if others:
        return (
            "not_raised",
            _("Removal recorded, but the %(what)s is stated only as: %(facts)s.")
            % {"what": what, "facts": cite(others)},
            [],
            refs(others),
        )
    return (
        "undetermined",
        _("Removal recorded (%(removals)s), but no source states the %(what)s.")
        % {"removals": cite(ctx.removals), "what": what},
        refs(ctx.removals),
        [],
    )


def _removed_without(ctx: _Context, rule: dict[str, Any]) -> Result:
    _, cite, refs = ctx._, ctx.cite, ctx.refs
    wanted = [(t, v) for t, v in rule["facts"]]
    clear = [(t, v) for t, v in rule["cleared_by"]]
    hits = [f for t, v in wanted for f in ctx.person.facts_of(t) if f.value == v]
    cleared = {t: [f for f in ctx.person.facts_of(t) if f.value == v] for t, v in clear}
    if not ctx.removals:
        return ("undetermined", _("No removal flight is recorded for this person."), refs(hits), [])
    contrary = [f for fs in cleared.values() for f in fs]
    if hits:
        why = _("Removal recorded: %(removals)s. Sources state: %(facts)s.") % {
            "removals": cite(ctx.removals),
            "facts": cite(hits),
        }
        if contrary:
            why += " " + _("Other sources state: %(facts)s.") % {"facts": cite(contrary)}
        return ("raised", why, refs(ctx.removals) + refs(hits), refs(contrary))
    if all(cleared.values()):
        return (
            "not_raised",
            _("Sources state: %(facts)s.") % {"facts": cite(contrary)},
            [],
            refs(contrary),
        )
    missing = [fact_label(t, ctx.lang) for t, fs in cleared.items() if not fs]
    either = missing[0]
    for other in missing[1:]:
        either = _("%(first)s or %(second)s") % {"first": either, "second": other}
    return (
        "undetermined",
        _("Removal recorded, but no source states whether there was a %(missing)s.")
        % {"missing": either},
        refs(ctx.removals),
        refs(contrary),
    )


def _no_conviction(ctx: _Context, rule: dict[str, Any]) -> Result:
    _, cite, refs = ctx._, ctx.cite, ctx.refs
    facts = ctx.person.facts_of("criminal_record")
    convicted = [f for f in facts if f.value == "convicted"]
    stated = [f for f in facts if f.value in ("none_found", "charged")]
    if convicted:
        return (
            "not_raised",
            _("A conviction is recorded: %(facts)s.") % {"facts": cite(convicted)},
            [],
            refs(convicted),
        )
    if stated:
        return (
            "raised",
            _("No source records a conviction; the criminal record is stated as: %(facts)s.")
            % {"facts": cite(stated)},
            refs(stated),
            [],
        )
    return (
        "undetermined",
        _("No source states the person's criminal record (only 'unknown').")
        if facts
        else _("No source states the person's criminal record."),
        [],
        [],
    )


def _instant(item: EventItem | LegalFactItem, lang: str = "en") -> str:
    """When it happened, in words: the UTC instant when the source gives a time."""
    at: datetime | None = item.occurred_at
    if at:
        return f"{format_date(at.date(), lang, 'medium')} {at:%H:%M} UTC"
    return fmt_date(item.date, lang)


def _removed_after_order(ctx: _Context, rule: dict[str, Any]) -> Result:
    _, cite, ref = ctx._, ctx.cite, ctx.ref
    orders = [f for f in ctx.person.facts_of("court_order") if f.value == rule["order"]]
    if not orders:
        return (
            "undetermined" if not ctx.removals else "not_raised",
            _("No such court order is recorded for this person."),
            [],
            [],
        )
    if not ctx.removals:
        return (
            "undetermined",
            _("Order recorded (%(orders)s) but no removal flight.") % {"orders": cite(orders)},
            ctx.refs(orders),
            [],
        )
    arrivals = ctx.person.events_of("admission") if rule.get("arrival_counts") else []
    raised: list[str] = []
    support: list[FactRef] = []
    unclear: list[str] = []
    before: list[str] = []
    for order in orders:
        for ev in ctx.removals:
            after = definitely_before(order, ev)
            pair = _(
                "order %(order)s [%(order_source)s] at %(order_time)s; departure "
                "%(flight)s [%(flight_source)s] at %(flight_time)s"
            ) % {
                "order": order.describe(ctx.lang),
                "order_source": order.source_title,
                "order_time": _instant(order, ctx.lang),
                "flight": ev.describe(ctx.lang),
                "flight_source": ev.source_title,
                "flight_time": _instant(ev, ctx.lang),
            }
            if after:
                raised.append(_("the flight departed after the order (%(pair)s)") % {"pair": pair})
                support += [ref(order), ref(ev)]
                continue
            later = [
                a
                for a in arrivals
                if definitely_before(ev, a) is not False and definitely_before(order, a)
            ]
            if later:
                raised.append(
                    _(
                        "the flight departed before the order but the person was "
                        "admitted at the destination after it (%(pair)s; admission "
                        "%(admissions)s)"
                    )
                    % {"pair": pair, "admissions": cite(later)}
                )
                support += [ref(order), ref(ev)] + [ref(a) for a in later]
            elif after is None:
                unclear.append(pair)
            else:
                before.append(pair)
    if raised:
        return (
            "raised",
            _("Removed after the order: %(reasons)s.") % {"reasons": "; ".join(raised)},
            support,
            [],
        )
    if unclear:
        return (
            "undetermined",
            _(
                "The order of the court order and the removal cannot be "
                "told from the sources (same day without both times, or "
                "undated): %(pairs)s."
            )
            % {"pairs": "; ".join(unclear)},
            [],
            [],
        )
    return (
        "not_raised",
        _("The removal came before the order: %(pairs)s.") % {"pairs": "; ".join(before)},
        [],
        [],
    )


def _beyond_term(ctx: _Context, rule: dict[str, Any]) -> Result:
    _, ref = ctx._, ctx.ref
    terms = ctx.person.facts_of("detention_term")
    starts = [
        e
        for e in ctx.person.events_of("admission", "detention", "apprehension")
        if e.date_latest is not None
    ]
    if not terms or not starts:
        return (
            "undetermined",
            _("No stated term of detention is recorded.")
            if not terms
            else _("A term is stated but no start of detention is recorded."),
            ctx.refs(terms),
            [],
        )
    start = min(starts, key=lambda e: (e.date_latest, e.id))
    assert start.date_latest is not None
    ends = [
        e
        for e in ctx.person.events_of("release", "repatriation", "death")
        if e.date_earliest is not None
    ]
    end_ev = min(ends, key=lambda e: (e.date_earliest, e.id)) if ends else None
    end = end_ev.date_earliest if end_ev and end_ev.date_earliest else ctx.as_of
    term = min(terms, key=lambda t: int(t.value or 0))
    days, held = int(term.value or 0), (end - start.date_latest).days
    if end_ev:
        ended = _("until %(event)s [%(source)s]") % {
            "event": end_ev.describe(ctx.lang),
            "source": end_ev.source_title,
        }
    else:
        ended = _("and no release is recorded as of %(date)s") % {
            "date": format_date(ctx.as_of, ctx.lang)
        }
    why = _(
        "Stated term %(term)s (%(days)s days) [%(source)s]; held from %(start)s "
        "[%(start_source)s] %(ended)s: at least %(held)s days."
    ) % {
        "term": repr(term.value_text),
        "days": format_number(days, ctx.lang),
        "source": term.source_title,
        "start": start.describe(ctx.lang),
        "start_source": start.source_title,
        "ended": ended,
        "held": format_number(held, ctx.lang),
    }
    support = [ref(term), ref(start)] + ([ref(end_ev)] if end_ev else [])
    if held > days:
        return ("raised", why, support, [])
    return ("not_raised", why, [], support)


TESTS: dict[str, Callable[[_Context, dict[str, Any]], Result]] = {
    "removed_with_fact": _removed_with_fact,
    "removed_without": _removed_without,
    "no_conviction": _no_conviction,
    "removed_after_order": _removed_after_order,
    "beyond_term": _beyond_term,
}
