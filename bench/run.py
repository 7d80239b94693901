"""`make bench`: the same scenarios against every server on this machine, in one run, each driven by two
load generators: the official socket.io-client 4.8 (bench/node/loadgen.js, Node) and bench/loadgen.py (raw
Engine.IO over aiohttp websockets, Python).

- node:     a minimal Node.js Socket.IO broadcast server (bench/node/server.js)
- shopchat: this platform, one process, full pipeline (auth, access checks, SQLite commit before the ack, fan-out)
- shopchat x2 (redis): two shopchat processes on one data dir (one SQLite file) and a redis-server this bench starts
            and stops: half the clients connect to each process, senders on both; CPU summed over the two and
            redis-server
- bare:     a minimal bare python-socketio broadcast server (bench/peers/bare_sio.py)

Next to deliveries/s it reports the server's CPU (user + system, from /proc) per delivery, and with
BENCH_IDLE (default 10,000) idle connections held: RSS per connection and send→receive p99 meanwhile.
Figures are printed as they are and as ratios to the Node peer, and saved to bench/results/latest.json.
Machines here are noisy: compare ratios, not absolutes.
Scale with BENCH_CLIENTS (default 1000); BENCH_SERVERS=node,shopchat and BENCH_GENERATORS=official pick
a subset; BENCH_STORAGE=off skips the moderation and SQLite-alone steps."""
from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import aiohttp

from . import bot_latency, moderation_bench, persist, picture_bench, web_client
from .loadgen import Tally, blast, open_all, paced

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Server:
    def __init__(self, name: str, argv: list[str], env: dict, port: int, cwd: str = ROOT):
        self.name, self.argv, self.env, self.port, self.cwd = name, argv, env, port, cwd
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}"

    async def __aenter__(self):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env={**os.environ, **self.env},
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as s:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(f"{self.name} exited: {self.log.read().decode()[-2000:]}")
                try:
                    async with s.get(self.url + "/socket.io/?EIO=4&transport=polling") as r:
                        if r.status == 200:
                            return self
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start")

    async def __aexit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class RedisProcess(Server):
    """A redis-server of the bench's own, on a free port, persisting nothing; ready when it answers PING."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")
        port = free_port()
        super().__init__("redis-server", [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                          "--appendonly", "no", "--dir", self.dir], {}, port)
        self.url = f"redis://127.0.0.1:{port}/0"

    async def __aenter__(self):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv, cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"redis-server exited: {self.log.read().decode()[-2000:]}")
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(b"PING\r\n")
                pong = await asyncio.wait_for(reader.read(16), 2)
                writer.close()
                if pong.startswith(b"+PONG"):
                    return self
            except (OSError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    async def __aexit__(self, *exc):
        await super().__aexit__(*exc)
        shutil.rmtree(self.dir, ignore_errors=True)


async def shopchat_setup(session, url: str, n: int, m: int, solo: int):
    """Registers n users in groups of m, plus `solo` users each alone in a group (for the persist run)."""
    sem = asyncio.Semaphore(16)

    async def register(i):
        async with sem:
            async with session.post(url + "/api/auth/register",
                                    json={"username": f"bench{i}", "password": "bench-password"}) as r:
                return (await r.json())["token"]
    tokens = await asyncio.gather(*(register(i) for i in range(n + solo)))
    convs = await groups_of(session, url, tokens[:n], m, "bench")
    solo_convs = await groups_of(session, url, tokens[n:], 1, "solo")
    return tokens, [{"token": t} for t in tokens[:n]], convs, [{"token": t} for t in tokens[n:]], solo_convs


async def groups_of(session, url: str, tokens: list[str], m: int, prefix: str) -> list[str]:
    """Puts the users of these tokens into new groups of m; returns the groups' conversation ids."""
    sem = asyncio.Semaphore(16)
    groups = []
    for g in range(len(tokens) // m):
        async with session.post(url + "/api/groups", json={"name": f"{prefix} {g}"},
                                headers={"Authorization": f"Bearer {tokens[g * m]}"}) as r:
            groups.append((await r.json())["group"])

    async def join(i):
        async with sem:
            async with session.post(url + f"/api/groups/{groups[i // m]['id']}/join",
                                    headers={"Authorization": f"Bearer {tokens[i]}"}) as r:
                assert r.status == 200, await r.text()
    await asyncio.gather(*(join(i) for i in range(len(tokens)) if i % m))
    return [g["conversation_id"] for g in groups]


def peer_setup(n: int, m: int, solo: int):
    auths = [{"room": f"g{i // m}"} for i in range(n)]
    solo_auths = [{"room": f"solo{k}"} for k in range(solo)]
    return auths, [f"g{g}" for g in range(n // m)], solo_auths, [f"solo{k}" for k in range(solo)]


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Variant:
    """One server under test: one or more processes (clients are spread over their URLs) whose CPU and
    RSS are summed. A "shopchat x2 over redis" variant is a Variant with two shopchat processes and
    `extra` holding the redis-server process (started first, stopped last)."""

    def __init__(self, name: str, servers: list[Server], is_shopchat: bool, extra: list[Server] | None = None):
        self.name, self.servers, self.is_shopchat, self.extra = name, servers, is_shopchat, extra or []

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def cpu(self) -> float:
        return sum(self.cpu_parts())

    def cpu_parts(self) -> list[float]:
        """CPU seconds of each process: the servers in order, then `extra`."""
        return [cpu_seconds(s.proc.pid) for s in self.servers + self.extra]

    @property
    def process_names(self) -> list[str]:
        return [s.name for s in self.servers + self.extra]

    def rss_kib(self) -> int:
        return sum(rss_kib(s.proc.pid) for s in self.servers + self.extra)

    async def __aenter__(self):
        # one after the other: the second shopchat process finds the first one's schema and secret in the data dir
        for s in self.extra + self.servers:
            await s.__aenter__()
        return self

    async def __aexit__(self, *exc):
        for s in reversed(self.extra + self.servers):
            await s.__aexit__(*exc)


def shopchat_env(data_dir: str) -> dict:
    return {"CHAT_HOST": "127.0.0.1", "CHAT_DATA_DIR": data_dir, "CHAT_SEED_DEMO": "0", "CHAT_ARGON2_TIME_COST": "1",
            "CHAT_ARGON2_MEMORY_KIB": "1024", "PYTHONPATH": ROOT,
            # the load generator's clients post as fast as they can: the flood and repeat limits would refuse them;
            # and its thousand accounts sign up from one address, past the sign-up limits
            "CHAT_FLOOD_MESSAGES": "0", "CHAT_REPEAT_COUNT": "0",
            "CHAT_REGISTER_PER_ADDRESS": "1000000", "CHAT_REGISTER_PER_HOUR": "1000000"}


def one_process(name: str, argv: list[str], env: dict) -> Server:
    port = free_port()
    return Server(name, argv, {**env, "PORT": str(port), "CHAT_PORT": str(port)}, port)


def two_over_redis(data_dir: str) -> Variant:
    """Two shopchat processes on one data dir (one SQLite file), sharing fan-out, presence, limits, locks and cache
    invalidation through a redis-server of the bench's own."""
    redis = RedisProcess()
    env = {**shopchat_env(data_dir), "CHAT_REDIS_URL": redis.url}
    name = "shopchat x2 (redis)"
    return Variant(name, [one_process(f"shopchat-{i}", [sys.executable, "-m", "server"], env) for i in (1, 2)],
                   True, extra=[redis])


# the variants run when BENCH_SERVERS doesn't say
DEFAULT_SERVERS = ("node", "shopchat", "shopchat x2 (redis)", "bare")


def variants(data_dir: str) -> list[Variant]:
    """The servers of a run, in order (every scenario and the report pick up a variant added here). Each shopchat
    variant gets its own data dir under data_dir."""
    wanted = [w.strip() for w in os.environ.get("BENCH_SERVERS", ",".join(DEFAULT_SERVERS)).split(",") if w.strip()]
    out = []
    node = shutil.which("node")
    if node:
        out.append(Variant("node", [one_process("node", [node, os.path.join(ROOT, "bench", "node", "server.js")], {})],
                           False))
    else:
        print("node not found: the Node peer and the official-client generator are skipped", file=sys.stderr)
    if "shopchat" in wanted:
        out.append(Variant("shopchat", [one_process("shopchat", [sys.executable, "-m", "server"],
                                                    shopchat_env(os.path.join(data_dir, "one")))], True))
    if "shopchat x2 (redis)" in wanted:
        if os.path.exists(REDIS):
            out.append(two_over_redis(os.path.join(data_dir, "x2")))
        else:
            print("redis-server not found: the two-process variant is skipped", file=sys.stderr)
    out.append(Variant("bare", [one_process("bare", [sys.executable, os.path.join(ROOT, "bench", "peers",
                                                                                 "bare_sio.py")], {})], False))
    out = [v for v in out if v.name in wanted]
    unknown = set(wanted) - {v.name for v in out} - {"node", "shopchat x2 (redis)"}
    if unknown:
        print(f"BENCH_SERVERS: unknown {sorted(unknown)}; known: {DEFAULT_SERVERS}",
              file=sys.stderr)
    return out


# -- the two load generators: the same phases, the same figures ------------------------------------------------

async def official_run(urls: list[str], auths: list[dict], phases: list[dict], on_phase) -> list[dict]:
    """Runs bench/node/loadgen.js (socket.io-client 4.8) over these auths; on_phase(i, "start"|"end") is called
    right before and after phase i so that the caller can read the server's CPU around it. Bounded: each phase
    by its own timeout, the whole by LINE_TIMEOUT per line of output."""
    spec_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"urls": urls, "auths": auths, "phases": phases}, spec_file)
    spec_file.close()
    proc = await asyncio.create_subprocess_exec(
        shutil.which("node"), os.path.join(ROOT, "bench", "node", "loadgen.js"), spec_file.name,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2 ** 24)
    results = []

    async def line() -> dict:
        raw = await asyncio.wait_for(proc.stdout.readline(), LINE_TIMEOUT)
        if not raw:
            raise RuntimeError("the official-client generator exited early")
        msg = json.loads(raw)
        if "error" in msg:
            raise RuntimeError(f"official-client generator: {msg['error']}")
        return msg
    try:
        assert "connected" in await line()
        for i in range(len(phases)):
            assert (await line()).get("ready") == i
            on_phase(i, "start")
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
            msg = await line()
            on_phase(i, "end")
            results.append(msg["result"])
        await line()  # done
    finally:
        if proc.returncode is None:
            proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
        os.unlink(spec_file.name)
    return results


async def raw_run(urls: list[str], auths: list[dict], phases: list[dict], on_phase) -> list[dict]:
    """The same phases through bench/loadgen.py (raw Engine.IO over aiohttp websockets, in this process)."""
    results = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tally = Tally()
        conns = await open_all(session, urls, auths, tally)
        try:
            for i, ph in enumerate(phases):
                senders = [(conns[ci], conv) for ci, conv in ph["senders"]]
                on_phase(i, "start")
                if ph["kind"] == "blast":
                    r = await blast(senders, per_sender=ph["per_sender"], window=ph["window"], tally=tally,
                                    fanout=ph["fanout"], timeout=ph["timeout_s"])
                else:
                    r = await paced(senders, rate_per_s=ph["rate_per_s"], seconds=ph["seconds"], tally=tally,
                                    fanout=ph["fanout"])
                on_phase(i, "end")
                results.append(r)
        finally:
            for c in conns:
                await c.close()
    return results


GENERATORS = {"raw": raw_run, "official": official_run}
LINE_TIMEOUT = 600


async def run_phases(variant: Variant, gen: str, auths: list[dict], phases: list[dict]) -> list[dict]:
    cpu = {}

    def on_phase(i, when):
        cpu[i, when] = variant.cpu_parts()
    results = await GENERATORS[gen](variant.urls, auths, phases, on_phase)
    for i, r in enumerate(results):
        parts = [b - a for a, b in zip(cpu[i, "start"], cpu[i, "end"])]
        r["server_cpu_s"] = sum(parts)
        if len(parts) > 1:
            r["server_cpu_s_by_process"] = dict(zip(variant.process_names, parts))
        if r.get("delivered"):
            r["server_cpu_us_per_delivery"] = r["server_cpu_s"] / r["delivered"] * 1e6
    return results


def spread_senders(k: int, n: int, m: int) -> tuple[list[int], list[int]]:
    """With k processes (client i on process i % k): the big room's senders (one per process) and one sender per
    group of m (group g is clients g*m .. g*m+m-1; its sender is on process g % k). With k = 1, clients 0 and g*m."""
    room = list(range(min(k, n)))
    groups = [g * m + (g % k if m % k == 0 else 0) for g in range(n // m)]
    return room, groups


async def measure(variant: Variant, generators: list[str]) -> dict:
    n = CLIENTS
    m = min(100, n)
    solo = 50
    out = {}
    # senders on every process: the room's 100 messages are split over one sender per process (the same total, and
    # the same number unacknowledged at a time), each group's sender is on process g % k, the solo senders alternate
    k = len(variant.urls)
    room_senders, group_senders = spread_senders(k, n, m)
    per_room_sender = max(20, 100_000 // n) // len(room_senders)
    window = max(1, 8 // len(room_senders))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        url = variant.urls[0]
        if variant.is_shopchat:
            tokens, auths, convs, solo_auths, solo_convs = await shopchat_setup(session, url, n, n, solo)
            # the same users, also put in groups of m (the big room adds no traffic there)
            small_convs = await groups_of(session, url, tokens[:n], m, "small")
            small_auths = auths
        else:
            auths, convs, solo_auths, solo_convs = peer_setup(n, n, solo)
            small_auths, small_convs, _, _ = peer_setup(n, m, 0)
        idle_auths = await idle_setup(session, variant, IDLE) if IDLE else []
    if IDLE:  # first, while the server's heap is the smallest it will be
        out["idle"] = await measure_idle(variant, idle_auths, auths, convs)
    for gen in generators:
        r = {}
        # 1. one room of n clients, one sender; 2. latency at a steady, unsaturated rate in the same room
        r["broadcast"], r["latency"] = await run_phases(variant, gen, auths, [
            {"kind": "blast", "senders": [[c, convs[0]] for c in room_senders], "per_sender": per_room_sender,
             "window": window, "fanout": n, "timeout_s": 120},
            {"kind": "paced", "senders": [[c, convs[0]] for c in room_senders], "rate_per_s": 5, "seconds": 4,
             "fanout": n, "timeout_s": 30}])
        # 3. the same clients in groups of m, one sender per group
        r["groups"], = await run_phases(variant, gen, small_auths, [
            {"kind": "blast", "senders": [[c, small_convs[g]] for g, c in enumerate(group_senders)],
             "per_sender": max(10, 50_000 // n), "window": 8, "fanout": m, "timeout_s": 120}])
        # 4. sends persisted (acked) per second: many senders, no fan-out beyond themselves
        r["persist"], = await run_phases(variant, gen, solo_auths, [
            {"kind": "blast", "senders": [[k, solo_convs[k]] for k in range(solo)], "per_sender": 200, "window": 32,
             "fanout": 1, "timeout_s": 120}])
        out[gen] = r
        print(f"   {variant.name} / {gen}: " + json.dumps(r), flush=True)
    return out


# -- 10,000 idle connections: memory per connection, and delivery latency while they are held -------------------

IDLE = int(os.environ.get("BENCH_IDLE", "10000"))
IDLE_PER_USER = 100


async def idle_setup(session, variant: Variant, count: int) -> list[dict]:
    """Auths for `count` idle connections in rooms nobody sends to: for shopchat, IDLE_PER_USER connections
    per registered user (a user's devices), users in no group."""
    if not variant.is_shopchat:
        return [{"room": f"idle{i // IDLE_PER_USER}"} for i in range(count)]
    tokens = []
    for i in range(-(-count // IDLE_PER_USER)):
        async with session.post(variant.urls[0] + "/api/auth/register",
                                json={"username": f"idle{i}", "password": "bench-password"}) as r:
            tokens.append((await r.json())["token"])
    return [{"token": tokens[i // IDLE_PER_USER]} for i in range(count)]


def raise_nofile() -> None:
    """The bench holds IDLE client sockets and its servers (children, same limit) as many server sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = IDLE + CLIENTS + 2000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        print(f"RLIMIT_NOFILE is {soft} (hard limit), below the {want} the idle step needs", file=sys.stderr)


async def measure_idle(variant: Variant, idle_auths: list[dict], auths: list[dict], convs: list[str]) -> dict:
    rss0 = variant.rss_kib()
    t0 = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tally = Tally()
        idle = await open_all(session, variant.urls, idle_auths, tally, concurrency=100)
        connect_s = time.monotonic() - t0
        await asyncio.sleep(2)
        rss1 = variant.rss_kib()
        try:
            gen = "official" if shutil.which("node") else "raw"
            latency, = await run_phases(variant, gen, auths, [
                {"kind": "paced", "senders": [[c, convs[0]] for c in range(min(len(variant.urls), len(auths)))],
                 "rate_per_s": 5, "seconds": 4, "fanout": len(auths),
                 "timeout_s": 30}])
        finally:
            for c in idle:
                await c.close()
    res = {"connections": len(idle), "connect_s": connect_s, "rss_before_kib": rss0, "rss_idle_kib": rss1,
           "kib_per_connection": (rss1 - rss0) / max(1, len(idle)), "latency_generator": gen,
           "p50_ms": latency["p50_ms"], "p99_ms": latency["p99_ms"], "delivered": latency["delivered"],
           "delivered_per_process": latency.get("delivered_per_process"), "expected": latency["expected"]}
    print(f"   {variant.name} / idle: " + json.dumps(res), flush=True)
    return res


def ratio(a, b):
    return a / b if b else float("nan")


async def main() -> None:
    raise_nofile()
    data_dir = tempfile.mkdtemp(prefix="bench-shopchat-")
    generators = [g for g in os.environ.get("BENCH_GENERATORS", "official,raw").split(",")
                  if g != "official" or shutil.which("node")]
    if os.environ.get("BENCH_STORAGE", "on") != "off":
        verdicts = moderation_bench.run()
        print(f"-- moderation verdicts: {verdicts}", flush=True)
        verdicts["pictures"] = picture_bench.run()
        print(f"-- picture checks: {verdicts['pictures']}", flush=True)
        storage_only = await persist.run()
        print(f"-- SQLite backend alone: {storage_only}", flush=True)
    else:
        verdicts, storage_only = None, None
    results = {}
    for variant in variants(data_dir):
        async with variant:
            print(f"-- {variant.name}: {CLIENTS} clients, generators {generators}, {IDLE} idle", flush=True)
            results[variant.name] = await measure(variant, generators)
    shutil.rmtree(data_dir, ignore_errors=True)
    bot = None
    if os.environ.get("BENCH_BOT", "on") != "off":
        print(f"-- the assistant: reply time through the platform vs Rasa directly, {bot_latency.LEVELS} customers "
              f"at once, {bot_latency.WORKERS} Rasa workers", flush=True)
        bot = await bot_latency.run(free_port)
        print(json.dumps(bot, indent=1), flush=True)
    web = None
    if os.environ.get("BENCH_WEB", "on") != "off":
        print("-- the web client: first load, and scrolling 1,000 messages windowed vs rendering them all", flush=True)
        web = await web_client.run()
        print(json.dumps(web, indent=1, ensure_ascii=False), flush=True)
    report(results, storage_only, bot, verdicts, web, generators)


GEN_LABEL = {"official": "official socket.io-client 4.8 (Node)", "raw": "bench/loadgen.py (raw Engine.IO, Python)"}


def fan_table(results: dict, generators: list[str]) -> str:
    names = list(results)
    base = results.get("node")
    others = [n for n in names if n != "node"]
    head = ("| generator | measure | " + " | ".join(names) + " | " + " | ".join(f"{n} ÷ node" for n in others)
            + (" | shopchat ÷ bare |" if "shopchat" in names and "bare" in names else " |"))
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    rows = [("broadcast", "deliveries_per_s", f"deliveries/s, 1 room of {CLIENTS}", "{:,.0f}"),
            ("broadcast", "server_cpu_us_per_delivery", "server CPU µs per delivery, 1 room", "{:.1f}"),
            ("groups", "deliveries_per_s", "deliveries/s, groups of 100", "{:,.0f}"),
            ("groups", "server_cpu_us_per_delivery", "server CPU µs per delivery, groups of 100", "{:.1f}"),
            ("latency", "p50_ms", "send→receive p50 ms (5 msg/s, big room)", "{:.1f}"),
            ("latency", "p99_ms", "send→receive p99 ms", "{:.1f}"),
            ("persist", "acks_per_s", "acked sends/s, 50 senders (shopchat: committed first)", "{:,.0f}")]
    for gen in generators:
        for scenario, key, label, fmt in rows:
            vals = [results[n].get(gen, {}).get(scenario, {}).get(key, float("nan")) for n in names]
            cells = [fmt.format(v) for v in vals]
            ratios = [f"{ratio(results[n][gen][scenario][key], base[gen][scenario][key]):.2f}×" if base else "n/a"
                      for n in others]
            if "shopchat" in names and "bare" in names:
                ratios.append(f"{ratio(results['shopchat'][gen][scenario][key], results['bare'][gen][scenario][key]):.2f}×")
            lines.append(f"| {gen} | {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
        lines.append(f"| {gen} | all copies delivered (1 room / groups) | " + " | ".join(
            copies(results[n][gen]['broadcast']) + " · " + copies(results[n][gen]['groups']) for n in names)
            + " |" * (len(others) + ("shopchat" in names and "bare" in names)) + " |")
        lines.append(f"| {gen} | all copies delivered (latency / persist) | " + " | ".join(
            copies(results[n][gen]['latency']) + " · " + copies(results[n][gen]['persist']) for n in names)
            + " |" * (len(others) + ("shopchat" in names and "bare" in names)) + " |")
    if all("idle" in results[n] for n in names):
        idle_rows = [("kib_per_connection", "RSS KB per idle connection", "{:.1f}"),
                     ("p99_ms", "send→receive p99 ms with them connected", "{:.1f}")]
        for key, label, fmt in idle_rows:
            vals = [results[n]["idle"][key] for n in names]
            ratios = [f"{ratio(results[n]['idle'][key], base['idle'][key]):.2f}×" if base else "n/a" for n in others]
            if "shopchat" in names and "bare" in names:
                ratios.append(f"{ratio(results['shopchat']['idle'][key], results['bare']['idle'][key]):.2f}×")
            lines.append(f"| {IDLE:,} idle | {label} | " + " | ".join(fmt.format(v) for v in vals) + " | "
                         + " | ".join(ratios) + " |")
    notes = [f"{g}: {GEN_LABEL[g]}" for g in generators]
    notes += ["copies delivered: delivered/expected; with several processes, (the copies received by the clients of "
              "each process / what each should get: the clients are spread evenly)"]
    for n in names:  # several processes: where the CPU went
        for gen in generators:
            for scenario in ("broadcast", "groups", "persist"):
                r = results[n].get(gen, {}).get(scenario, {})
                parts = r.get("server_cpu_s_by_process")
                if parts and r.get("delivered"):
                    per = ", ".join(f"{p} {v / r['delivered'] * 1e6:.1f}" for p, v in parts.items())
                    notes.append(f"{n} / {gen} / {scenario}: CPU µs per delivery by process: {per}"
                                 + (f" (per acked send: {parts and sum(parts.values()) / r['acked'] * 1e6:,.0f} µs)"
                                    if scenario == "persist" and r.get("acked") else ""))
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def copies(r: dict) -> str:
    """delivered/expected, and per process when the server has several (each should get an equal share)."""
    out = f"{r.get('delivered', 0)}/{r.get('expected', 0)}"
    per = r.get("delivered_per_process") or []
    if len(per) > 1:
        share = r.get("expected", 0) // len(per)
        out += " (" + " + ".join(f"{d}/{share}" for d in per) + ")"
    return out


def report(results: dict, storage_only: dict | None, bot: dict | None = None, verdicts: dict | None = None,
           web: dict | None = None, generators: tuple[str, ...] = ("official", "raw")) -> None:
    table = fan_table(results, list(generators))
    if storage_only:
        table += (f"\n\nSQLite backend alone (MessageStore.append, commit before return, {persist.SENDERS} senders): "
                  f"{storage_only['persisted_per_s']:,.0f} messages/s")
    if bot:
        table += ("\n\nThe assistant, customers asking at once (send → first reply; bench/bot_latency.py):\n\n"
                  + bot_latency.table(bot))
    if verdicts:
        table += (f"\n\nModeration verdict time, {verdicts['chars']}-character messages, {verdicts['terms']:,}-term "
                  f"lexicon, {verdicts['messages']:,} messages: p50 {verdicts['p50_us']} µs, p99 {verdicts['p99_us']} µs "
                  f"(the thread's CPU time: p50 {verdicts['cpu_p50_us']} µs, p99 {verdicts['cpu_p99_us']} µs)")
        pics = verdicts.get("pictures")
        if pics:
            table += (f"\n\nPicture checks ({pics['pictures']} readings of {pics['size']} photos: QR, OCR, hash): "
                      f"p50 {pics['checks_p50_ms']} ms, p99 {pics['checks_p99_ms']} ms; judging what was read "
                      f"p50 {pics['judge_p50_ms']} ms; the upload's own re-encoding p50 {pics['upload_p50_ms']} ms "
                      f"(checks = {pics['checks_per_upload_p50']}× an upload)")
    if web:
        load = web["first_load"]
        table += (f"\n\nWeb client first load: {load['gzip_kb']} KB gzipped ({load['files']} files; socket.io-client "
                  f"{load['socketio_gzip_kb']} KB of it), budget 300 KB")
        if isinstance(web.get("scroll"), list):
            table += ("\n\n| scrolling 1,000 messages (phone, Chromium) | windowed | renders all | windowed ÷ all |\n"
                      "|---|---|---|---|\n")
            windowed, every = web["scroll"]
            for key in ("first_load_transfer_kb", "p50_ms", "p95_ms", "p99_ms", "max_ms", "long_frames",
                        "messages_in_page_at_top", "dom_elements_at_end"):
                table += (f"| {key} | {windowed[key]} | {every[key]} | "
                          f"{ratio(windowed[key], every[key]):.2f}× |\n")
    print("\n" + table)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "latest.json"), "w") as f:
        json.dump({"clients": CLIENTS, "results": results, "storage_only": storage_only, "bot": bot, "moderation": verdicts,
                   "web": web, "table": table}, f,
                  indent=1)


if __name__ == "__main__":
    asyncio.run(main())
