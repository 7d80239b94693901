"""Plain dataclasses returned by the stores and used by the actions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PLATFORM_ROLES = ("member", "agent", "moderator", "admin")
GROUP_ROLES = ("member", "moderator", "admin", "owner")
GROUP_ADMIN_ROLES = ("admin", "owner")
VISIBILITIES = ("public", "private", "invite_only")
CONVERSATION_KINDS = ("group", "thread", "private", "support")
MESSAGE_TYPES = ("text", "product")


@dataclass(slots=True)
class User:
    id: str
    username: str
    display_name: str
    role: str = "member"
    bio: str = ""
    avatar_color: str = "#888888"
    created_at: datetime | None = None
    password_hash: str = field(default="", repr=False)


@dataclass(slots=True)
class Session:
    token_hash: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    revoked: bool = False


@dataclass(slots=True)
class Group:
    id: str
    name: str
    description: str
    visibility: str
    owner_id: str
    conversation_id: str
    created_at: datetime
    announcement: str = ""
    announcement_at: datetime | None = None
    member_count: int = 0


@dataclass(slots=True)
class Membership:
    group_id: str
    user_id: str
    role: str
    joined_at: datetime


@dataclass(slots=True)
class Invite:
    code: str
    group_id: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    max_uses: int | None
    uses: int = 0


@dataclass(slots=True)
class Conversation:
    """A place where messages live. Threads are conversations of kind 'thread'
    with a title; private conversations list their two participants."""
    id: str
    kind: str
    created_at: datetime
    last_activity_at: datetime
    last_seq: int = 0
    group_id: str | None = None
    participants: tuple[str, ...] = ()
    # thread fields
    title: str = ""
    author_id: str | None = None
    pinned: bool = False
    closed: bool = False
    like_count: int = 0


@dataclass(slots=True)
class Product:
    sku: str
    title: str
    price: str
    image_url: str = ""


@dataclass(slots=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    author_id: str
    type: str
    text: str
    created_at: datetime
    client_msg_id: str | None = None
    group_id: str | None = None
    product: Product | None = None
    reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    mention_all: bool = False
    reactions: dict[str, list[str]] = field(default_factory=dict)
    like_count: int = 0
    edited_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass(slots=True)
class Pin:
    group_id: str
    message_id: str
    pinned_by: str
    pinned_at: datetime


@dataclass(slots=True)
class Notification:
    id: str
    user_id: str
    kind: str  # mention | reply | thread_reply
    conversation_id: str
    message_id: str
    actor_id: str
    created_at: datetime
    read: bool = False


@dataclass(slots=True)
class SearchHit:
    message: Message
    score: float
