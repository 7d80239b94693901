"""Who posted what and when, for the flood, repeat and slow-mode checks, seen by every process.

LocalBehaviour is moderation.behaviour.Behaviour itself (one process's memory). RedisBehaviour
keeps each person's recent posts in a Redis list and their last message per group in a key
that expires with the slow mode's longest window, and asks moderation.behaviour.judge the
same question: ten messages sent through two processes are ten. When Redis is unreachable
it falls back to this process's own memory."""
from __future__ import annotations

import logging

from redis.exceptions import RedisError

from moderation import Verdict
from moderation.behaviour import Behaviour, Limits, digest, history_length, judge

log = logging.getLogger(__name__)
SLOW_MODE_KEEP_SECONDS = 3600 + 60  # the longest slow mode a group may set, and some


class LocalBehaviour:
    def __init__(self, limits: Limits):
        self.inner = Behaviour(limits)
        self.limits = limits

    async def check(self, **kw) -> Verdict | None:
        return self.inner.check(**kw)

    async def record(self, **kw) -> None:
        self.inner.record(**kw)


class RedisBehaviour:
    def __init__(self, hub, limits: Limits):
        self.hub, self.limits = hub, limits
        self.fallback = LocalBehaviour(limits)
        self.keep = int(max(limits.flood_seconds, limits.repeat_seconds)) + 1

    def _posts(self, user_id: str) -> str:
        return self.hub.key("posts", user_id)

    def _last(self, group_id: str, user_id: str) -> str:
        return self.hub.key("last", group_id, user_id)

    async def check(self, *, user_id: str, text: str, now: float, mentions: int = 0, group_id: str | None = None,
                    slow_mode_seconds: int = 0, repeats: bool = True) -> Verdict | None:
        try:
            async with self.hub.client.pipeline(transaction=False) as pipe:
                pipe.lrange(self._posts(user_id), 0, -1)
                if group_id is not None:
                    pipe.get(self._last(group_id, user_id))
                found = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("flood and repeat checks in this process only: %s", exc)
            return await self.fallback.check(user_id=user_id, text=text, now=now, mentions=mentions,
                                             group_id=group_id, slow_mode_seconds=slow_mode_seconds,
                                             repeats=repeats)
        posts = [_decode(item) for item in reversed(found[0])]  # stored newest first
        last = float(found[1]) if group_id is not None and found[1] is not None else None
        return judge(self.limits, posts=posts, last_in_group=last, text=text, now=now, mentions=mentions,
                     slow_mode_seconds=slow_mode_seconds if group_id is not None else 0, repeats=repeats)

    async def record(self, *, user_id: str, text: str, now: float, group_id: str | None = None) -> None:
        said = digest(text)
        item = f"{now!r}|{said.hex() if said else ''}"
        try:
            async with self.hub.client.pipeline(transaction=False) as pipe:
                key = self._posts(user_id)
                pipe.lpush(key, item)
                pipe.ltrim(key, 0, history_length(self.limits) - 1)
                pipe.expire(key, self.keep)
                if group_id is not None:
                    pipe.set(self._last(group_id, user_id), repr(now), ex=SLOW_MODE_KEEP_SECONDS)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("flood and repeat checks in this process only: %s", exc)
            await self.fallback.record(user_id=user_id, text=text, now=now, group_id=group_id)


def _decode(item: str) -> tuple[float, bytes | None]:
    at, _, said = item.partition("|")
    return float(at), bytes.fromhex(said) if said else None


def behaviour_log(hub, limits: Limits):
    return LocalBehaviour(limits) if hub is None else RedisBehaviour(hub, limits)
