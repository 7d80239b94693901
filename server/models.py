"""Plain dataclasses returned by the stores and used by the actions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PLATFORM_ROLES = ("member", "agent", "moderator", "admin")
STAFF_ROLES = ("agent", "admin")  # who works the support desk
BOT_ROLE = "bot"  # the assistant's own account; it can't log in
GROUP_ROLES = ("member", "moderator", "admin", "owner")
GROUP_ADMIN_ROLES = ("admin", "owner")
VISIBILITIES = ("public", "private", "invite_only")
CONVERSATION_KINDS = ("group", "thread", "private", "support")


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


# -- the shop: catalogue, orders, after-sales, tickets and the support desk --------

ORDER_STATUSES = {"pending_payment": "待付款", "paid": "待发货", "shipped": "已发货", "delivered": "已签收",
                  "cancelled": "已取消"}
AFTERSALE_KINDS = {"return": "退货", "exchange": "换货", "damaged": "破损售后", "repair": "保修维修",
                   "cancel": "取消订单"}
AFTERSALE_STATUSES = {"pending": "待审核", "approved": "已同意", "rejected": "已拒绝", "refunding": "退款中",
                      "refunded": "已退款", "completed": "已完成"}
TICKET_KINDS = {"complaint": "投诉", "after_hours": "非工作时间留言", "follow_up": "待跟进"}
TICKET_STATUSES = ("open", "closed")
SUPPORT_STATES = ("bot", "queued", "assigned", "resolved")


@dataclass(slots=True)
class ShopProduct:
    """A catalogue entry. variants: [{"size", "color", "stock"}]; size_chart rows:
    {"size", "height_cm": [lo, hi], "weight_kg": [lo, hi]} or {"size", "foot_mm": [lo, hi]}."""
    sku: str
    title: str
    price: str
    category: str = ""
    description: str = ""
    attributes: dict = field(default_factory=dict)
    variants: list = field(default_factory=list)
    size_chart: list = field(default_factory=list)
    fit_note: str = ""
    image_url: str = ""


@dataclass(slots=True)
class Order:
    """items: [{"sku", "title", "size", "color", "qty", "price"}]; logistics: [{"at", "text"}] oldest first."""
    id: str
    customer_id: str
    status: str
    items: list
    total: str
    created_at: datetime
    carrier: str = ""
    tracking_no: str = ""
    logistics: list = field(default_factory=list)


@dataclass(slots=True)
class AfterSale:
    id: str
    kind: str
    status: str
    customer_id: str
    order_id: str
    created_at: datetime
    updated_at: datetime
    sku: str = ""
    title: str = ""
    reason: str = ""
    description: str = ""
    exchange_detail: str = ""
    refund_amount: str = ""
    conversation_id: str = ""
    note: str = ""


@dataclass(slots=True)
class Ticket:
    id: str
    kind: str
    status: str
    customer_id: str
    summary: str
    created_at: datetime
    updated_at: datetime
    conversation_id: str = ""
    order_id: str = ""


@dataclass(slots=True)
class Rating:
    score: int | None  # None: the customer skipped it
    comment: str
    agent_id: str | None
    rated_at: datetime


@dataclass(slots=True)
class SupportCase:
    """The support desk's view of one customer's support conversation."""
    conversation_id: str
    customer_id: str
    state: str
    opened_at: datetime
    updated_at: datetime
    agent_id: str | None = None
    queued_at: datetime | None = None
    assigned_at: datetime | None = None
    resolved_at: datetime | None = None
    handoff_reason: str = ""
    context: dict = field(default_factory=dict)
    fallbacks: int = 0
    rating_pending: bool = False
    ratings: list = field(default_factory=list)  # of Rating


# -- moderation: reports and their cases, sanctions, appeals, the audit log, group rules ---------

REPORT_CATEGORIES = ("spam", "diversion", "scam", "gambling", "porn", "abuse", "counterfeit", "harassment", "other")
MOD_ACTIONS = ("dismiss", "delete", "warn", "mute", "kick", "ban")
SANCTION_KINDS = ("delete", "warn", "mute", "kick", "ban")
TIMED_SANCTIONS = ("mute", "ban")
CASE_STATES = ("open", "resolved")
APPEAL_STATES = ("open", "upheld", "overturned")
PLATFORM_SCOPE = "platform"  # a case, sanction or rule set that isn't one group's
MODERATOR_ROLES = ("moderator", "admin")  # platform roles that moderate every group
HIDDEN_REASONS = ("held", "reports", "removed")  # why a stored message is out of sight


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
    updated_at: datetime | None = None
    updated_by: str | None = None
