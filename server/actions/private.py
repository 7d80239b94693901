"""Private conversations (私信) and blocking."""
from __future__ import annotations

from .. import events, wire
from ..domain.messages import Conversation
from ..domain.users import User
from ..errors import Forbidden, InvalidPayload, NotFound
from ..services import Services


async def check_start_private(svc: Services, user: User, *, other_id: str) -> Conversation:
    if other_id == user.id:
        raise InvalidPayload("you can't start a conversation with yourself", code="self_conversation")
    other = await svc.storage.users.get(user_id=other_id)
    if other is None:
        raise NotFound("no such user")
    if await svc.storage.blocks.is_blocked(blocker_id=other_id, blocked_id=user.id):
        raise Forbidden("this user doesn't accept your messages", code="blocked")
    conv = await svc.storage.conversations.get_or_create_private(user_a=user.id, user_b=other_id,
                                                                 now=svc.clock.now())
    svc.publisher.to_users(events.CONVERSATION_NEW, wire.conversation(conv), [user.id])
    return conv


async def check_block(svc: Services, user: User, *, other_id: str, block: bool) -> None:
    if other_id == user.id:
        raise InvalidPayload("you can't block yourself", code="self_block")
    if await svc.storage.users.get(user_id=other_id) is None:
        raise NotFound("no such user")
    store = svc.storage.blocks
    await (store.block if block else store.unblock)(blocker_id=user.id, blocked_id=other_id)
    svc.access_cache.forget_block(user.id, other_id)
