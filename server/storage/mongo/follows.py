"""Who follows which thread (collection `follows`)."""
from __future__ import annotations

from .store import PairStore


class MongoFollows(PairStore):
    collection, fields = "follows", ("conversation_id", "user_id")

    async def follow(self, *, conversation_id, user_id):
        await self._add(conversation_id, user_id)

    async def unfollow(self, *, conversation_id, user_id):
        await self._remove(conversation_id, user_id)

    async def followers(self, *, conversation_id):
        return await self._seconds_of(conversation_id)

    async def is_following(self, *, conversation_id, user_id):
        return await self._has(conversation_id, user_id)
