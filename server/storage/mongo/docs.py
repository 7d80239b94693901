"""DocTable (../docs.py) with one collection per kind (`shop_<kind>`), which the shop and
moderation stores are built on."""
from __future__ import annotations

import re

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from ..base import DuplicateError


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

    async def delete(self, *, id):
        await self.col.delete_one({"_id": id})

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


DOC_KINDS = ("product", "order", "aftersale", "ticket", "support", "setting", "supportsession", "casenote", "profile",
             "modcase", "sanction", "appeal", "audit", "rules", "reporter", "upload",
             "picture_reading", "removed_picture", "picture_hold")
