"""Groups (社群): create, discover, join and leave, invites, roles, announcement, pins."""
from __future__ import annotations

import secrets
from datetime import timedelta

from .. import events, wire
from ..domain.groups import GROUP_ROLES, Group, Invite, Membership
from ..domain.users import User
from ..errors import Conflict, Forbidden, InvalidPayload, NotFound
from ..policy.access import access_group, access_group_as_admin, access_group_as_member
from ..services import Services
from ..storage.base import DuplicateError
from .moderation.sanctions import check_may_join
from .moderation.screen import screen_texts


async def do_create_group(svc: Services, user: User, *, name: str, description: str, visibility: str) -> Group:
    group = await svc.storage.groups.create(name=name, description=description, visibility=visibility,
                                            owner_id=user.id, created_at=svc.clock.now())
    await svc.publisher.add_user_to_room(user.id, events.group_room(group.id))
    return group


async def check_create_group(svc: Services, user: User, *, name: str, description: str, visibility: str) -> Group:
    if not name:
        raise InvalidPayload("name is required", field="name")
    said = await screen_texts(svc, user, name=name, description=description)  # the platform's words: no group yet
    return await do_create_group(svc, user, name=said["name"], description=said["description"], visibility=visibility)


async def do_add_member(svc: Services, group: Group, user: User, role: str = "member") -> Membership:
    try:
        membership = await svc.storage.groups.add_member(group_id=group.id, user_id=user.id, role=role,
                                                         joined_at=svc.clock.now())
    except DuplicateError:
        raise Conflict("already a member", code="already_member") from None
    svc.access_cache.forget_member(group.id, user.id)
    await svc.publisher.add_user_to_room(user.id, events.group_room(group.id))
    svc.publisher.publish(events.MEMBER_JOINED, {"group_id": group.id, "member": wire.member(membership, user)},
                          events.group_room(group.id))
    return membership


async def check_join_group(svc: Services, user: User, *, group_id: str) -> Membership:
    group, membership = await access_group(svc, user, group_id)
    if membership is not None:
        raise Conflict("already a member", code="already_member")
    if group.visibility != "public":
        raise Forbidden("this group is joined by invitation", code="invite_required")
    await check_may_join(svc, user, group.id)
    return await do_add_member(svc, group, user)


async def check_accept_invite(svc: Services, user: User, *, code: str) -> tuple[Group, Membership]:
    now = svc.clock.now()
    invite = await svc.storage.groups.use_invite(code=code, now=now)
    if invite is None or _lapsed(svc, invite, now):
        raise NotFound("this invite link is unknown, expired or used up")
    group = await svc.storage.groups.get(group_id=invite.group_id)
    if group is None:
        raise NotFound("no such group")
    existing = await svc.storage.groups.get_member(group_id=group.id, user_id=user.id)
    if existing is not None:
        return group, existing
    await check_may_join(svc, user, group.id)
    return group, await do_add_member(svc, group, user)


async def check_create_invite(svc: Services, user: User, *, group_id: str, expires_in_hours: int | None,
                              max_uses: int | None):
    group, membership = await access_group_as_member(svc, user, group_id)
    if group.visibility != "public" and membership.role not in ("admin", "owner", "moderator"):
        raise Forbidden("only group staff may invite to this group", code="not_group_admin")
    now = svc.clock.now()
    expires_at = now + timedelta(hours=expires_in_hours or svc.config.invite_hours)
    # 128 random bits (issue 12: nothing a user can't see by right is guessable; older codes had 72)
    return await svc.storage.groups.create_invite(group_id=group.id, code=secrets.token_urlsafe(16),
                                                  created_by=user.id, created_at=now, expires_at=expires_at,
                                                  max_uses=max_uses or svc.config.invite_max_uses)


def _lapsed(svc: Services, invite: Invite, now) -> bool:
    """Links made before every invite had an end date last as long as a new one would."""
    return invite.expires_at is None and invite.created_at + timedelta(hours=svc.config.invite_hours) <= now


async def check_leave_group(svc: Services, user: User, *, group_id: str) -> None:
    group, membership = await access_group_as_member(svc, user, group_id)
    if membership.role == "owner":
        raise Forbidden("the owner can't leave; hand the group to someone else first", code="owner_cannot_leave")
    await svc.storage.groups.remove_member(group_id=group.id, user_id=user.id)
    svc.access_cache.forget_member(group.id, user.id)
    await svc.publisher.remove_user_from_room(user.id, events.group_room(group.id))
    await svc.publisher.remove_user_from_room(user.id, events.mods_room(group.id))  # a moderator who left
    svc.publisher.publish(events.MEMBER_LEFT, {"group_id": group.id, "user_id": user.id},
                          events.group_room(group.id), events.user_room(user.id))


async def check_set_member_role(svc: Services, user: User, *, group_id: str, member_id: str, role: str) -> Membership:
    group, mine = await access_group_as_admin(svc, user, group_id)
    target = await svc.storage.groups.get_member(group_id=group.id, user_id=member_id)
    if target is None:
        raise NotFound("not a member of this group")
    if role not in GROUP_ROLES:
        raise InvalidPayload("unknown role", field="role")
    handed_over = role == "owner" and member_id != user.id
    if role == "owner":
        if mine.role != "owner":
            raise Forbidden("only the owner can hand the group over", code="not_group_owner")
        if handed_over:
            await svc.storage.groups.set_member_role(group_id=group.id, user_id=user.id, role="admin")
            svc.access_cache.forget_member(group.id, user.id)
            svc.access_cache.forget_group(group.id)  # its owner_id changes
    elif (target.role == "admin" or role == "admin") and mine.role != "owner":
        raise Forbidden("only the owner appoints or changes admins", code="not_group_owner")
    elif target.role == "owner":
        raise Forbidden("hand the group over instead", code="not_group_owner")
    await svc.storage.groups.set_member_role(group_id=group.id, user_id=member_id, role=role)
    svc.access_cache.forget_member(group.id, member_id)
    mods = events.mods_room(group.id)
    if role == "member":
        await svc.publisher.remove_user_from_room(member_id, mods)
    else:
        await svc.publisher.add_user_to_room(member_id, mods)
    updated = await svc.storage.groups.get_member(group_id=group.id, user_id=member_id)
    changed = [updated]
    if handed_over:  # two roles changed: everyone's member list, and both people's tools, follow
        changed.append(await svc.storage.groups.get_member(group_id=group.id, user_id=user.id))
    for m in changed:
        svc.publisher.publish(events.GROUP_UPDATED, {"group_id": group.id, "member": wire.member(m)},
                              events.group_room(group.id))
    return updated


async def check_update_group(svc: Services, user: User, *, group_id: str, name=None, description=None,
                             visibility=None, announcement=None) -> Group:
    group, _ = await access_group_as_admin(svc, user, group_id)
    if name is not None and not name:
        raise InvalidPayload("name can't be empty", field="name")
    said = await screen_texts(svc, user, group_id=group.id, name=name, description=description,
                              announcement=announcement)
    group = await svc.storage.groups.update(
        group_id=group.id, name=said["name"], description=said["description"], visibility=visibility,
        announcement=said["announcement"],
        announcement_at=svc.clock.now() if announcement is not None else None)
    svc.access_cache.forget_group(group.id)
    svc.publisher.publish(events.GROUP_UPDATED, {"group": wire.group(group)}, events.group_room(group.id))
    return group


async def check_pin(svc: Services, user: User, *, group_id: str, message_id: str, pin: bool):
    group, _ = await access_group_as_admin(svc, user, group_id)
    message = await svc.storage.messages.get(message_id=message_id)
    if message is None or message.group_id != group.id or message.deleted_at is not None:
        raise NotFound("no such message in this group")
    if pin:
        await svc.storage.groups.pin(group_id=group.id, message_id=message_id, pinned_by=user.id,
                                     pinned_at=svc.clock.now())
    else:
        await svc.storage.groups.unpin(group_id=group.id, message_id=message_id)
    pins = await list_pins(svc, group.id)
    svc.publisher.publish(events.PINS_UPDATED, {"group_id": group.id, "pins": pins}, events.group_room(group.id))
    return pins


async def list_pins(svc: Services, group_id: str) -> list[dict]:
    pins = await svc.storage.groups.list_pins(group_id=group_id)
    found = await svc.storage.messages.get_many(message_ids=[p.message_id for p in pins])
    return [{**wire.pin(p), "message": wire.message(m)} for p in pins
            if (m := found.get(p.message_id)) is not None and m.deleted_at is None]
