"""Community groups (社群): memberships and their roles, invites, pinned messages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

GROUP_ROLES = ("member", "moderator", "admin", "owner")
GROUP_ADMIN_ROLES = ("admin", "owner")
VISIBILITIES = ("public", "private", "invite_only")


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
class Pin:
    group_id: str
    message_id: str
    pinned_by: str
    pinned_at: datetime
