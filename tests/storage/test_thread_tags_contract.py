"""Threads tagged 晒单 / 种草 with their product (issue 15), on every backend (see conftest), and the SQLite
migration that adds the two fields to a database written before them."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

from server.storage.sqlite import open_sqlite
from server.storage.sqlite.schema import MIGRATIONS
from tests.storage.test_contract import T0, group_with, user


async def test_tag_and_product_kept_and_the_tagged_listed_newest_first(storage):
    a = await user(storage, "aa")
    g, other = await group_with(storage, a), await group_with(storage, a, name="别的群")
    plain = await storage.conversations.create_thread(group_id=g.id, title="普通", author_id=a.id, now=T0)
    assert (plain.tag, plain.product_id) == (None, None)
    made = []
    for i, (tag, sku) in enumerate((("showcase", "SC-HOODIE-01"), ("recommend", "SC-TEE-05"),
                                    ("showcase", "SC-SERUM-04"), ("recommend", None))):
        made.append(await storage.conversations.create_thread(
            group_id=g.id, title=f"第{i}", author_id=a.id, now=T0 + timedelta(minutes=i + 1), tag=tag, product_id=sku))
    await storage.conversations.create_thread(group_id=other.id, title="别处", author_id=a.id,
                                              now=T0 + timedelta(hours=1), tag="showcase", product_id="SC-TEE-05")
    again = await storage.conversations.get(conversation_id=made[0].id)
    assert (again.tag, again.product_id, again.title) == ("showcase", "SC-HOODIE-01", "第0")
    assert (made[3].tag, made[3].product_id) == ("recommend", None)

    shown = await storage.conversations.list_tagged_threads(group_id=g.id, tag="showcase", limit=10, offset=0)
    assert [t.title for t in shown] == ["第2", "第0"]
    assert [t.product_id for t in shown] == ["SC-SERUM-04", "SC-HOODIE-01"]
    page = await storage.conversations.list_tagged_threads(group_id=g.id, tag="showcase", limit=1, offset=1)
    assert [t.title for t in page] == ["第0"]
    assert [t.title for t in await storage.conversations.list_tagged_threads(
        group_id=g.id, tag="recommend", limit=10, offset=0)] == ["第3", "第1"]
    # the fields come back from every read of threads: the lists and search
    latest = await storage.conversations.list_threads(group_id=g.id, order="latest", limit=10, offset=0)
    assert {t.title: t.tag for t in latest}["第2"] == "showcase"
    # pinning keeps them
    pinned = await storage.conversations.update_thread(conversation_id=made[0].id, pinned=True)
    assert (pinned.pinned, pinned.tag, pinned.product_id) == (True, "showcase", "SC-HOODIE-01")


async def test_threads_from_before_the_tags_read_as_plain_topics(tmp_path):
    """Migration 7 adds tag and product_id; a thread written under migration 6 reads as an untagged topic."""
    from server.storage.sqlite.db import Database
    db = Database(str(tmp_path / "chat.sqlite3"), MIGRATIONS[:6])
    await db.open()
    await db.write(lambda c: c.execute(
        "INSERT INTO conversations (id, kind, group_id, title, author_id, created_at, last_activity_at) "
        "VALUES ('t1', 'thread', 'g1', '老话题', 'u1', 0, 0)"))
    await db.close()
    st = await open_sqlite(str(tmp_path))
    try:
        old = await st.conversations.get(conversation_id="t1")
        assert (old.title, old.tag, old.product_id) == ("老话题", None, None)
        assert await st.conversations.list_tagged_threads(group_id="g1", tag="showcase", limit=5, offset=0) == []
    finally:
        await st.aclose()


async def test_migration_7_runs_again_harmlessly(tmp_path):
    """A file whose user_version is set back (as tests/storage/test_rekey_contract.py does) runs 7 once more."""
    st = await open_sqlite(str(tmp_path))
    thread = await st.conversations.create_thread(group_id="g1", title="晒单", author_id="u1", now=T0, tag="showcase",
                                                  product_id="SC-TEE-05")
    await st.aclose()
    conn = sqlite3.connect(tmp_path / "chat.sqlite3")
    conn.execute("PRAGMA user_version=6")
    conn.commit()
    conn.close()
    st = await open_sqlite(str(tmp_path))
    try:
        again = await st.conversations.get(conversation_id=thread.id)
        assert (again.tag, again.product_id) == ("showcase", "SC-TEE-05")
    finally:
        await st.aclose()
    conn = sqlite3.connect(tmp_path / "chat.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()
