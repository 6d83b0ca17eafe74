"""What of one person a reader may see: records, events, facts, sources, files, incidents.

:func:`restrict` takes everything the register holds about a person
(:class:`habeas.trace.items.PersonFacts`) and keeps what the reader may reach with
an action (``view``, ``dossier``); the rest is counted in a
:class:`habeas.access.reader.Withheld`. Events and legal facts go with their
record; a source is shown when one of its records is; a stored file by its own
level; an incident by its own level and a visible victim record. The protected
values of each record (the relative who reported, a witness) are opened only for
readers cleared for ``witness_protected``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from habeas.access import policy
from habeas.access.levels import levels_of, protected_of
from habeas.access.reader import Reader, Withheld
from habeas.store.db import Store
from habeas.store.schema import IncidentVictim
from habeas.trace.items import PersonFacts


@dataclass
class ProtectedValues:
    """The reporter's / witness's identity stated on one record (witness_protected)."""

    record_id: int
    record_key: str
    source_title: str
    values: dict[str, dict[str, str]]  # field -> {"header": ..., "value": ...}


@dataclass
class Visible:
    person: PersonFacts
    withheld: Withheld
    shown: Counter[str]  # items shown, by level
    protected: list[ProtectedValues] = field(default_factory=list)


def restrict(store: Store, person: PersonFacts, reader: Reader, action: str = "view") -> Visible:
    from habeas.crypto.fields import open_json

    withheld = Withheld()
    shown: Counter[str] = Counter()
    with store.read() as s:
        rec_levels = levels_of(s, "record", [r.id for r in person.records])
        file_levels = levels_of(
            s, "file", [f.sha256 for src in person.sources.values() for f in src.files]
        )
        sealed = protected_of(s, rec_levels)
        victims: dict[int, set[int]] = {}
        if person.incident_ids:
            for iid, rid in s.execute(
                select(IncidentVictim.incident_id, IncidentVictim.record_id).where(
                    IncidentVictim.incident_id.in_(person.incident_ids)
                )
            ):
                victims.setdefault(iid, set()).add(rid)
        incident_levels = levels_of(s, "incident", person.incident_ids)

    keep: set[int] = set()
    for rec in person.records:
        level = rec_levels.get(rec.id, policy.RESTRICTED)
        reason = reader.why_not(level, action)
        if reason is None:
            keep.add(rec.id)
            shown[level] += 1
        else:
            withheld.add("records", level, reason)
    records = [r for r in person.records if r.id in keep]

    protected: list[ProtectedValues] = []
    for rec in records:
        if rec.id not in sealed:
            continue
        reason = reader.why_not(policy.WITNESS_PROTECTED, action)
        if reason is not None:
            withheld.add("protected values", policy.WITNESS_PROTECTED, reason)
            continue
        protected.append(
            ProtectedValues(
                rec.id, rec.record_key, rec.source_title, open_json(store, sealed[rec.id])
            )
        )
        shown[policy.WITNESS_PROTECTED] += 1

    source_ids = {r.source_id for r in records}
    sources = {}
    for sid, src in person.sources.items():
        if sid not in source_ids:
            continue
        files = []
        for f in src.files:
            level = file_levels.get(f.sha256, policy.RESTRICTED)
            reason = reader.why_not(level, action)
            if reason is None:
                files.append(f)
            else:
                withheld.add("files", level, reason)
        sources[sid] = replace(src, files=files)
    dropped_sources = len({sid for sid in person.sources} - source_ids)
    if dropped_sources:
        withheld.counts["sources"] += dropped_sources

    incidents = []
    for iid in person.incident_ids:
        level = incident_levels.get(iid, policy.RESTRICTED)
        reason = reader.why_not(level, action)
        if reason is None and victims.get(iid, set()) & keep:
            incidents.append(iid)
            shown[level] += 1
        else:
            withheld.add("incidents", level, reason or "level")

    actions = []
    for act in person.actions:
        reason = reader.why_not(act.sensitivity, action)
        if reason is None:
            actions.append(act)
            shown[act.sensitivity] += 1
        else:
            withheld.add("legal actions", act.sensitivity, reason)

    visible = PersonFacts(
        person.person_id,
        records=records,
        events=[e for e in person.events if e.record_id in keep],
        facts=[f for f in person.facts if f.record_id in keep],
        sources=sources,
        incident_ids=incidents,
        facility_authority=dict(person.facility_authority),
        actions=actions,
    )
    return Visible(visible, withheld, shown, protected)
