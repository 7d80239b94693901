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


async def wait_for_http(url: str, timeout: float, processes) -> None:
    async with aiohttp.ClientSession() as session:
        async def up():
            dead = [p.args[2:4] for p in processes if p.poll() is not None]
            assert not dead, f"{dead} exited early"
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    return resp.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                return False
        await wait_until(up, timeout=timeout)


@pytest.mark.timeout(900)
async def test_a_customer_asks_the_real_assistant_then_a_human(aiohttp_server, tmp_path):
    manage = load_manage()
    bin_dir = await asyncio.to_thread(manage.ensure_env)
    model = await asyncio.to_thread(manage.ensure_model, bin_dir)
    rasa_port, actions_port = free_port(), free_port()
    config = make_config(tmp_path, seed_demo=True, bot=True, bot_url=f"http://127.0.0.1:{rasa_port}",
                         bot_secret="e2e-secret", bot_timeout_seconds=30, bot_probe_seconds=0.5,
                         support_hours="00:00-24:00")
    platform = await aiohttp_server(app_for(config))
    svc = platform.app[SERVICES]
    processes = manage.start(bin_dir, model, platform_url=str(platform.make_url("")).rstrip("/"),
                             secret="e2e-secret", rasa_port=rasa_port, actions_port=actions_port,
                             log_dir=str(tmp_path))
    try:
        await wait_for_http(f"http://127.0.0.1:{actions_port}/health", timeout=180, processes=processes)
        await wait_for_http(f"http://127.0.0.1:{rasa_port}/status", timeout=300, processes=processes)
        await wait_until(lambda: asyncio.sleep(0, svc.bot.available), timeout=10)
        async with aiohttp.ClientSession(base_url=str(platform.make_url(""))) as http:
            async def login(username):
                async with http.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD}) as r:
                    return {"Authorization": f"Bearer {(await r.json())['token']}"}

            async def call(method, path, headers, json=None):
                async with http.request(method, path, headers=headers, json=json) as r:
                    body = await r.json()
                    assert r.status == 200, body
                    return body

            customer = await login("xiaomei")
            conv_id = (await call("POST", "/api/support", customer))["conversation"]["id"]

            async def bot_said(fragment):
                history = await call("GET", f"/api/conversations/{conv_id}/messages?limit=100", customer)
                return any(fragment in m["text"] and m["author_id"] == svc.bot_user.id for m in history["messages"])

            async def ask(text, expected):
                await call("POST", f"/api/conversations/{conv_id}/messages", customer, {"text": text})
                await wait_until(lambda: bot_said(expected), timeout=60)

            await ask("我的订单SC20261101001到哪了", "订单 SC20261101001：已发货")
            assert await bot_said("快递员正在派送")  # the real logistics of the demo order

            # a return, through the form, ends in a real after-sales request
            await ask("我要退货", "请问是哪个订单")
            await ask("SC20261115002", "是订单里的哪件商品")
            await ask("耳机", "请简单说一下原因")
            await ask("音质不喜欢", "请确认以下信息")
            await ask("确认", "已为您提交退货申请")
            customer_id = (await call("GET", "/api/me", customer))["user"]["id"]
            [request] = await svc.storage.aftersales.list(customer_id=customer_id, statuses=("pending",))
            assert (request.kind, request.order_id, request.sku, request.reason) == \
                ("return", "SC20261115002", "SC-EARBUDS-02", "音质不喜欢")

            await call("POST", f"/api/conversations/{conv_id}/messages", customer, {"text": "转人工"})
            await wait_until(lambda: _state(svc, conv_id, "queued"), timeout=60)

            agent = await login("kefu")
            queue = (await call("GET", "/api/support/queue", agent))["queue"]
            assert [q["conversation_id"] for q in queue] == [conv_id]
            assert queue[0]["handoff_reason"] == "human_handoff"
            await call("POST", f"/api/support/cases/{conv_id}/claim", agent)
            await call("POST", f"/api/conversations/{conv_id}/messages", agent, {"text": "您好，我是客服小林，包裹今天送到"})
            history = await call("GET", f"/api/conversations/{conv_id}/messages?limit=100", customer)
            assert history["messages"][-1]["text"] == "您好，我是客服小林，包裹今天送到"
            await call("POST", f"/api/support/cases/{conv_id}/resolve", agent)
            await call("POST", f"/api/support/cases/{conv_id}/rating", customer, {"score": 5, "comment": "很快"})
        case = await svc.storage.support.get(conversation_id=conv_id)
        assert case.state == "resolved" and [(r.score, r.comment) for r in case.ratings] == [(5, "很快")]
    except BaseException:
        for name in ("rasa.log", "actions.log"):
            path = tmp_path / name
            if path.exists():
                print(f"--- {name} (last 3000 characters) ---\n{path.read_text()[-3000:]}")
        raise
    finally:
        manage.stop(processes)


async def _state(svc, conv_id, state):
    case = await svc.storage.support.get(conversation_id=conv_id)
    return case is not None and case.state == state
