"""pending flows

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import bot.store.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_pending_flows_contact_id_contacts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_flows")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("pending_flows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_flows_contact_id"), ["contact_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_flows_contact_id"))
    op.drop_table("pending_flows")
