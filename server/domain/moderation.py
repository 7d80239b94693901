"""Moderation: reports and their cases, sanctions, appeals, the audit log, each scope's rules."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

REPORT_CATEGORIES = ("spam", "diversion", "scam", "gambling", "porn", "abuse", "counterfeit", "harassment", "other")
MOD_ACTIONS = ("dismiss", "delete", "warn", "mute", "kick", "ban")
SANCTION_KINDS = ("delete", "warn", "mute", "kick", "ban")
TIMED_SANCTIONS = ("mute", "ban")
CASE_STATES = ("open", "resolved")
APPEAL_STATES = ("open", "upheld", "overturned")
PLATFORM_SCOPE = "platform"  # a case, sanction or rule set that isn't one group's
MODERATOR_ROLES = ("moderator", "admin")  # platform roles that moderate every group


def user_case_id(scope: str, user_id: str) -> str:
    """One case per reported user and scope, with an id shaped like every other id (32 hex). Derived
    from the scope and the user, so anyone could work it out: only a moderator of the scope gets an
    answer other than not_found for it (policy.roles.access_moderated)."""
    return hashlib.sha1(f"user:{scope}:{user_id}".encode()).hexdigest()[:32]


@dataclass(slots=True)
class ModCase:
    """One reported (or engine-flagged) message or user: reports of the same target merge here.
    reports: [{"reporter_id", "category", "note", "at", "weight"}] ("at" is an ISO time)."""
    id: str
    target_kind: str  # message | user
    target_id: str
    scope: str        # the group's id, or PLATFORM_SCOPE
    author_id: str    # the user the case is about
    state: str
    score: float
    created_at: datetime
    updated_at: datetime
    source: str = "report"  # report | engine
    group_id: str | None = None
    conversation_id: str | None = None
    message_id: str | None = None
    snapshot: str = ""      # the message's text when it was first queued
    rule: str = ""          # the engine's rule, for flagged messages
    categories: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    hidden: bool = False
    resolution: dict = field(default_factory=dict)  # {"action", "moderator_id", "reason", "at", "sanction_id"}


@dataclass(slots=True)
class Sanction:
    id: str
    user_id: str
    kind: str          # SANCTION_KINDS
    scope: str
    reason: str
    rule: str
    moderator_id: str
    created_at: datetime
    expires_at: datetime | None = None  # mute and ban: None is permanent
    case_id: str | None = None
    message_id: str | None = None
    lifted_at: datetime | None = None
    lifted_by: str | None = None

    def in_force(self, now: datetime) -> bool:
        return (self.kind in TIMED_SANCTIONS and self.lifted_at is None
                and (self.expires_at is None or self.expires_at > now))


@dataclass(slots=True)
class Appeal:
    id: str  # the sanction's id: one appeal per action
    user_id: str
    scope: str
    text: str
    state: str
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str = ""


@dataclass(slots=True)
class AuditEntry:
    id: str
    at: datetime
    actor_id: str      # a user id, or "engine"
    action: str        # engine:block, report, mute, appeal:overturned, rules:update, ...
    scope: str
    target_kind: str = ""
    target_id: str = ""
    reason: str = ""
    rule: str = ""
    details: dict = field(default_factory=dict)


@dataclass(slots=True)
class GroupRules:
    """What a group's admins set (scope PLATFORM_SCOPE: the platform's defaults, which also
    govern private messages). new_account_hours None: the platform's value."""
    scope: str
    words: list = field(default_factory=list)   # [{"term", "category"}]
    allow: list = field(default_factory=list)
    slow_mode_seconds: int = 0
    new_account_hours: int | None = None
    require_order: bool = False
    members_may_mention_all: bool = False
    hide_threshold: float = 3.0
    hold_pictures: bool = False  # every member's picture waits for a moderator
    updated_at: datetime | None = None
    updated_by: str | None = None
