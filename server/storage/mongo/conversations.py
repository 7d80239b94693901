"""Conversations: group main conversations, private chats, threads and support chats
(collections `conversations`, `private_keys`)."""
from __future__ import annotations

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from ...domain.messages import Conversation
from ..base import new_id
from ..codec import drop_none, from_ms, private_key, to_ms
from .store import Store


def decode_conversation(d) -> Conversation:
    return Conversation(id=d["_id"], kind=d["kind"], created_at=from_ms(d["created_at"]),
                        last_activity_at=from_ms(d["last_activity_at"]), last_seq=d.get("last_seq", 0),
                        group_id=d.get("group_id"), participants=tuple(d.get("participants", ())),
                        title=d.get("title", ""), author_id=d.get("author_id"), pinned=d.get("pinned", False),
                        closed=d.get("closed", False), like_count=d.get("like_count", 0), tag=d.get("tag"),
                        product_id=d.get("product_id"))


class MongoConversations(Store):
    async def get(self, *, conversation_id):
        d = await self.db.conversations.find_one({"_id": conversation_id})
        return decode_conversation(d) if d else None

    async def get_or_create_private(self, *, user_a, user_b, now):
        key = private_key(user_a, user_b)
        existing = await self.db.private_keys.find_one({"_id": key})
        if existing is None:
            cid, ms = new_id(), to_ms(now)
            await self.db.conversations.insert_one({
                "_id": cid, "kind": "private", "participants": sorted((user_a, user_b)), "last_seq": 0,
                "created_at": ms, "last_activity_at": ms})
            try:
                await self.db.private_keys.insert_one({"_id": key, "conversation_id": cid})
            except DuplicateKeyError:  # created concurrently: keep theirs
                await self.db.conversations.delete_one({"_id": cid})
            existing = await self.db.private_keys.find_one({"_id": key})
        return await self.get(conversation_id=existing["conversation_id"])

    async def list_private(self, *, user_id, limit):
        docs = await self.db.conversations.find({"kind": "private", "participants": user_id}) \
            .sort("last_activity_at", DESCENDING).limit(limit).to_list(None)
        return [decode_conversation(d) for d in docs]

    async def create_thread(self, *, group_id, title, author_id, now, tokens=(), tag=None, product_id=None):
        cid, ms = new_id(), to_ms(now)
        doc = {"_id": cid, "kind": "thread", "group_id": group_id, "title": title, "author_id": author_id,
               "pinned": False, "closed": False, "like_count": 0, "last_seq": 0, "created_at": ms,
               "last_activity_at": ms, "tokens": list(tokens)}
        if tag is not None:  # untagged threads keep the documents they always had
            doc.update(tag=tag, product_id=product_id)
        await self.db.conversations.insert_one(doc)
        return decode_conversation(doc)

    async def delete_empty_thread(self, *, conversation_id):
        await self.db.conversations.delete_one({"_id": conversation_id, "kind": "thread", "last_seq": 0})

    async def list_threads(self, *, group_id, order, limit, offset):
        sort = ([("pinned", DESCENDING), ("last_activity_at", DESCENDING)] if order == "latest"
                else [("like_count", DESCENDING), ("last_activity_at", DESCENDING)])
        docs = await self.db.conversations.find({"group_id": group_id, "kind": "thread"}) \
            .sort(sort).skip(offset).limit(limit).to_list(None)
        return [decode_conversation(d) for d in docs]

    async def list_tagged_threads(self, *, group_id, tag, limit, offset):
        docs = await self.db.conversations.find({"group_id": group_id, "kind": "thread", "tag": tag}) \
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)]).skip(offset).limit(limit).to_list(None)
        return [decode_conversation(d) for d in docs]

    async def update_thread(self, *, conversation_id, pinned=None, closed=None):
        changes = drop_none(pinned=pinned, closed=closed)
        if changes:
            await self.db.conversations.update_one({"_id": conversation_id, "kind": "thread"}, {"$set": changes})
        return await self.get(conversation_id=conversation_id)

    async def ids_readable_by(self, *, group_ids, user_id):
        docs = await self.db.conversations.find({"kind": {"$in": ["private", "support"]}, "participants": user_id},
                                                {"_id": 1}).to_list(None)
        return [d["_id"] for d in docs]

    async def create_support(self, *, customer_id, now):
        cid, ms = new_id(), to_ms(now)
        doc = {"_id": cid, "kind": "support", "participants": [customer_id], "last_seq": 0, "created_at": ms,
               "last_activity_at": ms}
        await self.db.conversations.insert_one(doc)
        return decode_conversation(doc)

    async def set_participants(self, *, conversation_id, participants):
        await self.db.conversations.update_one({"_id": conversation_id},
                                               {"$set": {"participants": sorted(set(participants))}})
