"""The store: SQLAlchemy models. Importing this package registers every table."""

from .audit import AuditEvent
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
from .messages import IN_FLIGHT, Direction, Message, Priority, Status
from .sessions import ConversationSession, Lease
from .users import ApiToken, LoginFailure, Role, User

__all__ = [
    "IN_FLIGHT",
    "AuditEvent",
    "ApiToken",
    "Base",
    "Broadcast",
    "BroadcastRun",
    "BroadcastStatus",
    "Contact",
    "ContactStatus",
    "ConversationSession",
    "Direction",
    "Feedback",
    "Group",
    "GroupMember",
    "Identity",
    "InputQuota",
    "Invitation",
    "Lease",
    "LoginFailure",
    "Meeting",
    "MeetingReminder",
    "MeetingStatus",
    "Message",
    "Priority",
    "Recurrence",
    "ReminderKind",
    "Report",
    "ReportChange",
    "ReportStatus",
    "Response",
    "Role",
    "RunStatus",
    "ScrubAfterSend",
    "Status",
    "User",
]
