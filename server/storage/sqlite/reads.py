"""Read markers: how far each user has read each conversation (table `reads`)."""
from __future__ import annotations

from .store import Store, placeholders


class SqliteReads(Store):
    async def mark_read(self, *, conversation_id, user_id, seq):
        return await self.db.write(lambda c: c.execute(
            "INSERT INTO reads VALUES (?,?,?) ON CONFLICT (user_id, conversation_id) "
            "DO UPDATE SET seq = max(seq, excluded.seq) RETURNING seq", (conversation_id, user_id, seq)).fetchone()[0])

    async def get_many(self, *, user_id, conversation_ids):
        if not conversation_ids:
            return {}
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT conversation_id, seq FROM reads WHERE user_id=? AND conversation_id IN "
            f"({placeholders(conversation_ids)})", (user_id, *conversation_ids)).fetchall())
        return {r[0]: r[1] for r in rows}
