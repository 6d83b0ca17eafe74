"""``legal_action`` and ``legal_action_change``: legal actions filed on a person's behalf
(habeas petitions, asylum claims, communications to UN bodies) and their history
(:mod:`habeas.store.schema_legal`, :mod:`habeas.document.legal_actions`).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "legal_action",
        sa.Column("id", big, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("person_id", big, nullable=False),
        sa.Column("court", sa.String(length=255), nullable=False),
        sa.Column("case_number", sa.String(length=255), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("petitioner", sa.Text(), nullable=True),
        sa.Column("respondent", sa.Text(), nullable=True),
        sa.Column("counsel", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "sensitivity", sa.String(length=32), server_default="internal", nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_legal_action_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_action")),
    )
    op.create_index(op.f("ix_legal_action_person_id"), "legal_action", ["person_id"])
    op.create_table(
        "legal_action_change",
        sa.Column("id", big, nullable=False),
        sa.Column("action_id", big, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("next_due", sa.Text(), nullable=True),
        sa.Column("clears_next", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["legal_action.id"],
            name=op.f("fk_legal_action_change_action_id_legal_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_action_change")),
    )
    op.create_index(
        "ix_legal_action_change_action", "legal_action_change", ["action_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_legal_action_change_action", table_name="legal_action_change")
    op.drop_table("legal_action_change")
    op.drop_index(op.f("ix_legal_action_person_id"), table_name="legal_action")
    op.drop_table("legal_action")
