"""consultations

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

import bot.core.crypto
import bot.store.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC = bot.store.base.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete="CASCADE")


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("opens_at", UTC, nullable=False),
        sa.Column("closes_at", UTC, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("remind_at", UTC, nullable=True),
        sa.Column("reminded_at", UTC, nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("name", name=op.f("uq_consultations_name")),
        sqlite_autoincrement=True,
    )
    _index("consultations", "status")
    op.create_table(
        "consultation_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        _fk("consultation_recipients", "consultation_id", "consultations"),
        _fk("consultation_recipients", "contact_id", "contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_recipients")),
        sa.UniqueConstraint("consultation_id", "contact_id",
                            name=op.f("uq_consultation_recipients_consultation_id_contact_id")),
        sqlite_autoincrement=True,
    )
    _index("consultation_recipients", "consultation_id", "contact_id")
    op.create_table(
        "consultation_responses",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        _fk("consultation_responses", "consultation_id", "consultations"),
        _fk("consultation_responses", "contact_id", "contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_responses")),
    )
    _index("consultation_responses", "consultation_id", "contact_id")
    op.create_table(
        "consultation_answers",
        sa.Column("response_id", sa.String(length=16), nullable=False),
        sa.Column("question", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(length=32), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", bot.core.crypto.Encrypted(), nullable=True),
        _fk("consultation_answers", "consultation_id", "consultations"),
        sa.ForeignKeyConstraint(["response_id"], ["consultation_responses.id"],
                                name=op.f("fk_consultation_answers_response_id_"
                                          "consultation_responses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "question", name=op.f("pk_consultation_answers")),
    )
    _index("consultation_answers", "consultation_id")
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("addressed_to", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_recommendations_meeting_id_meetings"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_recommendations_consultation_id_consultations"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
        sqlite_autoincrement=True,
    )
    _index("recommendations", "meeting_id", "consultation_id", "status")
    op.create_table(
        "recommendation_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", bot.core.crypto.Encrypted(), nullable=True),
        sa.Column("by", sa.String(length=120), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("announced", sa.Integer(), nullable=False),
        _fk("recommendation_changes", "recommendation_id", "recommendations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_changes")),
        sqlite_autoincrement=True,
    )
    _index("recommendation_changes", "recommendation_id")


def downgrade() -> None:
    for table in ("recommendation_changes", "recommendations", "consultation_answers",
                  "consultation_responses",
                  "consultation_recipients", "consultations"):
        op.drop_table(table)
