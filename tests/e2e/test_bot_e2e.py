"""End to end with the real assistant: the platform, the real Rasa server and the real
action server (which calls the platform's internal API back). Slow: Rasa takes about a
minute to load. `make bot-e2e` runs only this; `make test` runs it too."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import socket

import aiohttp
import pytest

from scripts.demo import DEMO_PASSWORD
from server.transport.keys import SERVICES
from tests.conftest import app_for, make_config
from tests.server.support_helpers import wait_until

pytestmark = pytest.mark.skipif(not os.environ.get("SHOPCHAT_BOT_E2E"),
                                reason="needs the assistant's environment: make bot-e2e (make test runs it)")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_manage():
    spec = importlib.util.spec_from_file_location("bot_manage", os.path.join(ROOT, "bot", "manage.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_for_http(url: str, timeout: float, children) -> None:
    async with aiohttp.ClientSession() as session:
        async def up():
            dead = [c.name for c in children if c.process is not None and c.process.poll() is not None]
            assert not dead, f"{dead} exited early"
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    return resp.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                return False
        await wait_until(up, timeout=timeout)


class Assistant:
    """The real action server and Rasa server(s) for one test, as `make run` starts them (token, tracker
    store in the test's data dir), each child restartable on its own."""

    def __init__(self, manage, config, platform_url: str, log_dir, rasa_port: int, actions_port: int):
        self.manage = manage
        self.bin_dir = manage.ensure_env()
        self.model = manage.ensure_model(self.bin_dir)
        self.rasa_port, self.actions_port = rasa_port, actions_port
        self.children = manage.children(self.bin_dir, self.model, platform_url=platform_url,
                                        secret=config.bot_secret, token=config.rasa_token,
                                        ports=[self.rasa_port], actions_port=self.actions_port,
                                        store_env=manage.stores(config), log_dir=str(log_dir))
        self.log_dir = log_dir

    @property
    def processes(self):
        return [c.process for c in self.children if c.process is not None]

    def child(self, name):
        return next(c for c in self.children if c.name == name)

    async def start(self, token: str) -> None:
        for child in self.children:
            child.start()
        await self.wait_up(token)

    async def wait_up(self, token: str) -> None:
        await wait_for_http(f"http://127.0.0.1:{self.actions_port}/health", timeout=180, children=self.children)
        await wait_for_http(f"http://127.0.0.1:{self.rasa_port}/status?token={token}", timeout=300,
                            children=self.children)

    def stop(self) -> None:
        self.manage.stop(self.processes)

    def dump_logs(self) -> None:
        for child in self.children:
            path = child.log_path
            if path and os.path.exists(path):
                with open(path) as f:
                    print(f"--- {os.path.basename(path)} (last 3000 characters) ---\n{f.read()[-3000:]}")


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port listens on (Linux /proc/net/tcp and tcp6), as hex as the kernel
    writes them: 0100007F is 127.0.0.1, 00000000 is every address."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


class Customer:
    """A demo customer talking in their support conversation, through the platform's HTTP API."""

    def __init__(self, http, svc):
        self.http, self.svc = http, svc
        self.headers = None
        self.conv_id = None

    async def login(self, username):
        async with self.http.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD}) as r:
            return {"Authorization": f"Bearer {(await r.json())['token']}"}

    async def call(self, method, path, headers=None, json=None):
        async with self.http.request(method, path, headers=headers or self.headers, json=json) as r:
            body = await r.json()
            assert r.status == 200, body
            return body

    async def open_support(self, username="xiaomei"):
        self.headers = await self.login(username)
        self.conv_id = (await self.call("POST", "/api/support"))["conversation"]["id"]
        return self.conv_id

    async def bot_said(self, fragment):
        history = await self.call("GET", f"/api/conversations/{self.conv_id}/messages?limit=100")
        return any(fragment in m["text"] and m["author_id"] == self.svc.bot_user.id for m in history["messages"])

    async def ask(self, text, expected):
        await self.call("POST", f"/api/conversations/{self.conv_id}/messages", json={"text": text})
        await wait_until(lambda: self.bot_said(expected), timeout=60)


def e2e_config(tmp_path, rasa_port: int):
    return make_config(tmp_path, seed_demo=True, bot=True, bot_url=f"http://127.0.0.1:{rasa_port}",
                       bot_secret="e2e-secret", rasa_token="e2e-rasa-token",
                       bot_timeout_seconds=30, bot_probe_seconds=0.5, support_hours="00:00-24:00")


@pytest.mark.timeout(900)
async def test_a_customer_asks_the_real_assistant_then_a_human(aiohttp_server, tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    config = e2e_config(tmp_path, rasa_port)
    platform = await aiohttp_server(app_for(config))
    svc = platform.app[SERVICES]
    assistant = await asyncio.to_thread(Assistant, load_manage(), config, str(platform.make_url("")).rstrip("/"),
                                        tmp_path, rasa_port, actions_port)
    rasa = config.bot_url
    try:
        await assistant.start(config.rasa_token)
        await wait_until(lambda: asyncio.sleep(0, svc.bot.available), timeout=10)
        # the action server listens on the loopback interface only
        assert listening_addresses(assistant.actions_port) == {"0100007F"}
        async with aiohttp.ClientSession(base_url=str(platform.make_url(""))) as http:
            customer = Customer(http, svc)
            conv_id = await customer.open_support()
            await customer.ask("我的订单SC20261101001到哪了", "订单 SC20261101001：已发货")
            assert await customer.bot_said("快递员正在派送")  # the real logistics of the demo order

            # Rasa's HTTP API holds every transcript, the signed identity in it: only with the token
            async with aiohttp.ClientSession() as direct:
                for params in ({}, {"token": "not-the-token"}):
                    async with direct.get(f"{rasa}/conversations/{conv_id}/tracker", params=params) as r:
                        assert r.status == 401, (params, r.status)
                async with direct.get(f"{rasa}/conversations/{conv_id}/tracker",
                                      params={"token": config.rasa_token}) as r:
                    assert r.status == 200
                    tracker = await r.json()
                assert any(e.get("text") == "我的订单SC20261101001到哪了" for e in tracker["events"])
                async with direct.post(f"{rasa}/model/parse", json={"text": "你好"}) as r:
                    assert r.status == 401

            # a return, through the form, ends in a real after-sales request
            await customer.ask("我要退货", "请问是哪个订单")
            await customer.ask("SC20261115002", "是订单里的哪件商品")
            await customer.ask("耳机", "请简单说一下原因")
            await customer.ask("音质不喜欢", "请确认以下信息")
            await customer.ask("确认", "已为您提交退货申请")
            customer_id = (await customer.call("GET", "/api/me"))["user"]["id"]
            [request] = await svc.storage.aftersales.list(customer_id=customer_id, statuses=("pending",))
            assert (request.kind, request.order_id, request.sku, request.reason) == \
                ("return", "SC20261115002", "SC-EARBUDS-02", "音质不喜欢")

            await customer.call("POST", f"/api/conversations/{conv_id}/messages", json={"text": "转人工"})
            await wait_until(lambda: _state(svc, conv_id, "queued"), timeout=60)

            agent = await customer.login("kefu")
            queue = (await customer.call("GET", "/api/support/queue", agent))["queue"]
            assert [q["conversation_id"] for q in queue] == [conv_id]
            assert queue[0]["handoff_reason"] == "human_handoff"
            await customer.call("POST", f"/api/support/cases/{conv_id}/claim", agent)
            await customer.call("POST", f"/api/conversations/{conv_id}/messages", agent,
                                {"text": "您好，我是客服小林，包裹今天送到"})
            history = await customer.call("GET", f"/api/conversations/{conv_id}/messages?limit=100")
            assert history["messages"][-1]["text"] == "您好，我是客服小林，包裹今天送到"
            await customer.call("POST", f"/api/support/cases/{conv_id}/resolve", agent)
            await customer.call("POST", f"/api/support/cases/{conv_id}/rating", json={"score": 5, "comment": "很快"})
        case = await svc.storage.support.get(conversation_id=conv_id)
        assert case.state == "resolved" and [(r.score, r.comment) for r in case.ratings] == [(5, "很快")]
    except BaseException:
        assistant.dump_logs()
        raise
    finally:
        assistant.stop()


@pytest.mark.timeout(900)
async def test_rasa_killed_mid_form_comes_back_and_the_form_goes_on(aiohttp_server, tmp_path):
    """The tracker is in the SQL store (CHAT_DATA_DIR/rasa_tracker.db), not in Rasa's memory: a Rasa
    killed in the middle of a return form and started again carries on where the customer was."""
    rasa_port, actions_port = free_port(), free_port()
    config = e2e_config(tmp_path, rasa_port)
    platform = await aiohttp_server(app_for(config))
    svc = platform.app[SERVICES]
    assistant = await asyncio.to_thread(Assistant, load_manage(), config, str(platform.make_url("")).rstrip("/"),
                                        tmp_path, rasa_port, actions_port)
    try:
        await assistant.start(config.rasa_token)
        await wait_until(lambda: asyncio.sleep(0, svc.bot.available), timeout=10)
        async with aiohttp.ClientSession(base_url=str(platform.make_url(""))) as http:
            customer = Customer(http, svc)
            conv_id = await customer.open_support()
            await customer.ask("我要退货", "请问是哪个订单")
            await customer.ask("SC20261115002", "是订单里的哪件商品")

            rasa = assistant.child("rasa")
            rasa.process.kill()  # no chance to save anything on the way out
            await asyncio.to_thread(rasa.process.wait)
            await wait_until(lambda: asyncio.sleep(0, not svc.bot.available), timeout=10)
            rasa.start()
            await assistant.wait_up(config.rasa_token)
            await wait_until(lambda: asyncio.sleep(0, svc.bot.available), timeout=10)

            await customer.ask("耳机", "请简单说一下原因")
            await customer.ask("音质不喜欢", "请确认以下信息")
            await customer.ask("确认", "已为您提交退货申请")
            customer_id = (await customer.call("GET", "/api/me"))["user"]["id"]
            [request] = await svc.storage.aftersales.list(customer_id=customer_id, statuses=("pending",))
            assert (request.kind, request.order_id, request.sku, request.reason) == \
                ("return", "SC20261115002", "SC-EARBUDS-02", "音质不喜欢")
            # the customer was answered by the assistant throughout, never handed to a human
            case = await svc.storage.support.get(conversation_id=conv_id)
            assert case.state == "bot"
        assert os.path.exists(os.path.join(config.data_dir, "rasa_tracker.db"))
    except BaseException:
        assistant.dump_logs()
        raise
    finally:
        assistant.stop()


async def _state(svc, conv_id, state):
    case = await svc.storage.support.get(conversation_id=conv_id)
    return case is not None and case.state == state
