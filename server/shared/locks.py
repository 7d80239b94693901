"""Per-key locks: one claim of a support case, one decision on a report case, at a time.

KeyedLocks are asyncio locks (one process); a lock is dropped once nobody holds or waits for
it. RedisLocks take the same local lock first (so the waiters of one process queue in order
and don't poll Redis), then a Redis lock (SET NX with an expiry, released only by its
holder), so the key is held once across every process. The expiry frees a key whose holder
died; it is longer than anything held under a lock (the assistant's reply timeout). When Redis
is unreachable the lock holds in this process only, and says so in the log."""
from __future__ import annotations

import asyncio
import logging

from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)
LOCK_SECONDS = 30.0


class KeyedLocks:
    def __init__(self):
        self._locks: dict[str, asyncio.Lock] = {}

    def hold(self, key: str) -> "_Held":
        return _Held(self, key)


class _Held:
    def __init__(self, owner: KeyedLocks, key: str):
        self.owner, self.key = owner, key

    async def __aenter__(self):
        lock = self.owner._locks.setdefault(self.key, asyncio.Lock())
        self.lock = lock
        await lock.acquire()

    async def __aexit__(self, *exc):
        self.lock.release()
        if not self.lock.locked() and not getattr(self.lock, "_waiters", None):
            self.owner._locks.pop(self.key, None)


class RedisLocks:
    def __init__(self, hub, name: str):
        self.hub, self.name = hub, name
        self.local = KeyedLocks()

    def hold(self, key: str) -> "_HeldEverywhere":
        return _HeldEverywhere(self, key)


class _HeldEverywhere:
    def __init__(self, owner: RedisLocks, key: str):
        self.owner, self.key = owner, key
        self.local = owner.local.hold(key)
        self.remote = None

    async def __aenter__(self):
        await self.local.__aenter__()
        hub = self.owner.hub
        lock = hub.client.lock(hub.key("lock", self.owner.name, self.key), timeout=LOCK_SECONDS, sleep=0.005,
                               blocking_timeout=LOCK_SECONDS)
        try:
            if await lock.acquire():
                self.remote = lock
            else:
                log.error("lock %s:%s still held elsewhere after %ss; going on", self.owner.name, self.key,
                          LOCK_SECONDS)
        except (RedisError, OSError) as exc:
            log.warning("lock %s:%s held in this process only: %s", self.owner.name, self.key, exc)
        except BaseException:
            await self.local.__aexit__(None, None, None)
            raise

    async def __aexit__(self, *exc):
        try:
            if self.remote is not None:
                await self.remote.release()
        except (LockError, RedisError, OSError) as err:
            log.warning("releasing lock %s:%s: %s", self.owner.name, self.key, err)
        finally:
            await self.local.__aexit__(*exc)


def keyed_locks(hub, name: str):
    return KeyedLocks() if hub is None else RedisLocks(hub, name)
