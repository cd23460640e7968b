"""The store: SQLAlchemy models. Importing this package registers every table."""

from .base import Base
from .contacts import Contact, ContactStatus, Group, GroupMember, Identity
from .messages import Direction, Message, Priority, Status
from .sessions import ConversationSession, Lease
from .users import ApiToken, LoginFailure, Role, User

__all__ = [
    "ApiToken",
    "Base",
    "Contact",
    "ContactStatus",
    "ConversationSession",
    "Direction",
    "Group",
    "GroupMember",
    "Identity",
    "Lease",
    "LoginFailure",
    "Message",
    "Priority",
    "Role",
    "Status",
    "User",
]
