"""conversations, their notes, questions on anonymous reports, partners and referrals

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

import bot.core.crypto
import bot.store.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = bot.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=12), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("unread", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("last_activity_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["assigned_to"], ["users.id"],
                                name=op.f("fk_conversations_assigned_to_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_conversations_contact_id_contacts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        for column in ("assigned_to", "contact_id", "last_activity_at", "province", "status"):
            batch_op.create_index(batch_op.f(f"ix_conversations_{column}"), [column],
                                  unique=False)
    op.create_table(
        "conversation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("text", bot.core.crypto.Encrypted(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_conversation_notes_conversation_id_conversations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_notes")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("conversation_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_notes_conversation_id"),
                              ["conversation_id"], unique=False)
    op.create_table(
        "report_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_code", sa.String(length=12), nullable=False),
        sa.Column("question", bot.core.crypto.Encrypted(), nullable=False),
        sa.Column("asked_by", sa.String(length=120), nullable=False),
        sa.Column("asked_at", UTC, nullable=False),
        sa.Column("answer", bot.core.crypto.Encrypted(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["report_code"], ["reports.code"],
                                name=op.f("fk_report_questions_report_code_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_questions")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_questions_report_code"), ["report_code"],
                              unique=False)
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", bot.core.crypto.Encrypted(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("disabled_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_code", sa.String(length=12), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("share", sa.String(length=16), nullable=True),
        sa.Column("proposed_by", sa.String(length=120), nullable=False),
        sa.Column("proposed_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"],
                                name=op.f("fk_referrals_partner_id_partners"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_code"], ["reports.code"],
                                name=op.f("fk_referrals_report_code_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for column in ("partner_id", "report_code", "status"):
            batch_op.create_index(batch_op.f(f"ix_referrals_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("referrals")
    op.drop_table("partners")
    op.drop_table("report_questions")
    op.drop_table("conversation_notes")
    op.drop_table("conversations")
