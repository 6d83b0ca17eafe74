"""Who is asking: the reader passed into every library function that shows personal data.

A :class:`Reader` is a role, a user name and a purpose. Library read functions
(:func:`habeas.trace.person_summary`, :func:`habeas.store.queries.iter_records`,
:func:`habeas.report.export.export`, :func:`habeas.report.dossier.build_dossier`,
:func:`habeas.search.search`, :func:`habeas.document.incidents.list_incidents`,
...) take ``reader=``; they keep what the reader may reach (:func:`habeas.access.policy.may`)
and report the rest as withheld (:class:`Withheld`), never silently. Reads of
``restricted`` or ``witness_protected`` data need a purpose (art. 19 ICPPED:
data collected in the search for a disappeared person serves that search only)
and are written to the change log (:mod:`habeas.audit`).

``reader=None`` means the library itself is computing (linkage, estimation,
benchmarks): nothing is withheld and nothing is logged. Every face (web, API,
CLI) passes a reader.

Where the reader comes from:

* web and API — the logged-in user (:attr:`habeas.web.context.Context.reader`);
  the purpose is asked once per browser session, or sent by API clients in the
  ``X-Habeas-Purpose`` header (or ``?purpose=``);
* CLI — :func:`cli_reader`: ``--as USER`` or ``HABEAS_USER`` or the operating-system
  user; if an app account of that name exists, its role; otherwise the local
  owner of the workspace, with the ``admin`` role (whoever can run the CLI on the
  workspace can read its database file anyway). The purpose is ``--purpose`` or
  ``HABEAS_PURPOSE``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from habeas.access import policy
from habeas.errors import UsageError

#: Levels whose reads need a purpose and are logged.
AUDITED_LEVELS: frozenset[str] = frozenset({policy.RESTRICTED, policy.WITNESS_PROTECTED})

#: Purposes a consultation of restricted data may have (art. 18-19 ICPPED), code -> label.
PURPOSES: dict[str, str] = {
    "relative_request": "request from a relative",
    "lawyer_request": "request from a lawyer or representative",
    "court_filing": "preparing a court filing or habeas petition",
    "un_communication": "communication to a UN body or the IACHR",
    "documentation": "documentation of the case (verification, linkage, corrections)",
    "audit": "audit of the register itself",
}


def check_purpose(text: str | None) -> str | None:
    """``"lawyer_request"`` or ``"lawyer_request: case 25-123"``; the code must be known."""
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    code, _, note = text.partition(":")
    code = code.strip().lower().replace("-", "_").replace(" ", "_")
    if code not in PURPOSES:
        raise UsageError(
            f"Unknown purpose {text!r}: start it with one of "
            f"{', '.join(PURPOSES)} (a note may follow a colon, e.g. "
            "'lawyer_request: case 25-123')."
        )
    if len(text) > 250:
        raise UsageError("Keep the purpose under 250 characters.")
    return f"{code}: {note.strip()}" if note.strip() else code


@dataclass(frozen=True)
class Reader:
    """Who is asking: role (``None``: not logged in), user name, purpose, and the face."""

    role: str | None
    user: str
    purpose: str | None = None
    face: str = "cli"  # cli, web or api

    def __post_init__(self) -> None:
        if self.role is not None:
            policy.check_role(self.role)
        object.__setattr__(self, "purpose", check_purpose(self.purpose))

    def may(self, level: str, action: str = "view") -> bool:
        """Cleared for ``level`` with ``action`` and, for audited levels, a purpose given."""
        return self.why_not(level, action) is None

    def why_not(self, level: str, action: str = "view") -> str | None:
        """``None`` when allowed, else ``"level"`` (not cleared) or ``"purpose"`` (none given)."""
        if not policy.may(self.role, level, action):
            return "level"
        if level in AUDITED_LEVELS and self.purpose is None:
            return "purpose"
        return None

    def levels(self, action: str = "view") -> tuple[str, ...]:
        """The levels this reader reaches now with ``action``."""
        return tuple(lv for lv in policy.SENSITIVITY_LEVELS if self.may(lv, action))

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "user": self.user, "purpose": self.purpose, "face": self.face}


@dataclass
class Withheld:
    """What was kept from a reader: counts by kind (records, sources, ...) and by level,
    and whether stating a purpose would reveal some of it."""

    counts: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    for_purpose: int = 0  # of those, how many a purpose would reveal

    def add(self, kind: str, level: str, reason: str, n: int = 1) -> None:
        self.counts[kind] += n
        self.levels[level] += n
        if reason == "purpose":
            self.for_purpose += n

    def __bool__(self) -> bool:
        return bool(self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def message(self) -> str:
        """``withheld: 3 records, 1 source at a level you may not see`` (English; faces
        translate from :meth:`to_dict`)."""
        if not self:
            return ""
        parts = ", ".join(
            f"{n} {kind if n != 1 else kind.rstrip('s')}" for kind, n in sorted(self.counts.items())
        )
        text = f"withheld: {parts} at a level you may not see"
        if self.for_purpose:
            text += (
                f" ({self.for_purpose} would be shown if you state the purpose of this "
                "consultation)"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "counts": dict(sorted(self.counts.items())),
            "levels": dict(sorted(self.levels.items(), key=lambda kv: policy.rank(kv[0]))),
            "for_purpose": self.for_purpose,
            "message": self.message(),
        }


@dataclass(frozen=True)
class WithheldParts:
    """How a withheld total splits: what a stated purpose would show, and what is above
    the role's clearance. A count may be a suppressed string ("<5") where the reader sees
    aggregates only; the split is then left blank rather than computed from it."""

    total: int | str
    for_purpose: int | str
    above_clearance: int | str


def withheld_parts(withheld: dict[str, Any] | Withheld | None) -> WithheldParts | None:
    """The parts of a :class:`Withheld` (or its ``to_dict()``, possibly suppressed), or
    ``None`` when nothing was withheld. Every face says the same three numbers."""
    if isinstance(withheld, Withheld):
        withheld = withheld.to_dict() if withheld else None
    if not withheld or not withheld.get("total"):
        return None
    total: int | str = withheld["total"]
    for_purpose: int | str = withheld.get("for_purpose") or 0
    if isinstance(total, int) and isinstance(for_purpose, int):
        above: int | str = total - for_purpose
    else:  # a small count hidden from roles that see aggregates only ("<5")
        above = total if not for_purpose else ""
    return WithheldParts(total, for_purpose, above)


def require_reader_for(reader: Reader | None, action: str) -> None:
    """Refuse a reader whose role holds no permission for ``action`` at all."""
    if reader is not None and policy.max_level(reader.role, action) is None:
        raise policy.PermissionDenied(policy.ACTIONS[action], reader.role)


def cli_reader(
    store: Any, name: str | None = None, purpose: str | None = None, *, explicit: bool = False
) -> Reader:
    """The reader for a CLI command (see the module doc). ``explicit``: ``name`` came from
    ``--as`` and must be an app account."""
    from habeas.access.users import get_user
    from habeas.errors import NotFound
    from habeas.store.db import default_actor

    who = name or default_actor()
    try:
        account = get_user(store, who)
    except NotFound:
        if explicit:
            raise
        return Reader("admin", who, purpose, "cli")
    if account.disabled:
        raise policy.PermissionDenied(
            "read_identities", account.role, f"The account {who!r} is disabled."
        )
    return Reader(account.role, who, purpose, "cli")
