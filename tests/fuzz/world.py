"""A running server for the fuzz and authorization suites: the app from its factory on a real port, in a
thread with its own event loop, so that Hypothesis's (synchronous) tests can drive it example by example
(World.run runs a coroutine on the server's loop and waits for it).

The world holds a community with something in every kind of resource (a public group and a private one,
messages, a thread, a report case, a sanction and its appeal, support cases) and personas around it:
the owner of both groups, a moderator of the public group (who fuzzes), a member (the one reported and
sanctioned, and a support customer), platform staff (an agent, a platform moderator, an admin) and
people for the authorization matrix (an outsider, a member and a moderator of another group, a revoked
token). `ids` gives real ids by the path parameter they fill."""
from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import socketio
from aiohttp import web

from server.transport.keys import SERVICES

from ..conftest import app_for, make_config

PASSWORD = "password-123"


@dataclass
class Who:
    name: str
    token: str
    id: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    url: str
    http: aiohttp.ClientSession
    svc: object
    people: dict[str, Who] = field(default_factory=dict)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # path parameter -> {label: id}
    sockets: dict[str, socketio.AsyncClient] = field(default_factory=dict)
    errors: list[logging.LogRecord] = field(default_factory=list)  # what the server logged as an error

    def run(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def call(self, who: Who | None, method: str, path: str, body=None, *, raw: bytes | None = None,
                   params=None):
        headers = dict(who.headers) if who else {}
        if raw is not None:
            headers["Content-Type"] = "application/json"
        async with self.http.request(method, self.url + path, json=body if raw is None else None, data=raw,
                                     params=params, headers=headers) as resp:
            text = await resp.text(errors="replace")
            try:
                answer = json.loads(text)
            except ValueError:
                answer = text
            return resp.status, answer

    async def expect(self, who, method, path, body=None):
        status, answer = await self.call(who, method, path, body)
        assert status == 200, (method, path, status, answer)
        return answer

    async def socket(self, who: Who) -> socketio.AsyncClient:
        if who.name in self.sockets and self.sockets[who.name].connected:
            return self.sockets[who.name]
        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(self.url, auth={"token": who.token}, transports=["websocket"], wait_timeout=10)
        self.sockets[who.name] = sio
        return sio


def start(**overrides) -> tuple[World, callable]:
    """Starts a world; returns it and the function that stops it."""
    tmp = Path(tempfile.mkdtemp(prefix="shopchat-fuzz-"))
    config = make_config(tmp, login_free_failures=10**6, login_account_ceiling=10**6, login_max_per_address=10**6,
                         reports_per_hour=10**6, **overrides)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict = {}

    def serve():
        asyncio.set_event_loop(loop)

        async def up():
            app = app_for(config)
            runner = web.AppRunner(app, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]
            box["runner"] = runner
            box["world"] = World(loop, f"http://127.0.0.1:{port}", aiohttp.ClientSession(), app[SERVICES])
        try:
            loop.run_until_complete(up())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            box["error"] = exc
        ready.set()
        if "error" not in box:
            loop.run_forever()

    thread = threading.Thread(target=serve, name="fuzz-server", daemon=True)
    thread.start()
    ready.wait(60)
    if "error" in box:
        raise box["error"]
    world: World = box["world"]
    catcher = _Errors(world.errors)
    logging.getLogger().addHandler(catcher)
    world.run(populate(world), timeout=120)

    def stop():
        async def down():
            for sio in world.sockets.values():
                if sio.connected:
                    await sio.disconnect()
            await world.http.close()
            await box["runner"].cleanup()
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)
        logging.getLogger().removeHandler(catcher)
        world.run(down(), timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
    return world, stop


class _Errors(logging.Handler):
    """Keeps the server's error records: a failure after the answer (a deferred task) shows only there."""

    def __init__(self, into: list):
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


async def register(world: World, name: str, role: str | None = None, username: str | None = None) -> Who:
    """Members sign up as anyone does; staff are made as the platform makes them (their names, such as
    admin, are kept for staff, and nobody signs up as one)."""
    username = username or name
    status, answer = (None, {}) if role else await world.call(
        None, "POST", "/api/auth/register", {"username": username, "password": PASSWORD})
    if role or status == 429:  # or a registration limit per address: made as the action makes them
        from server.actions.auth import do_register
        token, user = await do_register(world.svc, username=username, password=PASSWORD, role=role or "member")
        answer = {"token": token, "user": {"id": user.id}}
    assert "token" in answer, (status, answer)
    who = Who(name, answer["token"], answer["user"]["id"])
    world.people[name] = who
    return who


async def populate(w: World) -> None:
    owner = await register(w, "owner")
    mod = await register(w, "mod", username="group_mod")  # moderator of the public group: the fuzzer
    member = await register(w, "member")                # member of both groups; reported, sanctioned
    await register(w, "agent", role="agent")
    await register(w, "platform_mod", role="moderator")
    await register(w, "admin", role="admin")
    await register(w, "outsider")                       # in no group at all
    other_member = await register(w, "other_member")    # member of another group
    other_mod = await register(w, "other_mod")          # moderator of another group
    revoked = await register(w, "revoked")
    await w.expect(revoked, "POST", "/api/auth/logout")

    public = (await w.expect(owner, "POST", "/api/groups", {"name": "公开群", "visibility": "public"}))["group"]
    private = (await w.expect(owner, "POST", "/api/groups", {"name": "私密群", "visibility": "private"}))["group"]
    other_owner = await register(w, "other_owner")
    other = (await w.expect(other_owner, "POST", "/api/groups", {"name": "别的群", "visibility": "public"}))["group"]
    for who in (other_member, other_mod):
        await w.expect(who, "POST", f"/api/groups/{other['id']}/join")
    await w.expect(other_owner, "PUT", f"/api/groups/{other['id']}/members/{other_mod.id}/role", {"role": "moderator"})

    await w.expect(mod, "POST", f"/api/groups/{public['id']}/join")
    await w.expect(member, "POST", f"/api/groups/{public['id']}/join")
    await w.expect(owner, "PUT", f"/api/groups/{public['id']}/members/{mod.id}/role", {"role": "moderator"})
    invite = (await w.expect(owner, "POST", f"/api/groups/{private['id']}/invites", {}))["invite"]
    await w.expect(member, "POST", f"/api/invites/{invite['code']}/accept")

    async def say(who, conversation_id, text):
        sent = await w.expect(who, "POST", f"/api/conversations/{conversation_id}/messages", {"text": text})
        return sent["message"]
    public_messages = [await say(p, public["conversation_id"], f"大家好 {i}") for i, p in
                       enumerate((owner, member, mod, member))]
    owner_private_message = await say(owner, private["conversation_id"], "私密群里的话")
    private_message = await say(member, private["conversation_id"], "私密的回复")
    searchable = await say(owner, private["conversation_id"], "蓝莓蛋糕")  # never reported: search finds it
    thread = (await w.expect(owner, "POST", f"/api/groups/{private['id']}/threads",
                             {"title": "私密帖子", "text": "帖子正文"}))
    thread = thread.get("thread", thread)
    public_thread = (await w.expect(owner, "POST", f"/api/groups/{public['id']}/threads",
                                    {"title": "公开帖子", "text": "正文"}))
    public_thread = public_thread.get("thread", public_thread)
    report = (await w.expect(owner, "POST", f"/api/messages/{private_message['id']}/report",
                             {"category": "spam", "note": "test"}))["report"]
    await w.expect(owner, "POST", f"/api/messages/{public_messages[1]['id']}/report", {"category": "spam"})
    await w.expect(member, "POST", f"/api/messages/{owner_private_message['id']}/report", {"category": "abuse"})
    sanction = (await w.expect(owner, "POST", f"/api/moderation/users/{member.id}/actions",
                               {"action": "warn", "group_id": private["id"], "reason": "test"}))["sanction"]
    appeal = (await w.expect(member, "POST", f"/api/me/sanctions/{sanction['id']}/appeal", {"text": "不服"}))["appeal"]
    support = await w.expect(member, "POST", "/api/support")
    support_conversation = (support.get("case") or support.get("conversation") or support)
    support_id = support_conversation.get("conversation_id") or support_conversation.get("id")
    private_conv = (await w.expect(member, "POST", "/api/conversations/private", {"user_id": owner.id}))
    private_conv = private_conv.get("conversation", private_conv)

    from server.domain.shop import Order
    await w.svc.storage.orders.put(Order(id="SC9001", customer_id=member.id, status="delivered", items=[],
                                         total="99", created_at=w.svc.clock.now()))

    w.ids.update({
        "group_id": {"private": private["id"], "public": public["id"], "other": other["id"]},
        "conversation_id": {"private": private["conversation_id"], "public": public["conversation_id"],
                            "support": support_id, "direct": private_conv["id"],
                            "other": other["conversation_id"]},
        "message_id": {"private": private_message["id"], "searchable": searchable["id"],
                       **{f"public{i}": m["id"] for i, m in enumerate(public_messages)}},
        "thread_id": {"private": thread["id"], "public": public_thread["id"]},
        "case_id": {"private": report["case_id"]},
        "sanction_id": {"private": sanction["id"]},
        "appeal_id": {"private": appeal["id"]},
        "user_id": {"member": member.id, "mod": mod.id},
        "code": {"private": invite["code"]},
        "order": {"member": "SC9001"},
    })
    w.ids["_groups"] = {"public": public, "private": private, "other": other}
