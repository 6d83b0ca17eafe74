"""Messages the library describes and each face translates (gettext, English and Spanish).

The library keeps a problem as a :class:`Message` (an English msgid with
``{named}`` fields, marked with :func:`N_` for extraction, plus its values);
``str()`` is the English text, :meth:`Message.text` the text in a language.
:class:`MessageError` carries one, so a face can say it in the reader's
language and add how to fix it in its own terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from habeas.errors import IntegrityError, UsageError
from habeas.i18n import gettext_for


def N_(message: str) -> str:  # marks a msgid for extraction; translated by Message.text
    return message


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return str(gettext_for(lang)(self.msgid)).format(**self.params)

    def __str__(self) -> str:
        return self.msgid.format(**self.params)


def say(msgid: str, **params: Any) -> Message:
    return Message(msgid, params)


class MessageError(IntegrityError):
    """An integrity failure whose message a face can translate (:attr:`message`)."""

    def __init__(self, message: Message, details: list[Message] | None = None) -> None:
        self.message = message
        self.details = details or []
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return "\n  ".join([self.message.text(lang), *(d.text(lang) for d in self.details)])


class MessageUsageError(UsageError):
    """A refused request whose message a face can translate (:attr:`message`)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))

    def text(self, lang: str) -> str:
        return self.message.text(lang)
