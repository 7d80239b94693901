"""A stand-in for the Rasa server (its REST channel and root endpoint) and desk helpers."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from aiohttp import web

IN_HOURS = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)       # 12:00 in Shanghai, a Monday
AFTER_HOURS = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)   # 23:00 in Shanghai


class StandInRasa:
    """Answers like Rasa's REST channel; `script(text)` decides the replies, `delay` slows it down,
    `status` makes it fail. Every request is kept in `asked`."""

    def __init__(self):
        self.asked: list[dict] = []
        self.delay = 0.0
        self.status = 200
        self.script = lambda text: [{"text": f"收到：{text}"}]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.root)
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        return app

    async def root(self, request):
        return web.Response(text="Hello from Rasa: stand-in")

    async def webhook(self, request):
        body = await request.json()
        self.asked.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        replies = self.script(body["message"])
        return web.json_response([{"recipient_id": body["sender"], **r} for r in replies])


async def serve(aiohttp_server, stand_in: StandInRasa) -> StandInRasa:
    """The stand-in served on a free port, its address in `url` (what the platform's config points at)."""
    server = await aiohttp_server(stand_in.app())
    stand_in.url = str(server.make_url("")).rstrip("/")
    return stand_in


async def wait_until(check, timeout: float = 5.0):
    """Polls an async check until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
