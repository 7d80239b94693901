"""The support desk: cases, their ratings, and tickets."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TICKET_KINDS = {"complaint": "投诉", "after_hours": "非工作时间留言", "follow_up": "催件"}
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
    resolution: str = ""      # what the agent did, posted to the customer when the ticket is resolved
    resolved_by: str | None = None


@dataclass(slots=True)
class Rating:
    score: int | None  # None: the customer skipped it
    comment: str
    agent_id: str | None
    rated_at: datetime
    ticket_id: str = ""  # a rating of a ticket's resolution


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
    session_id: str = ""       # the SupportSession under way
    rating_agent_id: str | None = None  # who a pending rating is about when it is not the case's agent (a ticket's)
    rating_ticket_id: str = ""           # the ticket a pending rating is about


SESSION_STATES = ("bot", "queued", "assigned", "resolved")


@dataclass(slots=True)
class SupportSession:
    """One round of a customer's support conversation, from their first message (or a hand-off) to its end:
    what the service figures are computed from. A case has one session open at a time (SupportCase.session_id);
    the earlier ones are the customer's earlier conversations the desk shows."""
    id: str
    conversation_id: str
    customer_id: str
    state: str
    started_at: datetime
    updated_at: datetime
    handed_off: bool = False
    reason: str = ""
    after_hours: bool = False
    queued_at: datetime | None = None
    assigned_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    agent_id: str | None = None
    score: int | None = None
    first_seq: int = 0  # where it starts in the conversation's transcript


@dataclass(slots=True)
class CaseNote:
    """An agent's internal note in a case: for the desk only, never a message, never to the customer."""
    id: str
    conversation_id: str
    author_id: str
    text: str
    created_at: datetime


@dataclass(slots=True)
class CustomerProfile:
    """What the desk keeps about a customer across conversations: a note and labels (VIP, 易过敏, ...)."""
    customer_id: str
    note: str = ""
    labels: list = field(default_factory=list)
    updated_at: datetime | None = None
    updated_by: str | None = None
