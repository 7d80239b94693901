"""Every index of the MongoDB backend, created at start-up (create_index is idempotent)."""
from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from .docs import DOC_KINDS


async def create_indexes(db) -> None:
    await db["media.chunks"].create_index([("files_id", ASCENDING), ("n", ASCENDING)], unique=True)  # GridFS's own
    await db.users.create_index("username_lower", unique=True)
    await db.sessions.create_index("user_id")
    await db.memberships.create_index([("group_id", ASCENDING), ("user_id", ASCENDING)], unique=True)
    await db.memberships.create_index([("user_id", ASCENDING), ("joined_at", ASCENDING)])
    await db.groups.create_index("conversation_id")
    await db.groups.create_index([("visibility", ASCENDING), ("member_count", DESCENDING)])
    await db.conversations.create_index([("group_id", ASCENDING), ("kind", ASCENDING), ("pinned", DESCENDING),
                                         ("last_activity_at", DESCENDING)])
    await db.conversations.create_index([("participants", ASCENDING), ("last_activity_at", DESCENDING)])
    await db.conversations.create_index("tokens")
    await db.conversations.create_index([("group_id", ASCENDING), ("tag", ASCENDING), ("created_at", DESCENDING)],
                                        partialFilterExpression={"tag": {"$exists": True}})  # a group's 晒单 gallery
    await db.messages.create_index([("conversation_id", ASCENDING), ("seq", ASCENDING)], unique=True)
    await db.messages.create_index("dedupe", unique=True)
    await db.messages.create_index("tokens")
    await db.pins.create_index([("group_id", ASCENDING), ("pinned_at", DESCENDING)])
    await db.follows.create_index("conversation_id")
    await db.blocks.create_index("blocker_id")
    await db.notifications.create_index([("user_id", ASCENDING), ("read", ASCENDING), ("created_at", DESCENDING)])
    for kind in DOC_KINDS:
        await db[f"shop_{kind}"].create_index([("owner", ASCENDING), ("sort", DESCENDING)])
        await db[f"shop_{kind}"].create_index([("state", ASCENDING), ("sort", ASCENDING)])
