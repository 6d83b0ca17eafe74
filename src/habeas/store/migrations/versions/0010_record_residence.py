"""A record's place of residence: ``record.residence``, the address fields as written.

JSON (street_number, address, address_line2, locality, postcode, region; only
those the list gives), compared by record linkage. Records imported before this
revision keep their address columns in ``raw`` only (``residence`` NULL); a
list imported again with address columns fills it.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("residence", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_column("residence")
