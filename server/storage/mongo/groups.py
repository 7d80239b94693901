"""Groups with their memberships and invites (collections `groups`, `memberships`, `invites`);
the pins come from pins.py."""
from __future__ import annotations

import re

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from ...domain.groups import Group, Invite, Membership
from ..base import DuplicateError, new_id
from ..codec import drop_none, from_ms, to_ms
from .pins import MongoPins


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


class MongoGroups(MongoPins):
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
        changes = drop_none(name=name, description=description, visibility=visibility,
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
