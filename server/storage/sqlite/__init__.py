"""The embedded SQLite backend (the default): one file under CHAT_DATA_DIR, WAL mode.
One module per store; db.py runs the queries off the event loop, schema.py migrates."""
from __future__ import annotations

import os

from ..base import Storage
from ..blobs import DiskBlobs
from .blocks import SqliteBlocks
from .conversations import SqliteConversations
from .db import Database
from .docs import SqliteDocs
from .follows import SqliteFollows
from .groups import SqliteGroups
from .likes import SqliteLikes
from .messages import SqliteMessages
from .notifications import SqliteNotifications
from .reads import SqliteReads
from .rekey import rekey
from .schema import MIGRATIONS
from .sessions import SqliteSessions
from .users import SqliteUsers

__all__ = ["open_sqlite"]


async def open_sqlite(data_dir: str, *, synchronous: str = "FULL") -> Storage:
    os.makedirs(data_dir, exist_ok=True)
    db = Database(os.path.join(data_dir, "chat.sqlite3"), MIGRATIONS, synchronous=synchronous)
    await db.open()
    return Storage(backend="sqlite", users=SqliteUsers(db), sessions=SqliteSessions(db), groups=SqliteGroups(db),
                   conversations=SqliteConversations(db), messages=SqliteMessages(db), reads=SqliteReads(db),
                   likes=SqliteLikes(db), follows=SqliteFollows(db), blocks=SqliteBlocks(db),
                   notifications=SqliteNotifications(db), close=db.close,
                   rekey=lambda: db.write(rekey), blobs=DiskBlobs(os.path.join(data_dir, "media"))) \
        .attach_docs(lambda kind: SqliteDocs(db, kind))
