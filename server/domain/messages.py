"""Conversations of every kind (group chat, topic thread, private, support) and their messages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CONVERSATION_KINDS = ("group", "thread", "private", "support")
HIDDEN_REASONS = ("held", "reports", "removed", "checking", "refused")  # why a stored message is out of sight
# held for review, or its pictures still being checked, or refused by those checks: its author sees it and why
AUTHOR_SEES = ("held", "checking", "refused")
MEMBERS_SEE_WHY = ("reports", "removed")  # the placeholder members get says why (removed by a moderator), not what
THREAD_TAGS = ("showcase", "recommend")  # 晒单 (I bought it, here it is) and 种草 (worth buying), about one product


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
    tag: str | None = None         # THREAD_TAGS, or None for a plain topic
    product_id: str | None = None  # the catalogue SKU a tagged thread is about


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
    card: dict | None = None  # what the message's kind shows beside its text: {"kind": "product", ...}
    reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    mention_all: bool = False
    reactions: dict[str, list[str]] = field(default_factory=dict)
    like_count: int = 0
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    # what a bot reply carries beside its text: quick-reply buttons and an order card
    extra: dict = field(default_factory=dict)
    hidden: str | None = None  # HIDDEN_REASONS: out of sight for members, moderators still see it


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
