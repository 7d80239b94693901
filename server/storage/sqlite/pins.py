"""Pinned messages of a group (table `pins`); part of the GroupStore protocol."""
from __future__ import annotations

from ...domain.groups import Pin
from ..codec import from_ms, to_ms
from .store import Store


class SqlitePins(Store):
    async def pin(self, *, group_id, message_id, pinned_by, pinned_at):
        await self.db.write(lambda c: c.execute(
            "INSERT OR REPLACE INTO pins VALUES (?,?,?,?)", (group_id, message_id, pinned_by, to_ms(pinned_at))))
        return Pin(group_id=group_id, message_id=message_id, pinned_by=pinned_by, pinned_at=pinned_at)

    async def unpin(self, *, group_id, message_id):
        return await self.db.write(lambda c: c.execute(
            "DELETE FROM pins WHERE group_id=? AND message_id=?", (group_id, message_id)).rowcount > 0)

    async def list_pins(self, *, group_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT * FROM pins WHERE group_id=? ORDER BY pinned_at DESC", (group_id,)).fetchall())
        return [Pin(group_id=r["group_id"], message_id=r["message_id"], pinned_by=r["pinned_by"],
                    pinned_at=from_ms(r["pinned_at"])) for r in rows]
