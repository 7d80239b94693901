"""What the desk's hours mean for one hand-off right now: whether a human can take it at once (in hours, or
an agent online after hours), and when the desk opens next ("明天 09:00") when nobody can."""
from __future__ import annotations

from datetime import datetime, timedelta

from ...domain.users import STAFF_ROLES
from ...services import Services

WEEKDAYS = "一二三四五六日"


async def agent_online(svc: Services) -> bool:
    staff = await svc.storage.users.list_by_roles(roles=STAFF_ROLES, limit=500)
    online = await svc.presence.statuses([u.id for u in staff])
    return any(status == "online" for status in online.values())


async def humans_at_hand(svc: Services, now: datetime) -> bool:
    """Someone can claim a case now: the desk is open, or an agent is online after hours."""
    return svc.hours.is_open(now) or await agent_online(svc)


def next_opening(svc: Services, now: datetime) -> datetime | None:
    """The next time the desk opens after `now` (in the shop's zone), None for a desk that never opens."""
    hours = svc.hours
    local = now.astimezone(hours.tz)
    for days_ahead in range(0, 8):
        day = (local + timedelta(days=days_ahead)).date()
        opens = datetime.combine(day, hours.opens, tzinfo=hours.tz)
        if opens > local and day.isoweekday() in hours.days:
            return opens
    return None


def say_opening(svc: Services, now: datetime) -> str:
    """"今天 09:00", "明天 09:00", "周一 09:00": when an agent answers next, as the customer says it."""
    opens = next_opening(svc, now)
    if opens is None:
        return "工作时间"
    local = now.astimezone(svc.hours.tz)
    ahead = (opens.date() - local.date()).days
    day = {0: "今天", 1: "明天", 2: "后天"}.get(ahead, f"周{WEEKDAYS[opens.isoweekday() - 1]}")
    return f"{day} {opens.strftime('%H:%M')}"
