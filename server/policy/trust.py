"""Trust: who is still a new member that the new-member limits apply to (account age, and where a
group asks for it, a paid order)."""
from __future__ import annotations

from datetime import timedelta

from ..domain.groups import Membership
from ..domain.moderation import GroupRules
from ..domain.users import User
from ..services import Services
from .roles import MODERATOR_ROLES_IN_GROUP, TRUSTED_ROLES

VERIFIED_ORDER = ("paid", "shipped", "delivered")  # an order that was paid for counts as a real customer


async def has_verified_order(svc: Services, user_id: str) -> bool:
    cache = svc.access_cache

    async def load():
        orders = await svc.storage.orders.list_for_customer(customer_id=user_id, limit=50)
        return any(o.status in VERIFIED_ORDER for o in orders)
    return await cache.fetch(cache.verified_order_key(user_id), load)


async def is_new_member(svc: Services, user: User, rules: GroupRules, membership: Membership | None = None) -> bool:
    """New members can't post links, write privately to strangers or @all until their account is
    old enough and, where the rules ask for it, they have a paid order."""
    if user.role in TRUSTED_ROLES:
        return False
    if membership is not None and membership.role in MODERATOR_ROLES_IN_GROUP:
        return False
    hours = svc.rules.new_account_hours(rules)
    if user.created_at is None or svc.clock.now() - user.created_at < timedelta(hours=hours):
        return True
    return rules.require_order and not await has_verified_order(svc, user.id)
