"""What happened, said once by the action that made it happen, after its write is committed.

These are the domain's events, not the wire's: the fan-out turns them into Socket.IO events
(server.events' names), the moderation records and opens cases from them, notifications and
support routing follow from them. An action emits one and does not know who listens."""
from __future__ import annotations

from dataclasses import dataclass

from moderation import ALLOW, Verdict

from ..domain.messages import Conversation, Message
from ..domain.moderation import Sanction
from ..domain.support import SupportCase
from ..domain.users import User


@dataclass(frozen=True, slots=True)
class MessageSent:
    conversation: Conversation
    message: Message
    author: User
    verdict: Verdict = ALLOW  # the moderate step's verdict: a flag opens a case
    posted: str = ""          # what the author wrote, before any masking (the repeat check compares it)


@dataclass(frozen=True, slots=True)
class MessageEdited:
    conversation: Conversation
    message: Message
    author: User
    verdict: Verdict = ALLOW


@dataclass(frozen=True, slots=True)
class SanctionIssued:
    sanction: Sanction


@dataclass(frozen=True, slots=True)
class SanctionLifted:
    sanction: Sanction


@dataclass(frozen=True, slots=True)
class HandedOff:
    """A support conversation left the assistant for the human queue."""
    case: SupportCase
    reason: str
