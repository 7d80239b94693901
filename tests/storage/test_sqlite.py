"""What only the SQLite backend promises: WAL, migrations, and commit before the ack."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from server.storage.sqlite import open_sqlite
from server.storage.sqlite.schema import MIGRATIONS


async def test_wal_and_migrations_recorded(tmp_path):
    st = await open_sqlite(str(tmp_path))
    await st.aclose()
    conn = sqlite3.connect(tmp_path / "chat.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()
    st = await open_sqlite(str(tmp_path))  # reopening applies nothing twice
    assert await st.users.count() == 0
    await st.aclose()


async def test_cards_written_before_one_card_field_read_as_cards(tmp_path):
    """Migration 4: a product card (its own column then) and the assistant's card (inside extra) become
    the message's one card field."""
    from server.storage.sqlite.db import Database
    db = Database(str(tmp_path / "chat.sqlite3"), MIGRATIONS[:3])
    await db.open()

    def old_rows(c):
        c.execute("INSERT INTO users (id, username, username_lower, display_name, role, password_hash, avatar_color, "
                  "created_at) VALUES ('u1', 'old', 'old', 'old', 'member', 'h', '#000000', 0)")
        c.execute("INSERT INTO conversations (id, kind, created_at, last_activity_at, last_seq) "
                  "VALUES ('c1', 'support', 0, 0, 2)")
        c.execute("INSERT INTO messages (id, conversation_id, seq, author_id, type, text, product, created_at, extra) "
                  "VALUES ('m1', 'c1', 1, 'u1', 'product', '看看', '{\"sku\": \"SC-1\", \"title\": \"杯\", "
                  "\"price\": \"9\", \"image_url\": \"\"}', 0, NULL)")
        c.execute("INSERT INTO messages (id, conversation_id, seq, author_id, type, text, created_at, extra) "
                  "VALUES ('m2', 'c1', 2, 'u1', 'text', '订单', 0, "
                  "'{\"card\": {\"kind\": \"order\", \"order_id\": \"SC1\"}, \"buttons\": [{\"title\": \"好\"}]}')")
    await db.write(old_rows)
    await db.close()
    st = await open_sqlite(str(tmp_path))
    product, bot = await st.messages.get(message_id="m1"), await st.messages.get(message_id="m2")
    await st.aclose()
    assert product.card == {"kind": "product", "sku": "SC-1", "title": "杯", "price": "9", "image_url": ""}
    assert bot.card == {"kind": "order", "order_id": "SC1"} and bot.extra == {"buttons": [{"title": "好"}]}


def test_acknowledged_messages_survive_a_crash(tmp_path):
    """A process appends messages and dies (os._exit, no cleanup) right after the last ack:
    every acknowledged message must be in the file."""
    script = textwrap.dedent(f"""
        import asyncio, os, sys
        from datetime import datetime, timezone
        sys.path.insert(0, {str(__import__('pathlib').Path(__file__).resolve().parents[2])!r})
        from server.storage.sqlite import open_sqlite
        from server.storage.base import NewMessage

        async def main():
            st = await open_sqlite({str(tmp_path)!r})
            now = datetime.now(timezone.utc)
            u = await st.users.create(username="crash", password_hash="h", display_name="c",
                                      avatar_color="#000000", created_at=now)
            g = await st.groups.create(name="g", description="", visibility="public", owner_id=u.id,
                                       created_at=now)
            acked = await asyncio.gather(*(st.messages.append(NewMessage(
                conversation_id=g.conversation_id, author_id=u.id, type="text", text=f"m{{i}}",
                created_at=now, client_msg_id=f"c{{i}}")) for i in range(200)))
            print(g.conversation_id, len(acked), flush=True)
            os._exit(0)
        asyncio.run(main())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    conv_id, count = out.stdout.split()
    conn = sqlite3.connect(tmp_path / "chat.sqlite3")
    seqs = [r[0] for r in conn.execute("SELECT seq FROM messages WHERE conversation_id=? ORDER BY seq", (conv_id,))]
    assert seqs == list(range(1, int(count) + 1))
    conn.close()


async def test_close_finishes_writes_submitted_in_the_same_turn(tmp_path):
    """A write submitted just before close (still waiting for the end-of-turn hand-over)
    is committed, not left waiting forever."""
    import asyncio
    from datetime import datetime, timezone

    st = await open_sqlite(str(tmp_path))
    pending = asyncio.ensure_future(st.users.create(username="last", password_hash="h", display_name="l",
                                                    avatar_color="#000000", created_at=datetime.now(timezone.utc)))
    await asyncio.sleep(0)  # the create has submitted its job; the hand-over is still scheduled
    await st.aclose()  # in this same turn, before the hand-over runs
    user = await asyncio.wait_for(pending, 5)
    st = await open_sqlite(str(tmp_path))
    assert (await st.users.get(user_id=user.id)).username == "last"
    await st.aclose()
