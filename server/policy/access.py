"""Fetching things together with the permission to see them."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.groups import GROUP_ADMIN_ROLES, Group, Membership
from ..domain.messages import Conversation
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


async def access_group(svc: Services, user: User, group_id: str) -> tuple[Group, Membership | None]:
    """A group the user may see: private groups are invisible to non-members."""
    group = await svc.storage.groups.get(group_id=group_id)
    if group is None:
        raise NotFound("no such group", code="group_not_found")
    membership = await svc.storage.groups.get_member(group_id=group_id, user_id=user.id)
    if group.visibility == "private" and membership is None and user.role != "admin":
        raise NotFound("no such group", code="group_not_found")
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


async def access_conversation(svc: Services, user: User, conversation_id: str, *,
                              cached: bool = False) -> ConversationAccess:
    """A conversation the user may read: members for group chats and threads, the two
    participants for private ones. Others are told it doesn't exist or that they must join.

    cached=True serves the send path from the access cache: its conversation and group
    carry authorization facts only (their counters may be stale)."""
    if cached:
        conv, group, membership = await _cached_parts(svc, user, conversation_id)
    else:
        conv = await svc.storage.conversations.get(conversation_id=conversation_id)
        group = membership = None
    if conv is None:
        raise NotFound("no such conversation", code="conversation_not_found")
    if conv.kind in ("private", "support"):
        # the support desk reads every support conversation; only the assigned agent writes
        desk = conv.kind == "support" and user.role in STAFF_ROLES
        if user.id not in conv.participants and not desk:
            raise NotFound("no such conversation", code="conversation_not_found")
        return ConversationAccess(conv, None, None)
    if not cached:
        group, membership = await access_group(svc, user, conv.group_id)
    elif group is None or (group.visibility == "private" and membership is None and user.role != "admin"):
        raise NotFound("no such group", code="group_not_found")
    if membership is None:
        raise Forbidden("join the group first", code="not_member")
    return ConversationAccess(conv, group, membership)


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
    acc = await access_conversation(svc, user, thread_id)
    if acc.conversation.kind != "thread":
        raise NotFound("no such thread", code="thread_not_found")
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
