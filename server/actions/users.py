"""Profiles and platform roles."""
from __future__ import annotations

import re

from .. import events, wire
from ..events import presence_room
from ..domain.users import PLATFORM_ROLES, STAFF_ROLES, User
from ..errors import Forbidden, InvalidPayload, NotFound
from ..realtime.sessions import ROLE_CHANGED
from ..services import Services
from .auth import check_name_allowed
from .moderation.pictures import check_avatar
from .moderation.screen import screen_texts
from .support.desk import do_release_cases_of

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


async def check_update_profile(svc: Services, user: User, *, display_name=None, bio=None, avatar_color=None,
                               avatar_upload_id=None) -> User:
    """avatar_upload_id: one of the user's uploads as their avatar ("" removes it), checked as a posted
    picture is (a QR code or a contact in an avatar is diversion) and refused rather than held: an avatar
    shows everywhere at once."""
    if display_name is not None and not display_name:
        raise InvalidPayload("display_name can't be empty", field="display_name")
    check_name_allowed(svc, display_name, role=user.role)
    if avatar_color is not None and not COLOR_RE.match(avatar_color):
        raise InvalidPayload("avatar_color must look like #1a2b3c", field="avatar_color")
    said = await screen_texts(svc, user, display_name=display_name, bio=bio)  # the content rules, as messages
    if avatar_upload_id:
        await check_avatar(svc, user, avatar_upload_id)
    updated = await svc.storage.users.update_profile(user_id=user.id, display_name=said["display_name"],
                                                     bio=said["bio"], avatar_color=avatar_color,
                                                     avatar_upload=avatar_upload_id)
    await tell_profile_changed(svc, updated)
    return updated


async def tell_profile_changed(svc: Services, user: User) -> None:
    """Open pages show the new name and picture at once: the user's groups, those watching their presence
    (private chats) and their own other tabs hear of it, on every process."""
    groups = await svc.storage.groups.list_for_user(user_id=user.id)
    svc.publisher.publish(events.USER_UPDATED, wire.user(user), *(events.group_room(g.id) for g in groups),
                          events.user_room(user.id), presence_room(user.id))


async def check_set_platform_role(svc: Services, user: User, *, user_id: str, role: str) -> User:
    if user.role != "admin":
        raise Forbidden("only platform admins may change roles", code="not_platform_admin")
    if role not in PLATFORM_ROLES:
        raise InvalidPayload("unknown role", field="role")
    target = await svc.storage.users.get(user_id=user_id)
    if target is None:
        raise NotFound("no such user")
    await svc.storage.users.set_role(user_id=user_id, role=role)
    if target.role in STAFF_ROLES and role not in STAFF_ROLES:
        await do_release_cases_of(svc, user_id)
    if role != target.role:  # their open connections come back with the new role's rooms and powers, or none
        await svc.live.end(user_id, ROLE_CHANGED)
    return await svc.storage.users.get(user_id=user_id)
