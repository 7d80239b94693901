"""What every MongoDB store shares: the database it runs on, and a set of pairs."""
from __future__ import annotations


class Store:
    def __init__(self, db):
        self.db = db


class PairStore(Store):
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
