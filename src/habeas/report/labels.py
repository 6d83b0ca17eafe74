"""Texts that other modules produce in English and that reports translate.

The trace library states register-gap fields, holders, whereabouts statuses and
flag statuses in English; these markers put them in the message catalogs so a
Spanish report shows them in Spanish (``_(text)`` at render time). A text not
listed here (e.g. a label added later) is shown in English rather than dropped.
"""

from __future__ import annotations

from habeas.messages import N_

GAP_LABELS = [
    N_("Identity"),
    N_("Authority that ordered the deprivation of liberty"),
    N_("Grounds (legal basis) for the deprivation of liberty"),
    N_("Date, time and place of deprivation of liberty"),
    N_("Authority that deprived the person of liberty"),
    N_("Authority supervising the deprivation of liberty"),
    N_("Place of deprivation of liberty"),
    N_("Date and time of admission to the place of detention"),
    N_("Authority responsible for the place of detention"),
    N_("State of health"),
    N_("Transfers: date, destination and authority responsible"),
    N_("Date, time and place of release"),
    N_("Circumstances and cause of death, destination of the remains"),
    N_("Appearance before a judicial or other authority"),
    N_("Notification of the family (arrest, detention, each transfer)"),
]

HOLDERS = [
    N_("the State that deprived the person of liberty"),
    N_("the ordering authority (e.g. DHS / ICE for a removal)"),
    N_("the ordering authority"),
    N_("the arresting authority"),
    N_("the authority responsible for the place of detention"),
    N_("the transferring authority"),
    N_("the courts and the ordering authority"),
]

STATUSES = {
    # whereabouts
    "located": N_("located"),
    "unaccounted_for": N_("unaccounted for"),
    "released": N_("released"),
    "deceased": N_("deceased"),
    "unknown": N_("unknown"),
    # flags
    "raised": N_("raised"),
    "not_raised": N_("not raised"),
    "undetermined": N_("undetermined"),
    # register gaps
    "known": N_("known"),
    "partial": N_("partly known"),
    "not_applicable": N_("not applicable"),
    # confidence
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "none": N_("none"),
}
