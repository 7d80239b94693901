"""The platform's side of the Rasa assistant: its REST channel and whether it is up.

The support desk asks `available` before routing a message, so a dead or still-loading
assistant sends customers straight to a human instead of making them wait; a probe
keeps the state fresh and /api/health reports it."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging

import aiohttp

log = logging.getLogger(__name__)

OFF, STARTING, UP, DOWN = "off", "starting", "up", "down"


class BotUnavailable(Exception):
    """Rasa could not be reached, failed, or did not answer in time."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "offline" | "timeout" | "error"


def sign_customer(secret: str, customer_id: str, conversation_id: str) -> str:
    """What the action server hands back to prove which customer a question came from."""
    return hmac.new(secret.encode(), f"{customer_id}:{conversation_id}".encode(), hashlib.sha256).hexdigest()


class BotClient:
    def __init__(self, *, enabled: bool, url: str, timeout: float, probe_seconds: float = 10.0):
        self.enabled = enabled
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.probe_seconds = probe_seconds
        self.state = STARTING if enabled else OFF
        self._session: aiohttp.ClientSession | None = None
        self._probe: asyncio.Task | None = None

    @property
    def available(self) -> bool:
        return self.state == UP

    async def start(self) -> None:
        if not self.enabled:
            return
        self._session = aiohttp.ClientSession()
        await self.probe()
        self._probe = asyncio.create_task(self._probe_forever(), name="bot-probe")

    async def close(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def probe(self) -> str:
        """Asks Rasa's root endpoint whether it is serving; updates and returns the state."""
        try:
            async with self._session.get(self.url + "/", timeout=aiohttp.ClientTimeout(total=3)) as resp:
                ok = resp.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            ok = False
        self._set(UP if ok else (STARTING if self.state == STARTING else DOWN))
        return self.state

    async def _probe_forever(self) -> None:
        while True:
            await asyncio.sleep(self.probe_seconds)
            await self.probe()

    def _set(self, state: str) -> None:
        if state != self.state:
            log.info("assistant: %s -> %s", self.state, state)
            self.state = state

    async def ask(self, *, sender: str, text: str, metadata: dict) -> list[dict]:
        """The assistant's replies to one customer message (Rasa REST channel format)."""
        if self._session is None:
            raise BotUnavailable("offline")
        try:
            async with self._session.post(self.url + "/webhooks/rest/webhook",
                                          json={"sender": sender, "message": text, "metadata": metadata},
                                          timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                if resp.status != 200:
                    log.warning("assistant answered HTTP %s", resp.status)
                    raise BotUnavailable("error")
                replies = await resp.json(content_type=None)
        except asyncio.TimeoutError:
            raise BotUnavailable("timeout") from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            self._set(DOWN)
            raise BotUnavailable("offline") from exc
        self._set(UP)
        return [r for r in replies if isinstance(r, dict)] if isinstance(replies, list) else []
