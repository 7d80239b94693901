"""The issue-12 id migration for MongoDB (../rekey.py says which ids and how), run at start-up by
open_mongo. MongoDB can't change an `_id` in place and this runs without a transaction, so it is made
to survive a crash halfway: the old -> new map is written first (collection `id_rekey`), and every
later run reuses it; a document is rewritten by inserting its new version (an insert that finds it
there already is a step done before) and then deleting the old. When every collection is through,
`migrations` records it and the map is dropped; a later start finds the record and does nothing.

Stop processes running code from before this migration first: they would go on making 24-hex ids."""
from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from ..rekey import FOLLOWING_DOC_KINDS, REKEYED_DOC_KINDS, Plan, fresh_ids
from .docs import DOC_KINDS

DONE = "rekey_ids"
LEGACY = {"$regex": "^[0-9a-f]{24}$"}
REKEYED = ("conversations", "groups", "messages", "notifications")
# collections whose documents can hold a rekeyed id (users, sessions and blocks hold user ids only)
REWRITTEN = ("conversations", "groups", "memberships", "invites", "pins", "messages", "reads", "likes", "follows",
             "notifications", "private_keys", *(f"shop_{kind}" for kind in DOC_KINDS))


async def _ids(col, query=None) -> list[str]:
    return [d["_id"] for d in await col.find({"_id": LEGACY, **(query or {})}, {"_id": 1}).to_list(None)]


async def _plan(db) -> Plan:
    known = {d["_id"]: d["new"] for d in await db.id_rekey.find({}).to_list(None)}
    plan = Plan(dict(known))
    ids = []
    for name in (*REKEYED, *(f"shop_{kind}" for kind in REKEYED_DOC_KINDS)):
        ids += await _ids(db[name])
    plan.map.update(fresh_ids(i for i in ids if i not in plan.map))
    plan.case_ids(d["doc"] for d in await db.shop_modcase.find({"_id": LEGACY}).to_list(None))
    following = []
    for kind in FOLLOWING_DOC_KINDS:
        following += await _ids(db[f"shop_{kind}"])
    plan.orphans(following)
    added = [{"_id": old, "new": new} for old, new in plan.map.items() if old not in known]
    if added:
        await db.id_rekey.insert_many(added)
    return plan


def _rewrite(plan: Plan, name: str, doc: dict) -> dict:
    if name.startswith("shop_"):
        return {**doc, "_id": plan.ref(doc["_id"]), "owner": plan.ref(doc.get("owner")),
                "text": plan.words(doc.get("text")), "doc": plan.walk(doc.get("doc"))}
    return plan.walk(doc)


async def rekey_once(db) -> None:
    """At start-up: once per database."""
    if not await db.migrations.find_one({"_id": DONE}):
        await rekey(db)


async def rekey(db) -> int:
    """Returns how many ids were replaced: 0 when no legacy id is left (running it again is harmless)."""
    plan = await _plan(db)
    if plan.map:
        for name in REWRITTEN:
            col = db[name]
            async for doc in col.find({}):
                new = _rewrite(plan, name, doc)
                if new == doc:
                    continue
                if new["_id"] == doc["_id"]:
                    await col.replace_one({"_id": doc["_id"]}, new)
                    continue
                try:
                    await col.insert_one(new)
                except DuplicateKeyError:  # inserted by a run that stopped before the delete
                    pass
                await col.delete_one({"_id": doc["_id"]})
    await db.migrations.update_one({"_id": DONE}, {"$set": {"ids": len(plan.map)}}, upsert=True)
    await db.id_rekey.drop()
    return len(plan.map)
