"""The store: SQLAlchemy models. Importing this package registers every table."""

from .base import Base
from .broadcasts import Broadcast, BroadcastRun, BroadcastStatus, Recurrence, RunStatus
from .community import (
    Feedback,
    InputQuota,
    Report,
    ReportChange,
    ReportStatus,
    ScrubAfterSend,
)
from .contacts import Contact, ContactStatus, Group, GroupMember, Identity
from .meetings import (
    Invitation,
    Meeting,
    MeetingReminder,
    MeetingStatus,
    ReminderKind,
    Response,
)
from .messages import Direction, Message, Priority, Status
from .sessions import ConversationSession, Lease

__all__ = [
    "Base",
    "Feedback",
    "InputQuota",
    "Report",
    "ReportChange",
    "ReportStatus",
    "ScrubAfterSend",
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
    "Invitation",
    "Lease",
    "Meeting",
    "MeetingReminder",
    "MeetingStatus",
    "Message",
    "Priority",
    "ReminderKind",
    "Response",
    "Recurrence",
    "RunStatus",
    "Status",
]
