"""Per-key asyncio locks that don't pile up: a lock is dropped once nobody holds or waits for it."""
from __future__ import annotations

import asyncio


class KeyedLocks:
    """One lock per key (the support desk: per conversation, so the assistant answers in order)."""

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
