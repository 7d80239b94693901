"""Sliding-window rate limits (logins, registrations, reports), keyed by anything with a str().
`recent` with `backoff_wait` turns a window of failures into an exponential backoff (logins).

RateLimiter keeps its windows in memory (one process). RedisRateLimiter keeps them in a Redis
sorted set per key, so every process counts the same hits: five wrong passwords are five,
whichever processes they reached. Both take the time from the injected clock. When Redis is
unreachable the Redis one counts in this process alone rather than refusing everyone."""
from __future__ import annotations

import logging
import uuid
from collections import deque

from redis.exceptions import RedisError

from ..clock import Clock

log = logging.getLogger(__name__)


class RateLimiter:
    def __init__(self, clock: Clock, *, limit: int, window_seconds: float):
        self.clock = clock
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[object, deque] = {}

    def _live(self, key) -> deque:
        now = self.clock.now().timestamp()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    async def retry_after(self, key) -> float:
        """0 when allowed; otherwise seconds until the oldest hit leaves the window."""
        hits = self._live(key)
        if len(hits) < self.limit:
            if not hits:
                self._hits.pop(key, None)
            return 0.0
        return max(0.0, hits[0] + self.window - self.clock.now().timestamp())

    async def recent(self, key) -> tuple[int, float | None]:
        """How many hits are in the window, and when the newest was (a timestamp, None without hits)."""
        hits = self._live(key)
        if not hits:
            self._hits.pop(key, None)
            return 0, None
        return len(hits), hits[-1]

    async def hit(self, key) -> None:
        self._live(key).append(self.clock.now().timestamp())

    async def reset(self, key) -> None:
        self._hits.pop(key, None)


class RedisRateLimiter:
    def __init__(self, hub, name: str, clock: Clock, *, limit: int, window_seconds: float):
        self.hub, self.name, self.clock = hub, name, clock
        self.limit = limit
        self.window = window_seconds
        self._fallback = RateLimiter(clock, limit=limit, window_seconds=window_seconds)

    def _key(self, key) -> str:
        return self.hub.key("rate", self.name, str(key))

    async def _window(self, key, index: int) -> tuple[float, int, list]:
        """Drops what left the window; the count in it and the hit at `index` (0 oldest, -1 newest)."""
        now = self.clock.now().timestamp()
        k = self._key(key)
        async with self.hub.client.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(k, "-inf", now - self.window)
            pipe.zcard(k)
            pipe.zrange(k, index, index, withscores=True)
            _, count, found = await pipe.execute()
        return now, count, found

    async def retry_after(self, key) -> float:
        try:
            now, count, oldest = await self._window(key, 0)
        except (RedisError, OSError) as exc:
            log.warning("rate limit %s counted in this process only: %s", self.name, exc)
            return await self._fallback.retry_after(key)
        if count < self.limit or not oldest:
            return 0.0
        return max(0.0, oldest[0][1] + self.window - now)

    async def recent(self, key) -> tuple[int, float | None]:
        try:
            _, count, newest = await self._window(key, -1)
        except (RedisError, OSError) as exc:
            log.warning("rate limit %s counted in this process only: %s", self.name, exc)
            return await self._fallback.recent(key)
        return (count, newest[0][1]) if count and newest else (0, None)

    async def hit(self, key) -> None:
        now = self.clock.now().timestamp()
        k = self._key(key)
        try:
            async with self.hub.client.pipeline(transaction=False) as pipe:
                pipe.zadd(k, {f"{now}:{uuid.uuid4().hex[:8]}": now})
                pipe.expire(k, int(self.window) + 1)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("rate limit %s counted in this process only: %s", self.name, exc)
            await self._fallback.hit(key)

    async def reset(self, key) -> None:
        try:
            await self.hub.client.delete(self._key(key))
        except (RedisError, OSError):
            await self._fallback.reset(key)


def backoff_wait(failures: int, newest: float | None, now: float, *, free: int, base: float, cap: float) -> float:
    """Seconds until the next try is allowed after `failures` recent failures, the newest at `newest`:
    the first `free` cost nothing, then each one doubles the wait after the newest (base, 2*base, ...),
    up to `cap`. It never locks: the wait always ends, and a success (reset) clears it."""
    if newest is None or failures < free:
        return 0.0
    wait = min(cap, base * 2 ** min(failures - free, 32))
    return max(0.0, newest + wait - now)


def rate_limiter(hub, name: str, clock: Clock, *, limit: int, window_seconds: float):
    if hub is None:
        return RateLimiter(clock, limit=limit, window_seconds=window_seconds)
    return RedisRateLimiter(hub, name, clock, limit=limit, window_seconds=window_seconds)
