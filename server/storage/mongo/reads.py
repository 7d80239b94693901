"""Read markers: how far each user has read each conversation (collection `reads`)."""
from __future__ import annotations

from pymongo import ReturnDocument

from .store import Store


class MongoReads(Store):
    async def mark_read(self, *, conversation_id, user_id, seq):
        d = await self.db.reads.find_one_and_update(
            {"_id": f"{user_id}:{conversation_id}"},
            {"$max": {"seq": seq}, "$setOnInsert": {"user_id": user_id, "conversation_id": conversation_id}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return d["seq"]

    async def get_many(self, *, user_id, conversation_ids):
        docs = await self.db.reads.find({"_id": {"$in": [f"{user_id}:{c}" for c in conversation_ids]}}).to_list(None)
        return {d["conversation_id"]: d["seq"] for d in docs}
