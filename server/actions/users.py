"""Profiles and platform roles."""
from __future__ import annotations

import re

from ..domain.users import PLATFORM_ROLES, User
from ..errors import Forbidden, InvalidPayload, NotFound
from ..services import Services

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


async def check_update_profile(svc: Services, user: User, *, display_name=None, bio=None, avatar_color=None) -> User:
    if display_name is not None and not display_name:
        raise InvalidPayload("display_name can't be empty", field="display_name")
    if avatar_color is not None and not COLOR_RE.match(avatar_color):
        raise InvalidPayload("avatar_color must look like #1a2b3c", field="avatar_color")
    return await svc.storage.users.update_profile(user_id=user.id, display_name=display_name, bio=bio,
                                                  avatar_color=avatar_color)


async def check_set_platform_role(svc: Services, user: User, *, user_id: str, role: str) -> User:
    if user.role != "admin":
        raise Forbidden("only platform admins may change roles", code="not_platform_admin")
    if role not in PLATFORM_ROLES:
        raise InvalidPayload("unknown role", field="role")
    if await svc.storage.users.get(user_id=user_id) is None:
        raise NotFound("no such user")
    await svc.storage.users.set_role(user_id=user_id, role=role)
    return await svc.storage.users.get(user_id=user_id)
