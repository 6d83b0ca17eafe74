"""Relatives' inquiries (ICPPED art. 18; ICRC tracing requests).

* :mod:`habeas.inquiry.model` — create, correct, change status (each change an event);
* :mod:`habeas.inquiry.read` — the state folded from the events, reader-scoped reads (the
  asker is witness_protected by default);
* :mod:`habeas.inquiry.matching` — match against the register (:func:`habeas.search.search`)
  and confirm the person the inquiry concerns;
* :mod:`habeas.inquiry.letter` — the answer letter, art. 18(1) a–g item by item (es / en).
"""

from __future__ import annotations

from habeas.inquiry.model import (
    ASKER_WITHHELD,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS,
    Asker,
    InquiryError,
    InquirySpec,
    Sought,
    create_inquiry,
    describe_inquiry,
    set_status,
)
from habeas.inquiry.read import InquiryView, get_inquiry, list_inquiries

__all__ = [
    "ASKER_WITHHELD",
    "STATUSES",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Asker",
    "InquiryError",
    "InquirySpec",
    "InquiryView",
    "Sought",
    "create_inquiry",
    "describe_inquiry",
    "get_inquiry",
    "list_inquiries",
    "set_status",
]
