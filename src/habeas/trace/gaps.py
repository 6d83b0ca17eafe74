"""The register gap report: what the law requires a register to hold, and what nobody recorded.

Fields follow ICPPED art. 17(3) and 18(1) and the Body of Principles 12 and 16
(see ``/shared/reference/register-law.md``). Each field of a person is
``known``, ``partial`` (e.g. a date without the required time of day),
``unknown``, or ``not_applicable`` (death circumstances when no death is
recorded). The evidence is the events and legal facts that make a field known;
``holder`` names the authority that the law expects to hold the information.

A field still missing (unknown or partial) names the legal actions that asked an
authority for it (``requested_by``): a habeas petition or amparo asks the court to
make the custodian state where, on what grounds and on whose order the person is
held; a communication to the UN Working Group on Enforced Disappearances or an
urgent action of the Committee on Enforced Disappearances asks the State for the
person's fate and whereabouts; IACHR precautionary measures for their life and
integrity (:data:`GAP_ACTIONS`; only actions filed, not drafts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date

from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.i18n import check_language, translator
from habeas.messages import N_
from habeas.store.db import Store
from habeas.trace.facts import load_person
from habeas.trace.items import EventItem, LegalFactItem, PersonFacts, event_label


@dataclass
class Gap:
    field: str
    label: str
    legal_basis: str
    status: str  # known, partial, unknown, not_applicable
    known: bool
    holder: str
    evidence: list[str] = dc_field(default_factory=list)
    note: str = ""
    requested_by: list[str] = dc_field(default_factory=list)  # legal actions that asked for it
    requested_ids: list[int] = dc_field(default_factory=list)


_COURT = ("habeas_petition", "amparo")
_UN = ("wgeid_communication", "ced_urgent_action")
_WHEREABOUTS = (*_COURT, *_UN, "iachr_precautionary")
#: Register field -> the kinds of legal action that ask an authority for it.
GAP_ACTIONS: dict[str, tuple[str, ...]] = {
    "ordering_authority": (*_COURT, *_UN),
    "grounds": (*_COURT, *_UN),
    "deprivation": (*_COURT, *_UN),
    "arresting_authority": (*_COURT, *_UN),
    "supervising_authority": (*_COURT, *_UN),
    "place_of_detention": _WHEREABOUTS,
    "admission": (*_COURT, *_UN),
    "place_authority": _WHEREABOUTS,
    "health": (*_UN, "iachr_precautionary"),
    "transfers": _WHEREABOUTS,
    "release": _WHEREABOUTS,
    "death": (*_UN, "iachr_precautionary"),
    "hearing": _COURT,
    "family_notification": _UN,
}


def requested(person: PersonFacts, name: str, lang: str) -> tuple[list[str], list[int]]:
    """The filed actions of the person that asked an authority for field ``name``."""
    kinds = GAP_ACTIONS.get(name, ())
    found = [a for a in person.actions if a.kind in kinds and a.status != "draft"]
    found.sort(key=lambda a: (a.filed_on or date.max, a.id))
    return [a.describe(lang) for a in found], [a.id for a in found]


Check = Callable[[PersonFacts, str], tuple[str, list[str], str]]


def _cite(items: list[EventItem] | list[LegalFactItem], lang: str = "en") -> list[str]:
    return [f"{i.describe(lang)} [{i.source_title} #{i.record_key}]" for i in items]


def _identity(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
    _ = translator(lang).gettext
    named = [
        f"{r.full_name or ' '.join(r.given_names + r.surnames)} [{r.source_title} #{r.record_key}]"
        for r in p.records
        if r.full_name or r.given_names
    ]
    ids = [
        f"{_(ID_TYPE_LABELS.get(i['type'], i['type']))} {i['value'] or i['as_written']} "
        f"[{r.source_title} #{r.record_key}]"
        for r in p.records
        for i in r.identifiers
        if i["valid"]
    ]
    dob = any(r.date_of_birth for r in p.records)
    if named and (ids or dob):
        return "known", named + ids, ""
    if named or ids:
        return (
            "partial",
            named + ids,
            _(
                "a name or a document number, but not both a "
                "name and a date of birth or document number"
            ),
        )
    return "unknown", [], ""


def _fact(fact_type: str, exclude: tuple[str, ...] = ("unknown",)) -> Check:
    def check(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
        _ = translator(lang).gettext
        facts = [f for f in p.facts_of(fact_type) if f.value not in exclude]
        return ("known" if facts else "unknown"), _cite(facts, lang), ""

    return check


def _event_field(types: tuple[str, ...], attr: str, need_time: bool = False) -> Check:
    def check(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
        _ = translator(lang).gettext
        evs = [e for e in p.events_of(*types) if getattr(e, attr)]
        if not evs:
            return (
                "unknown",
                [],
                _(NO_FIELD[attr]) % {"types": " / ".join(event_label(t, lang) for t in types)},
            )
        if need_time and not any(e.occurred_at for e in evs):
            return "partial", _cite(evs, lang), _("the date is recorded, the time of day is not")
        return "known", _cite(evs, lang), ""

    return check


def _deprivation(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
    _ = translator(lang).gettext
    evs = p.events_of("apprehension", "detention")
    dated = [e for e in evs if e.when and (e.place or e.facility)]
    if not evs or not any(e.when for e in evs):
        return "unknown", _cite(evs, lang), _("no dated apprehension or detention is recorded")
    if not dated:
        return "partial", _cite(evs, lang), _("a date but no place")
    if not any(e.occurred_at for e in dated):
        return "partial", _cite(dated, lang), _("date and place recorded, the time is not")
    return "known", _cite(dated, lang), ""


def _place_authority(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
    _ = translator(lang).gettext
    evs = p.events_of("admission", "detention", "cell_assignment")
    stated = [e for e in evs if e.authority]
    if stated:
        return "known", _cite(stated, lang), ""
    by_facility = [
        _("%(facility)s: %(authority)s (facility register)")
        % {"facility": e.facility, "authority": p.facility_authority[e.facility_id]}
        for e in evs
        if e.facility_id in p.facility_authority
    ]
    if by_facility:
        return (
            "partial",
            sorted(set(by_facility)),
            _("known only from the facility's description, not from a record of this person"),
        )
    return "unknown", [], ""


def _transfers(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
    _ = translator(lang).gettext
    evs = p.events_of("transfer", "removal_flight")
    if not evs:
        return (
            "unknown",
            [],
            _("no transfer or removal is recorded; if there was none, the register should say so"),
        )
    complete = [e for e in evs if (e.facility or e.place) and e.authority]
    if len(complete) == len(evs):
        return "known", _cite(evs, lang), ""
    if any(e.facility or e.place for e in evs):
        return (
            "partial",
            _cite(evs, lang),
            (
                _("destination recorded; the authority responsible for the transfer is not")
                if not complete
                else _("some transfers lack destination or authority")
            ),
        )
    return "unknown", _cite(evs, lang), _("neither destination nor authority recorded")


def _release(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
    _ = translator(lang).gettext
    evs = p.events_of("release", "repatriation")
    if evs:
        placed = [e for e in evs if e.when and (e.place or e.facility)]
        return (
            ("known" if placed else "partial"),
            _cite(evs, lang),
            "" if placed else _("no date or place"),
        )
    if p.events_of("death"):
        return "not_applicable", [], _("a death is recorded")
    return "unknown", [], _("no release is recorded (the person may still be held)")


def _death(p: PersonFacts, lang: str = "en") -> tuple[str, list[str], str]:
    _ = translator(lang).gettext
    evs = p.events_of("death")
    if not evs:
        return "not_applicable", [], _("no death is recorded")
    told = [e for e in evs if e.notes or e.place or e.facility]
    if told and any(e.notes for e in evs):
        return "known", _cite(evs, lang), ""
    return (
        "partial",
        _cite(evs, lang),
        _(
            "the death is recorded; its circumstances, cause "
            "and the destination of the remains are not"
        ),
    )


NO_FIELD = {
    "authority": N_("no %(types)s records its authority"),
    "facility": N_("no %(types)s records its facility"),
    "date": N_("no %(types)s records its date"),
}

_STATE = "the State that deprived the person of liberty"
FIELDS: list[tuple[str, str, str, str, Check]] = [
    ("identity", "Identity", "ICPPED 17(3)(a)", _STATE, _identity),
    (
        "ordering_authority",
        "Authority that ordered the deprivation of liberty",
        "ICPPED 17(3)(c), 18(1)(a)",
        "the ordering authority (e.g. DHS / ICE for a removal)",
        _fact("ordering_authority"),
    ),
    (
        "grounds",
        "Grounds (legal basis) for the deprivation of liberty",
        "ICPPED 17(3)(c); Body of Principles 12(1)(a)",
        "the ordering authority",
        _fact("legal_basis", ("unknown", "none_known")),
    ),
    (
        "deprivation",
        "Date, time and place of deprivation of liberty",
        "ICPPED 17(3)(b), 18(1)(b); Body of Principles 12(1)(b)",
        "the arresting authority",
        _deprivation,
    ),
    (
        "arresting_authority",
        "Authority that deprived the person of liberty",
        "ICPPED 17(3)(b); Body of Principles 12(1)(c)",
        "the arresting authority",
        _event_field(("apprehension", "detention"), "authority"),
    ),
    (
        "supervising_authority",
        "Authority supervising the deprivation of liberty",
        "ICPPED 17(3)(d), 18(1)(c)",
        _STATE,
        _fact("supervising_authority"),
    ),
    (
        "place_of_detention",
        "Place of deprivation of liberty",
        "ICPPED 17(3)(e), 18(1)(d); Body of Principles 12(1)(d)",
        "the authority responsible for the place of detention",
        _event_field(("admission", "detention", "cell_assignment"), "facility"),
    ),
    (
        "admission",
        "Date and time of admission to the place of detention",
        "ICPPED 17(3)(e), 18(1)(b); Body of Principles 12(1)(b)",
        "the authority responsible for the place of detention",
        _event_field(("admission",), "date", need_time=True),
    ),
    (
        "place_authority",
        "Authority responsible for the place of detention",
        "ICPPED 17(3)(e)",
        "the authority responsible for the place of detention",
        _place_authority,
    ),
    (
        "health",
        "State of health",
        "ICPPED 17(3)(f), 18(1)(f)",
        "the authority responsible for the place of detention",
        _fact("health", ()),
    ),
    (
        "transfers",
        "Transfers: date, destination and authority responsible",
        "ICPPED 17(3)(h), 18(1)(d); Body of Principles 16(1)",
        "the transferring authority",
        _transfers,
    ),
    (
        "release",
        "Date, time and place of release",
        "ICPPED 17(3)(h), 18(1)(e)",
        "the authority responsible for the place of detention",
        _release,
    ),
    (
        "death",
        "Circumstances and cause of death, destination of the remains",
        "ICPPED 17(3)(g), 18(1)(g)",
        "the authority responsible for the place of detention",
        _death,
    ),
    (
        "hearing",
        "Appearance before a judicial or other authority",
        "Body of Principles 11, 12(1)(b)",
        "the courts and the ordering authority",
        _fact("hearing"),
    ),
    (
        "family_notification",
        "Notification of the family (arrest, detention, each transfer)",
        "Body of Principles 16(1); ICPPED 18(1)",
        _STATE,
        _fact("family_notification", ("unknown", "not_notified")),
    ),
]


def compute_gaps(person: PersonFacts, lang: str = "en") -> list[Gap]:
    """Every register field of ``person``; labels and holders stay English ids (translated
    where shown), notes and evidence are in ``lang``."""
    lang = check_language(lang)
    gaps = []
    for name, label, basis, holder, check in FIELDS:
        status, evidence, note = check(person, lang)
        gap = Gap(name, label, basis, status, status == "known", holder, evidence, note)
        if status in ("unknown", "partial"):
            gap.requested_by, gap.requested_ids = requested(person, name, lang)
        gaps.append(gap)
    return gaps


def person_gaps(store: Store, person_id: int, lang: str = "en") -> list[Gap]:
    """Every register field for the person: known, partial, unknown or not applicable."""
    return compute_gaps(load_person(store, person_id), lang)
