"""The events and legal facts of one mapped row (a flight, a detention, a court order,
the legal basis stated, a detention term), each with its date and time of day."""

from __future__ import annotations

from datetime import datetime

from habeas.domain.dates import (
    UncertainDate,
)
from habeas.ingest.prepared import PreparedEvent, PreparedLegalFact, PreparedRecord
from habeas.ingest.row_reader import EVENT_DETAIL_FIELDS, RowReader
from habeas.ingest.times import TimeParseError, parse_term_days, parse_time_at


class FactReader(RowReader):
    """Adds a row's events and legal facts to its prepared record."""

    def _time(
        self,
        row: int,
        values: dict[str, str],
        fld: str,
        when: UncertainDate | None,
        date_field: str,
    ) -> datetime | None:
        """The UTC instant of a time column on its (exact) date; problems name the column."""
        text = values.get(fld, "")
        if not text:
            return None
        if when is None or not when.is_exact:
            self._problem(
                row,
                fld,
                text,
                f"a time of day needs an exact date in '{self.fields.get(date_field, date_field)}'",
            )
            return None
        zone = values.get("time_zone", "") or None
        try:
            return parse_time_at(when.earliest, text, zone)
        except TimeParseError as exc:
            self._problem(row, fld, text, str(exc))
            return None

    def _event(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        type_text = values.get("event_type", "")
        details = {f: values.get(f, "") for f in EVENT_DETAIL_FIELDS}
        if not type_text:
            if any(details.values()):
                present = [self.fields.get(f, f) for f, v in details.items() if v]
                first = next(f for f, v in details.items() if v)
                self._problem(
                    row,
                    first,
                    details[first],
                    f"the row has event details ({', '.join(present)}) but no event "
                    "type; add an event type column or --defaults event_type=TYPE",
                    code="event_without_type",
                    params=(("columns", ", ".join(present)),),
                )
            return
        event_type = self._term(row, "event_type", "event_type", type_text)
        when = (
            self._date(row, "event_date", details["event_date"]) if details["event_date"] else None
        )
        at = self._time(row, values, "event_time", when, "event_date")
        if event_type is None:
            return
        record.events.append(
            PreparedEvent(
                event_type,
                when,
                details["event_date"] or None,
                details["place"] or None,
                details["facility"] or None,
                details["unit"] or None,
                details["flight"] or None,
                details["event_authority"] or None,
                at,
                details["event_time"] or None,
            )
        )

    def _legal(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        """Legal facts. A fact without a date of its own is dated by the row's event date
        (the date the source states it as of), when the row has one."""
        as_of = record.events[0].when if record.events else None
        for fld, fact_type, vocabulary in self._legal_fields:
            text = values.get(fld, "")
            if not text:
                continue
            code = self._term(row, fld, vocabulary, text)
            if code is not None:
                record.legal_facts.append(PreparedLegalFact(fact_type, code, text, as_of))
        for fld, fact_type in self._text_fact_fields:
            text = values.get(fld, "")
            if text:
                record.legal_facts.append(PreparedLegalFact(fact_type, None, text, as_of))
        term = values.get("detention_term", "")
        if term:
            try:
                days = parse_term_days(term)
            except ValueError as exc:
                self._problem(row, "detention_term", term, str(exc))
            else:
                record.legal_facts.append(
                    PreparedLegalFact("detention_term", str(days), term, as_of)
                )
        self._court_order(row, values, record)

    def _court_order(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        text = values.get("court_order", "")
        date_text = values.get("court_order_date", "")
        time_text = values.get("court_order_time", "")
        if not text:
            if date_text or time_text:
                fld = "court_order_date" if date_text else "court_order_time"
                self._problem(
                    row,
                    fld,
                    date_text or time_text,
                    "the row has a court order date or time but no court order; "
                    "add a court order column",
                )
            return
        code = self._term(row, "court_order", "court_order", text)
        when = self._date(row, "court_order_date", date_text) if date_text else None
        at = self._time(row, values, "court_order_time", when, "court_order_date")
        if code is not None:
            record.legal_facts.append(
                PreparedLegalFact(
                    "court_order",
                    code,
                    text,
                    when,
                    values.get("court", "") or None,
                    at,
                    time_text or None,
                )
            )
