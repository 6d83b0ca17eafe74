"""What a find-a-person comparison says: the weight of each agreement level, and the
:class:`Reason` that records it (the table of levels is in :mod:`habeas.search.score`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WEIGHTS: dict[str, float] = {
    "surname_exact": 4.0,
    "surname_phonetic": 3.5,
    "surname_typo": 2.5,
    "surname_in_given": 2.0,
    "surname_differs": -2.0,
    "second_surname_factor": 0.75,
    "surname_second_position": -0.5,
    "given_exact": 3.0,
    "given_nickname": 2.5,
    "given_variant": 2.5,
    "given_phonetic": 2.5,
    "given_typo": 1.8,
    "given_initial": 1.0,
    "given_in_surnames": 1.5,
    "given_differs_first": -2.5,
    "given_differs_other": -1.0,
    "other_given_factor": 0.6,
    "dob_exact": 6.0,
    "dob_swapped": 3.5,
    "dob_within": 2.0,
    "dob_same_month": -1.0,
    "dob_one_year": -2.5,
    "dob_differs": -4.0,
    "nationality_same": 0.5,
    "nationality_differs": -1.5,
    "identifier_exact": 12.0,
    "identifier_differs": -6.0,
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence: ``code`` + ``params`` (data) + ``text`` (English)."""

    code: str
    params: dict[str, Any]
    text: str
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "text": self.text, "weight": self.weight}
