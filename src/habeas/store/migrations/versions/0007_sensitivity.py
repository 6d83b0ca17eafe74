"""Sensitivity levels on sources, stored files, records and incidents; protected record values.

Existing rows get the defaults new data gets (see :mod:`habeas.ingest.sensitivity`):
a source by its kind (testimony and court filings ``restricted``, everything else
``internal``); a record its source's level; a stored file the most protected
level of the sources it belongs to; an incident ``restricted``. ``record.protected``
(the reporter's and witness's identities, sealed) starts empty: records imported
before this revision keep whatever columns they had in ``raw``, protected by
their source's level. ``web_session.purpose`` remembers why a session consults
restricted data.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Kept here (not imported) so the migration stays what it was when written.
_RESTRICTED_KINDS = ("testimony", "court_filing")


def _level(default: str) -> sa.Column[str]:
    return sa.Column("sensitivity", sa.String(length=32), nullable=False,
                     server_default=default)


def upgrade() -> None:
    for table, default in (("source", "internal"), ("stored_file", "internal"),
                           ("record", "internal"), ("incident", "restricted")):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_level(default))
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("protected", sa.Text(), nullable=True))
    with op.batch_alter_table("web_session") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=255), nullable=True))

    kinds = ", ".join(f"'{k}'" for k in _RESTRICTED_KINDS)
    op.execute(f"UPDATE source SET sensitivity = 'restricted' WHERE kind IN ({kinds})")
    op.execute("UPDATE record SET sensitivity = (SELECT source.sensitivity FROM source "
               "WHERE source.id = record.source_id)")
    op.execute("UPDATE stored_file SET sensitivity = 'restricted' WHERE sha256 IN ("
               "SELECT source_file.sha256 FROM source_file JOIN source "
               "ON source.id = source_file.source_id WHERE source.sensitivity = 'restricted')")


def downgrade() -> None:
    with op.batch_alter_table("web_session") as batch:
        batch.drop_column("purpose")
    with op.batch_alter_table("record") as batch:
        batch.drop_column("protected")
    for table in ("incident", "record", "stored_file", "source"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sensitivity")
