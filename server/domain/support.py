"""The support desk: cases, their ratings, and tickets."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TICKET_KINDS = {"complaint": "投诉", "after_hours": "非工作时间留言", "follow_up": "待跟进"}
TICKET_STATUSES = ("open", "closed")
SUPPORT_STATES = ("bot", "queued", "assigned", "resolved")


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
    # what the assistant understood when it handed off: {intent, form, requested_slot, slots: {...}}
    understood: dict = field(default_factory=dict)
    after_hours: bool = False  # queued while no human could take it: the assistant keeps answering meanwhile
    ticket_id: str = ""        # the hand-off's one ticket (the assistant's complaint ticket, or the after-hours one)
    first_response_at: datetime | None = None  # the agent's first message after the claim (service figures)
