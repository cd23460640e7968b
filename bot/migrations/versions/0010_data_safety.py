"""data safety: session state encrypted; ids never reused on SQLite; anonymous
report quotas and held alerts

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import bot.core.crypto
import bot.store.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

sessions = sa.table("sessions", sa.column("contact_id", sa.Integer),
                    sa.column("state", sa.Text))
# Tables about people whose ids SQLite would otherwise hand to the next row after the
# highest was deleted (a purged contact's id given to someone new).
NEVER_REUSED = ("contacts", "identities", "messages", "feedback", "report_changes",
                "invitations")


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=sa.JSON(),
                              type_=bot.core.crypto.EncryptedJSON(), existing_nullable=False,
                              postgresql_using="state::text")
    _rewrite(bot.core.crypto.keyring().encrypt)
    if op.get_bind().dialect.name == "sqlite":
        for table in NEVER_REUSED:
            with op.batch_alter_table(table, recreate="always",
                                      table_kwargs={"sqlite_autoincrement": True}):
                pass
    op.create_table(
        "anonymous_quotas",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_anonymous_quotas")),
    )
    with op.batch_alter_table("anonymous_quotas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anonymous_quotas_day"), ["day"], unique=False)
    op.create_table(
        "held_alerts",
        sa.Column("report_code", sa.String(length=12), nullable=False),
        sa.Column("due_at", bot.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_code"], ["reports.code"],
                                name=op.f("fk_held_alerts_report_code_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_code", name=op.f("pk_held_alerts")),
    )
    with op.batch_alter_table("held_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_alerts_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("held_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_alerts_due_at"))
    op.drop_table("held_alerts")
    with op.batch_alter_table("anonymous_quotas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anonymous_quotas_day"))
    op.drop_table("anonymous_quotas")
    _rewrite(bot.core.crypto.keyring().decrypt)
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=bot.core.crypto.EncryptedJSON(),
                              type_=sa.JSON(), existing_nullable=False,
                              postgresql_using="state::json")


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(sessions.c.contact_id, sessions.c.state)).all()
    for contact_id, value in rows:
        connection.execute(sessions.update().where(sessions.c.contact_id == contact_id)
                           .values(state=change(value)))
