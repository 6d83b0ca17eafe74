"""The append-only, hash-chained change log.

Each entry's hash is ``HMAC-SHA256(key, prev_hash || canonical(entry))`` where
the canonical form is a JSON array of the entry's fields in a fixed order and
the key is kept outside the database (:mod:`habeas.store.logkey`); entries of
an un-keyed legacy chain (before ``since``) use ``sha256(prev_hash ||
canonical(entry))``. The first entry's ``prev_hash`` is 64 zeros.
:func:`verify` recomputes the chain and reports every problem it finds:

* an **edited** entry no longer matches its own hash;
* a **deleted** entry leaves a gap in the sequence numbers (and the next
  entry's ``prev_hash`` points at a hash that is not its predecessor's);
* **reordered** entries break the ``prev_hash`` links;
* deleting the **newest** entries is caught by comparing with the head that
  the workspace keeps outside the database (``log.head``): the entry at the
  recorded head must be there and be the one recorded, and a missing head on a
  non-empty log (or a head with an empty log) is itself a problem;
* **re-chaining** (recomputing every hash after an edit) needs the key;
* an ``anchor`` (a head digest noted elsewhere, ``--expect-head``) must be an
  entry of the chain: everything up to it is then exactly what was noted.

One entry per operation: an import is one entry (file hash, source, row
count), not one per row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from habeas.messages import N_, Message, say
from habeas.store.logkey import KEY_ACTION, KEY_NAME, LogKey
from habeas.store.logkey import load as load_key
from habeas.store.schema import ChangeLogEntry

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    detail: str,
    key: LogKey | None = None,
) -> str:
    """The entry's hash: keyed (HMAC) from the key's ``since`` on, plain SHA-256 before."""
    payload = canonical_json([seq, at, actor, action, entity, entity_id, detail])
    if key is not None and seq >= key.since:
        return key.chain(prev_hash, payload)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE change_log IN SHARE ROW EXCLUSIVE MODE"))


def next_seq(session: Session) -> int:
    """The next entry's sequence number, with the log locked for this transaction."""
    _lock(session)
    last = session.execute(
        select(ChangeLogEntry.seq).order_by(ChangeLogEntry.seq.desc()).limit(1)
    ).scalar()
    return 1 if last is None else int(last) + 1


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None,
    detail: dict[str, Any],
    key_path: Path | None = None,
) -> ChangeLogEntry:
    """Append one entry inside the caller's transaction.

    On PostgreSQL the table is locked first so that two concurrent writers
    cannot both chain onto the same head; SQLite serialises writers itself.
    The log key (``key_path``) is read after the lock, so a key another process
    just created is used by every entry after its ``since``.
    """
    _lock(session)
    key = load_key(key_path)
    last = session.execute(
        select(ChangeLogEntry.seq, ChangeLogEntry.hash).order_by(ChangeLogEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    detail_text = canonical_json(detail)
    eid = None if entity_id is None else str(entity_id)
    entry = ChangeLogEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=eid,
        detail=detail_text,
        prev_hash=prev,
        hash=entry_hash(prev, seq, at, actor, action, entity, eid, detail_text, key),
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
    issues: list[Message] = field(default_factory=list)
    keyed_since: int | None = None  # None: an un-keyed legacy chain
    key_id: str | None = None
    anchored: bool = False  # an --expect-head digest was found in the chain

    @property
    def problems(self) -> list[str]:
        """The problems in English (:attr:`issues` translates)."""
        return [str(issue) for issue in self.issues]

    @property
    def keyed(self) -> bool:
        return self.keyed_since is not None


def verify(
    session: Session,
    expected_head: tuple[int, str] | None = None,
    *,
    key: LogKey | None = None,
    head_required: bool = False,
    anchor: str | None = None,
) -> VerifyResult:
    """Recompute the chain.

    ``expected_head`` is the (seq, hash) kept outside the database; with
    ``head_required`` (a workspace keeps one) a non-empty log without it is a
    problem. ``key`` keys entries from its ``since`` on. ``anchor`` is a head digest
    noted elsewhere: some entry of the chain must have it.
    """
    issues: list[Message] = []
    prev_hash, expected_seq, count = GENESIS, 1, 0
    want_seq, want_hash = expected_head if expected_head is not None else (None, None)
    seen_head = anchored = False
    key_entry: tuple[int, str] | None = None  # (seq, key id) of a log_key entry
    rows = session.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars()
    for entry in rows:
        count += 1
        if entry.seq != expected_seq:
            issues.append(
                say(
                    N_(
                        "entry {seq}: expected sequence number {expected} (an entry "
                        "was deleted or the log was reordered)"
                    ),
                    seq=entry.seq,
                    expected=expected_seq,
                )
            )
        if entry.prev_hash != prev_hash:
            issues.append(
                say(
                    N_(
                        "entry {seq}: does not chain onto the entry before it (an "
                        "earlier entry was edited, deleted or moved)"
                    ),
                    seq=entry.seq,
                )
            )
        recomputed = entry_hash(
            entry.prev_hash,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.detail,
            key,
        )
        if not hmac.compare_digest(recomputed, entry.hash):
            issues.append(
                say(N_("entry {seq}: its content does not match its hash (edited)"), seq=entry.seq)
            )
        if entry.seq == want_seq:
            seen_head = True
            if entry.hash != want_hash:
                issues.append(
                    say(
                        N_(
                            "entry {seq} is not the entry the workspace recorded as "
                            "the newest (the log was rewritten)"
                        ),
                        seq=entry.seq,
                    )
                )
        if anchor is not None and entry.hash == anchor:
            anchored = True
        if entry.action == KEY_ACTION and key_entry is None:
            key_entry = (entry.seq, str(_detail(entry.detail).get("key_id", "")))
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head_seq = expected_seq - 1
    if want_seq is not None and count == 0:
        issues.append(
            say(
                N_(
                    "the log is empty but the workspace recorded entry {seq} as the "
                    "newest (every entry was deleted)"
                ),
                seq=want_seq,
            )
        )
    elif want_seq is not None and head_seq < want_seq:
        issues.append(
            say(
                N_(
                    "the log ends at entry {seq} but the workspace recorded entry "
                    "{recorded} as the newest (entries were deleted from the end)"
                ),
                seq=head_seq,
                recorded=want_seq,
            )
        )
    elif want_seq is not None and not seen_head:
        issues.append(
            say(
                N_("the log has no entry {seq}, which the workspace recorded as the newest"),
                seq=want_seq,
            )
        )
    if want_seq is None and head_required and count:
        issues.append(
            say(
                N_(
                    "the log has {count} entries but the workspace's record of the "
                    "newest one ({name}) is missing"
                ),
                count=count,
                name="log.head",
            )
        )
    elif want_seq is None and head_required:
        issues.append(
            say(
                N_(
                    "the log is empty, and so is the workspace's record of its newest "
                    "entry ({name}); a register logs from its creation on (every entry "
                    "was deleted)"
                ),
                name="log.head",
            )
        )
    if key is None and key_entry is not None:
        issues.append(
            say(
                N_("the log is keyed from entry {seq} but the log key ({name}) is missing"),
                seq=key_entry[0],
                name=KEY_NAME,
            )
        )
    elif key is not None and key_entry is not None and key_entry[1] != key.key_id:
        issues.append(
            say(
                N_("the log key {key_id} is not the key that keyed this log ({logged})"),
                key_id=key.key_id,
                logged=key_entry[1],
            )
        )
    if anchor is not None and not anchored:
        issues.append(
            say(
                N_(
                    "no entry of the log has the head digest you noted ({digest}): "
                    "the log up to it was changed, or it is another register's"
                ),
                digest=anchor,
            )
        )
    return VerifyResult(
        ok=not issues,
        entries=count,
        head_seq=head_seq,
        head_hash=prev_hash,
        issues=issues,
        keyed_since=key.since if key else None,
        key_id=key.key_id if key else None,
        anchored=anchored,
    )


def _detail(text_: str) -> dict[str, Any]:
    try:
        value = json.loads(text_)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def newest_seq(
    session: Session,
    *,
    after: int = 0,
    upto: int | None = None,
    excluding: frozenset[str] = frozenset(),
) -> int | None:
    """The sequence number of the newest entry after ``after`` (up to ``upto``) whose
    action is not in ``excluding``; ``None`` when there is none."""
    log = ChangeLogEntry
    query = select(func.max(log.seq)).where(log.seq > after)
    if upto is not None:
        query = query.where(log.seq <= upto)
    if excluding:
        query = query.where(log.action.not_in(excluding))
    found = session.execute(query).scalar()
    return None if found is None else int(found)
