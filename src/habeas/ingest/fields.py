"""Canonical import fields and the header spellings that map onto them.

A list's column headers are matched to these fields after folding case,
accents, punctuation and spacing (``"F. Nac."`` → ``"f nac"``), so each synonym in
``data/header_synonyms.csv`` is written in that folded form. Unknown columns are never
dropped: they are kept verbatim on the record under ``extra``.
"""

from __future__ import annotations

import csv
from importlib import resources

from habeas.domain.text import fold_header

#: The fields of a person's place of residence, stored together on the record as written
#: (``record.residence``) and compared by record linkage (:mod:`habeas.domain.addresses`).
#: ``street_number`` is for lists that write the house number in a column of its own: it
#: is kept apart and put back in front of the street when the address is compared.
RESIDENCE_FIELDS: tuple[str, ...] = (
    "street_number",
    "address",
    "address_line2",
    "locality",
    "postcode",
    "region",
)

CANONICAL_FIELDS: tuple[str, ...] = (
    "record_id",
    "full_name",
    "given_names",
    "surnames",
    "first_surname",
    "second_surname",
    "sex",
    "date_of_birth",
    "age",
    "nationality",
    "country_of_birth",
    "a_number",
    "national_id",
    "passport",
    "event_type",
    "event_date",
    "place",
    "facility",
    "unit",
    "flight",
    "legal_basis",
    "criminal_record",
    "hearing",
    "notes",
    # Time of day, authorities and further legal facts (issue 5: trace).
    "event_time",
    "time_zone",
    "event_authority",
    "ordering_authority",
    "supervising_authority",
    "notice",
    "asylum_claim",
    "counsel",
    "court_order",
    "court_order_date",
    "court_order_time",
    "court",
    "detention_term",
    "health",
    "family_notified",
    # Who reported or witnessed (issue 7): witness_protected, kept out of ``record.raw``.
    "reporter_name",
    "reporter_contact",
    "reporter_relationship",
    "witness_name",
    "witness_contact",
    # Place of residence (a relative's report: home address, city, state).
    *RESIDENCE_FIELDS,
)

#: Fields that identify the people who report or witness (relatives, witnesses, ICPPED
#: art. 18(2)): their values are stored apart from the record's ``raw`` values, sealed,
#: and shown only to roles cleared for ``witness_protected``.
PROTECTED_FIELDS: tuple[str, ...] = (
    "reporter_name",
    "reporter_contact",
    "reporter_relationship",
    "witness_name",
    "witness_contact",
)

#: Folded header text -> canonical field: English and Spanish forms seen in manifests,
#: press lists, relatives' reports, court filings and NGO sheets. They are data, kept in
#: ``ingest/data/header_synonyms.csv`` (add a spelling there, not here).
SYNONYMS_FILE = "header_synonyms.csv"


def load_synonyms(text: str, name: str = SYNONYMS_FILE) -> dict[str, str]:
    """``field,header`` rows (lines starting with ``#`` are notes) as header → field.

    Raises ``ValueError`` naming the file's line (notes counted) for a field that is not
    a canonical one, a header not written in its folded form, or a header given to two
    fields."""
    found: dict[str, str] = {}
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    rows = [(n, row) for n, line in lines if not line.startswith("#") for row in csv.reader([line])]
    if not rows or rows[0][1] != ["field", "header"]:
        raise ValueError(f"{name}: the first row must be 'field,header'")
    for n, row in rows[1:]:
        if len(row) != 2:
            raise ValueError(f"{name}, line {n}: expected 'field,header', found {row!r}")
        field, form = row
        if field not in CANONICAL_FIELDS:
            raise ValueError(f"{name}, line {n}: {field!r} is not an import field")
        if fold_header(form) != form:
            raise ValueError(f"{name}, line {n}: write {form!r} folded, as {fold_header(form)!r}")
        if found.get(form, field) != field:
            raise ValueError(
                f"{name}, line {n}: header {form!r} would map to both {found[form]!r} and {field!r}"
            )
        found[form] = field
    return found


HEADER_SYNONYMS: dict[str, str] = load_synonyms(
    resources.files("habeas.ingest").joinpath(f"data/{SYNONYMS_FILE}").read_text("utf-8")
)


def guess_field(header: str) -> str | None:
    """The canonical field a header stands for, or ``None`` if unknown.

    ``A#`` folds to ``a``; ``C.I.`` to ``c i``; ``F. Nac.`` to ``f nac``.
    """
    folded = fold_header(header)
    if folded in CANONICAL_FIELDS:
        return folded
    if folded.replace(" ", "_") in CANONICAL_FIELDS:
        return folded.replace(" ", "_")
    return HEADER_SYNONYMS.get(folded)
