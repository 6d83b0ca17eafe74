"""Due-process flags computed from legal facts and events; the rules are data.

The rules live in ``rules/due_process.toml`` (read with :mod:`tomllib`): each
names a *test* implemented below and its parameters, the English and Spanish
titles, and the rule text shown to lawyers. Every flag carries its status
(``raised``, ``not_raised`` or ``undetermined``), a plain-words explanation
naming the facts and sources, the supporting facts (ids and source titles) and
the facts that point the other way.
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

from habeas.store.db import Store
from habeas.trace.facts import EventItem, LegalFactItem, PersonFacts, load_person, to_jsonable
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
class Flag:
    code: str
    title_en: str
    title_es: str
    status: str  # raised, not_raised, undetermined
    raised: bool
    explanation: str
    rule_text: str
    supporting: list[FactRef] = field(default_factory=list)
    contrary: list[FactRef] = field(default_factory=list)

    def title(self, language: str = "en") -> str:
        return self.title_es if language == "es" else self.title_en

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


def due_process_flags(store: Store, person_id: int, *, as_of: date | None = None) -> list[Flag]:
    """Every rule evaluated for the person, in the order of the rules file."""
    return evaluate(load_person(store, person_id), as_of=as_of)


def evaluate(person: PersonFacts, *, as_of: date | None = None,
             rules: list[dict[str, Any]] | None = None) -> list[Flag]:
    ctx = _Context(person, as_of or date.today())
    flags = []
    for rule in rules if rules is not None else load_rules():
        status, why, support, contrary = TESTS[rule["test"]](ctx, rule)
        flags.append(Flag(rule["code"], rule["title_en"], rule["title_es"], status,
                          status == "raised", why, " ".join(rule["text"].split()),
                          support, contrary))
    return flags


@dataclass
class _Context:
    person: PersonFacts
    as_of: date

    @property
    def removals(self) -> list[EventItem]:
        return self.person.events_of("removal_flight")


Result = tuple[str, str, list[FactRef], list[FactRef]]


def _ref(item: EventItem | LegalFactItem) -> FactRef:
    kind = "event" if isinstance(item, EventItem) else "legal_fact"
    return FactRef(kind, item.id, item.describe(), item.source_title,
                   f"{item.source_title} #{item.record_key}")


def _cite(items: list[EventItem] | list[LegalFactItem]) -> str:
    return "; ".join(f"{i.describe()} [{i.source_title}]" for i in items)


def _removed_with_fact(ctx: _Context, rule: dict[str, Any]) -> Result:
    facts = ctx.person.facts_of(rule["fact_type"])
    hits = [f for f in facts if f.value in rule["values"]]
    others = [f for f in facts if f.value not in rule["values"] and f.value != "unknown"]
    what = rule["fact_type"].replace("_", " ")
    if not ctx.removals:
        return ("undetermined", "No removal flight is recorded for this person.",
                [_ref(f) for f in hits], [])
    if hits:
        why = (f"Removal recorded: {_cite(ctx.removals)}. The {what} is stated as "
               f"{', '.join(sorted({h.value or '' for h in hits}))} by: {_cite(hits)}.")
        if others:
            why += f" Other sources state otherwise: {_cite(others)}."
        return ("raised", why, [_ref(e) for e in ctx.removals] + [_ref(f) for f in hits],
                [_ref(f) for f in others])
    if others:
        return ("not_raised", f"Removal recorded, but the {what} is stated only as: "
                f"{_cite(others)}.", [], [_ref(f) for f in others])
    return ("undetermined", f"Removal recorded ({_cite(ctx.removals)}), but no source states "
            f"the {what}.", [_ref(e) for e in ctx.removals], [])


def _removed_without(ctx: _Context, rule: dict[str, Any]) -> Result:
    wanted = [(t, v) for t, v in rule["facts"]]
    clear = [(t, v) for t, v in rule["cleared_by"]]
    hits = [f for t, v in wanted for f in ctx.person.facts_of(t) if f.value == v]
    cleared = {t: [f for f in ctx.person.facts_of(t) if f.value == v] for t, v in clear}
    if not ctx.removals:
        return ("undetermined", "No removal flight is recorded for this person.",
                [_ref(f) for f in hits], [])
    contrary = [f for fs in cleared.values() for f in fs]
    if hits:
        why = f"Removal recorded: {_cite(ctx.removals)}. Sources state: {_cite(hits)}."
        if contrary:
            why += f" Other sources state: {_cite(contrary)}."
        return ("raised", why, [_ref(e) for e in ctx.removals] + [_ref(f) for f in hits],
                [_ref(f) for f in contrary])
    if all(cleared.values()):
        return ("not_raised", f"Sources state: {_cite(contrary)}.", [],
                [_ref(f) for f in contrary])
    missing = [t for t, fs in cleared.items() if not fs]
    return ("undetermined", f"Removal recorded, but no source states whether there was a "
            f"{' or '.join(missing)}.", [_ref(e) for e in ctx.removals],
            [_ref(f) for f in contrary])


def _no_conviction(ctx: _Context, rule: dict[str, Any]) -> Result:
    facts = ctx.person.facts_of("criminal_record")
    convicted = [f for f in facts if f.value == "convicted"]
    stated = [f for f in facts if f.value in ("none_found", "charged")]
    if convicted:
        return ("not_raised", f"A conviction is recorded: {_cite(convicted)}.", [],
                [_ref(f) for f in convicted])
    if stated:
        return ("raised", f"No source records a conviction; the criminal record is stated as: "
                f"{_cite(stated)}.", [_ref(f) for f in stated], [])
    return ("undetermined", "No source states the person's criminal record"
            + (" (only 'unknown')." if facts else "."), [], [])


def _order_before(order: LegalFactItem, ev: EventItem) -> bool | None:
    """True when the order definitely came before the event, False when definitely not."""
    if order.occurred_at is not None and ev.occurred_at is not None:
        return order.occurred_at < ev.occurred_at
    ow, ew = order.when, ev.when
    if ow is None or ew is None:
        return None
    if ow.definitely_before(ew):
        return True
    if ew.definitely_before(ow):
        return False
    return None


def _instant(item: EventItem | LegalFactItem) -> str:
    at: datetime | None = item.occurred_at
    return f"{item.date} {at:%H:%M} UTC" if at else item.date


def _removed_after_order(ctx: _Context, rule: dict[str, Any]) -> Result:
    orders = [f for f in ctx.person.facts_of("court_order") if f.value == rule["order"]]
    if not orders:
        return ("undetermined" if not ctx.removals else "not_raised",
                "No such court order is recorded for this person.", [], [])
    if not ctx.removals:
        return ("undetermined", f"Order recorded ({_cite(orders)}) but no removal flight.",
                [_ref(f) for f in orders], [])
    arrivals = ctx.person.events_of("admission") if rule.get("arrival_counts") else []
    raised: list[str] = []
    support: list[FactRef] = []
    unclear: list[str] = []
    before: list[str] = []
    for order in orders:
        for ev in ctx.removals:
            after = _order_before(order, ev)
            pair = (f"order {order.describe()} [{order.source_title}] at {_instant(order)}; "
                    f"departure {ev.describe()} [{ev.source_title}] at {_instant(ev)}")
            if after:
                raised.append(f"the flight departed after the order ({pair})")
                support += [_ref(order), _ref(ev)]
                continue
            later = [a for a in arrivals if definitely_before(ev, a) is not False
                     and _order_before(order, a)]
            if later:
                raised.append(f"the flight departed before the order but the person was "
                              f"admitted at the destination after it ({pair}; admission "
                              f"{_cite(later)})")
                support += [_ref(order), _ref(ev)] + [_ref(a) for a in later]
            elif after is None:
                unclear.append(pair)
            else:
                before.append(pair)
    if raised:
        return ("raised", "Removed after the order: " + "; ".join(raised) + ".", support, [])
    if unclear:
        return ("undetermined", "The order of the court order and the removal cannot be told "
                "from the sources (same day without both times, or undated): "
                + "; ".join(unclear) + ".", [], [])
    return ("not_raised", "The removal came before the order: " + "; ".join(before) + ".",
            [], [])


def _beyond_term(ctx: _Context, rule: dict[str, Any]) -> Result:
    terms = ctx.person.facts_of("detention_term")
    starts = [e for e in ctx.person.events_of("admission", "detention", "apprehension")
              if e.date_latest is not None]
    if not terms or not starts:
        return ("undetermined", "No stated term of detention is recorded." if not terms else
                "A term is stated but no start of detention is recorded.",
                [_ref(t) for t in terms], [])
    start = min(starts, key=lambda e: (e.date_latest, e.id))
    assert start.date_latest is not None
    ends = [e for e in ctx.person.events_of("release", "repatriation", "death")
            if e.date_earliest is not None]
    end_ev = min(ends, key=lambda e: (e.date_earliest, e.id)) if ends else None
    end = end_ev.date_earliest if end_ev and end_ev.date_earliest else ctx.as_of
    term = min(terms, key=lambda t: int(t.value or 0))
    days, held = int(term.value or 0), (end - start.date_latest).days
    ended = f"until {end_ev.describe()} [{end_ev.source_title}]" if end_ev else \
        f"and no release is recorded as of {ctx.as_of}"
    why = (f"Stated term {term.value_text!r} ({days} days) [{term.source_title}]; held from "
           f"{start.describe()} [{start.source_title}] {ended}: at least {held} days.")
    support = [_ref(term), _ref(start)] + ([_ref(end_ev)] if end_ev else [])
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
