"""What the register holds about a person, as typed items: records, events, legal facts.

:class:`PersonFacts` gathers a person's :class:`RecordItem`, :class:`EventItem` and
:class:`LegalFactItem` (each with its :class:`SourceRef`), as
:func:`habeas.trace.facts.load_persons` reads them. Event and fact types are shown in
sentences through :func:`event_label` and :func:`fact_label`; :func:`to_jsonable`
turns any of these items into JSON.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from habeas.domain.dates import UncertainDate
from habeas.i18n import translator
from habeas.i18n_dates import fmt_date
from habeas.messages import N_

if TYPE_CHECKING:
    from habeas.document.legal_actions import LegalAction


#: Event and legal-fact types as they appear in sentences (English ids, translated).
EVENT_TYPE_TEXT = {
    "apprehension": N_("apprehension"),
    "detention": N_("detention"),
    "transfer": N_("transfer"),
    "removal_flight": N_("removal flight"),
    "admission": N_("admission"),
    "cell_assignment": N_("cell assignment"),
    "release": N_("release"),
    "repatriation": N_("repatriation"),
    "death": N_("death"),
    "disappearance_report": N_("disappearance report"),
    "sighting": N_("sighting"),
}
FACT_TYPE_TEXT = {
    "legal_basis": N_("legal basis"),
    "hearing": N_("hearing"),
    "notice": N_("notice"),
    "criminal_record": N_("criminal record"),
    "court_order": N_("court order"),
    "counsel": N_("counsel"),
    "asylum_claim": N_("asylum claim"),
    "family_notification": N_("family notification"),
    "ordering_authority": N_("ordering authority"),
    "supervising_authority": N_("supervising authority"),
    "health": N_("health"),
    "detention_term": N_("detention term"),
}


def event_label(event_type: str, lang: str = "en") -> str:
    """``removal_flight`` → "removal flight" / "vuelo de expulsión"."""
    text = EVENT_TYPE_TEXT.get(event_type, event_type.replace("_", " "))
    return str(translator(lang).gettext(text))


def fact_label(fact_type: str, lang: str = "en") -> str:
    """``asylum_claim`` → "asylum claim" / "solicitud de asilo"."""
    text = FACT_TYPE_TEXT.get(fact_type, fact_type.replace("_", " "))
    return str(translator(lang).gettext(text))


#: Each dataclass's public field names, in order (``fields`` walks them per call).
_PUBLIC_FIELDS: dict[type, tuple[str, ...]] = {}


def to_jsonable(value: Any) -> Any:
    """Dataclass trees → JSON-native values (dates and datetimes as ISO 8601 text)."""
    kind = type(value)  # the common exact types first (a person holds thousands of values)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list:
        return [to_jsonable(v) for v in value]
    if kind is dict:
        return {str(k): to_jsonable(v) for k, v in value.items()}
    names = _PUBLIC_FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _PUBLIC_FIELDS[kind] = tuple(
            f.name for f in fields(value) if not f.name.startswith("_")
        )
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def utc(value: datetime | None) -> datetime | None:
    """Stored instants are UTC; SQLite returns them without a zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass
class StoredFileRef:
    sha256: str
    filename: str


@dataclass
class SourceRef:
    id: int
    title: str
    kind: str
    reliability: str | None
    publisher: str | None
    published_on: date | None
    url: str | None
    files: list[StoredFileRef] = field(default_factory=list)


class _Dated:
    """``when``: the item's uncertain date, from its earliest/latest/precision columns."""

    date_earliest: _dt.date | None
    date_latest: _dt.date | None
    date_precision: str | None

    @property
    def when(self) -> UncertainDate | None:
        if self.date_earliest is None or self.date_latest is None:
            return None
        return UncertainDate(self.date_earliest, self.date_latest, self.date_precision or "range")


@dataclass
class EventItem(_Dated):
    """One custody event as one record states it."""

    id: int
    event_type: str
    date: str  # display form ("2025-03-15", "2025-03 (day unknown)", "" when undated)
    date_earliest: _dt.date | None
    date_latest: _dt.date | None
    date_precision: str | None
    date_text: str | None
    occurred_at: datetime | None  # UTC, when the source gives a time of day
    time_text: str | None
    place: str | None
    facility: str | None
    facility_id: int | None
    unit: str | None
    flight: str | None
    authority: str | None
    notes: str | None
    record_id: int
    record_key: str
    source_id: int
    source_title: str
    reliability: str | None

    def describe(self, lang: str = "en") -> str:
        _ = translator(lang).gettext
        where = self.facility or self.place
        parts = [event_label(self.event_type, lang), fmt_date(self.date, lang) or _("undated")]
        if self.time_text:
            parts.append(_("at %(time)s") % {"time": self.time_text})
        if self.flight:
            parts.append(_("flight %(flight)s") % {"flight": self.flight})
        if where:
            parts.append(
                _("at %(place)s") % {"place": where + (f" / {self.unit}" if self.unit else "")}
            )
        return " ".join(parts)


@dataclass
class LegalFactItem(_Dated):
    """One legal fact as one record states it."""

    id: int
    fact_type: str
    value: str | None
    value_text: str | None
    date: str
    date_earliest: _dt.date | None
    date_latest: _dt.date | None
    date_precision: str | None
    occurred_at: datetime | None
    time_text: str | None
    court: str | None
    case_number: str | None
    detail: str | None
    record_id: int
    record_key: str
    source_id: int
    source_title: str
    reliability: str | None
    #: the value's label (English, Spanish) from its vocabulary, when it has one
    value_labels: tuple[str, str] | None = None

    def value_label(self, lang: str = "en") -> str:
        """The value in words (``removal_order`` → "Final removal order"), else as stored."""
        if self.value_labels:
            return self.value_labels[1 if lang == "es" else 0]
        return self.value or ""

    def describe(self, lang: str = "en") -> str:
        _ = translator(lang).gettext
        text = f"{fact_label(self.fact_type, lang)}: {self.value_label(lang)}"
        if self.value_text and self.value_text != self.value:
            text += " " + _("(written %(text)s)") % {"text": repr(self.value_text)}
        if self.date:
            text += f", {fmt_date(self.date, lang)}"
        if self.time_text:
            text += " " + _("at %(time)s") % {"time": self.time_text}
        if self.court:
            text += f", {self.court}"
        return text


@dataclass
class RecordItem:
    id: int
    record_key: str
    source_id: int
    source_title: str
    row_number: int
    sheet: str | None
    full_name: str | None
    given_names: list[str]
    surnames: list[str]
    date_of_birth: str
    sex: str | None
    nationality: str | None
    country_of_birth: str | None
    identifiers: list[dict[str, Any]]
    raw: dict[str, Any]
    link_method: str
    link_score: float | None
    residence: dict[str, str] | None = None  # place of residence as written (record.residence)
    #: field → the source's column header it was read from (the import's mapping)
    headers: dict[str, str] = field(default_factory=dict)

    def as_written(self, *fields: str) -> str | None:
        """What the source wrote in the columns of ``fields`` (joined by spaces), or None."""
        values = [
            str(self.raw[h]).strip()
            for f in fields
            if (h := self.headers.get(f)) and self.raw.get(h) not in (None, "")
        ]
        return " ".join(v for v in values if v) or None


@dataclass
class PersonFacts:
    person_id: int
    records: list[RecordItem] = field(default_factory=list)
    events: list[EventItem] = field(default_factory=list)
    facts: list[LegalFactItem] = field(default_factory=list)
    sources: dict[int, SourceRef] = field(default_factory=dict)
    incident_ids: list[int] = field(default_factory=list)
    facility_authority: dict[int, str] = field(default_factory=dict)
    # Legal actions filed on the person's behalf (habeas.document.legal_actions): cited
    # by flags and gaps, never evidence.
    actions: list[LegalAction] = field(default_factory=list)

    def facts_of(self, fact_type: str) -> list[LegalFactItem]:
        return [f for f in self.facts if f.fact_type == fact_type]

    def events_of(self, *types: str) -> list[EventItem]:
        return [e for e in self.events if e.event_type in types]
