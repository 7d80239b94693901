"""Reading: history, read markers, and what a reconnecting client missed (sync)."""
from __future__ import annotations

from ... import events, wire
from ...domain.users import User
from ...errors import Forbidden, NotFound
from ...policy.access import access_conversation
from ...services import Services
from ..moderation.screen import moderates


async def access_history(svc: Services, user: User, *, conversation_id: str, before: int | None,
                         after: int | None, limit: int) -> list[dict]:
    """As the user may see them: hidden messages are placeholders except to moderators."""
    acc = await access_conversation(svc, user, conversation_id)
    found = await svc.storage.messages.history(conversation_id=conversation_id, before=before, after=after,
                                               limit=limit)
    reveal = moderates(user, acc)
    return [wire.message(m, viewer=user.id, reveal=reveal) for m in found]


async def check_mark_read(svc: Services, user: User, *, conversation_id: str, seq: int) -> dict:
    acc = await access_conversation(svc, user, conversation_id)
    seq = min(seq, acc.conversation.last_seq)
    marker = await svc.storage.reads.mark_read(conversation_id=conversation_id, user_id=user.id, seq=seq)
    body = {"conversation_id": conversation_id, "seq": marker,
            "unread": max(0, acc.conversation.last_seq - marker)}
    svc.publisher.to_users(events.READ_UPDATED, body, [user.id])
    return body


async def access_sync(svc: Services, user: User, cursors: dict[str, int], limit: int = 100) -> dict:
    """What a reconnecting client missed: per conversation, the messages after its last seq."""
    out = {}
    for conversation_id, seq in cursors.items():
        try:
            acc = await access_conversation(svc, user, conversation_id)
        except (NotFound, Forbidden) as exc:
            out[conversation_id] = {"error": exc.to_dict()}
            continue
        messages = await svc.storage.messages.history(conversation_id=conversation_id, after=seq, limit=limit + 1)
        reveal = moderates(user, acc)
        out[conversation_id] = {"messages": [wire.message(m, viewer=user.id, reveal=reveal) for m in messages[:limit]],
                                "has_more": len(messages) > limit}
    return out
