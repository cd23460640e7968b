"""The store: SQLAlchemy models. Importing this package registers every table."""

from bot.store.audit import AuditEvent
from bot.store.base import Base
from bot.store.broadcasts import Broadcast, BroadcastRun, BroadcastStatus, Recurrence, RunStatus
from bot.store.community import (
    Feedback,
    InputQuota,
    Report,
    ReportChange,
    ReportStatus,
    ScrubAfterSend,
)
from bot.store.contacts import Contact, ContactStatus, Group, GroupMember, Identity
from bot.store.meetings import (
    Invitation,
    Meeting,
    MeetingReminder,
    MeetingStatus,
    ReminderKind,
    Response,
)
from bot.store.messages import IN_FLIGHT, Direction, Message, Priority, Status
from bot.store.pacing import PaceSlot
from bot.store.sessions import ConversationSession, Lease, PendingFlow
from bot.store.users import ApiToken, LoginFailure, Role, User

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
    "PendingFlow",
    "PaceSlot",
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
