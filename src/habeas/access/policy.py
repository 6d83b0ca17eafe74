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
``dossier``         produce a person's dossier (PDF)
``estimate``        run and read population estimates
``admin``           accounts, vocabularies, the change log
=================== =====================================================

Anonymous visitors (not logged in) have the role ``None`` and only ``public``.

Extending (issue 7, sensitivity levels): the table is keyed by role and
permission today; sensitivity adds a third key. :func:`allowed` already takes a
keyword ``sensitivity`` that defaults to :data:`PUBLIC`, and
:data:`CLEARANCE` says the highest level each role may read; a caller that
knows the sensitivity of what it is about to show passes it, and everything
that does not yet know (aggregates) keeps working unchanged.
"""

from __future__ import annotations

from habeas.errors import HabeasError

ROLES: tuple[str, ...] = ("admin", "documenter", "legal", "analyst", "viewer")

PERMISSIONS: tuple[str, ...] = (
    "public", "read_summary", "read_aggregates", "read_identities", "review", "import", "edit",
    "dossier", "estimate", "admin",
)

_EVERYONE = frozenset({"public", "read_summary"})

#: role -> the permissions it holds (the one policy table).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "documenter": _EVERYONE | {"read_aggregates", "read_identities", "review", "import", "edit",
                               "dossier", "estimate"},
    "legal": _EVERYONE | {"read_aggregates", "read_identities", "dossier"},
    "analyst": _EVERYONE | {"read_aggregates", "estimate"},
    "viewer": _EVERYONE,
}

#: Sensitivity levels, least to most protected (issue 7 assigns them to data).
SENSITIVITY_LEVELS: tuple[str, ...] = ("public", "internal", "restricted", "witness_protected")
PUBLIC = "public"

#: role -> the most sensitive level it may read (issue 7 refines this per action).
CLEARANCE: dict[str | None, str] = {
    None: "public",
    "viewer": "public",
    "analyst": "internal",
    "legal": "restricted",
    "documenter": "restricted",
    "admin": "witness_protected",
}


class PermissionDenied(HabeasError):
    """The user's role does not hold the permission the action needs."""

    def __init__(self, permission: str, role: str | None, message: str | None = None) -> None:
        self.permission = permission
        self.role = role
        super().__init__(message or (
            f"Your role ({role or 'not logged in'}) does not allow this "
            f"(it needs the permission {permission!r})."))


def check_role(role: str) -> str:
    if role not in ROLES:
        from habeas.errors import UsageError

        raise UsageError(f"Unknown role {role!r}; roles are: {', '.join(ROLES)}.")
    return role


def check_permission(permission: str) -> str:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; permissions are: "
                         f"{', '.join(PERMISSIONS)}")
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
    clearance = CLEARANCE.get(role, "public")
    return SENSITIVITY_LEVELS.index(sensitivity) <= SENSITIVITY_LEVELS.index(clearance)


def require(role: str | None, permission: str, *, sensitivity: str = PUBLIC) -> None:
    """Raise :class:`PermissionDenied` unless :func:`allowed`."""
    if not allowed(role, permission, sensitivity=sensitivity):
        raise PermissionDenied(permission, role)
