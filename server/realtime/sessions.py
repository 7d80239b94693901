"""The live connections of this process, each with the login session it was opened with.

A REST request proves its token on every call; a Socket.IO connection proves it once, at connect.
So whatever ends a session's powers (a logout, "log out everywhere", a password change, a platform
role change, the token's expiry) must reach the open connections too: `end` closes the matching
connections of this process at once and tells the other processes (through the hub, with
CHAT_REDIS_URL) to close theirs. Each connection is told why first (`session:ended`), so the web
client can reconnect (a role change: it comes back with its new rooms and powers) or log out.

Expiry needs no message: every process sweeps its own connections (`sweep`), and every event a
connection sends is checked against its session's end (`current`). After Redis was away a process
may have missed a revocation, so it checks every connection's session again (`recheck`)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable

from ..domain.users import Session, User
from ..events import SESSION_ENDED

log = logging.getLogger(__name__)

# why a connection was closed, as the client is told it
LOGGED_OUT, EXPIRED, PASSWORD_CHANGED, ROLE_CHANGED = "logged_out", "expired", "password_changed", "role_changed"


@dataclass(slots=True)
class LiveSession:
    sid: str
    user: User
    token_hash: str
    expires_at: datetime


class LiveSessions:
    def __init__(self, sio, hub=None, namespace: str = "/"):
        self.sio, self.hub, self.namespace = sio, hub, namespace
        self._by_sid: dict[str, LiveSession] = {}
        self._by_user: dict[str, set[str]] = {}
        self._sweeper: asyncio.Task | None = None
        self._closing: set[asyncio.Task] = set()
        if hub is not None:
            hub.on("session-end", self._remote_end)

    # -- the connection's life ------------------------------------------------
    def add(self, sid: str, user: User, session: Session) -> LiveSession:
        live = LiveSession(sid, user, session.token_hash, session.expires_at)
        self._by_sid[sid] = live
        self._by_user.setdefault(user.id, set()).add(sid)
        return live

    def remove(self, sid: str) -> LiveSession | None:
        live = self._by_sid.pop(sid, None)
        if live is not None:
            sids = self._by_user.get(live.user.id)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._by_user[live.user.id]
        return live

    async def current(self, sid: str, now: datetime) -> LiveSession | None:
        """The connection's session, if it still holds. An expired one is closed just after: the event that
        found it out is answered first (unauthorized), so the client knows why."""
        live = self._by_sid.get(sid)
        if live is not None and live.expires_at <= now:
            task = asyncio.create_task(self._close([sid], EXPIRED))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
            return None
        return live

    def __len__(self) -> int:
        return len(self._by_sid)

    # -- ending sessions ----------------------------------------------------------
    async def end(self, user_id: str, reason: str, *, token_hash: str | None = None,
                  successor: Session | None = None, replaced: str | None = None) -> None:
        """Closes the user's connections (only those opened with token_hash, when given) on every process.
        With `successor`, the connections opened with the `replaced` token (the device that changed the
        password) stay open and carry on under the successor session instead."""
        await self._end_local(user_id, reason, token_hash, replaced, successor)
        if self.hub is not None:
            self.hub.send("session-end", user=user_id, reason=reason, token=token_hash, replaced=replaced,
                          successor=None if successor is None else
                          {"token": successor.token_hash, "expires_at": successor.expires_at.isoformat()})

    async def _remote_end(self, message: dict) -> None:
        successor = message.get("successor")
        if successor is not None:
            successor = Session(token_hash=successor["token"], user_id=message["user"], created_at=None,
                                expires_at=datetime.fromisoformat(successor["expires_at"]))
        await self._end_local(message["user"], message["reason"], message.get("token"), message.get("replaced"),
                              successor)

    async def _end_local(self, user_id: str, reason: str, token_hash: str | None, replaced: str | None = None,
                         successor: Session | None = None) -> None:
        sids = []
        for sid in self._by_user.get(user_id, ()):
            live = self._by_sid[sid]
            if successor is not None and live.token_hash == replaced:
                live.token_hash, live.expires_at = successor.token_hash, successor.expires_at
            elif token_hash is None or live.token_hash == token_hash:
                sids.append(sid)
        await self._close(sids, reason)

    async def _close(self, sids: list[str], reason: str) -> None:
        """The disconnect handler (transport/sio.py) forgets each one, as for any other disconnection."""
        for sid in sids:
            if sid not in self._by_sid:
                continue
            try:
                await self.sio.emit(SESSION_ENDED, {"reason": reason}, to=sid, namespace=self.namespace)
                await self.sio.disconnect(sid, namespace=self.namespace)
            except Exception:  # a connection already going away must not stop the others' closing
                log.warning("closing %s failed", sid, exc_info=True)
            self.remove(sid)  # in case the connection was gone before its disconnect handler could run

    async def sweep(self, now: datetime) -> None:
        """Closes this process's connections whose session has expired."""
        await self._close([s.sid for s in self._by_sid.values() if s.expires_at <= now], EXPIRED)

    async def recheck(self, why_ended: Callable[[LiveSession], Awaitable[str | None]]) -> None:
        """Closes each connection for which why_ended (asked of the storage) names a reason."""
        for live in list(self._by_sid.values()):
            reason = await why_ended(live)
            if reason is not None:
                await self._close([live.sid], reason)

    # -- the sweeper ------------------------------------------------------------------
    def start_sweeping(self, now: Callable[[], datetime], every_seconds: float) -> None:
        async def sweep_forever():
            while True:
                await asyncio.sleep(every_seconds)
                try:
                    await self.sweep(now())
                except Exception:
                    log.exception("the session sweep failed")
        self._sweeper = asyncio.create_task(sweep_forever(), name="session-sweep")

    async def stop_sweeping(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
