"""channels as data: SMS channels (Kannel, SMS Gateway for Android) in a table

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import bot.core.crypto
import bot.store.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("url", bot.core.crypto.Encrypted(), nullable=False),
        sa.Column("username", bot.core.crypto.Encrypted(), nullable=True),
        sa.Column("password", bot.core.crypto.Encrypted(), nullable=True),
        sa.Column("secret", bot.core.crypto.Encrypted(), nullable=False),
        sa.Column("signing_key", bot.core.crypto.Encrypted(), nullable=True),
        sa.Column("sender", sa.String(length=32), nullable=True),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("prefixes", sa.JSON(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_in_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_out_at", bot.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("name", name=op.f("uq_channels_name")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("channels")
