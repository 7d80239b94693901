"""The MongoDB backend (production), through motor. Indexes are created at start-up.

Tests run the same contract suite against a real server when MONGODB_URI is set,
otherwise against mongomock-motor, which checks our query and update documents but
is not a server (no durability, no concurrency between processes)."""
from __future__ import annotations

from ..base import Storage
from .blocks import MongoBlocks
from .conversations import MongoConversations
from .docs import MongoDocs
from .follows import MongoFollows
from .groups import MongoGroups
from .indexes import create_indexes
from .likes import MongoLikes
from .messages import MongoMessages
from .notifications import MongoNotifications
from .reads import MongoReads
from .rekey import rekey, rekey_once
from .sessions import MongoSessions
from .users import MongoUsers

__all__ = ["open_mongo", "storage_for"]


def storage_for(db, close=None) -> Storage:
    from .blobs import GridFSBlobs
    return Storage(backend="mongodb", users=MongoUsers(db), sessions=MongoSessions(db), groups=MongoGroups(db),
                   conversations=MongoConversations(db), messages=MongoMessages(db), reads=MongoReads(db),
                   likes=MongoLikes(db), follows=MongoFollows(db), blocks=MongoBlocks(db),
                   notifications=MongoNotifications(db), close=close, rekey=lambda: rekey(db),
                   blobs=GridFSBlobs(db)) \
        .attach_docs(lambda kind: MongoDocs(db[f"shop_{kind}"]))


async def open_mongo(uri: str, *, client=None, db_name: str | None = None, close_client: bool = True) -> Storage:
    """Connects with majority, journaled writes: an acknowledged message survives a crash."""
    if client is None:
        from motor.motor_asyncio import AsyncIOMotorClient
        client = AsyncIOMotorClient(uri, w="majority", journal=True)
    db = client[db_name] if db_name else client.get_default_database("shopchat")
    await create_indexes(db)
    await rekey_once(db)  # issue 12: the guessable ids of older data get new ones (rekey.py)

    async def close():
        if close_client:
            client.close()
    return storage_for(db, close)
