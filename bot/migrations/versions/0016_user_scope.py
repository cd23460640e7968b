"""user scope: coordinators and viewers limited to provinces and/or groups

Revision ID: 0016
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope_provinces", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("scope_groups", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("scope_groups")
        batch_op.drop_column("scope_provinces")
