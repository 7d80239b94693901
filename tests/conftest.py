"""Shared fixtures: backends, the app from its factory, personas and Socket.IO clients."""
from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass, field

import pytest
import socketio

from server.app import create_app
from server.clock import FakeClock
from server.config import Config
from server.storage.mongo import open_mongo
from server.storage.sqlite import open_sqlite

MONGODB_URI = os.environ.get("MONGODB_URI", "")
# tests/bot runs in the assistant's Python 3.10 environment (make bot-test), not here
collect_ignore = ["bot"]
BACKENDS = ["sqlite", "mongodb"]


def pytest_report_header(config):
    if MONGODB_URI:
        return "MongoDB contract tests: against the real server at MONGODB_URI"
    return ("MongoDB contract tests: against mongomock-motor (checks the query and update documents, "
            "not a MongoDB server); set MONGODB_URI to run them against a real server")


async def open_backend(name: str, tmp_path):
    if name == "sqlite":
        return await open_sqlite(str(tmp_path / "db"))
    db_name = f"test_{uuid.uuid4().hex[:12]}"
    if MONGODB_URI:
        from motor.motor_asyncio import AsyncIOMotorClient
        client = AsyncIOMotorClient(MONGODB_URI, w="majority", journal=True)
        storage = await open_mongo(MONGODB_URI, client=client, db_name=db_name, close_client=False)
        inner_close = storage.close

        async def close():
            await client.drop_database(db_name)
            client.close()
        storage.close = close
        del inner_close
        return storage
    from mongomock_motor import AsyncMongoMockClient
    return await open_mongo("", client=AsyncMongoMockClient(), db_name=db_name)


@pytest.fixture(params=BACKENDS)
async def storage(request, tmp_path):
    st = await open_backend(request.param, tmp_path)
    yield st
    await st.aclose()


def make_config(tmp_path, **overrides) -> Config:
    # the spam limits and new-member limits are off here (tests post fast, from accounts made a moment
    # ago); tests/server/test_community_rules.py switches them on
    settings = dict(data_dir=str(tmp_path / "data"), seed_demo=False, argon2_time_cost=1, argon2_memory_kib=256,
                    bot=False, flood_messages=0, repeat_count=0, new_account_hours=0,
                    register_per_address=10_000, register_per_hour=10_000)  # test_auth.py tries the real ones
    return Config(**{**settings, **overrides})


def app_for(config: Config, **kw):
    """The app as `python -m server` makes it: with the demo community (scripts/demo.py) when
    config.seed_demo is on."""
    from scripts.demo import seed_if_empty
    return create_app(config, on_start=[seed_if_empty] if config.seed_demo else [], **kw)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path)


@pytest.fixture
async def client(aiohttp_client, config):
    app = create_app(config)
    return await aiohttp_client(app)


@pytest.fixture
def svc(client):
    from server.transport.keys import SERVICES
    return client.server.app[SERVICES]


@pytest.fixture
def published(svc):
    """Every event the actions publish, in order: (name, data, rooms)."""
    seen = []
    svc.publisher.listeners.append(lambda e: seen.append(e))
    return seen


@dataclass
class Persona:
    token: str
    user: dict
    http: object
    sockets: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.user["id"]

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    async def call(self, method: str, path: str, json=None, status: int = 200, **kw):
        resp = await self.http.request(method, path, json=json, headers=self.headers, **kw)
        body = await resp.json()
        assert resp.status == status, (resp.status, body)
        return body

    async def get(self, path, **kw):
        return await self.call("GET", path, **kw)

    async def post(self, path, json=None, **kw):
        return await self.call("POST", path, json=json, **kw)


class LiveClient:
    """A real python-socketio client that records what it receives."""

    def __init__(self):
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: list[tuple[str, object]] = []
        self._changed = asyncio.Event()

        @self.sio.on("*")
        async def any_event(event, data=None):
            self.received.append((event, data))
            self._changed.set()

    async def connect(self, url: str, token: str | None):
        await self.sio.connect(url, auth={"token": token} if token is not None else None,
                               transports=["websocket"], wait_timeout=5)

    async def emit(self, event: str, data=None):
        return await self.sio.call(event, data, timeout=5)

    def of(self, event: str) -> list:
        return [d for e, d in self.received if e == event]

    async def wait_for(self, event: str, predicate=lambda d: True, timeout: float = 5.0):
        async def wait():
            while True:
                for e, d in self.received:
                    if e == event and predicate(d):
                        return d
                self._changed.clear()
                await self._changed.wait()
        return await asyncio.wait_for(wait(), timeout)

    async def disconnect(self):
        if self.sio.connected:
            await self.sio.disconnect()


@pytest.fixture
async def people(client):
    """Registers personas on demand: await people("xiaomei"). Their sockets close at the end."""
    made: list[Persona] = []

    async def make(username: str, role: str | None = None) -> Persona:
        if role:  # staff are made by the shop, not signed up: no sign-up checks (names like admin or kefu)
            from server import wire
            from server.actions.auth import do_register
            from server.transport.keys import SERVICES
            token, user = await do_register(client.server.app[SERVICES], username=username, password="password-123",
                                            role=role)
            body = {"token": token, "user": wire.user(user)}
        else:
            resp = await client.post("/api/auth/register", json={"username": username, "password": "password-123"})
            body = await resp.json()
            assert resp.status == 200, body
        persona = Persona(body["token"], body["user"], client)
        made.append(persona)
        return persona

    yield make
    for p in made:
        for s in p.sockets:
            await s.disconnect()


@pytest.fixture
def live(client):
    """Opens a Socket.IO connection for a persona: await live(persona)."""
    url = str(client.make_url("/"))

    async def open_for(persona: Persona) -> LiveClient:
        lc = LiveClient()
        await lc.connect(url, persona.token)
        persona.sockets.append(lc)
        return lc
    return open_for


async def make_group(owner: Persona, name: str = "好物分享群", visibility: str = "public") -> dict:
    body = await owner.post("/api/groups", {"name": name, "description": "测试", "visibility": visibility})
    return body["group"]


@pytest.fixture
async def shop_group(people):
    """An owner and two shoppers (xiaomei, aqiang) who have joined the owner's public group."""
    owner, xiaomei, aqiang = await people("owner"), await people("xiaomei"), await people("aqiang")
    group = await make_group(owner)
    for p in (xiaomei, aqiang):
        await p.post(f"/api/groups/{group['id']}/join")
    return group, owner, xiaomei, aqiang
