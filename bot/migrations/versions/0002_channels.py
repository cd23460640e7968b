"""channels: message attachments encrypted (shared locations, media links)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:49:13.125435
"""

import sqlalchemy as sa
from alembic import op

import bot.core.crypto

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

messages = sa.table("messages", sa.column("id", sa.Integer), sa.column("attachments", sa.Text))


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column(
            "attachments",
            existing_type=sa.JSON(),
            type_=bot.core.crypto.EncryptedJSON(),
            existing_nullable=True,
            postgresql_using="attachments::text",
        )
    _rewrite(bot.core.crypto.keyring().encrypt)


def downgrade() -> None:
    _rewrite(bot.core.crypto.keyring().decrypt)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column(
            "attachments",
            existing_type=bot.core.crypto.EncryptedJSON(),
            type_=sa.JSON(),
            existing_nullable=True,
            postgresql_using="attachments::json",
        )


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(messages.c.id, messages.c.attachments).where(messages.c.attachments.is_not(None))
    ).all()
    for row_id, value in rows:
        connection.execute(
            messages.update().where(messages.c.id == row_id).values(attachments=change(value))
        )
