"""A partial index on ``record.corrects_record_id``: the person page lists the corrections
touching its records; without it every person page read the whole record table (11 ms of
a 28 ms page at 110,000 records). Corrections are few, so only they are indexed.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_ONLY_CORRECTIONS = sa.text("corrects_record_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_record_corrects",
        "record",
        ["corrects_record_id"],
        sqlite_where=_ONLY_CORRECTIONS,
        postgresql_where=_ONLY_CORRECTIONS,
    )


def downgrade() -> None:
    op.drop_index("ix_record_corrects", table_name="record")
