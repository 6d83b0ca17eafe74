"""Accounts: room for a sealed TOTP secret, and the last TOTP time step accepted.

* ``app_user.totp_secret`` widens from 64 to 255 characters: when the workspace
  encrypts, the secret is kept sealed (``hbs1:`` + base64 of nonce, ciphertext
  and tag), which is longer than the plain base32 secret.
* ``app_user.totp_last_step``: the 30-second time step of the last code accepted,
  so the same code cannot be used twice.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=64),
                           type_=sa.String(length=255), existing_nullable=True)
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("totp_last_step")
        batch.alter_column("totp_secret", existing_type=sa.String(length=255),
                           type_=sa.String(length=64), existing_nullable=True)
