"""The store: SQLAlchemy models. Importing this package registers every table."""

from bot.store.audit import AuditEvent
from bot.store.base import Base
from bot.store.broadcasts import Broadcast, BroadcastRun, BroadcastStatus, Recurrence, RunStatus
from bot.store.channels import ChannelKind, ChannelRow, ChannelState
from bot.store.community import (
    AnonymousQuota,
    Feedback,
    HeldAlert,
    InputQuota,
    Report,
    ReportChange,
    ReportStatus,
    ScrubAfterSend,
)
from bot.store.consultations import (
    Consultation,
    ConsultationAnswer,
    ConsultationRecipient,
    ConsultationResponse,
    ConsultationStatus,
    Recommendation,
    RecommendationChange,
    RecommendationStatus,
)
from bot.store.contacts import Contact, ContactStatus, Group, GroupMember, Identity
from bot.store.conversations import (
    Conversation,
    ConversationNote,
    ConversationStatus,
    ReportQuestion,
)
from bot.store.meetings import (
    Invitation,
    Meeting,
    MeetingReminder,
    MeetingStatus,
    ReminderKind,
    Response,
)
from bot.store.messages import IN_FLIGHT, Direction, Message, Priority, Status
from bot.store.referrals import (
    Partner,
    PartnerChannel,
    Referral,
    ReferralStatus,
    Share,
)
from bot.store.sessions import ConversationSession, Lease, PendingFlow
from bot.store.users import ApiToken, LoginFailure, Role, User

__all__ = [
    "IN_FLIGHT",
    "AnonymousQuota",
    "AuditEvent",
    "ApiToken",
    "Base",
    "Broadcast",
    "BroadcastRun",
    "BroadcastStatus",
    "ChannelKind",
    "ChannelRow",
    "ChannelState",
    "Consultation",
    "ConsultationAnswer",
    "ConsultationRecipient",
    "ConsultationResponse",
    "ConsultationStatus",
    "Contact",
    "ContactStatus",
    "Conversation",
    "ConversationNote",
    "ConversationSession",
    "ConversationStatus",
    "PendingFlow",
    "Partner",
    "PartnerChannel",
    "Referral",
    "ReferralStatus",
    "Share",
    "Direction",
    "Feedback",
    "Group",
    "HeldAlert",
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
    "Recommendation",
    "RecommendationChange",
    "RecommendationStatus",
    "Recurrence",
    "ReminderKind",
    "Report",
    "ReportChange",
    "ReportQuestion",
    "ReportStatus",
    "Response",
    "Role",
    "RunStatus",
    "ScrubAfterSend",
    "Status",
    "User",
]
