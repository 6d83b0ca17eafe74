"""What habeas knows about each comparison before it has seen a register: the default model.

For every level of every comparison (:mod:`habeas.linkage.comparisons`), in the
order the levels are listed (null levels left out):

* **m** — how often two records *of the same person* fall in that level. These
  are field knowledge, not fitted numbers: a true match disagrees on the first
  given name completely only when a list used another name (about 2 %), on the
  date of birth only through a bad transcription (about 3 %), on a document
  number rarely (about 4 %); a home address is the most changeable (people move).
  Published error rates of hand-keyed lists and Splink's own defaults are of
  this size.
* **u** — how often two *random* records fall in it, used only until the
  register is large enough to sample u itself (:data:`U_PRIOR_PAIRS`).

Training (:mod:`habeas.linkage.em`) treats these m as a Dirichlet prior worth
:data:`M_PRIOR_STRENGTH` matching pairs: a register with a handful of records
links with the default model, and a large one learns its own m. A few levels
also carry a **ceiling** (:data:`M_CEILINGS`) that no amount of data moves: the
share of true matches with completely different first given names or dates of
birth (another date; one a generation apart). EM on a register of families can
otherwise learn that "matches" often disagree on them — it mistakes households
(same surnames, same address) for people — and then two brothers or a father and
his son become one person.
"""

from __future__ import annotations

from typing import Any

#: comparison → m of each non-null level, in the order the comparison lists them.
M_PRIOR: dict[str, tuple[float, ...]] = {
    # exact / nickname, variant, sound / names of the other sex / typo / swapped with
    # surname / the only name is the other's surname / shared elsewhere / an initial that
    # agrees / an initial that agrees with the other's second given name / the same first
    # three letters / else
    "given": (0.815, 0.05, 0.003, 0.04, 0.01, 0.005, 0.03, 0.02, 0.005, 0.01, 0.012),
    # exact / initial agrees / near spelling / else
    "given2": (0.60, 0.25, 0.05, 0.10),
    # both (either order) / one surname each, the same / both sound the same / one side has
    # one, found in the other / one the same, other near / one in common, other different /
    # first a near spelling / else
    # ("one in common, the other different" is how siblings and cousins compare: rare
    # among the records of one person, who keeps both surnames)
    "surnames": (0.50, 0.25, 0.04, 0.10, 0.03, 0.005, 0.03, 0.045),
    # exact / day-month swapped / one typo / two of day, month and year / same year /
    # ranges overlap / another date within 12 years / the same day and month a generation
    # apart / a generation apart
    "dob": (0.85, 0.02, 0.05, 0.02, 0.01, 0.02, 0.02, 0.005, 0.005),
    # exact / one typo / different (each document type)
    "a_number": (0.93, 0.03, 0.04),
    "cedula_ve": (0.93, 0.03, 0.04),
    "dui_sv": (0.93, 0.03, 0.04),
    "other_id": (0.93, 0.03, 0.04),
    # same home and a surname in common / same street and number / near spelling / same
    # street, other number / a line in common / else
    "address": (0.55, 0.05, 0.05, 0.05, 0.05, 0.25),
    # locality and postcode / locality / near spelling / postcode only / region only / else
    "locality": (0.60, 0.12, 0.03, 0.03, 0.10, 0.12),
    "sex": (0.97, 0.03),
    "nationality": (0.95, 0.05),
}

#: comparison → u of each non-null level (random pairs), same order as :data:`M_PRIOR`.
U_PRIOR: dict[str, tuple[float, ...]] = {
    "given": (0.01, 0.005, 0.003, 0.01, 0.0005, 0.0005, 0.01, 0.003, 0.003, 0.01, 0.945),
    "given2": (0.02, 0.05, 0.01, 0.92),
    "surnames": (0.0001, 0.002, 0.0001, 0.002, 0.0001, 0.01, 0.005, 0.9807),
    "dob": (0.0001, 0.00001, 0.0005, 0.002, 0.012, 0.02, 0.35, 0.0017, 0.61369),
    "a_number": (0.000001, 0.00001, 0.999989),
    "cedula_ve": (0.000001, 0.00001, 0.999989),
    "dui_sv": (0.000001, 0.00001, 0.999989),
    "other_id": (0.000001, 0.00001, 0.999989),
    # the first u is conditional: among non-matching pairs that share a surname
    "address": (0.05, 0.0001, 0.00001, 0.0005, 0.001, 0.99839),
    "locality": (0.005, 0.01, 0.001, 0.001, 0.05, 0.933),
    "sex": (0.5, 0.5),
    "nationality": (0.5, 0.5),
}

#: comparison → {level position: the largest m training may give it} (−1: the last level).
M_CEILINGS: dict[str, dict[int, float]] = {
    # names of the other sex; completely different first given names
    "given": {2: 0.02, -1: 0.05},
    # another date of birth; the same birthday a generation apart; a generation apart
    "dob": {-3: 0.06, -2: 0.03, -1: 0.03},
}

#: The prior's weight in EM, in matching pairs (see the module doc).
M_PRIOR_STRENGTH = 50.0
#: Random pairs the u prior is worth: a sample of this many pairs weighs as much.
U_PRIOR_PAIRS = 2_000.0


def levels(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """A comparison's non-null levels (Splink JSON), in order."""
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def check(model: dict[str, Any]) -> None:
    """Raise if a comparison of ``model`` has no prior or a different number of levels."""
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        count = len(levels(comparison))
        for table in (M_PRIOR, U_PRIOR):
            if len(table.get(name, ())) != count:
                raise ValueError(f"priors for comparison {name!r} do not match its {count} levels")


def apply_defaults(model: dict[str, Any]) -> None:
    """Set every level's m and u to the prior (the default model), in place."""
    check(model)
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        for level, m, u in zip(levels(comparison), M_PRIOR[name], U_PRIOR[name], strict=True):
            level["m_probability"] = m
            level["u_probability"] = u
