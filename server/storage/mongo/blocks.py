"""Who blocked whom (collection `blocks`)."""
from __future__ import annotations

from .store import PairStore


class MongoBlocks(PairStore):
    collection, fields = "blocks", ("blocker_id", "blocked_id")

    async def block(self, *, blocker_id, blocked_id):
        await self._add(blocker_id, blocked_id)

    async def unblock(self, *, blocker_id, blocked_id):
        await self._remove(blocker_id, blocked_id)

    async def is_blocked(self, *, blocker_id, blocked_id):
        return await self._has(blocker_id, blocked_id)

    async def list_blocked(self, *, blocker_id):
        return await self._seconds_of(blocker_id)
