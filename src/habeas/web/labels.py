"""Codes shown to people as words in the page's language: permissions, change-log actions
and entities, a change-log entry's details, source kinds.

The codes stay in the JSON (programs use them); pages show these labels. A code
without a label is shown with its underscores as spaces.
"""

from __future__ import annotations

import json
from typing import Any

from habeas.messages import N_

Gettext = Any

PERMISSIONS = {
    "public": N_("see public pages"),
    "read_summary": N_("see the summary"),
    "read_aggregates": N_("see counts and facilities"),
    "read_identities": N_("see names and records"),
    "review": N_("review possible matches"),
    "import": N_("import lists"),
    "edit": N_("enter and correct data"),
    "legal_actions": N_("record legal actions and their documents"),
    "dossier": N_("make dossiers"),
    "estimate": N_("make estimates"),
    "admin": N_("administer users and settings"),
}

ACTIONS = {
    "add": N_("added"),
    "update": N_("updated"),
    "import": N_("imported"),
    "view": N_("viewed"),
    "export": N_("exported"),
    "link": N_("linked records"),
    "review": N_("decided a pair"),
    "review_undo": N_("undid a decision"),
    "review_import": N_("imported review decisions"),
    "login": N_("logged in"),
    "login_totp": N_("logged in (second factor)"),
    "login_failed": N_("failed login"),
    "logout": N_("logged out"),
    "purpose": N_("stated a purpose"),
    "set_role": N_("changed a role"),
    "set_password": N_("changed a password"),
    "disable": N_("disabled a user"),
    "enable": N_("enabled a user"),
    "create_token": N_("created an API token"),
    "revoke_token": N_("revoked an API token"),
    "seal": N_("sealed"),
    "seal_fields": N_("sealed fields"),
    "sensitivity": N_("changed the sensitivity"),
    "set": N_("changed a setting"),
    "backup": N_("made a backup"),
    "change_key": N_("changed the encryption key"),
    "verify": N_("verified"),
    "rebuild": N_("rebuilt"),
    "index": N_("rebuilt the search index"),
    "seed": N_("loaded the vocabularies"),
    "link_model": N_("trained the linkage model"),
}

ENTITIES = {
    "person": N_("person"),
    "record": N_("record"),
    "source": N_("source"),
    "import": N_("import"),
    "user": N_("user"),
    "incident": N_("incident"),
    "legal_action": N_("legal action"),
    "custody_event": N_("custody event"),
    "inquiry": N_("inquiry"),
    "attachment": N_("attached file"),
    "facility": N_("facility"),
    "facility_unit": N_("unit"),
    "facility_figure": N_("facility figure"),
    "occupancy_observation": N_("occupancy observation"),
    "facility_facts": N_("facility figures"),
    "vocabulary_term": N_("vocabulary term"),
    "pair": N_("pair"),
    "export": N_("export"),
    "search": N_("search"),
    "token": N_("API token"),
    "setting": N_("setting"),
}

DETAIL_KEYS = {
    "title": N_("title"),
    "kind": N_("kind"),
    "reliability": N_("reliability"),
    "sensitivity": N_("sensitivity"),
    "records": N_("records"),
    "rows": N_("rows"),
    "file": N_("file"),
    "sha256": N_("file fingerprint"),
    "role": N_("role"),
    "purpose": N_("purpose"),
    "decision": N_("decision"),
    "note": N_("note"),
    "name": N_("name"),
    "facts": N_("facts"),
    "persons": N_("persons"),
    "incidents": N_("incidents"),
    "source": N_("source"),
    "shown": N_("levels shown"),
    "count": N_("count"),
    "value": N_("value"),
    "status": N_("status"),
    "next_date": N_("next date"),
}


def label(table: dict[str, str], code: str | None, _: Gettext) -> str:
    if not code:
        return ""
    text = table.get(code)
    return str(_(text)) if text else code.replace("_", " ")


def permissions(codes: list[str], _: Gettext) -> list[dict[str, str]]:
    return [{"code": c, "label": label(PERMISSIONS, c, _)} for c in codes]


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def detail_items(detail: Any, _: Gettext) -> list[dict[str, str]]:
    """A change-log entry's details as (label, text) pairs; a list of facts counts them."""
    if not isinstance(detail, dict):
        return [] if detail in (None, "") else [{"key": "", "label": "", "text": _value(detail)}]
    items = []
    for key, value in detail.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            text = str(len(value))
        else:
            text = _value(value)
        items.append({"key": key, "label": label(DETAIL_KEYS, key, _), "text": text})
    return items
