"""Who may do what by role: the platform's moderators, each group's moderators and admins, and the
roles that are always trusted. Below the actions: it reads, never changes, and imports no action."""
from __future__ import annotations

from ..domain.groups import GROUP_ADMIN_ROLES
from ..domain.moderation import MODERATOR_ROLES, PLATFORM_SCOPE
from ..domain.users import BOT_ROLE, STAFF_ROLES, User
from ..errors import Forbidden, NotFound
from ..services import Services

MODERATOR_ROLES_IN_GROUP = ("moderator", *GROUP_ADMIN_ROLES)
TRUSTED_ROLES = (*STAFF_ROLES, *MODERATOR_ROLES, BOT_ROLE)  # never new members; always reachable privately


def is_platform_moderator(user: User) -> bool:
    return user.role in MODERATOR_ROLES


async def _moderates_group(svc: Services, user_id: str, group_id: str) -> bool:
    """A group's moderators, admins and owner; the membership comes from the send path's access cache."""
    cache = svc.access_cache
    membership = await cache.fetch(cache.member_key(group_id, user_id),
                                   lambda: svc.storage.groups.get_member(group_id=group_id, user_id=user_id))
    return membership is not None and membership.role in MODERATOR_ROLES_IN_GROUP


async def _groups_moderated(svc: Services, user: User, groups=None) -> list[str]:
    groups = groups if groups is not None else await svc.storage.groups.list_for_user(user_id=user.id)
    return [g.id for g in groups if await _moderates_group(svc, user.id, g.id)]


async def moderated_scopes(svc: Services, user: User, wanted: str | None = None) -> tuple[str, ...] | None:
    """The scopes whose cases the user handles: None for platform moderators (every scope)."""
    if is_platform_moderator(user):
        return None if wanted is None else (wanted,)
    if wanted is not None:
        if wanted == PLATFORM_SCOPE or not await _moderates_group(svc, user.id, wanted):
            raise Forbidden("you don't moderate this group", code="not_moderator")
        return (wanted,)
    scopes = await _groups_moderated(svc, user)
    if not scopes:
        raise Forbidden("only moderators may do this", code="not_moderator")
    return tuple(scopes)


async def moderation_rooms(svc: Services, user: User, groups) -> list[str]:
    """The scopes whose live case events a connection receives (groups: the user's, already read)."""
    if is_platform_moderator(user):
        return [PLATFORM_SCOPE]
    return await _groups_moderated(svc, user, groups)


async def moderates(svc: Services, user: User, scope: str | None) -> bool:
    """Platform moderators act everywhere; a group's moderators and admins only in their group.
    scope None: the thing asked about doesn't exist -- the membership read a real group scope costs
    is done all the same (uncached), and the answer is no."""
    if scope is None:
        if not is_platform_moderator(user):
            await svc.storage.groups.get_member(group_id=PLATFORM_SCOPE, user_id=user.id)
        return False
    return is_platform_moderator(user) or (scope != PLATFORM_SCOPE and await _moderates_group(svc, user.id, scope))


async def check_moderator(svc: Services, user: User, scope: str) -> None:
    if not await moderates(svc, user, scope):
        raise Forbidden("you don't moderate here", code="not_moderator")


async def access_moderated(svc: Services, user: User, thing, what: str):
    """A case, sanction or appeal (anything with a scope) to someone who moderates its scope; to anyone
    else it doesn't exist: the answer a made-up id gets (not a 403 that says it does)."""
    if not await moderates(svc, user, thing.scope if thing is not None else None):
        raise NotFound(f"no such {what}")
    return thing
