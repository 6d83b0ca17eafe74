"""An index on ``incident_victim.record_id``: the person page finds a person's incidents
from their records; without it every person page read the whole table.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incident_victim_record", "incident_victim", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_victim_record", table_name="incident_victim")
