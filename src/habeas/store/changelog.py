"""The append-only, hash-chained change log.

Each entry's hash is ``sha256(prev_hash || canonical(entry))`` where the
canonical form is a JSON array of the entry's fields in a fixed order. The
first entry's ``prev_hash`` is 64 zeros. :func:`verify` recomputes the chain
and reports the first problem it finds:

* an **edited** entry no longer matches its own hash;
* a **deleted** entry leaves a gap in the sequence numbers (and the next
  entry's ``prev_hash`` points at a hash that is not its predecessor's);
* **reordered** entries break the ``prev_hash`` links;
* deleting the **newest** entries is caught by comparing with the head that
  the workspace keeps outside the database (``log.head``).

One entry per operation: an import is one entry (file hash, source, row
count), not one per row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from habeas.store.schema import ChangeLogEntry

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, entity: str,
               entity_id: str | None, detail: str) -> str:
    payload = canonical_json([seq, at, actor, action, entity, entity_id, detail])
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def append(session: Session, *, actor: str, action: str, entity: str,
           entity_id: str | int | None, detail: dict[str, Any]) -> ChangeLogEntry:
    """Append one entry inside the caller's transaction.

    On PostgreSQL the table is locked first so that two concurrent writers
    cannot both chain onto the same head; SQLite serialises writers itself.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE change_log IN SHARE ROW EXCLUSIVE MODE"))
    last = session.execute(
        select(ChangeLogEntry.seq, ChangeLogEntry.hash).order_by(ChangeLogEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    detail_text = canonical_json(detail)
    eid = None if entity_id is None else str(entity_id)
    entry = ChangeLogEntry(
        seq=seq, at=at, actor=actor, action=action, entity=entity, entity_id=eid,
        detail=detail_text, prev_hash=prev,
        hash=entry_hash(prev, seq, at, actor, action, entity, eid, detail_text),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str] = field(default_factory=list)


def verify(session: Session, expected_head: tuple[int, str] | None = None) -> VerifyResult:
    """Recompute the chain; ``expected_head`` is the (seq, hash) kept outside the database."""
    problems: list[str] = []
    prev_hash, expected_seq, count = GENESIS, 1, 0
    rows = session.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars()
    for entry in rows:
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                f"entry {entry.seq}: expected sequence number {expected_seq} "
                "(an entry was deleted or the log was reordered)"
            )
        if entry.prev_hash != prev_hash:
            problems.append(
                f"entry {entry.seq}: does not chain onto the entry before it "
                "(an earlier entry was edited, deleted or moved)"
            )
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action,
                                entry.entity, entry.entity_id, entry.detail)
        if recomputed != entry.hash:
            problems.append(f"entry {entry.seq}: its content does not match its hash (edited)")
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head_seq = expected_seq - 1
    if expected_head is not None:
        want_seq, want_hash = expected_head
        if head_seq < want_seq:
            problems.append(
                f"the log ends at entry {head_seq} but the workspace recorded entry {want_seq} "
                "as the newest (entries were deleted from the end)"
            )
        elif head_seq == want_seq and prev_hash != want_hash:
            problems.append(f"the newest entry {head_seq} is not the one the workspace recorded")
    return VerifyResult(ok=not problems, entries=count, head_seq=head_seq, head_hash=prev_hash,
                        problems=problems)
