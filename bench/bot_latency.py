"""The assistant's reply time through the platform, beside Rasa answering directly.

Starts the real Rasa server and action server (bot/manage.py), and the platform with the
demo shop; a customer connected over Socket.IO asks questions one at a time in their
support conversation, and each is timed from the send to the bot's reply arriving. The
same questions are then sent straight to Rasa's REST channel: the peer. Ratios compare
the two in the same run."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import statistics
import sys
import tempfile
import time

import aiohttp
import socketio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUESTIONS = ["我的订单SC20261101001到哪了", "卫衣多少钱", "卫衣黑色M码有货吗", "包邮吗", "可以用花呗吗",
             "170cm 60kg 卫衣穿什么码", "退款到哪了", "是正品吗", "谢谢", "你好"]
ROUNDS = int(os.environ.get("BENCH_BOT_ROUNDS", "5"))
BY_QUESTION: dict[tuple[str, str], list[float]] = {}


def _manage():
    spec = importlib.util.spec_from_file_location("bot_manage", os.path.join(ROOT, "bot", "manage.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(times_ms: list[float]) -> dict:
    return {"n": len(times_ms), "p50_ms": round(statistics.median(times_ms), 1),
            "p99_ms": round(percentile(times_ms, 0.99), 1), "mean_ms": round(statistics.fmean(times_ms), 1)}


async def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"{url} did not come up")


async def through_platform(url: str, secret: str) -> tuple[list[float], dict]:
    async with aiohttp.ClientSession(base_url=url) as http:
        async with http.post("/api/auth/login", json={"username": "xiaomei", "password": "shopchat-demo"}) as r:
            token = (await r.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post("/api/support", headers=headers) as r:
            conv_id = (await r.json())["conversation"]["id"]
        async with http.get("/api/support/cases/" + conv_id, headers=headers) as r:
            assert (await r.json())["support"]["state"] == "bot", "the assistant is not answering"
    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue = asyncio.Queue()

    @client.on("message:new")
    async def on_message(message):
        if message["conversation_id"] == conv_id and message["author_id"] != me["id"]:
            replies.put_nowait(time.perf_counter())

    me = {}
    await client.connect(url, auth={"token": token}, transports=["websocket"])
    async with aiohttp.ClientSession(base_url=url) as http:
        async with http.get("/api/me", headers=headers) as r:
            me.update((await r.json())["user"])
    times = []
    try:
        for _ in range(ROUNDS):
            for question in QUESTIONS:
                while not replies.empty():
                    replies.get_nowait()
                started = time.perf_counter()
                ack = await client.call("message:send", {"conversation_id": conv_id, "text": question}, timeout=30)
                assert ack.get("ok"), ack
                arrived = await asyncio.wait_for(replies.get(), 30)
                times.append((arrived - started) * 1000)
                BY_QUESTION.setdefault(("platform", question), []).append(times[-1])
                await asyncio.sleep(0.3)  # let the rest of this answer arrive before the next question
    finally:
        await client.disconnect()
    sys.path.insert(0, ROOT)
    from server.integrations.rasa import sign_customer
    expires = int(time.time()) + 3600
    metadata = {"customer_id": me["id"], "conversation_id": conv_id, "expires": expires,
                "signature": sign_customer(secret, me["id"], conv_id, expires)}
    return times, metadata


async def direct_to_rasa(rasa_url: str, metadata: dict) -> list[float]:
    times = []
    async with aiohttp.ClientSession() as session:
        for _ in range(ROUNDS):
            for question in QUESTIONS:
                started = time.perf_counter()
                async with session.post(rasa_url + "/webhooks/rest/webhook",
                                        json={"sender": "bench-direct", "message": question,
                                              "metadata": metadata}) as r:
                    await r.json()
                times.append((time.perf_counter() - started) * 1000)
                BY_QUESTION.setdefault(("direct", question), []).append(times[-1])
    return times


async def run(free_port) -> dict:
    manage = _manage()
    bin_dir = manage.ensure_env()
    model = manage.ensure_model(bin_dir)
    rasa_port, actions_port, platform_port = free_port(), free_port(), free_port()
    data_dir = tempfile.mkdtemp(prefix="bench-bot-")
    platform_url = f"http://127.0.0.1:{platform_port}"
    secret = "bench-bot-secret"
    env = {**os.environ, "PYTHONPATH": ROOT, "CHAT_HOST": "127.0.0.1", "CHAT_PORT": str(platform_port),
           "CHAT_DATA_DIR": data_dir, "CHAT_BOT_URL": f"http://127.0.0.1:{rasa_port}", "CHAT_BOT_SECRET": secret,
           "CHAT_SUPPORT_HOURS": "00:00-24:00",
           # one customer asks question after question as fast as the replies come: that is the measurement,
           # not a flood
           "CHAT_FLOOD_MESSAGES": "0"}
    log = tempfile.TemporaryFile()
    platform = await asyncio.create_subprocess_exec(sys.executable, "-m", "server", env=env, cwd=ROOT,
                                                    stdout=log, stderr=log)
    processes = manage.start(bin_dir, model, platform_url=platform_url, secret=secret, rasa_port=rasa_port,
                             actions_port=actions_port, log_dir=data_dir)
    try:
        await _wait_http(platform_url + "/api/health", 60)
        await _wait_http(f"http://127.0.0.1:{actions_port}/health", 180)
        await _wait_http(f"http://127.0.0.1:{rasa_port}/status", 300)
        for _ in range(60):  # the platform probes Rasa every 10 s
            async with aiohttp.ClientSession() as s, s.get(platform_url + "/api/health") as r:
                if (await r.json())["bot"] == "up":
                    break
            await asyncio.sleep(1)
        via_platform, metadata = await through_platform(platform_url, secret)
        direct = await direct_to_rasa(f"http://127.0.0.1:{rasa_port}", metadata)
    finally:
        manage.stop(processes)
        platform.terminate()
        await platform.wait()
        log.close()
    return {"through_platform": summary(via_platform), "rasa_direct": summary(direct)}


if __name__ == "__main__":
    from .run import free_port as _free_port
    print(asyncio.run(run(_free_port)))
    for (path, question), values in sorted(BY_QUESTION.items(), key=lambda kv: kv[0][1]):
        print(f"{path:9} {statistics.median(values):7.1f} ms  {question}")
