"""Checks on how someone posts rather than what: flood, the same text repeated, mention spam
and slow mode. State is kept in memory (no I/O); the caller passes the time, so the checks
are tested without sleeping. Behaviour keeps the history in memory (one process);
server.shared.behaviour keeps it in Redis for several processes and asks `judge` the same."""
from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass

from . import Verdict
from .normalize import fold

MIN_REPEAT_CHARS = 4    # "好的" or "+1" said three times is conversation, not spam
MAX_USERS = 200_000     # beyond this, idle users' history is dropped


@dataclass(frozen=True, slots=True)
class Limits:
    flood_messages: int = 10      # at most this many messages ...
    flood_seconds: float = 10.0   # ... per user in this window (0 messages: off)
    repeat_count: int = 3         # the same text this many times ...
    repeat_seconds: float = 60.0  # ... within this window is blocked (0: off)
    max_mentions: int = 5         # more distinct @mentions than this in one message (0: off)


def _blocked(rule: str, retry_after: float = 0.0) -> Verdict:
    return Verdict(action="block", categories=("spam",), rule=rule, retry_after=round(max(retry_after, 0.0), 1))


class Behaviour:
    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self._posts: dict[str, deque] = {}           # user -> (time, text digest), newest last
        self._last_in_group: dict[tuple[str, str], float] = {}

    def check(self, *, user_id: str, text: str, now: float, mentions: int = 0, group_id: str | None = None,
              slow_mode_seconds: int = 0, repeats: bool = True) -> Verdict | None:
        """A blocking verdict, or None when the message may go on. Doesn't count the message:
        call `record` once it is stored. repeats=False: saying the same thing again is fine here
        (a customer asking support twice is impatient, not spamming)."""
        last = self._last_in_group.get((group_id, user_id)) if group_id is not None else None
        return judge(self.limits, posts=self._live(user_id, now) or (), last_in_group=last, text=text, now=now,
                     mentions=mentions, slow_mode_seconds=slow_mode_seconds if group_id is not None else 0,
                     repeats=repeats)

    def record(self, *, user_id: str, text: str, now: float, group_id: str | None = None) -> None:
        if len(self._posts) > MAX_USERS:
            self._forget_idle(now)
        posts = self._posts.setdefault(user_id, deque(maxlen=history_length(self.limits)))
        posts.append((now, digest(text)))
        if group_id is not None:
            self._last_in_group[(group_id, user_id)] = now

    def _live(self, user_id: str, now: float) -> deque | None:
        posts = self._posts.get(user_id)
        horizon = now - max(self.limits.flood_seconds, self.limits.repeat_seconds)
        while posts and posts[0][0] <= horizon:
            posts.popleft()
        return posts

    def _forget_idle(self, now: float) -> None:
        horizon = now - max(self.limits.flood_seconds, self.limits.repeat_seconds)
        self._posts = {u: p for u, p in self._posts.items() if p and p[-1][0] > horizon}
        self._last_in_group = {k: t for k, t in self._last_in_group.items() if t > now - 3600}


def judge(limits: Limits, *, posts, last_in_group: float | None, text: str, now: float, mentions: int = 0,
          slow_mode_seconds: int = 0, repeats: bool = True) -> Verdict | None:
    """The checks themselves, on someone's recent posts ((time, digest), oldest first) and the
    time of their last message in this group: whoever keeps that history (this process's
    memory, or Redis for several processes) asks the same question."""
    if limits.max_mentions and mentions > limits.max_mentions:
        return _blocked("spam:mentions")
    if slow_mode_seconds > 0 and last_in_group is not None and now - last_in_group < slow_mode_seconds:
        return _blocked("spam:slow_mode", last_in_group + slow_mode_seconds - now)
    if limits.flood_messages and posts:
        recent = [t for t, _ in posts if t > now - limits.flood_seconds]
        if len(recent) >= limits.flood_messages:
            return _blocked("spam:flood", recent[-limits.flood_messages] + limits.flood_seconds - now)
    if limits.repeat_count and repeats and posts:
        said = digest(text)
        if said is not None:
            same = [t for t, d in posts if d == said and t > now - limits.repeat_seconds]
            if len(same) + 1 >= limits.repeat_count:
                return _blocked("spam:repeat", same[-(limits.repeat_count - 1)] + limits.repeat_seconds - now)
    return None


def history_length(limits: Limits) -> int:
    """How many recent posts per person the checks need to see."""
    return max(limits.flood_messages, limits.repeat_count * 4, 1)


def digest(text: str) -> bytes | None:
    """Repeats are compared after folding, so adding spaces or switching to full-width doesn't
    make a text new."""
    folded = fold(text)[0]
    if len(folded) < MIN_REPEAT_CHARS:
        return None
    return hashlib.blake2b(folded.encode("utf-8", "surrogatepass"), digest_size=12).digest()
