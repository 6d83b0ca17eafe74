"""The server's access log without query strings.

uvicorn logs every request line, query string included: ``GET
/search?q=Maria+Perez&dob=1990-05-04``. Query strings carry names, dates of
birth and document numbers typed into search forms, and the access log is
kept, rotated and copied like any log, with none of the register's
protections. :class:`NoQueryStrings` drops the query string from every request
line (the path is kept: ``/search?…``); :func:`log_config` is uvicorn's logging
configuration with the filter on its access log (``habeas serve`` uses it).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

#: What stands in for a dropped query string.
ELIDED = "?…"


def without_query(target: str) -> str:
    """``/search?q=Ana`` -> ``/search?…``."""
    path, sep, _ = target.partition("?")
    return path + ELIDED if sep else path


class NoQueryStrings(logging.Filter):
    """Drop query strings from uvicorn access-log records (``args``: client, method,
    path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], without_query(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration, with :class:`NoQueryStrings` on the access
    log's handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["no_query_strings"] = {
        "()": "habeas.web.accesslog.NoQueryStrings"
    }
    config["handlers"]["access"].setdefault("filters", []).append("no_query_strings")
    return config
