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

# how long a signed customer identity is good for: one message's turn, actions included, with room to spare
IDENTITY_SECONDS = 600

OFF, STARTING, UP, DOWN = "off", "starting", "up", "down"


class BotUnavailable(Exception):
    """Rasa could not be reached, failed, or did not answer in time."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "offline" | "timeout" | "error"


def sign_customer(secret: str, customer_id: str, conversation_id: str, expires: int) -> str:
    """What the action server hands back to prove which customer a question came from. The conversation
    and an expiry are signed with it: a copy read out of a transcript is worth nothing in another
    conversation, and nothing at all once it has expired (each message is signed afresh)."""
    return hmac.new(secret.encode(), f"{customer_id}:{conversation_id}:{int(expires)}".encode(),
                    hashlib.sha256).hexdigest()


def escape_text(text: str) -> str:
    """Typed text as Rasa should read it: as words. Rasa 3.6 parses a message starting with "/" as an
    intent (RegexInterpreter: `/restart`, `/track_order{"order_id": ...}`), so a customer could skip the
    NLU and fill slots at will; a zero-width space in front keeps the text and stops the shortcut."""
    return "\u200b" + text if text.lstrip().startswith("/") else text


class BotClient:
    def __init__(self, *, enabled: bool, url: str, timeout: float, probe_seconds: float = 10.0, token: str = "",
                 workers: tuple[str, ...] = ()):
        self.enabled = enabled
        self.url = url.rstrip("/")
        # several Rasa processes sharing one tracker store: each conversation always goes to the same one,
        # so two messages of one conversation never race in two processes (each has its own lock store)
        self.urls = tuple(u.rstrip("/") for u in workers) or (self.url,)
        self.token = token  # Rasa's --auth-token: without it, Rasa's HTTP API answers 401
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
            ok = True
            for url in self.urls:
                async with self._session.get(url + "/", timeout=aiohttp.ClientTimeout(total=3)) as resp:
                    ok = ok and resp.status == 200
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

    def worker_for(self, sender: str) -> str:
        """The Rasa process that owns this conversation: a stable hash, the same on every platform process."""
        digest = hashlib.sha256(sender.encode()).digest()
        return self.urls[int.from_bytes(digest[:4], "big") % len(self.urls)]

    async def ask(self, *, sender: str, text: str, metadata: dict) -> list[dict]:
        """The assistant's replies to one customer message (Rasa REST channel format)."""
        if self._session is None:
            raise BotUnavailable("offline")
        params = {"token": self.token} if self.token else None
        try:
            async with self._session.post(self.worker_for(sender) + "/webhooks/rest/webhook", params=params,
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
