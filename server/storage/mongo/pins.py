"""Pinned messages of a group (collection `pins`); part of the GroupStore protocol."""
from __future__ import annotations

from pymongo import DESCENDING

from ...domain.groups import Pin
from ..codec import from_ms, to_ms
from .store import Store


class MongoPins(Store):
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
