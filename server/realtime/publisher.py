"""Delivery of events: the only module that sends to Socket.IO.

Actions say what happened and to whom (rooms); the publisher queues it and one
delivery task sends the events in the order they were published. The fan-out
encodes a packet once and puts it straight on each recipient's Engine.IO queue
(python-socketio's own emit makes one task per recipient, which is what caps a
bare python-socketio server). Swapping this class (say, for Redis pub/sub across
processes) touches nothing else."""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from ..events import user_room
from .fanout import Event, LocalFanout

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, sio, namespace: str = "/"):
        self.sio = sio
        self.namespace = namespace
        self.listeners: list[Callable[[Event], None]] = []
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        self.fanout = LocalFanout(sio, namespace)

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
        for sid in self.sids_of(user_id):
            await self.sio.enter_room(sid, room, namespace=self.namespace)

    async def remove_user_from_room(self, user_id: str, room: str) -> None:
        for sid in self.sids_of(user_id):
            await self.sio.leave_room(sid, room, namespace=self.namespace)

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
