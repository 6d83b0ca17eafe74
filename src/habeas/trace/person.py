"""Everything about one person in one plain dataclass tree: what the dossier and the web UI render.

``person_summary(store, person_id).to_dict()`` is JSON-serialisable (dates as
ISO 8601 text). Identity is given **per field with provenance**: every variant
of a name, date of birth, document number, sex and nationality, each with the
source and record it came from — variants are never merged into one "true"
value.

With ``reader=`` (every face passes one, see :mod:`habeas.access.reader`), the
summary holds only what that reader may see (:mod:`habeas.trace.visible`):
``withheld`` says how much was kept back and why, ``protected`` carries the
reporters' and witnesses' identities for readers cleared for them, and a read
that showed restricted data is written to the change log with its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from habeas.access.reader import Reader
from habeas.document.legal_actions import LegalAction
from habeas.i18n import check_language
from habeas.store.db import Store
from habeas.trace.facts import load_person
from habeas.trace.flags import Flag, evaluate
from habeas.trace.gaps import Gap, compute_gaps
from habeas.trace.items import LegalFactItem, PersonFacts, RecordItem, SourceRef, to_jsonable
from habeas.trace.timeline import Timeline, build_timeline
from habeas.trace.visible import ProtectedValues, restrict
from habeas.trace.whereabouts import Whereabouts, compute_whereabouts


@dataclass
class Provenance:
    source: str
    source_id: int
    record: str  # the record's id in its source
    record_id: int
    row: int


@dataclass
class FieldVariant:
    """One value of an identity field, and every record that states it."""

    value: str
    as_written: list[str]
    stated_by: list[Provenance]


@dataclass
class Identity:
    names: list[FieldVariant] = field(default_factory=list)
    dates_of_birth: list[FieldVariant] = field(default_factory=list)
    identifiers: list[FieldVariant] = field(default_factory=list)
    nationalities: list[FieldVariant] = field(default_factory=list)
    sexes: list[FieldVariant] = field(default_factory=list)
    countries_of_birth: list[FieldVariant] = field(default_factory=list)
    residences: list[FieldVariant] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        if not self.names:
            return "(no name recorded)"
        return max(self.names, key=lambda v: (len(v.stated_by), len(v.value))).value


@dataclass
class PersonSummary:
    person_id: int
    as_of: date
    display_name: str
    identity: Identity
    records: list[RecordItem]
    timeline: Timeline
    whereabouts: Whereabouts
    flags: list[Flag]
    gaps: list[Gap]
    legal_facts: list[LegalFactItem]
    incident_ids: list[int]
    sources: list[SourceRef]
    # Legal actions filed on the person's behalf (habeas.document.legal_actions).
    legal_actions: list[LegalAction] = field(default_factory=list)
    # What the reader may not see (counts only; empty without a reader), and the
    # reporters' / witnesses' identities for readers cleared for them.
    withheld: dict[str, object] = field(default_factory=dict)
    protected: list[ProtectedValues] = field(default_factory=list)

    @property
    def raised_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.raised]

    @property
    def unknown_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.status in ("unknown", "partial")]

    def to_dict(self) -> dict[str, object]:
        data = to_jsonable(self)
        assert isinstance(data, dict)
        return data


def person_summary(
    store: Store,
    person_id: int,
    *,
    as_of: date | None = None,
    unaccounted_after_days: int = 30,
    lang: str = "en",
    reader: Reader | None = None,
    action: str = "view",
) -> PersonSummary:
    """Identity with provenance, records, timeline, whereabouts, flags, gaps, sources.

    The plain-language sentences (explanations, notes, reasons) are in ``lang``.
    ``reader``: who is asking (``None``: the library itself; nothing withheld or
    logged); ``action``: ``view`` or ``dossier`` (the column of the policy table)."""
    from habeas.access.reader import require_reader_for
    from habeas.audit.reads import log_read

    person = load_person(store, person_id)
    if reader is None:
        return build_summary(
            person, as_of=as_of, unaccounted_after_days=unaccounted_after_days, lang=lang
        )
    require_reader_for(reader, action)
    visible = restrict(store, person, reader, action)
    summary = build_summary(
        visible.person, as_of=as_of, unaccounted_after_days=unaccounted_after_days, lang=lang
    )
    summary.withheld = visible.withheld.to_dict() if visible.withheld else {}
    summary.protected = visible.protected
    log_read(
        store,
        reader,
        "dossier" if action == "dossier" else "person",
        person_id,
        action=action,
        shown=visible.shown,
        withheld=visible.withheld,
        detail={"person_id": person_id, "records": [r.id for r in visible.person.records]},
    )
    return summary


def build_summary(
    person: PersonFacts,
    *,
    as_of: date | None = None,
    unaccounted_after_days: int = 30,
    lang: str = "en",
) -> PersonSummary:
    as_of = as_of or date.today()
    lang = check_language(lang)
    identity = _identity(person.records)
    return PersonSummary(
        person_id=person.person_id,
        as_of=as_of,
        display_name=identity.display_name,
        identity=identity,
        records=person.records,
        timeline=build_timeline(person, lang),
        whereabouts=compute_whereabouts(
            person, as_of=as_of, unaccounted_after_days=unaccounted_after_days, lang=lang
        ),
        flags=evaluate(person, as_of=as_of, lang=lang),
        gaps=compute_gaps(person, lang),
        legal_facts=sorted(person.facts, key=lambda f: (f.fact_type, f.id)),
        incident_ids=person.incident_ids,
        sources=[person.sources[k] for k in sorted(person.sources)],
        legal_actions=list(person.actions),
    )


NAME_FIELDS = ("full_name", "given_names", "surnames", "first_surname", "second_surname")


def _identity(records: list[RecordItem]) -> Identity:
    """Each value with what the source wrote for it (``as_written``: the cells of the
    columns it was read from, never the normalised value; empty when the value was
    derived rather than written, e.g. a nationality from a cédula)."""
    identity = Identity()
    for rec in records:
        prov = Provenance(rec.source_title, rec.source_id, rec.record_key, rec.id, rec.row_number)
        name = " ".join([*rec.given_names, *rec.surnames]).strip()
        if name or rec.full_name:
            shown = rec.full_name or name
            _add(identity.names, shown, rec.as_written(*NAME_FIELDS) or shown, prov)
        if rec.date_of_birth:
            dob_text = rec.as_written("date_of_birth") or _raw_for(
                rec, ("date of birth", "dob", "fecha de nacimiento")
            )
            _add(identity.dates_of_birth, rec.date_of_birth, dob_text, prov)
        for ident in rec.identifiers:
            value = (
                f"{ident['type']}: {ident['value']}"
                if ident["valid"]
                else f"{ident['type']} (invalid): {ident['as_written']}"
            )
            _add(identity.identifiers, value, ident["as_written"], prov)
        for target, code, column in (
            (identity.nationalities, rec.nationality, "nationality"),
            (identity.sexes, rec.sex, "sex"),
            (identity.countries_of_birth, rec.country_of_birth, "country_of_birth"),
        ):
            if code:
                _add(target, code, rec.as_written(column), prov)
        if rec.residence:
            home = residence_line(rec.residence)
            if home:
                _add(identity.residences, home, home, prov)
    return identity


def residence_line(parts: dict[str, str]) -> str:
    """A place of residence on one line, as written: "Calle 7 casa 21, Urb. Santa Rosa,
    Ciudad Ojeda, 4019, Zulia" (house number before the street when given apart)."""
    street = " ".join(p for p in (parts.get("street_number"), parts.get("address")) if p)
    pieces = [
        street,
        parts.get("address_line2"),
        parts.get("locality"),
        parts.get("postcode"),
        parts.get("region"),
    ]
    return ", ".join(str(p).strip() for p in pieces if p and str(p).strip())


def _raw_for(rec: RecordItem, headers: tuple[str, ...]) -> str | None:
    for key, value in rec.raw.items():
        if key.strip().lower() in headers and value not in (None, ""):
            return str(value)
    return None


def _add(variants: list[FieldVariant], value: str, written: str | None, prov: Provenance) -> None:
    for v in variants:
        if v.value == value:
            if written and written not in v.as_written:
                v.as_written.append(written)
            v.stated_by.append(prov)
            return
    variants.append(FieldVariant(value, [written] if written else [], [prov]))


__all__ = [
    "FieldVariant",
    "Identity",
    "PersonFacts",
    "PersonSummary",
    "Provenance",
    "build_summary",
    "person_summary",
]
