"""Find a person: ranked candidate persons for a name, date of birth, nationality, id.

* :mod:`habeas.search.query` — :func:`search` / :func:`find` (reader-scoped, read-audited);
* :mod:`habeas.search.index` — the search index (keys per record, kept up to date);
* :mod:`habeas.search.candidates` — candidate keys for a query, typo alternatives;
* :mod:`habeas.search.score` — the score and its reasons in plain language;
* :mod:`habeas.search.evaluate` — recall of the search against a synthetic truth.
"""

from __future__ import annotations

from habeas.search.query import (
    Candidate,
    MatchedRecord,
    Reason,
    SearchQuery,
    SearchResult,
    SearchStatus,
    build_search_index,
    find,
    index_records,
    parse_query,
    search,
    search_status,
)

__all__ = [
    "Candidate",
    "MatchedRecord",
    "Reason",
    "SearchQuery",
    "SearchResult",
    "SearchStatus",
    "build_search_index",
    "find",
    "index_records",
    "parse_query",
    "search",
    "search_status",
]
