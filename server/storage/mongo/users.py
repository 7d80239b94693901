"""Users: accounts, profiles and platform roles (collection `users`)."""
from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from ...domain.users import User
from ..base import DuplicateError, new_id
from ..codec import drop_none, from_ms, to_ms
from .store import Store


def _user(d) -> User:
    return User(id=d["_id"], username=d["username"], display_name=d["display_name"], role=d["role"],
                bio=d.get("bio", ""), avatar_color=d["avatar_color"], avatar_upload=d.get("avatar_upload", ""),
                created_at=from_ms(d["created_at"]), password_hash=d["password_hash"])


class MongoUsers(Store):
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

    async def update_profile(self, *, user_id, display_name=None, bio=None, avatar_color=None, avatar_upload=None):
        changes = drop_none(display_name=display_name, bio=bio, avatar_color=avatar_color,
                            avatar_upload=avatar_upload)
        if changes:
            await self.db.users.update_one({"_id": user_id}, {"$set": changes})
        return await self.get(user_id=user_id)

    async def set_role(self, *, user_id, role):
        await self.db.users.update_one({"_id": user_id}, {"$set": {"role": role}})

    async def set_password_hash(self, *, user_id, password_hash):
        await self.db.users.update_one({"_id": user_id}, {"$set": {"password_hash": password_hash}})

    async def list_by_roles(self, *, roles, limit):
        cursor = self.db.users.find({"role": {"$in": list(roles)}}).sort([("display_name", 1), ("_id", 1)])
        return [_user(d) for d in await cursor.limit(limit).to_list(None)]

    async def count(self):
        return await self.db.users.count_documents({})
