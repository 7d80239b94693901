"""Likes of threads and messages, with their like counts (table `likes`)."""
from __future__ import annotations

from .store import Store, placeholders


class SqliteLikes(Store):
    _TABLES = {"thread": "conversations", "message": "messages"}

    async def _change(self, target_kind, target_id, user_id, add):
        table = self._TABLES[target_kind]

        def work(c):
            if add:
                n = c.execute("INSERT OR IGNORE INTO likes VALUES (?,?,?)", (target_kind, target_id, user_id)).rowcount
            else:
                n = -c.execute("DELETE FROM likes WHERE target_id=? AND user_id=?", (target_id, user_id)).rowcount
            r = c.execute(f"UPDATE {table} SET like_count = like_count + ? WHERE id=? RETURNING like_count",
                          (n, target_id)).fetchone()
            if r is None:
                raise LookupError(target_kind)
            return r[0]
        return await self.db.write(work)

    async def like(self, *, target_kind, target_id, user_id):
        return await self._change(target_kind, target_id, user_id, True)

    async def unlike(self, *, target_kind, target_id, user_id):
        return await self._change(target_kind, target_id, user_id, False)

    async def liked(self, *, user_id, target_ids):
        if not target_ids:
            return set()
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT target_id FROM likes WHERE user_id=? AND target_id IN ({placeholders(target_ids)})",
            (user_id, *target_ids)).fetchall())
        return {r[0] for r in rows}
