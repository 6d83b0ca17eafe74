"""``person_change``: which person a merged person's records went to, and which
records a split person lost, so that a retired person id still leads somewhere
(:mod:`habeas.store.person_ids`). Registers linked before this revision have no
rows; their retired ids are followed through the superseded links instead.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "person_change",
        sa.Column("id", big, nullable=False),
        sa.Column("person_id", big, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("into_id", big, nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_person_change_person_id_person")),
        sa.ForeignKeyConstraint(["into_id"], ["person.id"],
                                name=op.f("fk_person_change_into_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_change")),
    )
    op.create_index("ix_person_change_person", "person_change", ["person_id", "at"])
    op.create_index("ix_person_change_into", "person_change", ["into_id"])


def downgrade() -> None:
    op.drop_index("ix_person_change_into", table_name="person_change")
    op.drop_index("ix_person_change_person", table_name="person_change")
    op.drop_table("person_change")
