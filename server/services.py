"""What every action gets: storage, clock, publisher and the hooks, built once by create_app."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable

from moderation import ModerationHook
from moderation.behaviour import Limits

from .clock import Clock
from .config import Config
from .domain.users import User
from .events.bus import EventBus
from .integrations.rasa import BotClient
from .passwords import Passwords
from .policy.hours import BusinessHours
from .realtime.presence import Presence
from .realtime.publisher import Publisher
from .realtime.sessions import LiveSessions
from .shared.behaviour import LocalBehaviour
from .shared.cache import AccessCache
from .shared.counters import RateLimiter
from .shared.locks import KeyedLocks

if TYPE_CHECKING:
    from .policy.rules_book import RulesBook
    from .shared.redis import RedisHub
from .storage.base import Storage

log = logging.getLogger(__name__)


class BackgroundTasks:
    """Tasks the app owns: kept referenced, logged when they fail, cancelled on shutdown."""

    def __init__(self):
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, coro: Awaitable, name: str = "") -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    async def join(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass
class Services:
    config: Config
    clock: Clock
    storage: Storage
    publisher: Publisher
    passwords: Passwords
    moderation: ModerationHook
    presence: Presence
    secret: str
    live: LiveSessions
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    access_cache: AccessCache = field(default_factory=AccessCache)
    bus: EventBus = None  # made from `tasks` (deferred subscribers run as its background tasks)
    login_by_pair: RateLimiter | None = None      # failures per (account, address): the backoff
    login_by_account: RateLimiter | None = None   # failures per account from everywhere: the ceiling
    login_by_address: RateLimiter | None = None   # failures per address over all accounts
    login_known: RateLimiter | None = None        # (account, address) pairs that logged in lately
    register_by_address: RateLimiter | None = None
    register_overall: RateLimiter | None = None
    bot: BotClient | None = None
    bot_user: User | None = None
    hours: BusinessHours | None = None
    bot_secret: str = ""
    support_locks: KeyedLocks = field(default_factory=KeyedLocks)
    # moderation: how people post, each scope's rules, report limits, one case changed at a time
    behaviour: LocalBehaviour = field(default_factory=lambda: LocalBehaviour(Limits()))
    rules: "RulesBook" = None
    report_limiter: RateLimiter | None = None
    upload_limiter: RateLimiter | None = None
    case_locks: KeyedLocks = field(default_factory=KeyedLocks)
    hub: "RedisHub | None" = None  # several processes (CHAT_REDIS_URL): what they tell each other
    screen_checks: list = field(default_factory=list)  # the moderate step's chain (actions.moderation.screen)
    pictures: "PictureChecker | None" = None  # reads pictures for moderation (None: pictures aren't checked)

    def __post_init__(self):
        if self.bus is None:
            self.bus = EventBus(self.tasks.spawn)
