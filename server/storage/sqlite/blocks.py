"""Who blocked whom (table `blocks`)."""
from __future__ import annotations

from .store import Store


class SqliteBlocks(Store):
    async def block(self, *, blocker_id, blocked_id):
        await self.db.write(lambda c: c.execute("INSERT OR IGNORE INTO blocks VALUES (?,?)", (blocker_id, blocked_id)))

    async def unblock(self, *, blocker_id, blocked_id):
        await self.db.write(lambda c: c.execute(
            "DELETE FROM blocks WHERE blocker_id=? AND blocked_id=?", (blocker_id, blocked_id)))

    async def is_blocked(self, *, blocker_id, blocked_id):
        return await self.db.read(lambda c: c.execute(
            "SELECT 1 FROM blocks WHERE blocker_id=? AND blocked_id=?", (blocker_id, blocked_id)).fetchone()) is not None

    async def list_blocked(self, *, blocker_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT blocked_id FROM blocks WHERE blocker_id=?", (blocker_id,)).fetchall())
        return [r[0] for r in rows]
