"""report assignment

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_reports_assigned_to"), ["assigned_to"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_assigned_to_users"),
            "users",
            ["assigned_to"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reports_assigned_to_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_reports_assigned_to"))
        batch_op.drop_column("assigned_to")
