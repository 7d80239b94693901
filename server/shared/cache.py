"""What the send path needs to authorize a message, kept in each process's memory.

Every message would otherwise cost three storage reads (conversation, group,
membership) before its write. The actions that change these facts forget them here,
and with several processes (CHAT_REDIS_URL) the forgetting is told to the others
through Redis, so a kick or a mute decided on one process holds on all at once. The
TTL only bounds what a lost invalidation (Redis away at that moment) can leave stale."""
from __future__ import annotations

import time

TTL_SECONDS = 10.0
MAX_ENTRIES = 100_000


class AccessCache:
    def __init__(self, ttl: float = TTL_SECONDS, monotonic=time.monotonic):
        self.ttl = ttl
        self._now = monotonic
        self._entries: dict[tuple, tuple[float, object]] = {}
        self._hub = None
        self._forgotten = 0  # bumped at every forget: a load that raced one is not remembered

    def share(self, hub) -> None:
        """Tell the other processes what is forgotten here, and forget what they tell. After Redis was
        away, whatever they told meanwhile is lost: everything is forgotten then."""
        self._hub = hub
        hub.on("forget", lambda message: self._drop(tuple(message["key"])))

        async def forget_all() -> None:
            self._forgotten += 1
            self._entries.clear()
        hub.on_resubscribed.append(forget_all)

    def _drop(self, key: tuple) -> None:
        self._forgotten += 1
        self._entries.pop(key, None)

    def _forget(self, key: tuple) -> None:
        self._drop(key)
        if self._hub is not None:
            self._hub.send("forget", key=list(key))

    def get(self, key: tuple):
        hit = self._entries.get(key)
        if hit is None or hit[0] < self._now():
            return None
        return hit[1]

    def put(self, key: tuple, value) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (self._now() + self.ttl, value)

    async def fetch(self, key: tuple, load):
        """The cached value, or `await load()` remembered. None (no such thing) is
        remembered too: ids are made at creation, so an unknown one stays unknown."""
        hit = self.get(key)
        if hit is None:
            before = self._forgotten
            hit = await load()
            if self._forgotten == before:
                self.put(key, _MISSING if hit is None else hit)
        return None if hit is _MISSING else hit

    # -- keys ---------------------------------------------------------------------
    @staticmethod
    def conversation_key(conversation_id: str) -> tuple:
        return ("c", conversation_id)

    @staticmethod
    def group_key(group_id: str) -> tuple:
        return ("g", group_id)

    @staticmethod
    def member_key(group_id: str, user_id: str) -> tuple:
        return ("m", group_id, user_id)

    # -- invalidation, called by the actions that change these facts -----------------
    def forget_conversation(self, conversation_id: str) -> None:
        self._forget(self.conversation_key(conversation_id))

    def forget_group(self, group_id: str) -> None:
        self._forget(self.group_key(group_id))

    def forget_member(self, group_id: str, user_id: str) -> None:
        self._forget(self.member_key(group_id, user_id))

    @staticmethod
    def block_key(blocker_id: str, blocked_id: str) -> tuple:
        return ("b", blocker_id, blocked_id)

    def forget_block(self, blocker_id: str, blocked_id: str) -> None:
        self._forget(self.block_key(blocker_id, blocked_id))

    @staticmethod
    def sanctions_key(user_id: str) -> tuple:
        return ("s", user_id)

    def forget_sanctions(self, user_id: str) -> None:
        self._forget(self.sanctions_key(user_id))

    @staticmethod
    def verified_order_key(user_id: str) -> tuple:
        return ("o", user_id)

    def forget_verified_order(self, user_id: str) -> None:
        self._forget(self.verified_order_key(user_id))


_MISSING = object()  # a remembered "there is none"

