"""Notifications: mentions and replies waiting for a user (collection `notifications`)."""
from __future__ import annotations

from pymongo import DESCENDING

from ...domain.messages import Notification
from ..base import new_id
from ..codec import from_ms, to_ms
from .store import Store


def _notification(d) -> Notification:
    return Notification(id=d["_id"], user_id=d["user_id"], kind=d["kind"], conversation_id=d["conversation_id"],
                        message_id=d["message_id"], actor_id=d["actor_id"], created_at=from_ms(d["created_at"]),
                        read=d.get("read", False))


class MongoNotifications(Store):
    async def add(self, *, user_id, kind, conversation_id, message_id, actor_id, created_at):
        n = Notification(id=new_id(), user_id=user_id, kind=kind, conversation_id=conversation_id,
                         message_id=message_id, actor_id=actor_id, created_at=created_at)
        await self.db.notifications.insert_one({"_id": n.id, "user_id": user_id, "kind": kind,
                                                "conversation_id": conversation_id, "message_id": message_id,
                                                "actor_id": actor_id, "created_at": to_ms(created_at), "read": False})
        return n

    async def list(self, *, user_id, unread_only, limit):
        query = {"user_id": user_id}
        if unread_only:
            query["read"] = False
        docs = await self.db.notifications.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)]) \
            .limit(limit).to_list(None)
        return [_notification(d) for d in docs]

    async def mark_read(self, *, user_id, ids):
        query = {"user_id": user_id, "read": False}
        if ids is not None:
            query["_id"] = {"$in": ids}
        return (await self.db.notifications.update_many(query, {"$set": {"read": True}})).modified_count

    async def unread_count(self, *, user_id):
        return await self.db.notifications.count_documents({"user_id": user_id, "read": False})
