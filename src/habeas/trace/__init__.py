"""Trace: custody timelines, whereabouts, due-process flags and register gaps per person.

Library first: the CLI (``habeas person``, ``habeas gaps``), the dossier and the
web UI all call these functions and render their dataclasses (each has
``to_dict()`` giving JSON-native values).
"""

from habeas.trace.facts import load_person, load_persons
from habeas.trace.flags import FactRef, Flag, due_process_flags, load_rules
from habeas.trace.gaps import Gap, person_gaps
from habeas.trace.group_gaps import GroupGapField, GroupGaps, group_gaps
from habeas.trace.items import (
    EventItem,
    LegalFactItem,
    PersonFacts,
    RecordItem,
    SourceRef,
    StoredFileRef,
)
from habeas.trace.person import (
    FieldVariant,
    Identity,
    PersonSummary,
    Provenance,
    person_summary,
)
from habeas.trace.timeline import (
    Contradiction,
    ContradictionValue,
    Timeline,
    TimelineGroup,
    person_timeline,
)
from habeas.trace.whereabouts import Whereabouts, last_known

__all__ = [
    "Contradiction",
    "ContradictionValue",
    "EventItem",
    "FactRef",
    "FieldVariant",
    "Flag",
    "Gap",
    "GroupGapField",
    "GroupGaps",
    "Identity",
    "LegalFactItem",
    "PersonFacts",
    "PersonSummary",
    "Provenance",
    "RecordItem",
    "SourceRef",
    "StoredFileRef",
    "Timeline",
    "TimelineGroup",
    "Whereabouts",
    "due_process_flags",
    "group_gaps",
    "last_known",
    "load_person",
    "load_persons",
    "load_rules",
    "person_gaps",
    "person_summary",
    "person_timeline",
]
