"""trace: time of day on custody events and legal facts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 01:20:00

Due-process rules compare a court order's time with a flight's departure time
(both on 15 March 2025 in the motivating case), so a date is not enough:
``occurred_at`` holds the instant in UTC when the source gives a time of day,
``time_text`` the time as the source wrote it.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_TABLES = ('custody_event', 'legal_fact')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('occurred_at', sa.DateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('time_text', sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('time_text')
            batch_op.drop_column('occurred_at')
