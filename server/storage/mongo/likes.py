"""Likes of threads and messages, with their like counts (collection `likes`)."""
from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from .store import Store


class MongoLikes(Store):
    _COLLECTIONS = {"thread": "conversations", "message": "messages"}

    async def _change(self, target_kind, target_id, user_id, add):
        collection = self.db[self._COLLECTIONS[target_kind]]
        if await collection.find_one({"_id": target_id}, {"_id": 1}) is None:
            raise LookupError(target_kind)
        key = f"{target_id}:{user_id}"
        if add:
            try:
                await self.db.likes.insert_one({"_id": key, "target_kind": target_kind, "target_id": target_id,
                                                "user_id": user_id})
                delta = 1
            except DuplicateKeyError:
                delta = 0
        else:
            delta = -(await self.db.likes.delete_one({"_id": key})).deleted_count
        d = await collection.find_one_and_update({"_id": target_id}, {"$inc": {"like_count": delta}},
                                                 return_document=ReturnDocument.AFTER)
        return d["like_count"]

    async def like(self, *, target_kind, target_id, user_id):
        return await self._change(target_kind, target_id, user_id, True)

    async def unlike(self, *, target_kind, target_id, user_id):
        return await self._change(target_kind, target_id, user_id, False)

    async def liked(self, *, user_id, target_ids):
        docs = await self.db.likes.find({"_id": {"$in": [f"{t}:{user_id}" for t in target_ids]}}).to_list(None)
        return {d["target_id"] for d in docs}
