"""Intake: a person's record entered by hand from a conversation or a document.

The conversation (a phone call, a visit, a message) or the document is a source of its
own: what kind it is, how it reached the register (``channel``, a vocabulary term), who
took it (``taken_by``, by default whoever enters it) and on which day (``taken_on``), at
what sensitivity (by default the level of its kind: a testimony is restricted). The
values typed for the person become one record exactly as a row of an imported list
does: they are written as a one-row JSON file (kept in the content-addressed store, with
its chain of custody, sealed when the workspace encrypts and the level asks for it) and
imported through :func:`habeas.ingest.importer.import_file` — the same normalisation,
the same checks (all or nothing), the same change-log entry, so the record links like
any imported row.

* :func:`enter_record` — a new record, in a new source or in an earlier intake source
  (another person named in the same conversation); then an incremental linkage run
  (when a model has been trained) and the candidate matches (:mod:`habeas.search`).
* ``person_record`` — the entry is about a known person (a custody event, a legal fact
  added from their page): the record joins that person at once by a human decision.
* ``corrects_record`` — a correction: a new record in a new source that cites the
  record it corrects (``corrects_record_id``; the source cites the corrected source),
  never an edit in place; it joins the corrected record's person.

Problems are :class:`IntakeFailed`, each naming the field at fault (the canonical field
names of :data:`habeas.ingest.fields.CANONICAL_FIELDS`, or ``channel``, ``taken_on``,
``kind``, ...), so each face can put the message next to its input.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from habeas.access import policy
from habeas.access.reader import Reader
from habeas.errors import HabeasError, UsageError
from habeas.ingest.fields import CANONICAL_FIELDS
from habeas.ingest.importer import ImportOptions, import_file
from habeas.ingest.intake_matches import CandidateMatch, candidate_matches
from habeas.ingest.mapping import IDENTIFIER_FIELDS, NAME_FIELDS
from habeas.ingest.problems import ImportFailed, Problem
from habeas.ingest.sensitivity import source_level
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import ScoredPair
from habeas.store.vocabulary import VocabularyIndex

UNKNOWN_TERM = {
    "kind": "{value!r} is not a kind of source (known: {known}).",
    "channel": "{value!r} is not a channel (known: {known}).",
}
#: The fields of the intake source itself (the form's first part).
SOURCE_FIELDS = ("kind", "channel", "taken_on", "taken_by", "title", "sensitivity")


@dataclass(frozen=True)
class Intake:
    """The conversation or document a record is entered from (a new source)."""

    channel: str  # a ``channel`` term: phone, in_person, video_call, message, email, document
    taken_on: str  # YYYY-MM-DD (or DD/MM/YYYY)
    kind: str = "testimony"  # a ``source_kind`` term
    taken_by: str | None = None  # default: the person entering it
    title: str | None = None  # default: made from the day, channel and who took it
    #: the language of the default title (the face's: the page's or the CLI's)
    title_language: str = "en"
    sensitivity: str | None = None  # default: the level of its kind
    language: str | None = None
    reliability: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input: ``field``, the value typed, an English message, and the
    importer's code and values (for translation; :mod:`habeas.ingest.problems`)."""

    field: str | None
    value: str | None
    message: str
    severity: str = "error"
    code: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    # Intake's own messages: an English message id and its values (``str.format``).
    template: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    def translated(self, gettext: Any) -> str | None:
        """The message in ``gettext``'s language, for intake's own messages (else None:
        the importer's problems are translated by their ``code``)."""
        if self.template is None:
            return None
        return str(gettext(self.template)).format(**dict(self.values))

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "code": self.code,
            "params": dict(self.params),
        }


class IntakeFailed(UsageError):
    """Nothing was written; ``problems`` says what, field by field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(f"{p.field or 'entry'}: {p.message}" for p in problems if p.severity)
        )


@dataclass
class IntakeResult:
    source_id: int
    source_title: str
    record_id: int
    record_key: str
    file_sha256: str
    person_id: int  # the person the record is linked to now
    linked_with: int  # how many other records that person has
    link_run: str | None  # the linkage run's kind, or None when none was run
    link_note: str | None  # why no run (no trained model yet), in English
    candidates: list[CandidateMatch] = field(default_factory=list)
    queued_pairs: list[int] = field(default_factory=list)  # review-queue pairs with the record
    warnings: list[FieldProblem] = field(default_factory=list)
    corrects_record_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "source_title": self.source_title,
            "record_id": self.record_id,
            "record_key": self.record_key,
            "file_sha256": self.file_sha256,
            "person_id": self.person_id,
            "linked_with": self.linked_with,
            "link_run": self.link_run,
            "link_note": self.link_note,
            "candidates": [c.to_dict() for c in self.candidates],
            "queued_pairs": self.queued_pairs,
            "warnings": [w.to_dict() for w in self.warnings],
            "corrects_record_id": self.corrects_record_id,
        }


def _fail(
    fld: str | None, typed: str | None, template: str, code: str | None = None, **values: Any
) -> IntakeFailed:
    """One problem with one input; ``template`` is an English message id (``{name}``)."""
    return IntakeFailed(
        [
            FieldProblem(
                fld,
                typed,
                template.format(**values),
                code=code,
                template=template,
                values=tuple((k, str(v)) for k, v in values.items()),
            )
        ]
    )


def _problem(p: Problem) -> FieldProblem:
    column = p.column
    if column and column.startswith("--defaults "):
        column = column.removeprefix("--defaults ")
    return FieldProblem(column, p.value, p.message, p.severity, p.code, p.params)


def clean_values(values: dict[str, Any]) -> dict[str, str]:
    """The typed values, trimmed, without the empty ones; unknown fields are refused."""
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in CANONICAL_FIELDS or key == "record_id":
            raise _fail(key, None, "{field!r} is not a field a record can take.", field=key)
        text = " ".join(str(value or "").split())
        if text:
            out[key] = text
    if not out:
        raise _fail(None, None, "Nothing was entered.")
    if not any(k in out for k in (*NAME_FIELDS, *IDENTIFIER_FIELDS)):
        raise _fail(
            "full_name",
            None,
            "Give the person's name or an identity document number.",
            code="no_name_or_id",
        )
    return out


def _day(text: str | None) -> date:
    from habeas.document.facility_import import parse_day

    if not text or not text.strip():
        raise _fail("taken_on", text, "Say on which day the conversation or document was taken.")
    try:
        day = parse_day(text)
    except ValueError:
        raise _fail(
            "taken_on", text, "{value!r} is not a date: write 2025-03-17 or 17/03/2025.", value=text
        ) from None
    if day > datetime.now(UTC).date():
        raise _fail("taken_on", text, "{day} is in the future.", day=day.isoformat())
    return day


def _options(store: Store, intake: Intake, actor: str) -> ImportOptions:
    vocab = VocabularyIndex.load(store)
    checks = (("kind", "source_kind", intake.kind), ("channel", "channel", intake.channel))
    terms: dict[str, str] = {}
    for fld, vocabulary, value in checks:
        try:
            terms[fld] = vocab.require(vocabulary, value or "", fld)
        except UsageError:
            raise _fail(
                fld,
                value,
                UNKNOWN_TERM[fld],
                value=value,
                known=", ".join(vocab.codes(vocabulary)),
            ) from None
    day = _day(intake.taken_on)
    if intake.sensitivity:
        try:
            policy.check_level(intake.sensitivity)
        except UsageError:
            raise _fail(
                "sensitivity",
                intake.sensitivity,
                "{value!r} is not a sensitivity level (levels: {levels}).",
                value=intake.sensitivity,
                levels=", ".join(policy.SENSITIVITY_LEVELS),
            ) from None
    taken_by = (intake.taken_by or "").strip() or actor
    channel = vocab.label("channel", terms["channel"], intake.title_language).lower()
    title = (intake.title or "").strip() or f"{day.isoformat()} {channel} ({taken_by})"
    return ImportOptions(
        source_title=title,
        source_kind=terms["kind"],
        reliability=intake.reliability,
        published_on=day.isoformat(),
        language=intake.language,
        notes=intake.notes,
        one_row_per_person=True,
        sensitivity=intake.sensitivity,
        channel=terms["channel"],
        taken_by=taken_by,
        taken_on=day.isoformat(),
        date_order="DMY",
    )


def _unique_title(store: Store, title: str) -> str:
    with store.read() as s:
        taken = set(
            s.execute(
                select(Source.title).where(
                    or_(Source.title == title, Source.title.like(title + " (%"))
                )
            ).scalars()
        )
    n, candidate = 1, title
    while candidate in taken:
        n += 1
        candidate = f"{title} ({n})"
    return candidate


def _visible_record(store: Store, reader: Reader, record_id: int) -> Record:
    with store.read() as s:
        row = s.get(Record, record_id)
    if row is None or reader.why_not(row.sensitivity) == "level":
        raise _fail("record", str(record_id), "No record {id}.", id=record_id)
    if reader.why_not(row.sensitivity) == "purpose":
        raise _fail(
            "record",
            str(record_id),
            "The record is restricted: state the purpose of this consultation first.",
        )
    return row


def enter_record(
    store: Store,
    reader: Reader,
    intake: Intake | None,
    values: dict[str, Any],
    *,
    source_id: int | None = None,
    person_record: int | None = None,
    corrects_record: int | None = None,
    link: bool = True,
    candidates: bool = True,
) -> IntakeResult:
    """Enter one record (see the module doc); all or nothing, one change-log entry, then
    the linkage run (its own entry) and the candidate matches."""
    policy.require(reader.role, "edit")
    typed = clean_values(values)
    if source_id is not None and corrects_record is not None:
        raise _fail("source", str(source_id), "A correction goes into a source of its own.")
    if person_record is not None:
        _visible_record(store, reader, person_record)
    corrected = None if corrects_record is None else _visible_record(store, reader, corrects_record)
    if source_id is not None:
        options = _existing_source(store, reader, source_id)
    else:
        if intake is None:
            raise _fail("channel", None, "Say how the conversation or document came in.")
        options = _options(store, intake, reader.user)
        options.source_title = _unique_title(store, options.source_title)
        if not policy.may(
            reader.role, source_level(options.source_kind, options.sensitivity), "view"
        ):
            raise _fail(
                "sensitivity",
                options.sensitivity,
                "You could not see a source at this level yourself; choose a lower one.",
            )
    if corrected is not None:
        with store.read() as s:
            old_source = s.get(Source, corrected.source_id)
        assert old_source is not None
        options.corrects = old_source.title
        typed = {"record_id": corrected.record_key, **typed}
        options.same_as_record = corrected.id
    elif person_record is not None:
        options.same_as_record = person_record
    options.mapping = {k: k for k in typed}
    with tempfile.TemporaryDirectory(prefix="habeas-intake-") as tmp:
        path = Path(tmp) / f"entry-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
        path.write_text(json.dumps([typed], ensure_ascii=False, indent=1) + "\n", "utf-8")
        try:
            result = import_file(store, path, options, actor=reader.user)
        except ImportFailed as exc:
            raise IntakeFailed([_problem(p) for p in exc.problems]) from None
    if result.already_imported:
        raise _fail(None, None, "This record was already entered in this source.")
    with store.read() as s:
        record = s.execute(select(Record).where(Record.import_id == result.import_id)).scalar_one()
    outcome = IntakeResult(
        source_id=result.source_id,
        source_title=result.source_title,
        record_id=int(record.id),
        record_key=record.record_key,
        file_sha256=result.sha256,
        person_id=0,
        linked_with=0,
        link_run=None,
        link_note=None,
        warnings=[_problem(p) for p in result.warnings],
        corrects_record_id=record.corrects_record_id,
    )
    from habeas.search.index import index_records

    index_records(store, [outcome.record_id], actor=reader.user)
    if link and options.same_as_record is None:
        _link(store, reader, outcome)
    _where(store, outcome)
    if candidates:
        outcome.candidates = candidate_matches(store, reader, outcome.record_id)
    return outcome


def _existing_source(store: Store, reader: Reader, source_id: int) -> ImportOptions:
    """Another record from an earlier intake source (the same conversation)."""
    with store.read() as s:
        src = s.get(Source, source_id)
    if src is None or not reader.may(src.sensitivity):
        raise _fail("source", str(source_id), "No source {id} you may add to.", id=source_id)
    if src.channel is None:
        raise _fail("source", src.title, "Only sources entered by hand take records one at a time.")
    return ImportOptions(
        source_title=src.title,
        one_row_per_person=True,
        channel=src.channel,
        taken_by=src.taken_by,
        taken_on=src.taken_on.isoformat() if src.taken_on else None,
        published_on=src.published_on.isoformat() if src.published_on else None,
        date_order="DMY",
    )


def _link(store: Store, reader: Reader, outcome: IntakeResult) -> None:
    """The normal incremental linkage run, when a model has been trained."""
    from habeas.linkage.run import latest_model, link

    if latest_model(store) is None:
        outcome.link_note = (
            "Record linkage has not been run on this register yet, so the record was "
            "not linked; run it once for the whole register (habeas link)."
        )
        return
    try:
        report = link(store, actor=reader.user)
    except HabeasError as exc:
        outcome.link_note = f"Record linkage did not run: {exc}"
        return
    outcome.link_run = report.kind


def _where(store: Store, outcome: IntakeResult) -> None:
    with store.read() as s:
        person = s.execute(
            select(Link.person_id).where(
                Link.record_id == outcome.record_id, Link.superseded_at.is_(None)
            )
        ).scalar_one()
        others = s.execute(
            select(Link.record_id).where(
                Link.person_id == person,
                Link.superseded_at.is_(None),
                Link.record_id != outcome.record_id,
            )
        ).all()
        pairs = s.execute(
            select(ScoredPair.id).where(
                ScoredPair.status == "queued",
                or_(
                    ScoredPair.record_a == outcome.record_id,
                    ScoredPair.record_b == outcome.record_id,
                ),
            )
        ).scalars()
        outcome.queued_pairs = sorted(int(p) for p in pairs)
    outcome.person_id = int(person)
    outcome.linked_with = len(others)


def person_anchor(store: Store, reader: Reader, person_id: int) -> int:
    """A record of person ``person_id`` the reader may see (the oldest), to hang an entry
    about that person on (``person_record``)."""
    with store.read() as s:
        rows = s.execute(
            select(Record.id, Record.sensitivity)
            .join(Link, Link.record_id == Record.id)
            .where(Link.person_id == person_id, Link.superseded_at.is_(None))
            .order_by(Record.id)
        ).all()
    for rid, level in rows:
        if reader.may(level):
            return int(rid)
    raise _fail("person", str(person_id), "No person {id} whose records you may see.", id=person_id)
