"""Messages: gap-free seqs per conversation, edits, deletes, reactions (collection `messages`)
and their search, with the threads' (a `tokens` array on each, scored here)."""
from __future__ import annotations

import math

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from ...domain.messages import Message, SearchHit
from ..base import NewMessage, new_id
from ..codec import from_ms, to_ms
from .conversations import decode_conversation
from .store import Store

SEARCH_CANDIDATES = 500


def _card_and_extra(d) -> tuple[dict | None, dict]:
    """Documents written before messages had one card field kept a product card in `product` and the
    assistant's cards in `extra.card`: they read as the card they are."""
    extra = dict(d.get("extra") or {})
    card = d.get("card")
    if card is None and d.get("product"):
        card = {"kind": "product", **d["product"]}
    if "card" in extra:
        found = extra.pop("card")
        card = card or found
    return card, extra


def decode_message(d) -> Message:
    card, extra = _card_and_extra(d)
    return Message(id=d["_id"], conversation_id=d["conversation_id"], seq=d["seq"], author_id=d["author_id"],
                   type=d["type"], text=d["text"], created_at=from_ms(d["created_at"]),
                   client_msg_id=d.get("client_msg_id"), group_id=d.get("group_id"),
                   card=card, reply_to=d.get("reply_to"),
                   mentions=tuple(d.get("mentions", ())), mention_all=d.get("mention_all", False),
                   reactions={k: list(v) for k, v in d.get("reactions", {}).items() if v},
                   like_count=d.get("like_count", 0), edited_at=from_ms(d.get("edited_at")),
                   deleted_at=from_ms(d.get("deleted_at")), extra=extra,
                   hidden=d.get("hidden"))


def _score(doc_tokens: list[str], query: list[str]) -> float:
    hits = sum(doc_tokens.count(t) for t in query)
    return hits / math.sqrt(len(doc_tokens) or 1)


class MongoMessages(Store):
    async def append(self, new: NewMessage):
        dedupe = (f"{new.conversation_id}:{new.author_id}:{new.client_msg_id}"
                  if new.client_msg_id is not None else None)
        if dedupe:
            found = await self.db.messages.find_one({"dedupe": dedupe})
            if found:
                return decode_message(found), False
        ms = to_ms(new.created_at)
        # Optimistic seq: the unique (conversation_id, seq) index makes concurrent
        # writers (other processes included) retry with the next number, so seqs
        # stay gap-free without a transaction.
        for _ in range(100):
            conv = await self.db.conversations.find_one({"_id": new.conversation_id}, {"last_seq": 1, "group_id": 1})
            if conv is None:
                raise LookupError("conversation")
            mid = new_id()
            doc = {"_id": mid, "conversation_id": new.conversation_id, "seq": conv.get("last_seq", 0) + 1,
                   "author_id": new.author_id, "group_id": conv.get("group_id"), "type": new.type,
                   "text": new.text, "reply_to": new.reply_to, "mentions": list(new.mentions),
                   "mention_all": new.mention_all, "reactions": {}, "like_count": 0,
                   "client_msg_id": new.client_msg_id, "dedupe": dedupe or mid, "created_at": ms,
                   "edited_at": None, "deleted_at": None, "hidden": new.hidden, "tokens": list(new.tokens),
                   "card": new.card}
            if new.extra:
                doc["extra"] = new.extra
            try:
                await self.db.messages.insert_one(doc)
            except DuplicateKeyError:
                if dedupe:
                    found = await self.db.messages.find_one({"dedupe": dedupe})
                    if found:
                        return decode_message(found), False
                # The seq was taken (or a crash left last_seq behind): catch up.
                top = await self.db.messages.find_one({"conversation_id": new.conversation_id},
                                                      sort=[("seq", DESCENDING)])
                if top:
                    await self.db.conversations.update_one({"_id": new.conversation_id},
                                                           {"$max": {"last_seq": top["seq"]}})
                continue
            await self.db.conversations.update_one(
                {"_id": new.conversation_id}, {"$max": {"last_seq": doc["seq"], "last_activity_at": ms}})
            await self.db.reads.update_one({"_id": f"{new.author_id}:{new.conversation_id}"},
                                           {"$max": {"seq": doc["seq"]},
                                            "$setOnInsert": {"user_id": new.author_id,
                                                             "conversation_id": new.conversation_id}},
                                           upsert=True)
            return decode_message(doc), True
        raise RuntimeError("could not allocate a seq")

    async def get(self, *, message_id):
        d = await self.db.messages.find_one({"_id": message_id})
        return decode_message(d) if d else None

    async def get_many(self, *, message_ids):
        docs = await self.db.messages.find({"_id": {"$in": list(set(message_ids))}}).to_list(None)
        return {d["_id"]: decode_message(d) for d in docs}

    async def history(self, *, conversation_id, before=None, after=None, limit=50):
        if after is not None:
            docs = await self.db.messages.find({"conversation_id": conversation_id, "seq": {"$gt": after}}) \
                .sort("seq", ASCENDING).limit(limit).to_list(None)
            return [decode_message(d) for d in docs]
        query = {"conversation_id": conversation_id}
        if before is not None:
            query["seq"] = {"$lt": before}
        docs = await self.db.messages.find(query).sort("seq", DESCENDING).limit(limit).to_list(None)
        return [decode_message(d) for d in reversed(docs)]

    async def _update(self, message_id, update):
        d = await self.db.messages.find_one_and_update({"_id": message_id}, update,
                                                       return_document=ReturnDocument.AFTER)
        return decode_message(d) if d else None

    async def edit(self, *, message_id, text, tokens, edited_at):
        return await self._update(message_id, {"$set": {"text": text, "tokens": list(tokens),
                                                        "edited_at": to_ms(edited_at)}})

    async def delete(self, *, message_id, deleted_at):
        return await self._update(message_id, {"$set": {"text": "", "tokens": [], "card": None, "product": None, "reactions": {},
                                                        "deleted_at": to_ms(deleted_at)}})

    async def set_hidden(self, *, message_id, hidden):
        return await self._update(message_id, {"$set": {"hidden": hidden}})

    async def add_reaction(self, *, message_id, emoji, user_id):
        return await self._update(message_id, {"$addToSet": {f"reactions.{emoji}": user_id}})

    async def remove_reaction(self, *, message_id, emoji, user_id):
        return await self._update(message_id, {"$pull": {f"reactions.{emoji}": user_id}})

    async def search(self, *, tokens, group_ids, conversation_ids, limit):
        if not tokens or not (group_ids or conversation_ids):
            return []
        docs = await self.db.messages.find({
            "tokens": {"$all": tokens}, "deleted_at": None, "hidden": None,
            "$or": [{"group_id": {"$in": group_ids}}, {"conversation_id": {"$in": conversation_ids}}],
        }).sort("created_at", DESCENDING).limit(SEARCH_CANDIDATES).to_list(None)
        hits = [SearchHit(message=decode_message(d), score=_score(d["tokens"], tokens)) for d in docs]
        hits.sort(key=lambda h: (-h.score, -h.message.created_at.timestamp()))
        return hits[:limit]

    async def search_threads(self, *, tokens, group_ids, limit):
        if not tokens or not group_ids:
            return []
        docs = await self.db.conversations.find({"kind": "thread", "group_id": {"$in": group_ids},
                                                 "tokens": {"$all": tokens}}) \
            .sort("last_activity_at", DESCENDING).limit(SEARCH_CANDIDATES).to_list(None)
        docs.sort(key=lambda d: -_score(d["tokens"], tokens))
        return [decode_conversation(d) for d in docs[:limit]]
