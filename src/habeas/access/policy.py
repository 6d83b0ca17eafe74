"""Roles and permissions: one table, asked by every face (web, API, CLI, exports).

Roles (a user has exactly one):

* ``admin`` — everything, including accounts and vocabularies;
* ``documenter`` — reads everything, imports lists, edits, reviews match pairs;
* ``legal`` — reads everything (identities included) and produces dossiers;
* ``analyst`` — aggregates and estimates, never identities;
* ``viewer`` — the summary pages only (counts and charts, no personal data).

Permissions (what a route or library function declares it needs):

=================== =====================================================
``public``          anyone, even without logging in (login page, API docs)
``read_summary``    the situation overview: counts and charts, no personal data
``read_aggregates`` aggregate tables and breakdowns (still no identities)
``read_identities`` names, identifiers, person pages, sources, files
``review``          decide match pairs in the review queue
``import``          bring lists into the register
``edit``            add or correct facts, facilities, incidents
``legal_actions``   record and update legal actions (petitions, claims, complaints)
                    and attach their documents
``dossier``         produce a person's dossier (PDF)
``estimate``        run and read population estimates
``admin``           accounts, vocabularies, the change log
=================== =====================================================

Anonymous visitors (not logged in) have the role ``None`` and only ``public``.

Sensitivity (issue 7)
---------------------
Every source, record, stored file and incident carries a sensitivity level,
least to most protected: ``public``, ``internal``, ``restricted``,
``witness_protected`` (:data:`SENSITIVITY_LEVELS`). Who may see data at which
level is the second table, :data:`SENSITIVITY_TABLE`: role × action → the most
sensitive level that role may reach with that action. The actions are

=========== ===============================================================
``view``    see personal data on a page, in the API or on the terminal
            (person page, person summary, records, find-a-person results,
            incident victims, source and file lists)
``export``  copy rows out in bulk (CSV, XLSX, JSON exports)
``dossier`` produce a person's dossier (a document that leaves the register)
=========== ===============================================================

:func:`may` answers one cell (role, level, action); it also requires the
permission the action needs (``read_identities`` for ``view`` and ``export``,
``dossier`` for ``dossier``), so an analyst or viewer reaches no personal data
at any level. The library enforces it (see :mod:`habeas.access.reader`); the
faces only say who is asking.
"""

from __future__ import annotations

from habeas.errors import HabeasError

ROLES: tuple[str, ...] = ("admin", "documenter", "legal", "analyst", "viewer")

PERMISSIONS: tuple[str, ...] = (
    "public",
    "read_summary",
    "read_aggregates",
    "read_identities",
    "review",
    "import",
    "edit",
    "legal_actions",
    "dossier",
    "estimate",
    "admin",
)

_EVERYONE = frozenset({"public", "read_summary"})

#: role -> the permissions it holds (the one policy table).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "documenter": _EVERYONE
    | {
        "read_aggregates",
        "read_identities",
        "review",
        "import",
        "edit",
        "legal_actions",
        "dossier",
        "estimate",
    },
    # Lawyers record the actions they file on a person's behalf (and their documents),
    # but do not edit the register's facts.
    "legal": _EVERYONE | {"read_aggregates", "read_identities", "legal_actions", "dossier"},
    "analyst": _EVERYONE | {"read_aggregates", "estimate"},
    "viewer": _EVERYONE,
}

#: Sensitivity levels, least to most protected (every source, record, file, incident has one).
SENSITIVITY_LEVELS: tuple[str, ...] = ("public", "internal", "restricted", "witness_protected")

PUBLIC, INTERNAL, RESTRICTED, WITNESS_PROTECTED = SENSITIVITY_LEVELS

#: What a sensitivity action needs besides the level.
ACTIONS: dict[str, str] = {
    "view": "read_identities",
    "export": "read_identities",
    "dossier": "dossier",
}

#: role -> action -> the most sensitive level the role may reach with that action
#: (``None``: nothing at all). The one sensitivity table; tests enumerate every cell.
SENSITIVITY_TABLE: dict[str | None, dict[str, str | None]] = {
    #              view                export             dossier
    "admin": {"view": WITNESS_PROTECTED, "export": WITNESS_PROTECTED, "dossier": WITNESS_PROTECTED},
    "documenter": {"view": RESTRICTED, "export": RESTRICTED, "dossier": RESTRICTED},
    # Lawyers read and file restricted data for one person, but bulk exports stop at internal.
    "legal": {"view": RESTRICTED, "export": INTERNAL, "dossier": RESTRICTED},
    # Analysts and viewers never see identities (they hold no read_identities).
    "analyst": {"view": None, "export": None, "dossier": None},
    "viewer": {"view": None, "export": None, "dossier": None},
    None: {"view": None, "export": None, "dossier": None},
}

#: role -> the most sensitive level it may read at all, personal or aggregate (the
#: ``sensitivity`` of :func:`allowed`). For roles that read identities it equals their
#: ``view`` column; analysts read internal aggregates but no personal data.
CLEARANCE: dict[str | None, str] = {
    None: PUBLIC,
    "viewer": PUBLIC,
    "analyst": INTERNAL,
    "legal": RESTRICTED,
    "documenter": RESTRICTED,
    "admin": WITNESS_PROTECTED,
}


def check_level(level: str) -> str:
    if level not in SENSITIVITY_LEVELS:
        from habeas.errors import UsageError

        raise UsageError(
            f"Unknown sensitivity {level!r}; levels are: {', '.join(SENSITIVITY_LEVELS)}."
        )
    return level


def rank(level: str) -> int:
    """0 for public ... 3 for witness_protected."""
    return SENSITIVITY_LEVELS.index(level)


def highest(*levels: str) -> str:
    """The most protected of ``levels``."""
    return max(levels, key=rank)


def max_level(role: str | None, action: str) -> str | None:
    """The most sensitive level ``role`` may reach with ``action`` (``None``: none)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; actions are: {', '.join(ACTIONS)}")
    if ACTIONS[action] not in permissions_of(role):
        return None
    return SENSITIVITY_TABLE.get(role, SENSITIVITY_TABLE[None])[action]


def may(role: str | None, level: str, action: str) -> bool:
    """May ``role`` reach data at sensitivity ``level`` with ``action`` (one table cell)?"""
    check_level(level)
    top = max_level(role, action)
    return top is not None and rank(level) <= rank(top)


class PermissionDenied(HabeasError):
    """The user's role does not hold the permission the action needs."""

    def __init__(self, permission: str, role: str | None, message: str | None = None) -> None:
        self.permission = permission
        self.role = role
        super().__init__(
            message
            or (
                f"Your role ({role or 'not logged in'}) does not allow this "
                f"(it needs the permission {permission!r})."
            )
        )


def check_role(role: str) -> str:
    if role not in ROLES:
        from habeas.errors import UsageError

        raise UsageError(f"Unknown role {role!r}; roles are: {', '.join(ROLES)}.")
    return role


def check_permission(permission: str) -> str:
    if permission not in PERMISSIONS:
        raise ValueError(
            f"unknown permission {permission!r}; permissions are: {', '.join(PERMISSIONS)}"
        )
    return permission


def permissions_of(role: str | None) -> frozenset[str]:
    if role is None:
        return frozenset({"public"})
    return ROLE_PERMISSIONS.get(role, frozenset({"public"}))


def allowed(role: str | None, permission: str, *, sensitivity: str = PUBLIC) -> bool:
    """May ``role`` (``None`` = not logged in) do what ``permission`` guards?"""
    check_permission(permission)
    if permission not in permissions_of(role):
        return False
    clearance = CLEARANCE.get(role, PUBLIC)
    return rank(check_level(sensitivity)) <= rank(clearance)


def require(role: str | None, permission: str, *, sensitivity: str = PUBLIC) -> None:
    """Raise :class:`PermissionDenied` unless :func:`allowed`."""
    if not allowed(role, permission, sensitivity=sensitivity):
        raise PermissionDenied(permission, role)
