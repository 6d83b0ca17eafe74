"""What an import is told: the options of :func:`habeas.ingest.importer.import_file`
(the source it goes into, how to read the file), and their checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from habeas.access import policy
from habeas.errors import UsageError
from habeas.ingest.cell_checks import Corrections
from habeas.ingest.fields import CANONICAL_FIELDS

DATE_ORDERS = ("DMY", "MDY", "YMD")


@dataclass
class ImportOptions:
    source_title: str
    source_kind: str | None = None
    reliability: str | None = None
    publisher: str | None = None
    author: str | None = None
    published_on: str | None = None
    url: str | None = None
    language: str | None = None
    notes: str | None = None
    one_row_per_person: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    sheet: str | None = None
    corrects: str | None = None  # title of the source this list corrects
    sensitivity: str | None = None  # the new source's level (default: by its kind)
    # Columns (headers as written, or field names) whose unreadable cells are kept as
    # written instead of refusing the import: the value stays verbatim in the record's raw
    # row, is not read into a normalised field (precision unknown), and is flagged with a
    # warning stored with the import. Evidence is never edited to be imported.
    keep_as_written: tuple[str, ...] = ()
    # A conversation or document entered by hand (habeas.ingest.intake): how it came in
    # (a ``channel`` term), who took it and on which day (YYYY-MM-DD).
    channel: str | None = None
    taken_by: str | None = None
    taken_on: str | None = None
    # The importer states that every record is the person of this record (an entry made
    # from a person's page): decided "same" and joined at once (habeas.ingest.same_person).
    same_as_record: int | None = None
    # A person's corrections of cells read off pages (PDF, scans), applied before checking.
    corrections: Corrections | None = None
    # Index the new records for search in the import's transaction (the default). When
    # False they are left to ``habeas index`` (search scans them meanwhile, and says so).
    index: bool = True


def check_options(options: ImportOptions) -> None:
    if options.date_order is not None and options.date_order.upper() not in DATE_ORDERS:
        raise UsageError(
            f"--date-order must be one of {', '.join(DATE_ORDERS)}, not {options.date_order!r}"
        )
    unknown = [k for k in options.defaults if k not in CANONICAL_FIELDS]
    if unknown:
        raise UsageError(
            f"--defaults names unknown field(s) {', '.join(unknown)}; fields are: "
            f"{', '.join(CANONICAL_FIELDS)}"
        )
    if options.sensitivity:
        options.sensitivity = policy.check_level(options.sensitivity)
    if options.published_on:
        try:
            date.fromisoformat(options.published_on)
        except ValueError:
            raise UsageError(f"--date must be YYYY-MM-DD, not {options.published_on!r}") from None
