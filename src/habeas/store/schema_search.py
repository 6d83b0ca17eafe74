"""Tables for the find-a-person search index (see habeas.linkage.search)."""

from __future__ import annotations

from habeas.store.schema import Base  # noqa: F401  (tables defined here join this metadata)
