"""Delivery of events: the only module that sends to Socket.IO.

Actions say what happened and to whom (rooms); the publisher queues it and one
delivery task sends the events in the order they were published: to this process's
connections (LocalFanout) and, with several processes (CHAT_REDIS_URL), through Redis
to the others, which deliver it to theirs. Room changes (a member joins a group,
a moderator is appointed) are told the same way, since that person's other
connections may be on another process. This is python-socketio's AsyncPubSubManager
design, with the local delivery first (it doesn't wait for a Redis round trip)."""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from ..events import user_room
from .fanout import Event, LocalFanout

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, sio, namespace: str = "/", hub=None):
        self.sio = sio
        self.hub = hub
        self.namespace = namespace
        self.listeners: list[Callable[[Event], None]] = []
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        self.fanout = LocalFanout(sio, namespace)
        if hub is not None:
            hub.on("event", self._remote_event)
            hub.on("room", self._remote_room)

    # -- what actions call -------------------------------------------------
    def publish(self, name: str, data, *rooms: str, skip_sid: str | None = None) -> None:
        event = Event(name, data, tuple(dict.fromkeys(rooms)), skip_sid)
        for listener in self.listeners:
            listener(event)
        self._queue.put_nowait(event)

    def to_users(self, name: str, data, user_ids, *, skip_sid: str | None = None) -> None:
        self.publish(name, data, *(user_room(u) for u in user_ids), skip_sid=skip_sid)

    # -- room membership of live connections --------------------------------
    def sids_of(self, user_id: str) -> list[str]:
        return [sid for sid, _ in self.sio.manager.get_participants(self.namespace, user_room(user_id))]

    async def add_user_to_room(self, user_id: str, room: str) -> None:
        await self._room(user_id, room, True)
        if self.hub is not None:
            self.hub.send("room", user=user_id, room=room, join=True)

    async def remove_user_from_room(self, user_id: str, room: str) -> None:
        await self._room(user_id, room, False)
        if self.hub is not None:
            self.hub.send("room", user=user_id, room=room, join=False)

    async def _room(self, user_id: str, room: str, join: bool) -> None:
        change = self.sio.enter_room if join else self.sio.leave_room
        for sid in self.sids_of(user_id):
            await change(sid, room, namespace=self.namespace)

    async def _remote_room(self, message: dict) -> None:
        await self._room(message["user"], message["room"], bool(message["join"]))

    async def _remote_event(self, message: dict) -> None:
        await self.fanout.deliver(Event(message["name"], message["data"], tuple(message["rooms"]), None))

    # -- delivery -------------------------------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._deliver_forever(), name="publisher")

    async def stop(self) -> None:
        if self._task is not None:
            self._queue.put_nowait(None)
            try:
                await asyncio.wait_for(self._task, timeout=5)
            except asyncio.TimeoutError:
                self._task.cancel()
            self._task = None

    async def _deliver_forever(self) -> None:
        while True:
            event = await self._queue.get()
            if event is None:
                return
            try:
                await self._deliver(event)
            except Exception:  # a bad event must not stop delivery of the others
                log.exception("delivery of %s failed", event.name)

    async def _deliver(self, event: Event) -> None:
        await self.fanout.deliver(event)
        if self.hub is not None and event.rooms:
            self.hub.send("event", name=event.name, data=event.data, rooms=list(event.rooms))
