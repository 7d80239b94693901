"""The after-commit bus: actions emit domain events once their write is committed, subscribers
say what follows (compare Zulip's send_event_on_commit).

A subscriber is either inline, awaited in the order of subscription before the action returns
(the fan-out, so what the sender's ack says is already on its way to the readers; the moderation
record), or deferred: it decides at once, without I/O, whether it has work, and the work runs as a
background task after the ack (notifications, the assistant). A failing inline subscriber is
logged and does not stop the others: the write it follows is committed and stays so."""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Awaitable, Callable

log = logging.getLogger(__name__)

Subscriber = Callable[[Any], Awaitable[None] | None]


class EventBus:
    def __init__(self, spawn: Callable[[Awaitable], object]):
        self._spawn = spawn
        self._subscribers: dict[type, list[tuple[Subscriber, bool]]] = defaultdict(list)

    def subscribe(self, kind: type, subscriber: Subscriber, *, deferred: bool = False) -> None:
        self._subscribers[kind].append((subscriber, deferred))

    async def emit(self, event) -> None:
        for subscriber, deferred in self._subscribers.get(type(event), ()):
            try:
                work = subscriber(event)
                if work is None:
                    continue
                if deferred:
                    self._spawn(work)
                else:
                    await work
            except Exception:  # the write is committed: the other subscribers still run
                log.exception("%s failed on %s", getattr(subscriber, "__qualname__", subscriber),
                              type(event).__name__)
