"""Sliding-window counters kept in memory, keyed by anything hashable."""
from __future__ import annotations

from collections import deque

from ..clock import Clock


class RateLimiter:
    def __init__(self, clock: Clock, *, limit: int, window_seconds: float):
        self.clock = clock
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[object, deque] = {}

    def _live(self, key) -> deque:
        now = self.clock.now().timestamp()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def retry_after(self, key) -> float:
        """0 when allowed; otherwise seconds until the oldest hit leaves the window."""
        hits = self._live(key)
        if len(hits) < self.limit:
            if not hits:
                self._hits.pop(key, None)
            return 0.0
        return max(0.0, hits[0] + self.window - self.clock.now().timestamp())

    def hit(self, key) -> None:
        self._live(key).append(self.clock.now().timestamp())

    def reset(self, key) -> None:
        self._hits.pop(key, None)
