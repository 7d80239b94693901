"""`make bench`: the same load generator against three servers on this machine, in one run:

- shopchat: this platform, full pipeline (auth, access checks, SQLite commit before the ack, fan-out)
- node:     a minimal Node.js Socket.IO broadcast server (bench/node)
- bare:     a minimal bare python-socketio broadcast server (bench/peers/bare_sio.py)

Figures are printed as they are and as ratios to the Node peer, and saved to
bench/results/latest.json. Machines here are noisy: compare ratios, not absolutes.
Scale with BENCH_CLIENTS (default 1000)."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import aiohttp

from . import bot_latency, moderation_bench, persist, web_client
from .loadgen import Tally, blast, open_all, paced

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


async def measure(server: Server, is_shopchat: bool) -> dict:
    n = CLIENTS
    scenarios = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        solo = 50
        big_m = n
        if is_shopchat:
            tokens, auths, convs, solo_auths, solo_convs = await shopchat_setup(session, server.url, n, big_m, solo)
        else:
            auths, convs, solo_auths, solo_convs = peer_setup(n, big_m, solo)
        tally = Tally()
        conns = await open_all(session, server.url, auths, tally)
        cpu0 = cpu_seconds(server.proc.pid)
        # 1. one room of n clients, one sender
        scenarios["broadcast"] = await blast([(conns[0], convs[0])], per_sender=max(20, 100_000 // n), window=8,
                                             tally=tally, fanout=big_m, timeout=120)
        scenarios["broadcast"]["server_cpu_s"] = cpu_seconds(server.proc.pid) - cpu0
        # 2. latency at a steady, unsaturated rate in the same room
        scenarios["latency"] = await paced([(conns[0], convs[0])], rate_per_s=5, seconds=4, tally=tally,
                                           fanout=big_m)
        for c in conns:
            await c.close()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        # 3. the same clients in groups of 100, one sender per group
        m = min(100, n)
        if is_shopchat:  # the same users, also put in groups of m (the big room adds no traffic here)
            convs = await groups_of(session, server.url, tokens[:n], m, "small")
        else:
            auths, convs, _, _ = peer_setup(n, m, 0)
        tally = Tally()
        conns = await open_all(session, server.url, auths, tally)
        senders = [(conns[g * m], convs[g]) for g in range(n // m)]
        scenarios["groups"] = await blast(senders, per_sender=max(10, 50_000 // n), window=8, tally=tally,
                                          fanout=m, timeout=120)
        for c in conns:
            await c.close()
        # 4. sends persisted (acked) per second: many senders, no fan-out beyond themselves
        tally = Tally()
        solo_conns = await open_all(session, server.url, solo_auths, tally)
        scenarios["persist"] = await blast(list(zip(solo_conns, solo_convs)), per_sender=200, window=32,
                                           tally=tally, fanout=1, timeout=120)
        for c in solo_conns:
            await c.close()
    return scenarios


def ratio(a, b):
    return a / b if b else float("nan")


async def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="bench-shopchat-")
    node = shutil.which("node")
    servers = [
        ("shopchat", [sys.executable, "-m", "server"],
         {"CHAT_HOST": "127.0.0.1", "CHAT_DATA_DIR": data_dir, "CHAT_SEED_DEMO": "0", "CHAT_ARGON2_TIME_COST": "1",
          "CHAT_ARGON2_MEMORY_KIB": "1024", "PYTHONPATH": ROOT,
          # the load generator's clients post as fast as they can: the flood and repeat limits would refuse them
          "CHAT_FLOOD_MESSAGES": "0", "CHAT_REPEAT_COUNT": "0"}, True),
        ("bare", [sys.executable, os.path.join(ROOT, "bench", "peers", "bare_sio.py")], {}, False),
    ]
    if node:
        servers.insert(0, ("node", [node, os.path.join(ROOT, "bench", "node", "server.js")], {}, False))
    else:
        print("node not found: the Node peer is skipped", file=sys.stderr)
    verdicts = moderation_bench.run()
    print(f"-- moderation verdicts: {verdicts}", flush=True)
    storage_only = await persist.run()
    print(f"-- SQLite backend alone: {storage_only}", flush=True)
    results = {}
    for name, argv, env, is_shopchat in servers:
        port = free_port()
        env = {**env, "PORT": str(port), "CHAT_PORT": str(port)}
        async with Server(name, argv, env, port) as server:
            print(f"-- {name}: {CLIENTS} clients", flush=True)
            results[name] = await measure(server, is_shopchat)
            print(json.dumps(results[name], indent=1), flush=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    bot = None
    if os.environ.get("BENCH_BOT", "on") != "off":
        print("-- the assistant: reply time through the platform vs Rasa directly", flush=True)
        bot = await bot_latency.run(free_port)
        print(json.dumps(bot, indent=1), flush=True)
    web = None
    if os.environ.get("BENCH_WEB", "on") != "off":
        print("-- the web client: first load, and scrolling 1,000 messages windowed vs rendering them all", flush=True)
        web = await web_client.run()
        print(json.dumps(web, indent=1, ensure_ascii=False), flush=True)
    report(results, storage_only, bot, verdicts, web)


def report(results: dict, storage_only: dict, bot: dict | None = None, verdicts: dict | None = None,
           web: dict | None = None) -> None:
    base = results.get("node")
    rows = [("broadcast", "deliveries_per_s", f"fan-out deliveries/s, 1 room of {CLIENTS}"),
            ("groups", "deliveries_per_s", f"fan-out deliveries/s, {CLIENTS} clients in groups of 100"),
            ("latency", "p50_ms", "send→receive p50 ms (5 msg/s into the big room)"),
            ("latency", "p99_ms", "send→receive p99 ms"),
            ("persist", "acks_per_s", "acked sends/s, 50 senders (shopchat: committed to SQLite first)")]
    names = list(results)
    lines = ["| measure | " + " | ".join(names) + " | " + " | ".join(f"{n} ÷ node" for n in names if n != "node") + " |",
             "|---" * (1 + len(names) + len([n for n in names if n != "node"])) + "|"]
    for scenario, key, label in rows:
        vals = [results[n][scenario][key] for n in names]
        cells = [f"{v:,.1f}" if key.endswith("ms") else f"{v:,.0f}" for v in vals]
        ratios = [f"{ratio(results[n][scenario][key], base[scenario][key]):.2f}×" if base else "n/a"
                  for n in names if n != "node"]
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    delivered = ["| all copies delivered | " + " | ".join(
        f"{results[n]['broadcast']['delivered']}/{results[n]['broadcast']['expected']}" for n in names)
        + " |" + " |" * len([n for n in names if n != "node"])]
    table = "\n".join(lines + delivered)
    table += (f"\n\nSQLite backend alone (MessageStore.append, commit before return, {persist.SENDERS} senders): "
              f"{storage_only['persisted_per_s']:,.0f} messages/s")
    if bot:
        via, direct = bot["through_platform"], bot["rasa_direct"]
        table += ("\n\n| assistant reply time | through the platform (send → bot reply arrives) | Rasa REST directly | "
                  "platform ÷ direct |\n|---|---|---|---|\n"
                  + "\n".join(f"| {k[:3]} | {via[k]:.1f} ms | {direct[k]:.1f} ms | {ratio(via[k], direct[k]):.2f}× |"
                               for k in ("p50_ms", "p99_ms"))
                  + f"\n\n({via['n']} questions each, one at a time, real Rasa 3.6 model and action server)")
    if verdicts:
        table += (f"\n\nModeration verdict time, {verdicts['chars']}-character messages, {verdicts['terms']:,}-term "
                  f"lexicon, {verdicts['messages']:,} messages: p50 {verdicts['p50_us']} µs, p99 {verdicts['p99_us']} µs")
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
