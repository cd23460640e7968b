"""consultation answers carry their response's province, role, language and channel

The results' breakdowns count answers by who answered; reading those four from the
answer row itself spares the join to the responses, the bulk of the results page's time
at 100,000 answers. They are what the response row holds (for an anonymous answer too),
nothing more: copied for the answers already stored.

Indexes in the breakdowns' order (the answers' only where an option was chosen, so the
other counts' plans do not change) let SQLite read the groups in order instead of
sorting them. On PostgreSQL, statistics on how those columns go together: without them the planner
multiplies each column's distinct values, expects tens of thousands of groups where there
are hundreds, and counts the breakdowns in one process instead of in parallel.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = (("province", 64), ("role", 32), ("language", 8), ("channel", 16))
GROUPS = "province, role, language, channel"
STATISTICS = {"st_consultation_answers_groups": f"{GROUPS}, question, option",
              "st_consultation_responses_groups": GROUPS}


def _table(name: str) -> str:
    return name.removeprefix("st_").removesuffix("_groups")


def upgrade() -> None:
    with op.batch_alter_table("consultation_answers", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    names = [name for name, _length in COLUMNS]
    answers = sa.table("consultation_answers", sa.column("response_id"),
                       *(sa.column(name) for name in names))
    responses = sa.table("consultation_responses", sa.column("id"),
                         *(sa.column(name) for name in names))
    # Answers already stored get their response's values, in one statement.
    op.execute(answers.update().values({
        name: sa.select(responses.c[name]).where(responses.c.id == answers.c.response_id)
        .scalar_subquery() for name in names}))
    op.create_index("ix_consultation_responses_groups", "consultation_responses",
                    ["consultation_id", *GROUPS.split(", ")])
    op.create_index("ix_consultation_answers_chosen", "consultation_answers",
                    ["consultation_id", *GROUPS.split(", "), "question", "option"],
                    sqlite_where=sa.text("option IS NOT NULL"),
                    postgresql_where=sa.text("option IS NOT NULL"))
    if op.get_bind().dialect.name == "postgresql":
        for name, columns in STATISTICS.items():
            op.execute(f"CREATE STATISTICS {name} (ndistinct) ON {columns} FROM {_table(name)}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in STATISTICS:
            op.execute(f"DROP STATISTICS {name}")
    op.drop_index("ix_consultation_answers_chosen", "consultation_answers")
    op.drop_index("ix_consultation_responses_groups", "consultation_responses")
    with op.batch_alter_table("consultation_answers", schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
