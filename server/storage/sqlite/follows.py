"""Who follows which thread (table `follows`)."""
from __future__ import annotations

from .store import Store


class SqliteFollows(Store):
    async def follow(self, *, conversation_id, user_id):
        await self.db.write(lambda c: c.execute("INSERT OR IGNORE INTO follows VALUES (?,?)", (conversation_id, user_id)))

    async def unfollow(self, *, conversation_id, user_id):
        await self.db.write(lambda c: c.execute(
            "DELETE FROM follows WHERE conversation_id=? AND user_id=?", (conversation_id, user_id)))

    async def followers(self, *, conversation_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT user_id FROM follows WHERE conversation_id=?", (conversation_id,)).fetchall())
        return [r[0] for r in rows]

    async def is_following(self, *, conversation_id, user_id):
        return await self.db.read(lambda c: c.execute(
            "SELECT 1 FROM follows WHERE conversation_id=? AND user_id=?", (conversation_id, user_id)).fetchone()) is not None
