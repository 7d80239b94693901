"""Accounts: platform roles, users and their login sessions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PLATFORM_ROLES = ("member", "agent", "moderator", "admin")
STAFF_ROLES = ("agent", "admin")  # who works the support desk
BOT_ROLE = "bot"  # the assistant's own account; it can't log in


@dataclass(slots=True)
class User:
    id: str
    username: str
    display_name: str
    role: str = "member"
    bio: str = ""
    avatar_color: str = "#888888"
    avatar_upload: str = ""  # the upload shown as their avatar ("": initials on avatar_color)
    created_at: datetime | None = None
    password_hash: str = field(default="", repr=False)


@dataclass(slots=True)
class Session:
    token_hash: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    revoked: bool = False
