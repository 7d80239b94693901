"""Sessions: login tokens, by hash (table `sessions`)."""
from __future__ import annotations

from ...domain.users import Session
from ..codec import from_ms, to_ms
from .store import Store


class SqliteSessions(Store):
    async def create(self, *, token_hash, user_id, created_at, expires_at):
        await self.db.write(lambda c: c.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,0)",
            (token_hash, user_id, to_ms(created_at), to_ms(expires_at))))
        return Session(token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at)

    async def get_valid(self, *, token_hash, now):
        r = await self.db.read(lambda c: c.execute(
            "SELECT * FROM sessions WHERE token_hash=? AND revoked=0 AND expires_at>?",
            (token_hash, to_ms(now))).fetchone())
        if not r:
            return None
        return Session(token_hash=r["token_hash"], user_id=r["user_id"], created_at=from_ms(r["created_at"]),
                       expires_at=from_ms(r["expires_at"]))

    async def revoke(self, *, token_hash):
        await self.db.write(lambda c: c.execute("UPDATE sessions SET revoked=1 WHERE token_hash=?", (token_hash,)))

    async def revoke_all(self, *, user_id):
        await self.db.write(lambda c: c.execute("UPDATE sessions SET revoked=1 WHERE user_id=? AND revoked=0",
                                                (user_id,)))
