"""the outbox's queue in the order the dispatcher claims it

The claim reads queued outbound rows by priority, then id, a few dozen at a time. With
only (status, priority, next_attempt_at) to go by, every claim read and sorted the whole
queue and tested each row for an earlier one to the same person: at 100,000 queued rows
a claim took minutes on PostgreSQL once its statistics were stale (after a broadcast's
fan-out, before autovacuum's next ANALYZE), and a broadcast stalled. This index holds
the outbound rows by status in the claim's order: the claim walks the queued ones and
stops at its limit. (Only the queue, without the status, would do on PostgreSQL; SQLite
then prefers the index it can search by status and sorts the queue.)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OUT = sa.text("direction = 'out'")


def upgrade() -> None:
    op.create_index("ix_messages_queue", "messages", ["status", "priority", "id"],
                    postgresql_where=OUT, sqlite_where=OUT)


def downgrade() -> None:
    op.drop_index("ix_messages_queue", table_name="messages")
