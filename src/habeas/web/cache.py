"""Derived page data cached on the state of the register.

Every change to the register appends a change-log entry, so the log's newest
sequence number identifies the register's state exactly. Page data that is a
pure function of that state (aggregates, conditions, charts, incident counts)
is computed once per state and per key (language, filters, role-dependent
flags), then served from memory until the next write. Callers get a deep copy,
so a view may change what it returns without touching the cache.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import func, select

from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry

MAX_ENTRIES = 256
_entries: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_lock = threading.Lock()


def register_state(store: Store) -> int:
    """The newest change-log sequence number: changes whenever the register does."""
    with store.read() as session:
        return int(session.execute(select(func.max(ChangeLogEntry.seq))).scalar() or 0)


def cached(store: Store, key: tuple[Hashable, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per register state and ``key``; a deep copy each call."""
    full_key = (id(store), register_state(store), *key)
    with _lock:
        hit = _entries.get(full_key)
        if hit is not None:
            _entries.move_to_end(full_key)
    if hit is None:
        hit = compute()
        with _lock:
            _entries[full_key] = hit
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return copy.deepcopy(hit)


def clear() -> None:
    with _lock:
        _entries.clear()
