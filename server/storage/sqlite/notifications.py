"""Notifications: mentions and replies waiting for a user (table `notifications`)."""
from __future__ import annotations

from ...domain.messages import Notification
from ..base import new_id
from ..codec import from_ms, to_ms
from .store import Store, placeholders


class SqliteNotifications(Store):
    async def add(self, *, user_id, kind, conversation_id, message_id, actor_id, created_at):
        n = Notification(id=new_id(), user_id=user_id, kind=kind, conversation_id=conversation_id,
                         message_id=message_id, actor_id=actor_id, created_at=created_at)
        await self.db.write(lambda c: c.execute(
            "INSERT INTO notifications VALUES (?,?,?,?,?,?,?,0)",
            (n.id, user_id, kind, conversation_id, message_id, actor_id, to_ms(created_at))))
        return n

    async def list(self, *, user_id, unread_only, limit):
        cond = " AND read=0" if unread_only else ""
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT * FROM notifications WHERE user_id=?{cond} ORDER BY created_at DESC, id DESC LIMIT ?",
            (user_id, limit)).fetchall())
        return [Notification(id=r["id"], user_id=r["user_id"], kind=r["kind"], conversation_id=r["conversation_id"],
                             message_id=r["message_id"], actor_id=r["actor_id"],
                             created_at=from_ms(r["created_at"]), read=bool(r["read"])) for r in rows]

    async def mark_read(self, *, user_id, ids):
        if ids is None:
            return await self.db.write(lambda c: c.execute(
                "UPDATE notifications SET read=1 WHERE user_id=? AND read=0", (user_id,)).rowcount)
        if not ids:
            return 0
        return await self.db.write(lambda c: c.execute(
            f"UPDATE notifications SET read=1 WHERE user_id=? AND id IN ({placeholders(ids)})",
            (user_id, *ids)).rowcount)

    async def unread_count(self, *, user_id):
        return await self.db.read(lambda c: c.execute(
            "SELECT COUNT(*) FROM notifications WHERE user_id=? AND read=0", (user_id,)).fetchone()[0])
