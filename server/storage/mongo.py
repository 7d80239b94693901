"""The MongoDB backend (production), through motor. Indexes are created at start-up.

Tests run the same contract suite against a real server when MONGODB_URI is set,
otherwise against mongomock-motor, which checks our query and update documents but
is not a server (no durability, no concurrency between processes)."""
from __future__ import annotations

import math
import re

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..models import (
    Conversation,
    Group,
    Invite,
    Membership,
    Message,
    Notification,
    Pin,
    Product,
    SearchHit,
    Session,
    User,
)
from .base import DuplicateError, NewMessage, Storage, new_id
from .codec import from_ms, private_key, to_ms

SEARCH_CANDIDATES = 500


def _user(d) -> User:
    return User(id=d["_id"], username=d["username"], display_name=d["display_name"], role=d["role"],
                bio=d.get("bio", ""), avatar_color=d["avatar_color"], created_at=from_ms(d["created_at"]),
                password_hash=d["password_hash"])


def _group(d) -> Group:
    return Group(id=d["_id"], name=d["name"], description=d["description"], visibility=d["visibility"],
                 owner_id=d["owner_id"], conversation_id=d["conversation_id"], created_at=from_ms(d["created_at"]),
                 announcement=d.get("announcement", ""), announcement_at=from_ms(d.get("announcement_at")),
                 member_count=d.get("member_count", 0))


def _member(d) -> Membership:
    return Membership(group_id=d["group_id"], user_id=d["user_id"], role=d["role"], joined_at=from_ms(d["joined_at"]))


def _invite(d) -> Invite:
    return Invite(code=d["_id"], group_id=d["group_id"], created_by=d["created_by"],
                  created_at=from_ms(d["created_at"]), expires_at=from_ms(d.get("expires_at")),
                  max_uses=d.get("max_uses"), uses=d.get("uses", 0))


def _conversation(d) -> Conversation:
    return Conversation(id=d["_id"], kind=d["kind"], created_at=from_ms(d["created_at"]),
                        last_activity_at=from_ms(d["last_activity_at"]), last_seq=d.get("last_seq", 0),
                        group_id=d.get("group_id"), participants=tuple(d.get("participants", ())),
                        title=d.get("title", ""), author_id=d.get("author_id"), pinned=d.get("pinned", False),
                        closed=d.get("closed", False), like_count=d.get("like_count", 0))


def _message(d) -> Message:
    product = d.get("product")
    return Message(id=d["_id"], conversation_id=d["conversation_id"], seq=d["seq"], author_id=d["author_id"],
                   type=d["type"], text=d["text"], created_at=from_ms(d["created_at"]),
                   client_msg_id=d.get("client_msg_id"), group_id=d.get("group_id"),
                   product=Product(**product) if product else None, reply_to=d.get("reply_to"),
                   mentions=tuple(d.get("mentions", ())), mention_all=d.get("mention_all", False),
                   reactions={k: list(v) for k, v in d.get("reactions", {}).items() if v},
                   like_count=d.get("like_count", 0), edited_at=from_ms(d.get("edited_at")),
                   deleted_at=from_ms(d.get("deleted_at")), extra=d.get("extra") or {},
                   hidden=d.get("hidden"))


def _notification(d) -> Notification:
    return Notification(id=d["_id"], user_id=d["user_id"], kind=d["kind"], conversation_id=d["conversation_id"],
                        message_id=d["message_id"], actor_id=d["actor_id"], created_at=from_ms(d["created_at"]),
                        read=d.get("read", False))


def _drop_none(**fields) -> dict:
    return {k: v for k, v in fields.items() if v is not None}


class _Store:
    def __init__(self, db):
        self.db = db


class MongoUsers(_Store):
    async def create(self, *, username, password_hash, display_name, avatar_color, created_at, role="member"):
        user = User(id=new_id(), username=username, display_name=display_name, role=role,
                    avatar_color=avatar_color, created_at=created_at, password_hash=password_hash)
        try:
            await self.db.users.insert_one({
                "_id": user.id, "username": username, "username_lower": username.lower(),
                "display_name": display_name, "role": role, "bio": "", "avatar_color": avatar_color,
                "password_hash": password_hash, "created_at": to_ms(created_at)})
        except DuplicateKeyError as exc:
            raise DuplicateError("username") from exc
        return user

    async def get(self, *, user_id):
        d = await self.db.users.find_one({"_id": user_id})
        return _user(d) if d else None

    async def get_by_username(self, *, username):
        d = await self.db.users.find_one({"username_lower": username.lower()})
        return _user(d) if d else None

    async def get_many(self, *, user_ids):
        docs = await self.db.users.find({"_id": {"$in": list(set(user_ids))}}).to_list(None)
        return {d["_id"]: _user(d) for d in docs}

    async def update_profile(self, *, user_id, display_name=None, bio=None, avatar_color=None):
        changes = _drop_none(display_name=display_name, bio=bio, avatar_color=avatar_color)
        if changes:
            await self.db.users.update_one({"_id": user_id}, {"$set": changes})
        return await self.get(user_id=user_id)

    async def set_role(self, *, user_id, role):
        await self.db.users.update_one({"_id": user_id}, {"$set": {"role": role}})

    async def list_by_roles(self, *, roles, limit):
        cursor = self.db.users.find({"role": {"$in": list(roles)}}).sort([("display_name", 1), ("_id", 1)])
        return [_user(d) for d in await cursor.limit(limit).to_list(None)]

    async def count(self):
        return await self.db.users.count_documents({})


class MongoSessions(_Store):
    async def create(self, *, token_hash, user_id, created_at, expires_at):
        await self.db.sessions.insert_one({"_id": token_hash, "user_id": user_id, "created_at": to_ms(created_at),
                                           "expires_at": to_ms(expires_at), "revoked": False})
        return Session(token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at)

    async def get_valid(self, *, token_hash, now):
        d = await self.db.sessions.find_one({"_id": token_hash, "revoked": False, "expires_at": {"$gt": to_ms(now)}})
        if not d:
            return None
        return Session(token_hash=d["_id"], user_id=d["user_id"], created_at=from_ms(d["created_at"]),
                       expires_at=from_ms(d["expires_at"]))

    async def revoke(self, *, token_hash):
        await self.db.sessions.update_one({"_id": token_hash}, {"$set": {"revoked": True}})


class MongoGroups(_Store):
    async def create(self, *, name, description, visibility, owner_id, created_at):
        group = Group(id=new_id(), name=name, description=description, visibility=visibility, owner_id=owner_id,
                      conversation_id=new_id(), created_at=created_at, member_count=1)
        ms = to_ms(created_at)
        # No multi-document transaction (mongomock has none): write the pieces that
        # nothing can reach yet first, the group last, and undo on failure.
        await self.db.conversations.insert_one({"_id": group.conversation_id, "kind": "group", "group_id": group.id,
                                                "last_seq": 0, "created_at": ms, "last_activity_at": ms})
        try:
            await self.db.memberships.insert_one({"group_id": group.id, "user_id": owner_id, "role": "owner",
                                                  "joined_at": ms})
            await self.db.groups.insert_one({
                "_id": group.id, "name": name, "description": description, "visibility": visibility,
                "owner_id": owner_id, "conversation_id": group.conversation_id, "created_at": ms,
                "announcement": "", "announcement_at": None, "member_count": 1})
        except BaseException:
            await self.db.memberships.delete_many({"group_id": group.id})
            await self.db.conversations.delete_one({"_id": group.conversation_id})
            raise
        return group

    async def get(self, *, group_id):
        d = await self.db.groups.find_one({"_id": group_id})
        return _group(d) if d else None

    async def get_by_conversation(self, *, conversation_id):
        d = await self.db.groups.find_one({"conversation_id": conversation_id})
        return _group(d) if d else None

    async def discover(self, *, query, limit, offset):
        pattern = {"$regex": re.escape(query), "$options": "i"}
        cursor = self.db.groups.find({"visibility": {"$ne": "private"},
                                      "$or": [{"name": pattern}, {"description": pattern}]})
        docs = await cursor.sort([("member_count", DESCENDING), ("created_at", DESCENDING)]) \
            .skip(offset).limit(limit).to_list(None)
        return [_group(d) for d in docs]

    async def update(self, *, group_id, name=None, description=None, visibility=None,
                     announcement=None, announcement_at=None):
        changes = _drop_none(name=name, description=description, visibility=visibility,
                             announcement=announcement, announcement_at=to_ms(announcement_at))
        if changes:
            await self.db.groups.update_one({"_id": group_id}, {"$set": changes})
        return await self.get(group_id=group_id)

    async def add_member(self, *, group_id, user_id, role, joined_at):
        try:
            await self.db.memberships.insert_one({"group_id": group_id, "user_id": user_id, "role": role,
                                                  "joined_at": to_ms(joined_at)})
        except DuplicateKeyError as exc:
            raise DuplicateError("membership") from exc
        await self.db.groups.update_one({"_id": group_id}, {"$inc": {"member_count": 1}})
        return Membership(group_id=group_id, user_id=user_id, role=role, joined_at=joined_at)

    async def remove_member(self, *, group_id, user_id):
        result = await self.db.memberships.delete_one({"group_id": group_id, "user_id": user_id})
        if result.deleted_count:
            await self.db.groups.update_one({"_id": group_id}, {"$inc": {"member_count": -1}})
        return bool(result.deleted_count)

    async def get_member(self, *, group_id, user_id):
        d = await self.db.memberships.find_one({"group_id": group_id, "user_id": user_id})
        return _member(d) if d else None

    async def set_member_role(self, *, group_id, user_id, role):
        result = await self.db.memberships.update_one({"group_id": group_id, "user_id": user_id},
                                                      {"$set": {"role": role}})
        if result.matched_count and role == "owner":
            await self.db.groups.update_one({"_id": group_id}, {"$set": {"owner_id": user_id}})
        return result.matched_count > 0

    async def list_members(self, *, group_id, limit, offset):
        docs = await self.db.memberships.find({"group_id": group_id}) \
            .sort([("joined_at", ASCENDING), ("user_id", ASCENDING)]).skip(offset).limit(limit).to_list(None)
        return [_member(d) for d in docs]

    async def find_members(self, *, group_id, query, limit):
        # the people whose names match, then which of them are in the group: a name prefix is selective where a
        # group can have any number of members
        pattern = re.escape(query.lower())
        users = await self.db.users.find(
            {"$or": [{"username_lower": {"$regex": "^" + pattern}},
                     {"display_name": {"$regex": pattern, "$options": "i"}}]},
            {"_id": 1, "username_lower": 1}).sort("username_lower", ASCENDING).limit(1000).to_list(None)
        order = [u["_id"] for u in users]
        found = {d["user_id"]: d for d in await self.db.memberships.find(
            {"group_id": group_id, "user_id": {"$in": order}}).to_list(None)}
        return [_member(found[u]) for u in order if u in found][:limit]

    async def list_for_user(self, *, user_id):
        members = await self.db.memberships.find({"user_id": user_id}).sort("joined_at", ASCENDING).to_list(None)
        order = [m["group_id"] for m in members]
        docs = {d["_id"]: d for d in await self.db.groups.find({"_id": {"$in": order}}).to_list(None)}
        return [_group(docs[g]) for g in order if g in docs]

    async def create_invite(self, *, group_id, code, created_by, created_at, expires_at, max_uses):
        await self.db.invites.insert_one({"_id": code, "group_id": group_id, "created_by": created_by,
                                          "created_at": to_ms(created_at), "expires_at": to_ms(expires_at),
                                          "max_uses": max_uses, "uses": 0})
        return Invite(code=code, group_id=group_id, created_by=created_by, created_at=created_at,
                      expires_at=expires_at, max_uses=max_uses)

    async def use_invite(self, *, code, now):
        d = await self.db.invites.find_one_and_update(
            {"_id": code,
             "$and": [{"$or": [{"expires_at": None}, {"expires_at": {"$gt": to_ms(now)}}]},
                      {"$or": [{"max_uses": None}, {"$expr": {"$lt": ["$uses", "$max_uses"]}}]}]},
            {"$inc": {"uses": 1}}, return_document=ReturnDocument.AFTER)
        return _invite(d) if d else None

    async def pin(self, *, group_id, message_id, pinned_by, pinned_at):
        await self.db.pins.update_one({"_id": f"{group_id}:{message_id}"},
                                      {"$set": {"group_id": group_id, "message_id": message_id,
                                                "pinned_by": pinned_by, "pinned_at": to_ms(pinned_at)}}, upsert=True)
        return Pin(group_id=group_id, message_id=message_id, pinned_by=pinned_by, pinned_at=pinned_at)

    async def unpin(self, *, group_id, message_id):
        result = await self.db.pins.delete_one({"_id": f"{group_id}:{message_id}"})
        return result.deleted_count > 0

    async def list_pins(self, *, group_id):
        docs = await self.db.pins.find({"group_id": group_id}).sort("pinned_at", DESCENDING).to_list(None)
        return [Pin(group_id=d["group_id"], message_id=d["message_id"], pinned_by=d["pinned_by"],
                    pinned_at=from_ms(d["pinned_at"])) for d in docs]


class MongoConversations(_Store):
    async def get(self, *, conversation_id):
        d = await self.db.conversations.find_one({"_id": conversation_id})
        return _conversation(d) if d else None

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
        return [_conversation(d) for d in docs]

    async def create_thread(self, *, group_id, title, author_id, now, tokens=()):
        cid, ms = new_id(), to_ms(now)
        doc = {"_id": cid, "kind": "thread", "group_id": group_id, "title": title, "author_id": author_id,
               "pinned": False, "closed": False, "like_count": 0, "last_seq": 0, "created_at": ms,
               "last_activity_at": ms, "tokens": list(tokens)}
        await self.db.conversations.insert_one(doc)
        return _conversation(doc)

    async def delete_empty_thread(self, *, conversation_id):
        await self.db.conversations.delete_one({"_id": conversation_id, "kind": "thread", "last_seq": 0})

    async def list_threads(self, *, group_id, order, limit, offset):
        sort = ([("pinned", DESCENDING), ("last_activity_at", DESCENDING)] if order == "latest"
                else [("like_count", DESCENDING), ("last_activity_at", DESCENDING)])
        docs = await self.db.conversations.find({"group_id": group_id, "kind": "thread"}) \
            .sort(sort).skip(offset).limit(limit).to_list(None)
        return [_conversation(d) for d in docs]

    async def update_thread(self, *, conversation_id, pinned=None, closed=None):
        changes = _drop_none(pinned=pinned, closed=closed)
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
        return _conversation(doc)

    async def set_participants(self, *, conversation_id, participants):
        await self.db.conversations.update_one({"_id": conversation_id},
                                               {"$set": {"participants": sorted(set(participants))}})


def _score(doc_tokens: list[str], query: list[str]) -> float:
    hits = sum(doc_tokens.count(t) for t in query)
    return hits / math.sqrt(len(doc_tokens) or 1)


class MongoMessages(_Store):
    async def append(self, new: NewMessage):
        dedupe = (f"{new.conversation_id}:{new.author_id}:{new.client_msg_id}"
                  if new.client_msg_id is not None else None)
        if dedupe:
            found = await self.db.messages.find_one({"dedupe": dedupe})
            if found:
                return _message(found), False
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
                   "product": None if new.product is None else {
                       "sku": new.product.sku, "title": new.product.title, "price": new.product.price,
                       "image_url": new.product.image_url}}
            if new.extra:
                doc["extra"] = new.extra
            try:
                await self.db.messages.insert_one(doc)
            except DuplicateKeyError:
                if dedupe:
                    found = await self.db.messages.find_one({"dedupe": dedupe})
                    if found:
                        return _message(found), False
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
            return _message(doc), True
        raise RuntimeError("could not allocate a seq")

    async def get(self, *, message_id):
        d = await self.db.messages.find_one({"_id": message_id})
        return _message(d) if d else None

    async def get_many(self, *, message_ids):
        docs = await self.db.messages.find({"_id": {"$in": list(set(message_ids))}}).to_list(None)
        return {d["_id"]: _message(d) for d in docs}

    async def history(self, *, conversation_id, before=None, after=None, limit=50):
        if after is not None:
            docs = await self.db.messages.find({"conversation_id": conversation_id, "seq": {"$gt": after}}) \
                .sort("seq", ASCENDING).limit(limit).to_list(None)
            return [_message(d) for d in docs]
        query = {"conversation_id": conversation_id}
        if before is not None:
            query["seq"] = {"$lt": before}
        docs = await self.db.messages.find(query).sort("seq", DESCENDING).limit(limit).to_list(None)
        return [_message(d) for d in reversed(docs)]

    async def _update(self, message_id, update):
        d = await self.db.messages.find_one_and_update({"_id": message_id}, update,
                                                       return_document=ReturnDocument.AFTER)
        return _message(d) if d else None

    async def edit(self, *, message_id, text, tokens, edited_at):
        return await self._update(message_id, {"$set": {"text": text, "tokens": list(tokens),
                                                        "edited_at": to_ms(edited_at)}})

    async def delete(self, *, message_id, deleted_at):
        return await self._update(message_id, {"$set": {"text": "", "tokens": [], "product": None, "reactions": {},
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
        hits = [SearchHit(message=_message(d), score=_score(d["tokens"], tokens)) for d in docs]
        hits.sort(key=lambda h: (-h.score, -h.message.created_at.timestamp()))
        return hits[:limit]

    async def search_threads(self, *, tokens, group_ids, limit):
        if not tokens or not group_ids:
            return []
        docs = await self.db.conversations.find({"kind": "thread", "group_id": {"$in": group_ids},
                                                 "tokens": {"$all": tokens}}) \
            .sort("last_activity_at", DESCENDING).limit(SEARCH_CANDIDATES).to_list(None)
        docs.sort(key=lambda d: -_score(d["tokens"], tokens))
        return [_conversation(d) for d in docs[:limit]]


class MongoReads(_Store):
    async def mark_read(self, *, conversation_id, user_id, seq):
        d = await self.db.reads.find_one_and_update(
            {"_id": f"{user_id}:{conversation_id}"},
            {"$max": {"seq": seq}, "$setOnInsert": {"user_id": user_id, "conversation_id": conversation_id}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return d["seq"]

    async def get_many(self, *, user_id, conversation_ids):
        docs = await self.db.reads.find({"_id": {"$in": [f"{user_id}:{c}" for c in conversation_ids]}}).to_list(None)
        return {d["conversation_id"]: d["seq"] for d in docs}


class MongoLikes(_Store):
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


class _PairStore(_Store):
    """A set of (a, b) pairs in one collection, keyed "a:b"."""
    collection = ""
    fields = ("", "")

    async def _add(self, a, b):
        await self.db[self.collection].update_one({"_id": f"{a}:{b}"},
                                                  {"$set": {self.fields[0]: a, self.fields[1]: b}}, upsert=True)

    async def _remove(self, a, b):
        await self.db[self.collection].delete_one({"_id": f"{a}:{b}"})

    async def _has(self, a, b):
        return await self.db[self.collection].find_one({"_id": f"{a}:{b}"}, {"_id": 1}) is not None

    async def _seconds_of(self, a):
        docs = await self.db[self.collection].find({self.fields[0]: a}).to_list(None)
        return [d[self.fields[1]] for d in docs]


class MongoFollows(_PairStore):
    collection, fields = "follows", ("conversation_id", "user_id")

    async def follow(self, *, conversation_id, user_id):
        await self._add(conversation_id, user_id)

    async def unfollow(self, *, conversation_id, user_id):
        await self._remove(conversation_id, user_id)

    async def followers(self, *, conversation_id):
        return await self._seconds_of(conversation_id)

    async def is_following(self, *, conversation_id, user_id):
        return await self._has(conversation_id, user_id)


class MongoBlocks(_PairStore):
    collection, fields = "blocks", ("blocker_id", "blocked_id")

    async def block(self, *, blocker_id, blocked_id):
        await self._add(blocker_id, blocked_id)

    async def unblock(self, *, blocker_id, blocked_id):
        await self._remove(blocker_id, blocked_id)

    async def is_blocked(self, *, blocker_id, blocked_id):
        return await self._has(blocker_id, blocked_id)

    async def list_blocked(self, *, blocker_id):
        return await self._seconds_of(blocker_id)


class MongoNotifications(_Store):
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


async def create_indexes(db) -> None:
    await db.users.create_index("username_lower", unique=True)
    await db.sessions.create_index("user_id")
    await db.memberships.create_index([("group_id", ASCENDING), ("user_id", ASCENDING)], unique=True)
    await db.memberships.create_index([("user_id", ASCENDING), ("joined_at", ASCENDING)])
    await db.groups.create_index("conversation_id")
    await db.groups.create_index([("visibility", ASCENDING), ("member_count", DESCENDING)])
    await db.conversations.create_index([("group_id", ASCENDING), ("kind", ASCENDING), ("pinned", DESCENDING),
                                         ("last_activity_at", DESCENDING)])
    await db.conversations.create_index([("participants", ASCENDING), ("last_activity_at", DESCENDING)])
    await db.conversations.create_index("tokens")
    await db.messages.create_index([("conversation_id", ASCENDING), ("seq", ASCENDING)], unique=True)
    await db.messages.create_index("dedupe", unique=True)
    await db.messages.create_index("tokens")
    await db.pins.create_index([("group_id", ASCENDING), ("pinned_at", DESCENDING)])
    await db.follows.create_index("conversation_id")
    await db.blocks.create_index("blocker_id")
    await db.notifications.create_index([("user_id", ASCENDING), ("read", ASCENDING), ("created_at", DESCENDING)])
    for kind in DOC_KINDS:
        await db[f"shop_{kind}"].create_index([("owner", ASCENDING), ("sort", DESCENDING)])
        await db[f"shop_{kind}"].create_index([("state", ASCENDING), ("sort", ASCENDING)])


class MongoDocs:
    """DocTable (docs.py): one collection per kind, the document under `doc`."""

    def __init__(self, collection):
        self.col = collection

    @staticmethod
    def _row(id, doc, owner, state, sort, text) -> dict:
        return {"_id": id, "owner": owner, "state": state, "sort": sort, "text": text, "doc": doc}

    async def insert(self, *, id, doc, owner=None, state=None, sort=0, text=""):
        try:
            await self.col.insert_one(self._row(id, doc, owner, state, sort, text))
        except DuplicateKeyError as exc:
            raise DuplicateError(id) from exc

    async def put(self, *, id, doc, owner=None, state=None, sort=0, text=""):
        await self.col.replace_one({"_id": id}, self._row(id, doc, owner, state, sort, text), upsert=True)

    async def get(self, *, id):
        found = await self.col.find_one({"_id": id})
        return found["doc"] if found else None

    async def swap(self, *, id, expect_state, doc, owner=None, state=None, sort=0, text=""):
        result = await self.col.replace_one({"_id": id, "state": expect_state},
                                            self._row(id, doc, owner, state, sort, text))
        return result.matched_count == 1

    @staticmethod
    def _filter(owner, states, words) -> dict:
        query = {}
        if isinstance(owner, tuple):
            query["owner"] = {"$in": list(owner)}
        elif owner is not None:
            query["owner"] = owner
        if states is not None:
            query["state"] = {"$in": list(states)}
        if words:
            query["$and"] = [{"text": {"$regex": re.escape(w)}} for w in words]
        return query

    async def find(self, *, owner=None, states=None, words=(), ascending=False, limit=50, offset=0):
        direction = ASCENDING if ascending else DESCENDING
        cursor = self.col.find(self._filter(owner, states, words), {"doc": 1}) \
            .sort([("sort", direction), ("_id", direction)]).skip(offset).limit(limit)
        return [d["doc"] for d in await cursor.to_list(None)]

    async def count(self, *, states=None, before=None):
        query = self._filter(None, states, ())
        if before is not None:
            query["$or"] = [{"sort": {"$lt": before[0]}}, {"sort": before[0], "_id": {"$lt": before[1]}}]
        return await self.col.count_documents(query)


DOC_KINDS = ("product", "order", "aftersale", "ticket", "support", "setting",
             "modcase", "sanction", "appeal", "audit", "rules", "reporter")


def storage_for(db, close=None) -> Storage:
    return Storage(backend="mongodb", users=MongoUsers(db), sessions=MongoSessions(db), groups=MongoGroups(db),
                   conversations=MongoConversations(db), messages=MongoMessages(db), reads=MongoReads(db),
                   likes=MongoLikes(db), follows=MongoFollows(db), blocks=MongoBlocks(db),
                   notifications=MongoNotifications(db), close=close) \
        .attach_docs(lambda kind: MongoDocs(db[f"shop_{kind}"]))


async def open_mongo(uri: str, *, client=None, db_name: str | None = None, close_client: bool = True) -> Storage:
    """Connects with majority, journaled writes: an acknowledged message survives a crash."""
    if client is None:
        from motor.motor_asyncio import AsyncIOMotorClient
        client = AsyncIOMotorClient(uri, w="majority", journal=True)
    db = client[db_name] if db_name else client.get_default_database("shopchat")
    await create_indexes(db)

    async def close():
        if close_client:
            client.close()
    return storage_for(db, close)
