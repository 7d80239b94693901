"""The one Redis connection a server process has (when CHAT_REDIS_URL is set), and its listener.

Every process subscribes to one channel; a message on it says what changed (an event to
deliver, a room to enter, a cache entry to forget, a scope's rules to reload) and which process
sent it. The listener is supervised: when Redis goes away it is retried with backoff and the
subscription is made again, and every failure is logged, never swallowed. (A listener task
that dies silently leaves a process deaf to the others: python-socketio#1581.) Messages sent
while Redis is away are lost for the other processes: once subscribed again, each process
forgets its caches and reads the rules again (on_resubscribed), and clients that missed events
fill them in with `sync`."""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Awaitable, Callable

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "shopchat:"
CHANNEL = PREFIX + "bus"
HEARTBEAT_SECONDS = 2.0
NODE_TTL_SECONDS = 6  # a process not heard from for this long is gone (its presence is cleared)
MAX_BACKOFF = 2.0

Handler = Callable[[dict], Awaitable[None] | None]


class RedisHub:
    def __init__(self, url: str, *, node_id: str | None = None):
        self.url = url
        self.node_id = node_id or uuid.uuid4().hex[:12]
        self.client = aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=10,
                                              socket_connect_timeout=2, socket_timeout=5,
                                              retry_on_timeout=True)
        self._handlers: dict[str, Handler] = {}
        self._tasks: list[asyncio.Task] = []
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self.subscribed = asyncio.Event()
        self.connected = False
        self.on_tick: list[Callable[[], Awaitable[None]]] = []  # run at every heartbeat
        # run when the listener is back after losing Redis: what was told meanwhile never arrived here
        self.on_resubscribed: list[Callable[[], Awaitable[None]]] = []

    def key(self, *parts: str) -> str:
        return PREFIX + ":".join(parts)

    # -- messages between processes ------------------------------------------------
    def on(self, kind: str, handler: Handler) -> None:
        """handler(message) runs for every message of this kind sent by another process."""
        self._handlers[kind] = handler

    def send(self, kind: str, **fields) -> None:
        """Tells the other processes; never blocks the caller (a writer task sends in order)."""
        self._outbox.put_nowait(json.dumps({"k": kind, "n": self.node_id, **fields}, ensure_ascii=False,
                                           separators=(",", ":")))

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._listen_forever(), name="redis-listen"),
                       asyncio.create_task(self._send_forever(), name="redis-send"),
                       asyncio.create_task(self._heartbeat_forever(), name="redis-heartbeat")]
        try:  # the first subscription before serving, so nothing sent meanwhile is missed
            await asyncio.wait_for(self.subscribed.wait(), timeout=10)
        except asyncio.TimeoutError:
            log.error("Redis at %s is not reachable; serving, and retrying in the background", self.url)

    async def close(self) -> None:
        self._outbox.put_nowait(None)
        sender = self._tasks[1] if len(self._tasks) > 1 else None
        if sender is not None:
            try:
                await asyncio.wait_for(asyncio.shield(sender), timeout=2)
            except (asyncio.TimeoutError, Exception):
                pass
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await self.client.delete(self.key("node", self.node_id))
        except RedisError:
            pass
        await self.client.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self.client.ping(), timeout=1))
        except (RedisError, OSError, asyncio.TimeoutError):
            return False

    async def _listen_forever(self) -> None:
        backoff = 0.1
        lost = False
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL)
                log.info("Redis listener subscribed (node %s)", self.node_id)
                self.connected = True
                self.subscribed.set()
                backoff = 0.1
                if lost:
                    lost = False
                    for catch_up in self.on_resubscribed:
                        await catch_up()
                async for raw in pubsub.listen():
                    if raw.get("type") == "message":
                        await self._dispatch(raw["data"])
                reason = "the subscription ended"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: log, wait, subscribe again
                reason = f"it lost its connection ({exc})"
            finally:
                try:
                    await pubsub.aclose()
                except Exception:  # noqa: BLE001 - the connection is already gone
                    pass
            self.connected, lost = False, True
            log.warning("Redis listener: %s; subscribing again in %.1fs", reason, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def _dispatch(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            log.error("unreadable message on %s: %.200s", CHANNEL, data)
            return
        if message.get("n") == self.node_id:
            return
        handler = self._handlers.get(message.get("k"))
        if handler is None:
            return
        try:
            result = handler(message)
            if asyncio.iscoroutine(result):
                await result
        except Exception:  # one bad message must not stop the listener
            log.exception("handling %s from node %s failed", message.get("k"), message.get("n"))

    async def _send_forever(self) -> None:
        while True:
            data = await self._outbox.get()
            if data is None:
                return
            batch = [data]
            while not self._outbox.empty() and len(batch) < 256:
                more = self._outbox.get_nowait()
                if more is None:
                    self._outbox.put_nowait(None)
                    break
                batch.append(more)
            try:
                async with self.client.pipeline(transaction=False) as pipe:
                    for item in batch:
                        pipe.publish(CHANNEL, item)
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                log.warning("Redis unreachable: %d message(s) for the other processes lost (%s)", len(batch), exc)

    async def _heartbeat_forever(self) -> None:
        while True:
            try:
                await self.client.set(self.key("node", self.node_id), "1", ex=NODE_TTL_SECONDS)
                await self.client.sadd(self.key("nodes"), self.node_id)
                for tick in self.on_tick:
                    await tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - next beat tries again
                log.warning("Redis heartbeat failed: %s", exc)
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def live_nodes(self) -> set[str]:
        nodes = await self.client.smembers(self.key("nodes"))
        if not nodes:
            return set()
        nodes = sorted(nodes)
        alive = await self.client.mget([self.key("node", n) for n in nodes])
        return {n for n, a in zip(nodes, alive) if a}
