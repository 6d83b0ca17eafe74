"""Document numbers read once per *shape*, not once per number.

A list's document numbers are nearly all distinct, so remembering each one saves
nothing; but they come in a handful of shapes ("V-99.999.999", "A999999999"), and how
:func:`habeas.domain.identifiers.classify_national_id`, :func:`normalise_a_number` or
:func:`normalise_passport` read a number depends on its shape alone: which characters are
letters (kept as they are in the shape), separators, zeros or other digits (each
other digit becomes ``9``). The result is then the type, a fixed prefix and the number's
digits with a fixed count of leading ones dropped: ``"V-01.234.567"`` (shape
``"V-09.999.999"``) is ``cedula_ve``, ``"V"`` + its digits without the first one.

:class:`ShapeReader` learns that template from the numbers it reads in full, and only
trusts it once :data:`CONFIRMATIONS` more numbers of the shape, read in full too, agreed
with it: a shape whose reading depends on the digits' values (a DUI's check digit, which
raises for a wrong one) never agrees long and is always read in full. Numbers that are
refused (a warning) are always read in full, so their messages are the reader's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

#: Numbers of a shape read in full and found to agree with its template before the
#: template is used alone.
CONFIRMATIONS = 3
#: Shapes remembered (a list of a million free-text numbers must not grow this forever).
SHAPE_LIMIT = 10_000
#: Types whose reading never depends on the digits' values (not ``dui_sv``: check digit).
SHAPED_TYPES = frozenset({"a_number", "passport", "cedula_ve", "cedula_co", "national_id"})

_SHAPE = str.maketrans("123456789", "999999999")


@dataclass(slots=True)
class _Template:
    id_type: str
    prefix: str
    skip: int  # leading digits dropped
    digits: Callable[[str], Any]  # the number's ASCII digits, by their places in the shape
    agreed: int = 0  # other numbers read in full that it read alike
    seen: set[str] = field(default_factory=set)


def shape_of(text: str) -> str:
    """The number's shape: every ASCII digit but ``0`` written ``9``."""
    return text.translate(_SHAPE)


class ShapeReader:
    """``(id_type, normalised)`` of numbers read by ``read`` (which raises for a number it
    refuses), by template once a shape's template is confirmed."""

    def __init__(self) -> None:
        self.templates: dict[tuple[Any, str], _Template | None] = {}

    def known(self, context: Any, text: str) -> tuple[str, str] | None:
        """The reading of ``text`` by its shape's confirmed template, or None (read it in
        full, then :meth:`learn`)."""
        template = self.templates.get((context, shape_of(text)))
        if template is None or template.agreed < CONFIRMATIONS:
            return None
        return template.id_type, template.prefix + "".join(template.digits(text))[template.skip :]

    def learn(self, context: Any, text: str, id_type: str, value: str) -> None:
        """A number read in full: checks, confirms or starts its shape's template."""
        shape = shape_of(text)
        key = (context, shape)
        if key in self.templates:
            template = self.templates[key]
            if template is None:
                return
            if text in template.seen:  # the same number again confirms nothing
                return
            guess = template.prefix + "".join(template.digits(text))[template.skip :]
            if guess == value and template.id_type == id_type:
                template.agreed += 1
                template.seen.add(text)
            else:  # the reading depends on more than the shape: always read in full
                self.templates[key] = None
            return
        if len(self.templates) >= SHAPE_LIMIT:
            self.templates.clear()
        self.templates[key] = _template(shape, text, id_type, value)


def _template(shape: str, text: str, id_type: str, value: str) -> _Template | None:
    if id_type not in SHAPED_TYPES:
        return None
    places = [i for i, ch in enumerate(shape) if ch in "09"]
    if len(places) < 2:
        return None
    digits = "".join(text[i] for i in places)
    for skip in range(len(digits) + 1):
        tail = digits[skip:]
        if value.endswith(tail):
            prefix = value[: len(value) - len(tail)]
            if not any(ch in "123456789" for ch in prefix):  # letters, zero padding
                return _Template(id_type, prefix, skip, itemgetter(*places), seen={text})
    return None
