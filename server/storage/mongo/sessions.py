"""Sessions: login tokens, by hash (collection `sessions`)."""
from __future__ import annotations

from ...domain.users import Session
from ..codec import from_ms, to_ms
from .store import Store


class MongoSessions(Store):
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

    async def revoke_all(self, *, user_id):
        await self.db.sessions.update_many({"user_id": user_id, "revoked": False}, {"$set": {"revoked": True}})
