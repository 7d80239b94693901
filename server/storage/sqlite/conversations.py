"""Conversations: group main conversations, private chats, threads and support chats
(tables `conversations`, `participants`, `threads_fts`)."""
from __future__ import annotations

from ...domain.messages import Conversation
from ..base import new_id
from ..codec import drop_none, from_ms, private_key, to_ms
from .store import Store


def decode_conversation(r, participants: tuple[str, ...] = ()) -> Conversation:
    return Conversation(id=r["id"], kind=r["kind"], created_at=from_ms(r["created_at"]),
                        last_activity_at=from_ms(r["last_activity_at"]), last_seq=r["last_seq"],
                        group_id=r["group_id"], participants=participants, title=r["title"],
                        author_id=r["author_id"], pinned=bool(r["pinned"]), closed=bool(r["closed"]),
                        like_count=r["like_count"], tag=r["tag"], product_id=r["product_id"])


class SqliteConversations(Store):
    @staticmethod
    def _load(c, conversation_id):
        r = c.execute("SELECT * FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        if not r:
            return None
        parts = ()
        if r["kind"] in ("private", "support"):
            parts = tuple(sorted(p[0] for p in c.execute(
                "SELECT user_id FROM participants WHERE conversation_id=?", (conversation_id,))))
        return decode_conversation(r, parts)

    async def get(self, *, conversation_id):
        return await self.db.read(lambda c: self._load(c, conversation_id))

    async def get_or_create_private(self, *, user_a, user_b, now):
        key = private_key(user_a, user_b)

        def work(c):
            r = c.execute("SELECT id FROM conversations WHERE private_key=?", (key,)).fetchone()
            if r:
                return self._load(c, r[0])
            cid, ms = new_id(), to_ms(now)
            c.execute("INSERT INTO conversations (id, kind, private_key, created_at, last_activity_at) "
                      "VALUES (?, 'private', ?, ?, ?)", (cid, key, ms, ms))
            c.executemany("INSERT INTO participants VALUES (?,?)", [(cid, user_a), (cid, user_b)])
            return self._load(c, cid)
        return await self.db.write(work)

    async def list_private(self, *, user_id, limit):
        def work(c):
            ids = [r[0] for r in c.execute(
                "SELECT c.id FROM conversations c JOIN participants p ON p.conversation_id = c.id "
                "WHERE p.user_id=? AND c.kind='private' ORDER BY c.last_activity_at DESC LIMIT ?", (user_id, limit))]
            return [self._load(c, i) for i in ids]
        return await self.db.read(work)

    async def create_thread(self, *, group_id, title, author_id, now, tokens=(), tag=None, product_id=None):
        cid, ms = new_id(), to_ms(now)
        tokens = " ".join(tokens)

        def work(c):
            c.execute("INSERT INTO conversations (id, kind, group_id, title, author_id, created_at, "
                      "last_activity_at, tag, product_id) VALUES (?, 'thread', ?, ?, ?, ?, ?, ?, ?)",
                      (cid, group_id, title, author_id, ms, ms, tag, product_id))
            rowid = c.execute("SELECT rowid FROM conversations WHERE id=?", (cid,)).fetchone()[0]
            c.execute("INSERT INTO threads_fts (rowid, tokens) VALUES (?, ?)", (rowid, tokens))
            return self._load(c, cid)
        return await self.db.write(work)

    async def delete_empty_thread(self, *, conversation_id):
        def work(c):
            r = c.execute("SELECT rowid, last_seq FROM conversations WHERE id=? AND kind='thread'",
                          (conversation_id,)).fetchone()
            if r and r["last_seq"] == 0:
                c.execute("DELETE FROM threads_fts WHERE rowid=?", (r["rowid"],))
                c.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))
        await self.db.write(work)

    async def list_threads(self, *, group_id, order, limit, offset):
        sort = ("pinned DESC, last_activity_at DESC" if order == "latest"
                else "like_count DESC, last_activity_at DESC")
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT * FROM conversations WHERE group_id=? AND kind='thread' ORDER BY {sort} LIMIT ? OFFSET ?",
            (group_id, limit, offset)).fetchall())
        return [decode_conversation(r) for r in rows]

    async def list_tagged_threads(self, *, group_id, tag, limit, offset):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT * FROM conversations WHERE group_id=? AND kind='thread' AND tag=? "
            "ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?", (group_id, tag, limit, offset)).fetchall())
        return [decode_conversation(r) for r in rows]

    async def update_thread(self, *, conversation_id, pinned=None, closed=None):
        changes = {k: int(v) for k, v in drop_none(pinned=pinned, closed=closed).items()}
        if changes:
            sets = ",".join(f"{k}=?" for k in changes)
            await self.db.write(lambda c: c.execute(
                f"UPDATE conversations SET {sets} WHERE id=? AND kind='thread'", (*changes.values(), conversation_id)))
        return await self.get(conversation_id=conversation_id)

    async def create_support(self, *, customer_id, now):
        def work(c):
            cid, ms = new_id(), to_ms(now)
            c.execute("INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (?, 'support', ?, ?)",
                      (cid, ms, ms))
            c.execute("INSERT INTO participants VALUES (?,?)", (cid, customer_id))
            return self._load(c, cid)
        return await self.db.write(work)

    async def set_participants(self, *, conversation_id, participants):
        def work(c):
            c.execute("DELETE FROM participants WHERE conversation_id=?", (conversation_id,))
            c.executemany("INSERT INTO participants VALUES (?,?)", [(conversation_id, u) for u in set(participants)])
        await self.db.write(work)

    async def ids_readable_by(self, *, group_ids, user_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT conversation_id FROM participants WHERE user_id=?", (user_id,)).fetchall())
        return [r[0] for r in rows]
