"""What the data pages share: vocabulary labels, number/date formatting, JSON-safe values.

Every page module builds one plain dict (JSON-native values only) that the
framework renders as HTML or JSON. Texts meant for people are translated here
with the request's gettext (``_``) so the JSON API gives the same words the
page shows; codes are always kept beside them for programs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from habeas import i18n
from habeas.i18n_dates import fmt_date as fmt_date  # re-exported: the pages import it from here
from habeas.read.vocabulary import vocabulary_labels as _labels
from habeas.report.labels import STATUSES
from habeas.store.db import Store
from habeas.web.cache import cached

Gettext = Callable[[str], str]


#: Statuses the trace library states as ids; one table, shared with the reports.
STATUS_TEXT: dict[str, str] = STATUSES


def status_text(code: str | None, _: Gettext) -> str:
    if not code:
        return ""
    return _(STATUS_TEXT[code]) if code in STATUS_TEXT else code.replace("_", " ")


def vocabulary_labels(store: Store, lang: str) -> dict[str, dict[str, str]]:
    """``{vocabulary: {code: label in lang}}`` for every controlled vocabulary: read once
    per register state (adding a term is a change to the register), a copy per call.
    The terms are no one's personal data: the same for every reader."""
    labels: dict[str, dict[str, str]] = cached(
        store, ("vocabulary_labels", lang), lambda: _labels(store, lang)
    )
    return labels


#: Each dataclass's field names, in order (``dataclasses.fields`` walks them per call).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def jsonable(value: Any) -> Any:
    """Dataclasses, dates, tuples, sets and numpy values → JSON-native values."""
    kind = type(value)  # the common exact types first (a page holds thousands of values)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list:
        return [jsonable(v) for v in value]
    if kind is float:
        return value if math.isfinite(value) else None
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, str):
        try:
            value = value.item()  # numpy scalar
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def fmt_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "∞"
    if digits:
        return i18n.format_decimal(float(value), lang, digits)
    return i18n.format_decimal(round(float(value)), lang, 0)


def fmt_percent(value: float | None, lang: str, digits: int = 0) -> str:
    return "—" if value is None else i18n.format_percent(value, lang, digits)


def first(values: Iterable[Any], default: Any = None) -> Any:
    return next(iter(values), default)


def clean_text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
