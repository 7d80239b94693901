"""A Socket.IO load generator that speaks Engine.IO 4 / Socket.IO 5 over raw websockets.

python-socketio's own client costs too much per connection to drive 1,000 of them from
one process, so this one does the minimum: connect with auth, answer pings, count
`message:new` frames and read the send timestamp embedded in the text. The same
generator drives every server, so the figures compare servers, not clients."""
from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field

import aiohttp

STAMP = re.compile(r't=(\d+)')


@dataclass
class Tally:
    deliveries: int = 0
    latencies_ns: list[int] = field(default_factory=list)
    first_send_ns: int = 0
    last_delivery_ns: int = 0
    expected: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    per_process: list[int] = field(default_factory=lambda: [0])  # deliveries to clients of urls[i]

    def reset(self, expected: int) -> None:
        self.deliveries, self.latencies_ns = 0, []
        self.per_process = [0] * len(self.per_process)
        self.first_send_ns, self.last_delivery_ns = 0, 0
        self.expected = expected
        self.done = asyncio.Event()


class Conn:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, auth: dict, tally: Tally, process: int = 0):
        self.session, self.base_url, self.auth, self.tally = session, base_url, auth, tally
        self.process = process  # the index of base_url among the server's URLs
        self.ws = None
        self._acks: dict[int, asyncio.Future] = {}
        self._next_ack = 0
        self._reader: asyncio.Task | None = None

    async def open(self) -> None:
        url = self.base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.ws = await self.session.ws_connect(url, max_msg_size=0, autoping=True)
        first = await self.ws.receive_str()
        if not first.startswith("0"):
            raise RuntimeError(f"unexpected open packet {first[:80]}")
        await self.ws.send_str("40" + json.dumps(self.auth))
        while True:
            reply = await self.ws.receive_str()
            if reply.startswith("40"):
                break
            if reply.startswith("44"):
                raise RuntimeError(f"connect refused: {reply}")
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        tally = self.tally
        async for msg in self.ws:
            data = msg.data
            if not isinstance(data, str):
                continue
            if data.startswith('42["message:new"'):
                now = time.perf_counter_ns()
                tally.deliveries += 1
                tally.per_process[self.process] += 1
                tally.last_delivery_ns = now
                m = STAMP.search(data)
                if m:
                    tally.latencies_ns.append(now - int(m.group(1)))
                if tally.deliveries >= tally.expected:
                    tally.done.set()
            elif data == "2":
                await self.ws.send_str("3")
            elif data.startswith("43"):
                i = 2
                while data[i].isdigit():
                    i += 1
                fut = self._acks.pop(int(data[2:i]), None)
                if fut is not None and not fut.done():
                    fut.set_result(json.loads(data[i:])[0])

    async def call(self, event: str, payload: dict) -> dict:
        self._next_ack += 1
        ack_id = self._next_ack
        fut = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = fut
        await self.ws.send_str(f"42{ack_id}" + json.dumps([event, payload], ensure_ascii=False))
        return await fut

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()


def percentile(values: list[int], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


async def open_all(session, urls: list[str], auths: list[dict], tally: Tally, concurrency: int = 50) -> list[Conn]:
    """Client i connects to urls[i % len(urls)] (several server processes share the clients)."""
    tally.per_process = [0] * len(urls)
    conns = [Conn(session, urls[i % len(urls)], a, tally, i % len(urls)) for i, a in enumerate(auths)]
    sem = asyncio.Semaphore(concurrency)

    async def one(c):
        async with sem:
            await c.open()
    await asyncio.gather(*(one(c) for c in conns))
    return conns


async def blast(senders: list[tuple[Conn, str]], per_sender: int, window: int, tally: Tally, fanout: int,
                timeout: float) -> dict:
    """Every sender sends per_sender messages, at most `window` unacknowledged at a time;
    waits until every copy has been delivered (or the timeout)."""
    tally.reset(len(senders) * per_sender * fanout)
    acked = 0
    refused: list[str] = []
    tally.first_send_ns = time.perf_counter_ns()

    async def run(conn: Conn, conversation_id: str, idx: int):
        nonlocal acked
        sem = asyncio.Semaphore(window)

        async def one(n: int):
            nonlocal acked
            async with sem:
                text = f"t={time.perf_counter_ns()} 蓝牙耳机到货了，快来看看 #{n}"
                ack = await conn.call("message:send", {"conversation_id": conversation_id, "text": text,
                                                       "client_msg_id": f"b{idx}-{n}-{tally.first_send_ns}"})
                if ack.get("ok"):
                    acked += 1
                elif len(refused) < 5:  # the first few sends not acked ok, and why
                    refused.append(json.dumps(ack, ensure_ascii=False)[:200])
        await asyncio.gather(*(one(n) for n in range(per_sender)))

    await asyncio.gather(*(run(c, cid, i) for i, (c, cid) in enumerate(senders)))
    acked_ns = time.perf_counter_ns()
    try:
        await asyncio.wait_for(tally.done.wait(), timeout)
    except asyncio.TimeoutError:
        pass
    span_s = max(1e-9, (tally.last_delivery_ns - tally.first_send_ns) / 1e9)
    return {"sent": len(senders) * per_sender, "acked": acked, "expected": tally.expected,
            "delivered": tally.deliveries, "delivered_per_process": list(tally.per_process), "refused": refused,
            "seconds": span_s,
            "acks_per_s": acked / max(1e-9, (acked_ns - tally.first_send_ns) / 1e9),
            "deliveries_per_s": tally.deliveries / span_s}


async def paced(senders: list[tuple[Conn, str]], rate_per_s: float, seconds: float, tally: Tally, fanout: int) -> dict:
    """Sends at a steady rate well below saturation and reports send-to-receive latency."""
    total = int(rate_per_s * seconds)
    tally.reset(total * fanout)
    tally.first_send_ns = time.perf_counter_ns()
    interval = 1 / rate_per_s
    pending = []
    for n in range(total):
        conn, cid = senders[n % len(senders)]
        text = f"t={time.perf_counter_ns()} 这款降噪耳机通勤用正合适 #{n}"
        pending.append(asyncio.create_task(conn.call("message:send", {"conversation_id": cid, "text": text})))
        await asyncio.sleep(interval)
    await asyncio.gather(*pending)
    try:
        await asyncio.wait_for(tally.done.wait(), 30)
    except asyncio.TimeoutError:
        pass
    lat = tally.latencies_ns
    return {"delivered": tally.deliveries, "delivered_per_process": list(tally.per_process), "expected": tally.expected,
            "p50_ms": percentile(lat, 50) / 1e6, "p99_ms": percentile(lat, 99) / 1e6}
