"""Who is connected: online (a live connection), away (every connection said so), offline.

Presence counts this process's connections; RedisPresence counts every process's, in one Redis
hash per user (field "<process>/<sid>"). A process that dies without saying goodbye (kill -9)
stops its heartbeat; the others then drop its connections from every hash and tell the
people watching that those users went offline (once: whoever takes the reaping lock does it).
When Redis is unreachable, presence falls back to this process's own connections."""
from __future__ import annotations

import logging
from typing import Callable

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

OnOffline = Callable[[str], None]  # told the user ids whose last connection vanished with a process


def _status_of(values) -> str:
    values = list(values)
    if not values:
        return "offline"
    return "online" if "online" in values else "away"


class Presence:
    def __init__(self):
        self._sids: dict[str, dict[str, str]] = {}  # user -> sid -> 'online' | 'away'

    def _change(self, user_id: str, change) -> bool:
        before = _status_of(self._sids.get(user_id, {}).values())
        change(self._sids.setdefault(user_id, {}))
        if not self._sids[user_id]:
            self._sids.pop(user_id, None)
        return _status_of(self._sids.get(user_id, {}).values()) != before

    async def connect(self, user_id: str, sid: str) -> bool:
        """Returns True when the user's visible status changed."""
        return self._change(user_id, lambda sids: sids.__setitem__(sid, "online"))

    async def disconnect(self, user_id: str, sid: str) -> bool:
        return self._change(user_id, lambda sids: sids.pop(sid, None))

    async def set(self, user_id: str, sid: str, status: str) -> bool:
        def change(sids):
            if sid in sids:
                sids[sid] = status
        return self._change(user_id, change)

    def holds(self, user_id: str, sid: str) -> bool:
        """Whether this connection of the user's is one of this process's."""
        return sid in self._sids.get(user_id, {})

    async def status(self, user_id: str) -> str:
        return _status_of(self._sids.get(user_id, {}).values())

    async def statuses(self, user_ids) -> dict[str, str]:
        return {u: await self.status(u) for u in user_ids}


class RedisPresence:
    def __init__(self, hub):
        self.hub = hub
        self.local = Presence()
        self.on_offline: list[OnOffline] = []
        self._live_nodes: set[str] = {hub.node_id}
        hub.on_tick.append(self._tick)

    def _key(self, user_id: str) -> str:
        return self.hub.key("presence", user_id)

    def _field(self, sid: str) -> str:
        return f"{self.hub.node_id}/{sid}"

    def _status(self, fields: dict) -> str:
        return _status_of(v for f, v in fields.items() if f.partition("/")[0] in self._live_nodes)

    async def _change(self, user_id: str, write) -> bool:
        """Applies `write` to the user's hash; True when their visible status changed (also when Redis
        is unreachable: this process's own change is then told, so nobody waits on a lost answer)."""
        key = self._key(user_id)
        try:
            async with self.hub.client.pipeline(transaction=True) as pipe:
                pipe.hgetall(key)
                write(pipe, key)
                pipe.hgetall(key)
                found = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("presence of this process only: %s", exc)
            return True
        return self._status(found[0]) != self._status(found[-1])

    async def connect(self, user_id: str, sid: str) -> bool:
        await self.local.connect(user_id, sid)

        def write(pipe, key):
            pipe.hset(key, self._field(sid), "online")
            pipe.sadd(self.hub.key("presence-of", self.hub.node_id), user_id)
        return await self._change(user_id, write)

    async def disconnect(self, user_id: str, sid: str) -> bool:
        await self.local.disconnect(user_id, sid)
        return await self._change(user_id, lambda pipe, key: pipe.hdel(key, self._field(sid)))

    async def set(self, user_id: str, sid: str, status: str) -> bool:
        if not self.local.holds(user_id, sid):
            return False
        await self.local.set(user_id, sid, status)
        return await self._change(user_id, lambda pipe, key: pipe.hset(key, self._field(sid), status))

    async def status(self, user_id: str) -> str:
        return (await self.statuses([user_id]))[user_id]

    async def statuses(self, user_ids) -> dict[str, str]:
        user_ids = list(dict.fromkeys(user_ids))
        if not user_ids:
            return {}
        try:
            async with self.hub.client.pipeline(transaction=False) as pipe:
                for u in user_ids:
                    pipe.hgetall(self._key(u))
                found = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("presence of this process only: %s", exc)
            return await self.local.statuses(user_ids)
        return {u: self._status(f) for u, f in zip(user_ids, found)}

    async def _tick(self) -> None:
        """At every heartbeat: learn which processes are alive, and reap the connections of the dead."""
        hub = self.hub
        client = hub.client
        self._live_nodes = (await hub.live_nodes()) | {hub.node_id}
        for node in await client.smembers(hub.key("nodes")):
            if node in self._live_nodes:
                continue
            if not await client.set(hub.key("reaping", node), hub.node_id, nx=True, ex=60):
                continue  # another process is reaping it
            gone: list[str] = []
            for user_id in await client.smembers(hub.key("presence-of", node)):
                key = self._key(user_id)
                fields = await client.hgetall(key)
                theirs = [f for f in fields if f.partition("/")[0] == node]
                if theirs:
                    await client.hdel(key, *theirs)
                if theirs and self._status(fields) == "offline":
                    gone.append(user_id)
            await client.delete(hub.key("presence-of", node))
            await client.srem(hub.key("nodes"), node)
            log.info("process %s stopped beating: %d connection(s) reaped", node, len(gone))
            for user_id in gone:
                for tell in self.on_offline:
                    tell(user_id)


def presence_for(hub):
    return Presence() if hub is None else RedisPresence(hub)
