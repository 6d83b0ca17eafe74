"""Exception classes shared by the library. Faces turn these into clean messages.

Every error a user can cause is a :class:`HabeasError`; the CLI prints its
message (never a traceback) and exits with :attr:`HabeasError.exit_code`.
"""

from __future__ import annotations

from typing import Any


class HabeasError(Exception):
    """Base class for errors a user can act on."""

    exit_code = 1


class UsageError(HabeasError):
    """The request itself is malformed (bad option, unknown field, ...)."""

    exit_code = 2


class FieldError(UsageError):
    """Input that cannot be recorded; ``field`` names the form field at fault (``None``: the whole).

    The message is kept as its untranslated ``template`` and ``values`` so that each face
    can show it in its reader's language (:meth:`translated`) beside the field it names.
    Templates use ``str.format`` placeholders unless a subclass fills them otherwise.
    """

    def __init__(self, template: str, field: str | None = None, **values: Any) -> None:
        self.template, self.field, self.values = template, field, values
        super().__init__(self.fill(template, values))

    @staticmethod
    def fill(template: str, values: dict[str, Any]) -> str:
        return template.format(**values)

    def translated(self, gettext: Any) -> str:
        return self.fill(str(gettext(self.template)), self.values)


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
