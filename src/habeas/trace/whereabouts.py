"""Last known whereabouts: where the register last places a person, how sure, and since when.

Rules (documented here and in ``docs/due-process-rules.md``):

* Only events dated on or before ``as_of`` count (an event whose earliest
  possible day is after ``as_of`` is ignored). ``as_of`` defaults to today.
* A ``disappearance_report`` never confirms where someone is: it is a relative
  saying they do not know.
* The **last confirming event** is the one whose latest possible day is the
  latest (ties: the latest time of day, then the later earliest day).
* ``status``:
  - ``deceased``: a death event is recorded;
  - ``released``: the last confirming event is a release or repatriation;
  - ``unaccounted_for``: the last confirming event is a removal flight,
    transfer or admission and more than ``unaccounted_after_days`` days have
    passed (from its latest possible day to ``as_of``) with nothing confirming
    the person since; also when the only events are disappearance reports;
  - ``located``: otherwise, when a confirming event exists;
  - ``unknown``: nothing recorded at all.
* **Confidence** of the place: start from the best reliability grade among
  the sources of the evidence (A or B: high; C: medium; D, E, F or none: low);
  one step down when the last event's date spans more than 7 days; one step
  up (at most high) when two or more distinct sources agree on the place.
* **Incommunicado**: detention started (the earliest apprehension, detention,
  transfer, removal flight, admission or cell assignment) and no contact is
  recorded since — contact being a ``sighting`` event (the vocabulary's
  "sighting or contact") or a ``counsel`` fact saying counsel of own choice,
  pro bono or state-appointed counsel acts for the person, dated on or after
  the start of detention (a ``denied_access`` counsel fact is not contact).
  A person released or deceased is no longer incommunicado;
  ``contact_recorded`` still says whether any contact was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from habeas.i18n import check_language, format_date, format_number, translator
from habeas.store.db import Store
from habeas.trace.facts import load_person
from habeas.trace.items import EventItem, LegalFactItem, PersonFacts, event_label, to_jsonable

UNACCOUNTED_AFTER = ("removal_flight", "transfer", "admission")
DETENTION_TYPES = (
    "apprehension",
    "detention",
    "transfer",
    "removal_flight",
    "admission",
    "cell_assignment",
)
CONTACT_COUNSEL = ("own_choice", "pro_bono", "state_appointed")
_GRADES = {"A": 2, "B": 2, "C": 1}
_LEVELS = ("low", "medium", "high")


@dataclass
class Whereabouts:
    person_id: int
    as_of: date
    status: str  # located, unaccounted_for, released, deceased, unknown
    place: str | None
    facility: str | None
    unit: str | None
    last_seen: str  # display date of the last confirming event
    last_event_type: str | None
    days_since: int | None
    confidence: str  # high, medium, low (or "none" when nothing is known)
    confidence_reason: str
    evidence: list[EventItem] = field(default_factory=list)
    evidence_sources: list[str] = field(default_factory=list)
    incommunicado: bool = False
    detained_since: str | None = None
    contact_recorded: bool = False
    contact_evidence: list[str] = field(default_factory=list)
    explanation: str = ""

    def to_dict(self) -> dict[str, object]:
        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


def last_known(
    store: Store,
    person_id: int,
    *,
    as_of: date | None = None,
    unaccounted_after_days: int = 30,
    lang: str = "en",
) -> Whereabouts:
    """Where the register last places the person (see the module doc for the rules)."""
    return compute_whereabouts(
        load_person(store, person_id),
        as_of=as_of,
        unaccounted_after_days=unaccounted_after_days,
        lang=lang,
    )


def _last_key(ev: EventItem) -> tuple[date, str, date, int]:
    assert ev.date_latest is not None and ev.date_earliest is not None
    return (
        ev.date_latest,
        ev.occurred_at.isoformat() if ev.occurred_at else "",
        ev.date_earliest,
        ev.id,
    )


def compute_whereabouts(
    person: PersonFacts,
    *,
    as_of: date | None = None,
    unaccounted_after_days: int = 30,
    lang: str = "en",
) -> Whereabouts:
    as_of = as_of or date.today()
    lang = check_language(lang)
    _ = translator(lang).gettext
    dated = [
        e
        for e in person.events
        if e.date_earliest is not None and e.date_latest is not None and e.date_earliest <= as_of
    ]
    confirming = [e for e in dated if e.event_type != "disappearance_report"]
    reports = [e for e in dated if e.event_type == "disappearance_report"]
    w = Whereabouts(
        person.person_id,
        as_of,
        "unknown",
        None,
        None,
        None,
        "",
        None,
        None,
        "none",
        _("nothing is recorded"),
    )
    _incommunicado(w, person, dated, lang)
    if not confirming:
        if reports:
            w.status = "unaccounted_for"
            w.evidence = sorted(reports, key=_last_key)
            w.evidence_sources = sorted({e.source_title for e in reports})
            w.explanation = _(
                "Only reports of disappearance are recorded; no source places the person anywhere."
            )
            w.confidence, w.confidence_reason = _confidence(reports, reports[-1], lang)
        return w
    last = max(confirming, key=_last_key)
    deaths = [e for e in confirming if e.event_type == "death"]
    if deaths:
        last = max(deaths, key=_last_key)
    assert last.date_latest is not None
    agree = [
        e
        for e in confirming
        if e.event_type == last.event_type
        and e.when
        and last.when
        and e.when.overlaps(last.when)
        and (e.facility or e.place) == (last.facility or last.place)
    ]
    w.evidence = sorted(agree, key=_last_key)
    w.evidence_sources = sorted({e.source_title for e in agree})
    w.place = last.place or last.facility
    w.facility, w.unit = last.facility, last.unit
    w.last_seen, w.last_event_type = last.date, last.event_type
    w.days_since = max(0, (as_of - last.date_latest).days)
    w.confidence, w.confidence_reason = _confidence(agree, last, lang)
    what = f"{last.describe(lang)} ({', '.join(w.evidence_sources)})"
    event = event_label(last.event_type, lang)
    if last.event_type == "death":
        w.status = "deceased"
        w.explanation = _("A death is recorded: %(what)s.") % {"what": what}
    elif last.event_type in ("release", "repatriation"):
        w.status = "released"
        w.explanation = _("Last recorded event is a %(event)s: %(what)s.") % {
            "event": event,
            "what": what,
        }
    elif last.event_type in UNACCOUNTED_AFTER and w.days_since > unaccounted_after_days:
        w.status = "unaccounted_for"
        values = {
            "event": event,
            "what": what,
            "days": format_number(w.days_since, lang),
            "threshold": format_number(unaccounted_after_days, lang),
        }
        if last.event_type[0] in "aeiou":
            w.explanation = (
                _(
                    "Last recorded event is an %(event)s (%(what)s); nothing has "
                    "confirmed the person's whereabouts in the %(days)s days since "
                    "(threshold %(threshold)s)."
                )
                % values
            )
        else:
            w.explanation = (
                _(
                    "Last recorded event is a %(event)s (%(what)s); nothing has "
                    "confirmed the person's whereabouts in the %(days)s days since "
                    "(threshold %(threshold)s)."
                )
                % values
            )
    else:
        w.status = "located"
        w.explanation = _("Last recorded event: %(what)s, %(days)s days before %(date)s.") % {
            "what": what,
            "days": format_number(w.days_since, lang),
            "date": format_date(as_of, lang),
        }
    if w.status in ("released", "deceased"):
        w.incommunicado = False
    return w


def _confidence(evidence: list[EventItem], last: EventItem, lang: str = "en") -> tuple[str, str]:
    _ = translator(lang).gettext
    grades = [e.reliability for e in evidence if e.reliability]
    level = max((_GRADES.get(g, 0) for g in grades), default=0)
    best = min(grades) if grades else _("none")
    reasons = [_("best source reliability %(grade)s") % {"grade": best}]
    if last.date_earliest and last.date_latest and (last.date_latest - last.date_earliest).days > 7:
        level = max(0, level - 1)
        span = (last.date_latest - last.date_earliest).days + 1
        reasons.append(_("date spans %(days)s days") % {"days": format_number(span, lang)})
    if len({e.source_id for e in evidence}) >= 2:
        count = len({e.source_id for e in evidence})
        reasons.append(_("%(count)s sources agree") % {"count": format_number(count, lang)})
        level = min(2, level + 1)
    return _LEVELS[level], "; ".join(reasons)


def _incommunicado(
    w: Whereabouts, person: PersonFacts, dated: list[EventItem], lang: str = "en"
) -> None:
    starts = [e for e in dated if e.event_type in DETENTION_TYPES]
    if not starts:
        return
    start = min(starts, key=lambda e: (e.date_earliest, e.id))
    assert start.date_earliest is not None
    w.detained_since = start.date
    contacts: list[str] = []
    for ev in dated:
        if ev.event_type == "sighting" and ev.date_latest and ev.date_latest >= start.date_earliest:
            contacts.append(f"{ev.describe(lang)} ({ev.source_title})")
    for fact in person.facts_of("counsel"):
        if fact.value in CONTACT_COUNSEL and _on_or_after(fact, start.date_earliest, w.as_of):
            contacts.append(f"{fact.describe(lang)} ({fact.source_title})")
    w.contact_recorded = bool(contacts)
    w.contact_evidence = contacts
    w.incommunicado = not contacts


def _on_or_after(fact: LegalFactItem, start: date, as_of: date) -> bool:
    if fact.date_latest is None or fact.date_earliest is None:
        return False  # an undated fact cannot show contact during detention
    return fact.date_latest >= start and fact.date_earliest <= as_of
