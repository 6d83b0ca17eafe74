"""Exception classes shared by the library. Faces turn these into clean messages.

Every error a user can cause is a :class:`HabeasError`; the CLI prints its
message (never a traceback) and exits with :attr:`HabeasError.exit_code`.
"""

from __future__ import annotations


class HabeasError(Exception):
    """Base class for errors a user can act on."""

    exit_code = 1


class UsageError(HabeasError):
    """The request itself is malformed (bad option, unknown field, ...)."""

    exit_code = 2


class WorkspaceError(HabeasError):
    """No workspace, or a workspace that cannot be opened."""


class NotFound(HabeasError):
    """A named thing (source, person, term, ...) does not exist."""


class IntegrityError(HabeasError):
    """A stored file, log entry or hash does not match what was recorded."""


class KeyRequired(HabeasError):
    """The workspace's protected data is encrypted and no passphrase or key was supplied."""


class WrongKey(HabeasError):
    """The passphrase or key file does not open this workspace's protected data."""
