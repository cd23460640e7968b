"""The store: SQLAlchemy models. Importing this package registers every table."""

from .base import Base
from .broadcasts import Broadcast, BroadcastRun, BroadcastStatus, Recurrence, RunStatus
from .contacts import Contact, ContactStatus, Group, GroupMember, Identity
from .messages import Direction, Message, Priority, Status
from .sessions import ConversationSession, Lease

__all__ = [
    "Base",
    "Broadcast",
    "BroadcastRun",
    "BroadcastStatus",
    "Contact",
    "ContactStatus",
    "ConversationSession",
    "Direction",
    "Group",
    "GroupMember",
    "Identity",
    "Lease",
    "Message",
    "Priority",
    "Recurrence",
    "RunStatus",
    "Status",
]
