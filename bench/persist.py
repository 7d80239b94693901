"""Messages the SQLite backend persists per second, each acknowledged only after its
transaction is committed (synchronous=FULL): 100 concurrent senders, each waiting for
its previous message before sending the next, as a client waiting for acks would."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from datetime import datetime, timezone

from server.integrations.search_text import tokenize_for_index, warm_up
from server.storage.base import NewMessage
from server.storage.sqlite import open_sqlite

SENDERS = 100
PER_SENDER = 100


async def run(senders: int = SENDERS, per_sender: int = PER_SENDER) -> dict:
    warm_up()
    data_dir = tempfile.mkdtemp(prefix="bench-persist-")
    storage = await open_sqlite(data_dir)
    try:
        now = datetime.now(timezone.utc)
        owner = await storage.users.create(username="owner", password_hash="x", display_name="o",
                                           avatar_color="#000000", created_at=now)
        groups = [await storage.groups.create(name=f"g{i}", description="", visibility="public",
                                              owner_id=owner.id, created_at=now) for i in range(10)]

        async def sender(i: int):
            conv = groups[i % len(groups)].conversation_id
            for n in range(per_sender):
                text = f"第{n}条：这款蓝牙耳机降噪效果很好 #{i}"
                await storage.messages.append(NewMessage(
                    conversation_id=conv, author_id=owner.id, type="text", text=text,
                    created_at=datetime.now(timezone.utc), client_msg_id=f"{i}-{n}",
                    tokens=tokenize_for_index(text)))
        start = time.perf_counter()
        await asyncio.gather(*(sender(i) for i in range(senders)))
        seconds = time.perf_counter() - start
        stored = 0
        for g in groups:
            stored += (await storage.conversations.get(conversation_id=g.conversation_id)).last_seq
        return {"messages": stored, "seconds": seconds, "persisted_per_s": stored / seconds}
    finally:
        await storage.aclose()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    print(asyncio.run(run()))
