"""One change-log entry per read of restricted or witness_protected personal data.

The entry's action is ``read``; its entity says what was read (``person``,
``export``, ``search``, ``dossier``) and its detail records the reader's role,
purpose and face, the levels shown and how many items of each level, and what
was withheld. The actor is the reader's user name. Values themselves are never
logged (the log is readable by administrators; it must not become a second copy
of the protected data), except the text of a search, which says whom someone
looked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from habeas.access.reader import AUDITED_LEVELS, Reader, Withheld
from habeas.errors import HabeasError
from habeas.store.db import Store

READ_ACTION = "read"
#: Entities a read entry may name.
READ_ENTITIES = (
    "person",
    "export",
    "search",
    "dossier",
    "record",
    "incident",
    "source",
    "legal_action",
    "inquiry",
)


class PurposeRequired(HabeasError):
    """Restricted data was about to be shown to a reader who gave no purpose."""


def audited(levels: Iterable[str]) -> bool:
    """Does showing data at these levels need an audit entry?"""
    return any(level in AUDITED_LEVELS for level in levels)


def log_read(
    store: Store,
    reader: Reader,
    entity: str,
    entity_id: str | int | None,
    *,
    action: str,
    shown: Counter[str] | dict[str, int],
    withheld: Withheld | None = None,
    detail: dict[str, Any] | None = None,
    disclosed: bool = False,
) -> bool:
    """Log the read if anything shown is restricted or witness_protected; return whether
    it was logged. ``action`` is the policy action (view, export, dossier); ``shown``
    counts the items shown by level. ``disclosed``: the reader was told that such data
    exists (withheld until they state a purpose), which is logged too, purpose or not."""
    if entity not in READ_ENTITIES:
        raise ValueError(f"unknown read entity {entity!r}")
    levels = {lv: n for lv, n in shown.items() if n}
    if not audited(levels):
        if not disclosed:
            return False
    elif reader.purpose is None:  # the library withholds before it gets here
        raise PurposeRequired("Restricted data can only be shown for a stated purpose.")
    body = {
        "kind": "read",
        "action": action,
        "role": reader.role,
        "face": reader.face,
        "purpose": reader.purpose,
        "shown": dict(sorted(levels.items())),
        **(detail or {}),
    }
    if withheld:
        body["withheld"] = withheld.to_dict()["counts"]
    with store.write(reader.user) as op:
        op.log(READ_ACTION, entity, entity_id, body)
    return True


def log_search(
    store: Store,
    reader: Reader,
    query: dict[str, Any],
    shown: dict[int, tuple[int, str]],
    withheld: Withheld,
) -> bool:
    """Log a find-a-person search whose results named restricted records.
    ``shown``: record id → (person id, level) of the records in the results."""
    levels = Counter(level for _, level in shown.values())
    persons = sorted({pid for pid, _ in shown.values()})
    return log_read(
        store,
        reader,
        "search",
        None,
        action="view",
        shown=levels,
        withheld=withheld,
        disclosed=withheld.for_purpose > 0,
        detail={"query": {k: v for k, v in query.items() if v}, "persons": persons},
    )
