"""The register gap report for a group: per legally required field, how many of a group's
persons (those sent on one flight, or to one facility) have it recorded.

Each person's fields are judged as in :mod:`habeas.trace.gaps`; this module counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from habeas.domain.text import fold
from habeas.i18n import format_number, translator
from habeas.store.db import Store
from habeas.store.queries import CURRENT
from habeas.store.schema import CustodyEvent, Facility, Link, Record
from habeas.trace.facts import load_persons
from habeas.trace.gaps import FIELDS, compute_gaps
from habeas.trace.items import event_label, to_jsonable


@dataclass
class GroupGapField:
    field: str
    label: str
    legal_basis: str
    holder: str
    persons: int
    known: int
    partial: int
    unknown: int
    not_applicable: int

    def sentence(self, group: str, lang: str = "en") -> str:
        _ = translator(lang).gettext
        label = _(self.label)
        values = {
            "persons": format_number(self.persons, lang),
            "group": group,
            "known": format_number(self.known, lang),
            "field": label[0].lower() + label[1:],
            "partial": format_number(self.partial, lang),
        }
        if self.partial:
            return str(
                _(
                    "For %(persons)s people %(group)s, %(known)s have a recorded "
                    "%(field)s (%(partial)s partly)."
                )
                % values
            )
        return str(
            _("For %(persons)s people %(group)s, %(known)s have a recorded %(field)s.") % values
        )


@dataclass
class GroupGaps:
    description: str
    persons: int
    person_ids: list[int]
    fields: list[GroupGapField]

    def to_dict(self) -> dict[str, object]:
        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


def group_person_ids(
    store: Store,
    *,
    facility: str | None = None,
    flight: str | None = None,
    event_type: str | None = "removal_flight",
) -> list[int]:
    """Persons with an event of ``event_type`` at ``facility`` / on ``flight`` (current links)."""
    with store.read() as s:
        query = (
            select(CustodyEvent.facility_text, CustodyEvent.flight, Facility.name, Link.person_id)
            .join(Record, Record.id == CustodyEvent.record_id)
            .join(Link, (Link.record_id == Record.id) & CURRENT)
            .outerjoin(Facility, Facility.id == CustodyEvent.facility_id)
        )
        if event_type:
            query = query.where(CustodyEvent.event_type == event_type)
        ids = set()
        for text, flt, name, pid in s.execute(query):
            if facility and fold(facility) not in {fold(text or ""), fold(name or "")}:
                continue
            if flight and fold(flight) != fold(flt or ""):
                continue
            ids.add(pid)
    return sorted(ids)


def group_gaps(
    store: Store,
    *,
    facility: str | None = None,
    flight: str | None = None,
    event_type: str = "removal_flight",
    lang: str = "en",
) -> GroupGaps:
    """Per field: how many of the group's persons have it recorded."""
    ids = group_person_ids(store, facility=facility, flight=flight, event_type=event_type)
    persons = load_persons(store, ids)
    counts: dict[str, dict[str, int]] = {
        f[0]: {"known": 0, "partial": 0, "unknown": 0, "not_applicable": 0} for f in FIELDS
    }
    for person in persons.values():
        for gap in compute_gaps(person, lang):
            counts[gap.field][gap.status] += 1
    _ = translator(lang).gettext
    parts = [
        x
        for x in (
            _("at %(place)s") % {"place": facility} if facility else "",
            _("on flight %(flight)s") % {"flight": flight} if flight else "",
        )
        if x
    ]
    where = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s and %(second)s") % {"first": parts[0], "second": parts[1]}
        if parts
        else ""
    )
    description = _("persons with a %(event)s event") % {"event": event_label(event_type, lang)}
    description += f" {where}" if where else ""
    fields = [
        GroupGapField(name, label, basis, holder, len(persons), **counts[name])
        for name, label, basis, holder, _ in FIELDS
    ]
    return GroupGaps(description, len(persons), sorted(persons), fields)
