"""The sensitivity a new source, its records and its file get, and the protected values.

Defaults (a documenter may choose another level with ``--sensitivity``):

=====================  ==============  ===================================================
source kind            level           why
=====================  ==============  ===================================================
testimony              restricted      relatives' reports and interviews name the people
                                       who came forward (ICPPED art. 18(2))
court_filing           restricted      petitions name detainees and their families;
                                       many are filed under initials for a reason
list, document         internal        manifests, rosters, press lists: personal data,
                                       but already held by authorities or the press
news_report,           internal        published, but the register's linkage of them to
official_statement                     a person is its own work
(a kind an admin       restricted      unknown: the safe side
added)
=====================  ==============  ===================================================

A record inherits its source's level; a stored file inherits the most protected
level of the sources it belongs to, and is ``witness_protected`` when it carries
a reporter's or witness's identity (the file holds every column). Those columns
(:data:`habeas.ingest.fields.PROTECTED_FIELDS`) are taken out of ``record.raw``
into ``record.protected``, which is sealed with :func:`habeas.crypto.fields.seal_json`.
"""

from __future__ import annotations

from typing import Any

from habeas.access import policy
from habeas.ingest.fields import PROTECTED_FIELDS

DEFAULT_BY_KIND: dict[str, str] = {
    "testimony": policy.RESTRICTED,
    "court_filing": policy.RESTRICTED,
    "list": policy.INTERNAL,
    "document": policy.INTERNAL,
    "news_report": policy.INTERNAL,
    "official_statement": policy.INTERNAL,
}
#: A record's protected values (reporter, witness) are always at least this level.
PROTECTED_LEVEL = policy.WITNESS_PROTECTED
#: New incidents (acts such as torture name victims and often witnesses).
INCIDENT_DEFAULT = policy.RESTRICTED


def source_level(kind: str | None, chosen: str | None = None) -> str:
    """The level of a new source: ``chosen`` if given, else the default for its kind."""
    if chosen:
        return policy.check_level(chosen)
    return DEFAULT_BY_KIND.get(kind or "", policy.RESTRICTED)


def file_level(source: str, carries_protected: bool) -> str:
    return policy.highest(source, PROTECTED_LEVEL) if carries_protected else source


def protected_headers(fields_to_headers: dict[str, str]) -> dict[str, str]:
    """header → protected field, from a table's ``field → header`` mapping."""
    return {h: f for f, h in fields_to_headers.items() if f in PROTECTED_FIELDS}


def split_protected(
    raw: dict[str, str], headers: dict[str, str]
) -> tuple[dict[str, str], dict[str, Any] | None]:
    """``raw`` without the protected columns, and those values keyed by field (``None``
    when the row has none). The header as written is kept, so nothing is lost."""
    if not headers:
        return raw, None
    kept = {h: v for h, v in raw.items() if h not in headers}
    values = {
        headers[h]: {"header": h, "value": v.strip()}
        for h, v in raw.items()
        if h in headers and v and v.strip()
    }
    return kept, (values or None)
