"""Topic threads (话题): a titled conversation in a group, its first post through the pipeline."""
from __future__ import annotations

from .. import events, wire
from ..domain.messages import Conversation, Message
from ..domain.users import User
from ..errors import Forbidden
from ..integrations.search_text import tokenize_for_index
from ..policy.access import ConversationAccess, access_group_as_member, access_thread
from ..services import Services
from .messages import Draft, send_in
from .moderation.screen import screen_text


async def check_create_thread(svc: Services, user: User, *, group_id: str, title: str,
                              draft: Draft) -> tuple[Conversation, Message]:
    group, membership = await access_group_as_member(svc, user, group_id)
    title = await screen_text(svc, user, title, field="title", group_id=group.id)
    thread = await svc.storage.conversations.create_thread(group_id=group.id, title=title, author_id=user.id,
                                                           now=svc.clock.now(), tokens=tokenize_for_index(title))
    try:
        first, _ = await send_in(svc, user, ConversationAccess(thread, group, membership), draft)
    except BaseException:
        await svc.storage.conversations.delete_empty_thread(conversation_id=thread.id)
        raise
    await svc.storage.follows.follow(conversation_id=thread.id, user_id=user.id)
    thread = await svc.storage.conversations.get(conversation_id=thread.id)
    svc.publisher.publish(events.THREAD_NEW, wire.thread(thread), events.group_room(group.id))
    return thread, first


async def check_update_thread(svc: Services, user: User, *, thread_id: str, pinned=None, closed=None) -> Conversation:
    acc = await access_thread(svc, user, thread_id)
    if not acc.is_group_admin:
        raise Forbidden("only group admins may pin or close threads", code="not_group_admin")
    thread = await svc.storage.conversations.update_thread(conversation_id=thread_id, pinned=pinned, closed=closed)
    svc.access_cache.forget_conversation(thread_id)
    svc.publisher.publish(events.THREAD_UPDATED, wire.thread(thread), events.group_room(thread.group_id))
    return thread


async def check_like_thread(svc: Services, user: User, *, thread_id: str, like: bool) -> int:
    await access_thread(svc, user, thread_id)
    store = svc.storage.likes
    count = await (store.like if like else store.unlike)(target_kind="thread", target_id=thread_id, user_id=user.id)
    thread = await svc.storage.conversations.get(conversation_id=thread_id)
    svc.publisher.publish(events.THREAD_UPDATED, wire.thread(thread), events.group_room(thread.group_id))
    return count


async def check_follow_thread(svc: Services, user: User, *, thread_id: str, follow: bool) -> None:
    await access_thread(svc, user, thread_id)
    store = svc.storage.follows
    await (store.follow if follow else store.unfollow)(conversation_id=thread_id, user_id=user.id)
