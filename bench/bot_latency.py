"""The assistant's reply time through the platform, beside Rasa answering directly, for 1, 20 and 50
customers asking at once, with one Rasa worker and with several.

For each worker count it starts the real Rasa worker(s) and action server as `make run` does
(bot/manage.py: token, tracker store, one action server) and the platform on the demo shop, its
CHAT_BOT_WORKERS listing the workers. For each level, that many new customers each open their support
conversation, connect over Socket.IO and, all at the same moment, ask BENCH_BOT_QUESTIONS questions one
after another (the next 0.3 s after the previous answer arrived); each is timed from the send to the
assistant's first reply arriving (`message:new`). A question that gets no reply in 30 s is unanswered; a
conversation the platform handed to a human (Rasa slower than CHAT_BOT_TIMEOUT, 8 s) is counted. The peer:
the same customers' conversations asked the same questions straight at Rasa's REST channel, on the worker
the platform would pick, each message with its own signed identity (bound to that conversation and
expiring, as the platform signs it), so the custom actions run the same way. Ratios compare the two in
the same run."""
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
LEVELS = tuple(int(n) for n in os.environ.get("BENCH_BOT_CUSTOMERS", "1,20,50").split(","))
WORKERS = tuple(int(n) for n in os.environ.get("BENCH_BOT_WORKERS", "1,2").split(","))
QUESTIONS_EACH = int(os.environ.get("BENCH_BOT_QUESTIONS", "5"))
ALONE_QUESTIONS = 20  # one customer alone asks this many, so its p50/p99 rest on enough replies
PAUSE = 0.3           # after an answer, before the next question: the rest of a multi-message answer arrives
NO_ANSWER = 30.0      # seconds without a reply: unanswered
BOT_TIMEOUT = 8.0     # the platform's CHAT_BOT_TIMEOUT (default): slower, and it hands the customer to a human
PASSWORD = "bench-password"


def _manage():
    spec = importlib.util.spec_from_file_location("bot_manage", os.path.join(ROOT, "bot", "manage.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU spent by the assistant's processes and the platform during a leg, per reply: unlike the reply
    times, it hardly depends on what else the (shared) machine is doing."""

    def __init__(self, parts: dict[str, list[int]]):
        self.parts = parts

    def read(self) -> dict[str, float]:
        return {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in self.parts.items()}

    async def measure(self, leg, replies_of=lambda r: r.get("n", 0)):
        before, load = self.read(), os.getloadavg()[0]
        result = await leg
        after = self.read()
        replies = replies_of(result) or 1
        result["cpu_ms_per_reply"] = {name: round((after[name] - before[name]) * 1000 / replies, 1)
                                      for name in after}
        result["load_avg_1min"] = [round(load, 1), round(os.getloadavg()[0], 1)]
        return result


def summary(times_ms: list[float], asked: int, seconds: float) -> dict:
    if not times_ms:
        return {"asked": asked, "n": 0}
    return {"asked": asked, "n": len(times_ms), "unanswered": asked - len(times_ms),
            "p50_ms": round(statistics.median(times_ms), 1), "p99_ms": round(percentile(times_ms, 0.99), 1),
            "max_ms": round(max(times_ms), 1), "over_timeout": sum(t > BOT_TIMEOUT * 1000 for t in times_ms),
            "replies_per_s": round(len(times_ms) / seconds, 1)}


async def _wait_http(url: str, timeout: float, processes=()) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError(f"a bot process exited while waiting for {url}")
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"{url} did not come up")


class Shopper:
    """One customer in their support conversation, connected over Socket.IO."""

    def __init__(self, url: str, name: str):
        self.url, self.name = url, name
        self.replies: asyncio.Queue = asyncio.Queue()
        self.client = socketio.AsyncClient(reconnection=False)

    async def open(self, http: aiohttp.ClientSession) -> "Shopper":
        async with http.post("/api/auth/register", json={"username": self.name, "password": PASSWORD}) as r:
            body = await r.json()
            assert r.status == 200, body
            self.token, self.id = body["token"], body["user"]["id"]
        self.headers = {"Authorization": f"Bearer {self.token}"}
        async with http.post("/api/support", headers=self.headers) as r:
            self.conv_id = (await r.json())["conversation"]["id"]
        self.client.on("message:new", self._on_message)
        await self.client.connect(self.url, auth={"token": self.token}, transports=["websocket"])
        return self

    async def _on_message(self, message):
        if message["conversation_id"] == self.conv_id and message["author_id"] != self.id:
            self.replies.put_nowait(time.perf_counter())

    async def ask(self, questions: list[str], start: asyncio.Event, times: list[float]) -> None:
        await start.wait()
        for question in questions:
            while not self.replies.empty():
                self.replies.get_nowait()
            started = time.perf_counter()
            ack = await self.client.call("message:send", {"conversation_id": self.conv_id, "text": question},
                                         timeout=NO_ANSWER)
            assert ack.get("ok"), ack
            try:
                arrived = await asyncio.wait_for(self.replies.get(), NO_ANSWER)
            except asyncio.TimeoutError:
                continue
            times.append((arrived - started) * 1000)
            await asyncio.sleep(PAUSE)

    async def state(self, http: aiohttp.ClientSession) -> str:
        async with http.get(f"/api/support/cases/{self.conv_id}", headers=self.headers) as r:
            return (await r.json())["support"]["state"]


def questions_for(index: int, count: int) -> list[str]:
    return [QUESTIONS[(index + j) % len(QUESTIONS)] for j in range(count)]


async def through_platform(url: str, shoppers: list[Shopper], each: int) -> dict:
    times: list[float] = []
    start = asyncio.Event()
    tasks = [asyncio.create_task(s.ask(questions_for(i, each), start, times)) for i, s in enumerate(shoppers)]
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    result = summary(times, len(shoppers) * each, time.perf_counter() - began)
    async with aiohttp.ClientSession(base_url=url) as http:
        states = await asyncio.gather(*(s.state(http) for s in shoppers))
    result["handed_to_humans"] = sum(state != "bot" for state in states)
    return result


async def direct_to_rasa(client, token: str, secret: str, shoppers: list[Shopper], each: int) -> dict:
    """The same conversations asked straight at Rasa, on the worker the platform would pick."""
    sys.path.insert(0, ROOT)
    from server.integrations.rasa import IDENTITY_SECONDS, sign_customer
    times: list[float] = []

    async def ask(session, index, shopper):
        for question in questions_for(index, each):
            expires = int(time.time()) + IDENTITY_SECONDS
            metadata = {"customer_id": shopper.id, "conversation_id": shopper.conv_id, "expires": expires,
                        "signature": sign_customer(secret, shopper.id, shopper.conv_id, expires)}
            started = time.perf_counter()
            try:
                async with session.post(client.worker_for(shopper.conv_id) + "/webhooks/rest/webhook",
                                        params={"token": token}, timeout=aiohttp.ClientTimeout(total=NO_ANSWER),
                                        json={"sender": shopper.conv_id, "message": question,
                                              "metadata": metadata}) as r:
                    await r.json()
                    assert r.status == 200, r.status
            except asyncio.TimeoutError:
                continue
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(PAUSE)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        began = time.perf_counter()
        await asyncio.gather(*(ask(session, i, s) for i, s in enumerate(shoppers)))
        return summary(times, len(shoppers) * each, time.perf_counter() - began)


async def one_setup(manage, bin_dir: str, model: str, workers: int, free_port) -> dict:
    """The platform and `workers` Rasa workers (one action server); every level against them."""
    sys.path.insert(0, ROOT)
    from server.integrations.rasa import BotClient
    rasa_ports = [free_port() for _ in range(workers)]
    actions_port, platform_port = free_port(), free_port()
    data_dir = tempfile.mkdtemp(prefix="bench-bot-")
    platform_url = f"http://127.0.0.1:{platform_port}"
    secret, token = "bench-bot-secret", "bench-rasa-token"
    worker_urls = [f"http://127.0.0.1:{p}" for p in rasa_ports]
    env = {**os.environ, "PYTHONPATH": ROOT, "CHAT_HOST": "127.0.0.1", "CHAT_PORT": str(platform_port),
           "CHAT_DATA_DIR": data_dir, "CHAT_BOT_URL": worker_urls[0], "CHAT_BOT_WORKERS": ",".join(worker_urls),
           "CHAT_BOT_SECRET": secret, "CHAT_RASA_TOKEN": token, "CHAT_SUPPORT_HOURS": "00:00-24:00",
           # customers ask question after question as fast as the replies come, from accounts made a moment
           # ago on one address: that is the measurement, not a flood
           "CHAT_FLOOD_MESSAGES": "0", "CHAT_REPEAT_COUNT": "0", "CHAT_NEW_ACCOUNT_HOURS": "0",
           "CHAT_REGISTER_PER_ADDRESS": "1000000", "CHAT_REGISTER_PER_HOUR": "1000000",
           "CHAT_ARGON2_TIME_COST": "1", "CHAT_ARGON2_MEMORY_KIB": "1024"}
    env.pop("CHAT_BOT_TRACKER_URL", None)
    log = tempfile.TemporaryFile()
    platform = await asyncio.create_subprocess_exec(sys.executable, "-m", "server", env=env, cwd=ROOT,
                                                    stdout=log, stderr=log)
    processes = manage.start(bin_dir, model, platform_url=platform_url, secret=secret, token=token,
                             ports=rasa_ports, actions_port=actions_port, data_dir=data_dir, log_dir=data_dir)
    results = {}
    shoppers: list[Shopper] = []
    try:
        await _wait_http(platform_url + "/api/health", 60)
        await _wait_http(f"http://127.0.0.1:{actions_port}/health", 180, processes)
        for url in worker_urls:
            await _wait_http(f"{url}/status?token={token}", 420, processes)
        for _ in range(60):  # the platform probes Rasa every 10 s
            async with aiohttp.ClientSession() as s, s.get(platform_url + "/api/health") as r:
                if (await r.json())["bot"] == "up":
                    break
            await asyncio.sleep(1)
        client = BotClient(enabled=False, url=worker_urls[0], timeout=NO_ANSWER, workers=tuple(worker_urls))
        meter = CpuMeter({"rasa": [p.pid for p in processes[1:]], "actions": [processes[0].pid],
                          "platform": [platform.pid]})
        async with aiohttp.ClientSession(base_url=platform_url) as http:
            for level in LEVELS:
                each = ALONE_QUESTIONS if level == 1 else QUESTIONS_EACH
                group = await asyncio.gather(*(Shopper(platform_url, f"shopper{level}x{i}").open(http)
                                               for i in range(level)))
                shoppers += group
                via = await meter.measure(through_platform(platform_url, group, each))
                direct = await meter.measure(direct_to_rasa(client, token, secret, group, each))
                results[level] = {"through_platform": via, "rasa_direct": direct}
                print(f"   {workers} worker(s), {level} customer(s): platform {via}; direct {direct}", flush=True)
    finally:
        for shopper in shoppers:
            await shopper.client.disconnect()
        manage.stop(processes)
        platform.terminate()
        await platform.wait()
        log.close()
    return results


async def run(free_port) -> dict:
    manage = _manage()
    bin_dir = manage.ensure_env()
    model = manage.ensure_model(bin_dir)
    return {str(workers): await one_setup(manage, bin_dir, model, workers, free_port) for workers in WORKERS}


def table(bot: dict) -> str:
    """The figures as docs/performance.md shows them."""
    rows = ["| Rasa workers | customers at once | replies | through the platform p50 / p99 | Rasa directly "
            "p50 / p99 | platform ÷ direct p50 / p99 | unanswered | handed to humans | Rasa CPU per reply | load |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for workers, levels in bot.items():
        for level, r in levels.items():
            via, direct = r["through_platform"], r["rasa_direct"]
            if not via.get("n") or not direct.get("n"):
                rows.append(f"| {workers} | {level} | {via.get('n', 0)}/{via['asked']} | – | – | – | – | – | – | – |")
                continue
            rows.append(f"| {workers} | {level} | {via['n']}/{via['asked']} | {via['p50_ms']:.0f} / {via['p99_ms']:.0f} ms "
                        f"| {direct['p50_ms']:.0f} / {direct['p99_ms']:.0f} ms "
                        f"| {via['p50_ms'] / direct['p50_ms']:.2f}× / {via['p99_ms'] / direct['p99_ms']:.2f}× "
                        f"| {via['unanswered']} | {via['handed_to_humans']} "
                        f"| {via['cpu_ms_per_reply']['rasa']:.0f} ms | {via['load_avg_1min'][0]:.1f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    from .run import free_port as _free_port
    result = asyncio.run(run(_free_port))
    print(table(result))
