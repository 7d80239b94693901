"""What a user's lists show: their groups and private conversations with unread counts."""
from __future__ import annotations

from .. import wire
from ..domain.users import User
from ..services import Services


async def unread_counts(svc: Services, user: User, conversations) -> dict[str, int]:
    markers = await svc.storage.reads.get_many(user_id=user.id, conversation_ids=[c.id for c in conversations])
    return {c.id: max(0, c.last_seq - markers.get(c.id, 0)) for c in conversations}


async def access_my_groups(svc: Services, user: User) -> list[dict]:
    groups = await svc.storage.groups.list_for_user(user_id=user.id)
    convs = [await svc.storage.conversations.get(conversation_id=g.conversation_id) for g in groups]
    unread = await unread_counts(svc, user, convs)
    out = []
    for g, c in zip(groups, convs):
        member = await svc.storage.groups.get_member(group_id=g.id, user_id=user.id)
        out.append({**wire.group(g, my_role=member.role if member else None),
                    "last_seq": c.last_seq, "last_activity_at": wire.ts(c.last_activity_at),
                    "unread": unread[c.id]})
    return out


async def access_private_list(svc: Services, user: User, limit: int = 50) -> list[dict]:
    convs = await svc.storage.conversations.list_private(user_id=user.id, limit=limit)
    unread = await unread_counts(svc, user, convs)
    others = await svc.storage.users.get_many(
        user_ids=[u for c in convs for u in c.participants if u != user.id])
    out = []
    for c in convs:
        last = await svc.storage.messages.history(conversation_id=c.id, limit=1)
        other_id = next((u for u in c.participants if u != user.id), user.id)
        other = others.get(other_id)
        out.append({**wire.conversation(c), "unread": unread[c.id],
                    "other": wire.user(other) if other else None,
                    "last_message": wire.message(last[0]) if last else None})
    return out
