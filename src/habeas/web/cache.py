"""Derived page data cached on the state of the register.

Every change to the register appends a change-log entry, so the newest entry's
sequence number identifies the register's state exactly. Page data that is a
pure function of that state (aggregates, conditions, charts, incident counts)
is computed once per state and per key (language, filters, role-dependent
flags), then served from memory until the next write. Entries that only
record who did what — reads of restricted data, sign-ins, stated purposes,
verifications, backups, exports (:data:`NOT_CHANGES`) — change nothing the
pages show, so they do not count as a new state: a sign-in or a person viewed
does not throw away every cached page. Only the entries added since the last
look are examined.

* Each caller gets its own copy (the value is kept pickled and unpickled on
  every hit, several times faster than ``copy.deepcopy`` for page dicts), so a
  view may change what it returns without touching the cache.
* One computation per key at a time: requests that arrive while a value is
  being computed wait for it instead of computing it again (a page that draws
  charts or counts every incident is worked out once, not once per request).
* :func:`etag` names a state and key for HTTP caching: a client that already
  holds the answer gets ``304 Not Modified`` until the register changes.
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from habeas.audit.reads import READ_ACTION
from habeas.store.changelog import newest_seq
from habeas.store.db import Store

MAX_ENTRIES = 256
#: Change-log actions that record an access, not a change to the register's content.
NOT_CHANGES = frozenset(
    {
        READ_ACTION,
        "login",
        "login_failed",
        "logout",
        "purpose",
        "view",
        "verify",
        "backup",
        "export",
        "login_totp",
    }
)
_entries: OrderedDict[tuple[Hashable, ...], bytes] = OrderedDict()
_computing: dict[tuple[Hashable, ...], threading.Lock] = {}
_lock = threading.Lock()
_numbers = itertools.count(1)


@dataclass
class _Seen:
    """What this process last saw of one store's change log."""

    token: int = field(default_factory=lambda: next(_numbers))  # the store, in cache keys
    newest: int = 0  # the newest entry (of any kind)
    state: int = 0  # the newest entry that changed the register


_seen: weakref.WeakKeyDictionary[Store, _Seen] = weakref.WeakKeyDictionary()


def _seen_for(store: Store) -> _Seen:
    with _lock:
        seen = _seen.get(store)
        if seen is None:
            seen = _seen[store] = _Seen()
        return seen


def register_state(store: Store) -> int:
    """The sequence number of the newest change-log entry that changed the register
    (:data:`NOT_CHANGES` excluded): it changes whenever the register does."""
    seen = _seen_for(store)
    with store.read() as session:
        newest = newest_seq(session) or 0
        known, state = seen.newest, seen.state
        if newest == known:
            return state
        since = known if 0 < known < newest else 0  # a shorter log: another database
        changed = newest_seq(session, after=since, upto=newest, excluding=NOT_CHANGES)
    state = changed if changed is not None else (state if since else 0)
    with _lock:
        if newest >= seen.newest:
            seen.newest, seen.state = newest, state
    return state


def _get(full_key: tuple[Hashable, ...]) -> bytes | None:
    with _lock:
        blob = _entries.get(full_key)
        if blob is not None:
            _entries.move_to_end(full_key)
        return blob


def cached(
    store: Store, key: tuple[Hashable, ...], compute: Callable[[], Any], *, state: int | None = None
) -> Any:
    """``compute()`` once per register state and ``key``; a fresh copy each call.

    ``state``: the :func:`register_state` the caller already read (so an ETag
    made from it and the value served agree); read here when not given.
    """
    full_key = (_seen_for(store).token, register_state(store) if state is None else state, *key)
    blob = _get(full_key)
    if blob is None:
        with _lock:
            gate = _computing.setdefault(full_key, threading.Lock())
        try:
            with gate:  # one computation per key; the others wait for its result
                blob = _get(full_key)
                if blob is None:
                    blob = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
                    with _lock:
                        _entries[full_key] = blob
                        while len(_entries) > MAX_ENTRIES:
                            _entries.popitem(last=False)
        finally:
            with _lock:
                if _computing.get(full_key) is gate and not gate.locked():
                    del _computing[full_key]
    return pickle.loads(blob)


def etag(state: int, key: tuple[Hashable, ...]) -> str:
    """A strong HTTP entity tag for what ``key`` gives at register ``state``."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
    return f'"{state}-{digest}"'


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak comparison, or ``*``)."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    return any(
        part == "*" or part.removeprefix("W/") == wanted
        for part in (p.strip() for p in if_none_match.split(","))
    )


class Slots:
    """At most ``limit`` computations of one kind at a time, in this process: a page whose
    computation takes seconds of CPU (an estimate) is refused rather than queued when
    every slot is taken, so that one user cannot occupy every worker."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._free = threading.BoundedSemaphore(self.limit)

    def try_enter(self) -> bool:
        return self._free.acquire(blocking=False)

    def leave(self) -> None:
        self._free.release()


_slots: dict[tuple[str, int], Slots] = {}


def slots(kind: str, limit: int) -> Slots:
    """The process's :class:`Slots` for ``kind`` (one set per kind and limit)."""
    with _lock:
        found = _slots.get((kind, limit))
        if found is None:
            found = _slots[(kind, limit)] = Slots(limit)
        return found


def clear() -> None:
    with _lock:
        _entries.clear()
