"""A row as the importer writes it: values as written beside their readings.

:class:`habeas.ingest.normalise.RowPreparer` makes these; the writers
(:mod:`habeas.ingest.rowwrite`) and checks read them. Nothing here touches the
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from habeas.domain.dates import UncertainDate
from habeas.domain.names import ParsedName


@dataclass
class PreparedEvent:
    event_type: str
    when: UncertainDate | None
    date_text: str | None
    place: str | None
    facility: str | None
    unit: str | None
    flight: str | None
    authority: str | None = None
    occurred_at: datetime | None = None
    time_text: str | None = None


@dataclass
class PreparedLegalFact:
    fact_type: str
    value: str | None
    value_text: str
    when: UncertainDate | None = None
    court: str | None = None
    occurred_at: datetime | None = None
    time_text: str | None = None


@dataclass
class PreparedRecord:
    row_number: int
    sheet: str | None
    record_key: str
    raw: dict[str, str]
    full_name: str | None
    name: ParsedName | None
    dob: UncertainDate | None
    sex: str | None
    nationality: str | None
    country_of_birth: str | None
    identifiers: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    events: list[PreparedEvent] = field(default_factory=list)
    legal_facts: list[PreparedLegalFact] = field(default_factory=list)
    # Place of residence as written (trimmed): field → value, only the fields present.
    residence: dict[str, str] | None = None
