"""Fetching things together with the permission to see them."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.groups import GROUP_ADMIN_ROLES, Group, Membership
from ..domain.messages import Conversation, Message
from ..domain.users import BOT_ROLE, STAFF_ROLES, User
from ..errors import Forbidden, NotFound
from ..services import Services

PLATFORM_STAFF = ("moderator", "admin")


@dataclass(slots=True)
class ConversationAccess:
    conversation: Conversation
    group: Group | None
    membership: Membership | None

    @property
    def is_group_admin(self) -> bool:
        return self.membership is not None and self.membership.role in GROUP_ADMIN_ROLES

    @property
    def is_group_moderator(self) -> bool:
        return self.membership is not None and self.membership.role in ("moderator", *GROUP_ADMIN_ROLES)


def hidden(what: str) -> NotFound:
    """The one answer for a thing that doesn't exist and for one the caller may not see: the same
    code, status and message (issue 12: an answer that differs tells what exists)."""
    return NotFound(f"no such {what}")


async def access_group(svc: Services, user: User, group_id: str, *,
                       what: str = "group") -> tuple[Group, Membership | None]:
    """A group the user may see: private groups are invisible to non-members. The membership is
    read whether or not the group exists, so both answers take the same work."""
    group = await svc.storage.groups.get(group_id=group_id)
    membership = await svc.storage.groups.get_member(group_id=group_id, user_id=user.id)
    if group is None or (group.visibility == "private" and membership is None and user.role != "admin"):
        raise hidden(what)
    return group, membership


async def access_group_as_member(svc: Services, user: User, group_id: str) -> tuple[Group, Membership]:
    group, membership = await access_group(svc, user, group_id)
    if membership is None:
        raise Forbidden("join the group first", code="not_member")
    return group, membership


async def access_group_as_admin(svc: Services, user: User, group_id: str) -> tuple[Group, Membership]:
    group, membership = await access_group_as_member(svc, user, group_id)
    if membership.role not in GROUP_ADMIN_ROLES:
        raise Forbidden("only group admins may do this", code="not_group_admin")
    return group, membership


async def access_conversation(svc: Services, user: User, conversation_id: str, *, cached: bool = False,
                              what: str = "conversation", members_only: bool = False) -> ConversationAccess:
    """A conversation the user may read: members for group chats and threads, the two
    participants for private ones. Others are told it doesn't exist (`hidden(what)`: what the
    caller asked for, a conversation or a message in it), or, for a public group's conversation,
    that they must join -- unless members_only, where a non-member hears not found too (a message
    id must not tell that it exists in some public group).

    cached=True serves the send path from the access cache: its conversation and group
    carry authorization facts only (their counters may be stale)."""
    if cached:
        conv, group, membership = await _cached_parts(svc, user, conversation_id)
    else:
        conv = await svc.storage.conversations.get(conversation_id=conversation_id)
        group = membership = None
    if conv is None:
        if not cached:
            await _reads_of_a_group(svc, user, conversation_id)
        raise hidden(what)
    if conv.kind in ("private", "support"):
        # the support desk reads every support conversation; only the assigned agent writes
        desk = conv.kind == "support" and user.role in STAFF_ROLES
        if user.id not in conv.participants and not desk:
            if not cached:
                await _reads_of_a_group(svc, user, conversation_id)
            raise hidden(what)
        return ConversationAccess(conv, None, None)
    if not cached:
        group, membership = await access_group(svc, user, conv.group_id, what=what)
    elif group is None or (group.visibility == "private" and membership is None and user.role != "admin"):
        raise hidden(what)
    if membership is None:
        if members_only:
            raise hidden(what)
        raise Forbidden("join the group first", code="not_member")
    return ConversationAccess(conv, group, membership)


async def _reads_of_a_group(svc: Services, user: User, some_id: str) -> None:
    """The two reads a group conversation's check costs (its group, the membership), done for nothing on
    the paths that answer not found sooner, so that a missing conversation, someone else's private one
    and a private group's take the same work (issue 12: timing must not tell them apart either)."""
    await svc.storage.groups.get(group_id=some_id)
    await svc.storage.groups.get_member(group_id=some_id, user_id=user.id)


async def access_message(svc: Services, user: User, message_id: str) -> tuple[Message, ConversationAccess]:
    """A message the user may see, with its conversation: a member's (or participant's), not deleted.
    Missing, deleted, or in a conversation the user can't read, even a public group's: one answer."""
    message = await svc.storage.messages.get(message_id=message_id)
    try:  # a missing message takes the same path, through a conversation that isn't there
        acc = await access_conversation(svc, user, message.conversation_id if message else message_id,
                                        what="message", members_only=True)
    except NotFound:
        raise hidden("message") from None
    if message is None or message.deleted_at is not None:
        raise hidden("message")
    return message, acc


async def _cached_parts(svc: Services, user: User, conversation_id: str):
    cache, store = svc.access_cache, svc.storage
    conv = await cache.fetch(cache.conversation_key(conversation_id),
                             lambda: store.conversations.get(conversation_id=conversation_id))
    if conv is None or conv.kind in ("private", "support"):
        return conv, None, None
    group = await cache.fetch(cache.group_key(conv.group_id), lambda: store.groups.get(group_id=conv.group_id))
    if group is None:
        return conv, None, None
    membership = await cache.fetch(cache.member_key(group.id, user.id),
                                   lambda: store.groups.get_member(group_id=group.id, user_id=user.id))
    return conv, group, membership


async def access_thread(svc: Services, user: User, thread_id: str) -> ConversationAccess:
    acc = await access_conversation(svc, user, thread_id, what="thread")
    if acc.conversation.kind != "thread":
        raise hidden("thread")
    return acc


def check_staff(user: User) -> None:
    """Support agents and platform admins work the support desk."""
    if user.role not in STAFF_ROLES:
        raise Forbidden("only support agents may do this", code="not_agent")


def check_may_touch(user: User, acc: ConversationAccess) -> None:
    """Reacting, liking and typing in a support case are for the people in it: the customer, the
    assigned agent (both participants), the assistant, and platform admins. The rest of the desk
    may read the case (access_conversation) but leaves no trace in it, as it may not write in it."""
    conv = acc.conversation
    if conv.kind == "support" and user.id not in conv.participants and user.role not in (BOT_ROLE, "admin"):
        raise Forbidden("only the agent on this case may react, like or type in it", code="not_assigned")
