"""The workspace's sharing settings: the suppression threshold k and the public page switch.

The settings are kept in the change log itself, not in a table of their own:
each change is one logged operation (action ``set``, entity ``sharing``) whose
detail holds the new values, and the current settings are those of the newest
such entry. So every change is attributed and dated, covered by ``habeas log
verify``, carried by backups, and the same for every web worker and on both
database backends. Until an admin changes them, k is
:data:`~habeas.report.suppression.DEFAULT_K` and the public page is not published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from habeas.report.suppression import DEFAULT_K, check_k
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry

ENTITY = "sharing"


@dataclass(frozen=True)
class SharingSettings:
    #: counts below k are written "<k" in aggregate outputs
    k: int = DEFAULT_K
    #: the public situation page is served to visitors who are not logged in
    public_page: bool = False
    #: who last changed the settings, and when (None: never changed)
    changed_by: str | None = None
    changed_at: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "k": self.k,
            "public_page": self.public_page,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at,
        }


def sharing_settings(store: Store) -> SharingSettings:
    """The current settings (the newest ``sharing`` entry of the change log)."""
    with store.read() as session:
        entry = session.execute(
            select(ChangeLogEntry.detail, ChangeLogEntry.actor, ChangeLogEntry.at)
            .where(ChangeLogEntry.entity == ENTITY, ChangeLogEntry.action == "set")
            .order_by(ChangeLogEntry.seq.desc())
            .limit(1)
        ).first()
    if entry is None:
        return SharingSettings()
    detail = json.loads(entry.detail)
    return SharingSettings(
        k=int(detail.get("k", DEFAULT_K)),
        public_page=bool(detail.get("public_page", False)),
        changed_by=entry.actor,
        changed_at=entry.at,
    )


def set_sharing(
    store: Store, *, k: int | None = None, public_page: bool | None = None, actor: str | None = None
) -> SharingSettings:
    """Change k and/or publish or withdraw the public page (one logged operation)."""
    current = sharing_settings(store)
    new_k = check_k(k) if k is not None else current.k
    new_public = public_page if public_page is not None else current.public_page
    with store.write(actor) as op:
        op.log(
            "set",
            ENTITY,
            None,
            {
                "k": new_k,
                "public_page": new_public,
                "previous": {"k": current.k, "public_page": current.public_page},
            },
        )
    return sharing_settings(store)


def effective_k(store: Store, k: int | None) -> int:
    """``k`` if given (checked), else the workspace's setting."""
    return check_k(k) if k is not None else sharing_settings(store).k
