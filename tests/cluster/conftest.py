"""Several real server processes sharing one SQLite file and a real redis-server they start here.

No mock stands in for Redis: without redis-server these tests skip, and under `make test`
(SHOPCHAT_REDIS_E2E=1) they fail instead, since make installs it."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import aiohttp
import pytest

from tests.conftest import LiveClient

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
REQUIRED = os.environ.get("SHOPCHAT_REDIS_E2E") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(check, what: str, timeout: float = 30.0, proc=None, log_path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = open(log_path, encoding="utf-8", errors="replace").read()[-3000:] if log_path else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{tail}")
        try:
            if check():
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up in {timeout}s")


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=2) as r:
        return json.load(r)


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir(exist_ok=True)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        _wait_until(answers, "redis-server", 10, self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


@dataclass
class Node:
    """One server process."""
    name: str
    port: int
    proc: subprocess.Popen
    log_path: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Cluster:
    """Server processes, started once per module where the tests don't break them; each test gets
    its own HTTP session and sockets (open_session / close_session) and its own usernames."""

    def __init__(self, tmp_path, redis: RedisServer, env: dict):
        self.tmp_path, self.redis, self.extra = tmp_path, redis, env
        self.nodes: list[Node] = []
        self.http: aiohttp.ClientSession | None = None
        self.sockets: list[LiveClient] = []
        self.names = 0

    def start_node(self, settings: dict | None = None) -> Node:
        """One more process; `settings`: environment variables for this one only, over the cluster's."""
        port = free_port()
        name = f"node{len(self.nodes) + 1}"
        log_path = str(self.tmp_path / f"{name}.log")
        env = {**os.environ, "PYTHONPATH": ROOT, "CHAT_PORT": str(port), "CHAT_HOST": "127.0.0.1",
               "CHAT_DATA_DIR": str(self.tmp_path / "data"), "CHAT_REDIS_URL": self.redis.url,
               "CHAT_SEED_DEMO": "0", "CHAT_BOT": "off", "CHAT_ARGON2_TIME_COST": "1",
               "CHAT_ARGON2_MEMORY_KIB": "256", "CHAT_FLOOD_MESSAGES": "0", "CHAT_REPEAT_COUNT": "0",
               "CHAT_NEW_ACCOUNT_HOURS": "0", "CHAT_REGISTER_PER_ADDRESS": "10000", "CHAT_REGISTER_PER_HOUR": "10000",
               "CHAT_TRUSTED_PROXIES": "127.0.0.1",
               **self.extra, **(settings or {})}
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT)
        node = Node(name, port, proc, log_path)

        _wait_until(lambda: _get_json(node.url + "/api/health").get("redis") == "up", name, 60, proc, log_path)
        self.nodes.append(node)
        return node

    async def call(self, node: Node, method: str, path: str, token: str | None = None, json=None,
                   status: int = 200, address: str | None = None) -> dict:
        """address: the client's, as the trusted front (127.0.0.1) forwards it."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if address:
            headers["X-Forwarded-For"] = address
        async with self.http.request(method, node.url + path, json=json, headers=headers) as r:
            body = await r.json()
            assert r.status == status, (node.name, method, path, r.status, body)
            return body

    async def register(self, node: Node, username: str) -> dict:
        self.names += 1
        username = f"{username}{self.names}"
        body = await self.call(node, "POST", "/api/auth/register",
                               json={"username": username, "password": "a-long-password-9"})
        return {"token": body["token"], "id": body["user"]["id"], "username": username}

    async def live(self, node: Node, person: dict) -> LiveClient:
        lc = LiveClient()
        await lc.connect(node.url, person["token"])
        self.sockets.append(lc)
        return lc

    def open_session(self) -> None:
        self.http = aiohttp.ClientSession()
        self.sockets = []

    async def close_session(self) -> None:
        for s in self.sockets:
            try:
                await asyncio.wait_for(s.disconnect(), 5)
            except Exception:  # noqa: BLE001 - its process may be gone already
                pass
        await self.http.close()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


async def eventually(check, timeout: float = 1.0, what: str = "the condition"):
    """Polls check() (sync or async) until it is truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout}s (last: {last!r})")
        await asyncio.sleep(0.05)


def _redis(tmp_path) -> RedisServer:
    if not os.path.exists(REDIS):
        if REQUIRED:
            pytest.fail("redis-server is missing (apt-get install redis-server; make test installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    return server


def _cluster(tmp_path, redis: RedisServer, n: int, env: dict, first: dict | None = None) -> Cluster:
    """n processes sharing `env`; `first`: settings for the first process alone (say, seeding the demo)."""
    cluster = Cluster(tmp_path, redis, env)
    try:
        for i in range(n):  # one after the other: the first creates the database
            cluster.start_node(first if i == 0 else None)
    except BaseException:
        cluster.stop()
        redis.stop()
        raise
    return cluster


@pytest.fixture(scope="module")
def shared_two(tmp_path_factory):
    """Two server processes on one SQLite file and one Redis, for the tests that don't break them."""
    tmp = tmp_path_factory.mktemp("two")
    redis = _redis(tmp)
    cluster = _cluster(tmp, redis, 2, {})
    yield cluster
    cluster.stop()
    redis.stop()


@pytest.fixture
async def two(shared_two):
    shared_two.open_session()
    yield shared_two
    await shared_two.close_session()


def own_cluster(env: dict | None = None, n: int = 2, first: dict | None = None):
    """A fixture with processes of its own (for a test that kills Redis or a process, or drives browsers)."""
    @pytest.fixture
    async def fixture(tmp_path):
        redis = _redis(tmp_path)
        cluster = _cluster(tmp_path, redis, n, env or {}, first)
        cluster.open_session()
        yield cluster
        await cluster.close_session()
        cluster.stop()
        redis.stop()
    return fixture


fresh_two = own_cluster()
two_limited = own_cluster({"CHAT_FLOOD_MESSAGES": "5", "CHAT_FLOOD_SECONDS": "60"})  # 5 a minute per person
two_few_sign_ups = own_cluster({"CHAT_REGISTER_PER_ADDRESS": "2"})
