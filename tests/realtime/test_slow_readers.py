"""A connection that stops reading is dropped once its unsent output passes the cap
(CHAT_SOCKET_MAX_PENDING), on websockets and long-polling alike; what the server holds for it stays
bounded all along, and readers that keep up are not touched."""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import struct

import pytest

from server.app import create_app
from server.events import user_room
from server.realtime.fanout import FAST_WRITE_LIMIT, Event, OutgoingQueue
from server.transport.keys import SIO
from tests.conftest import make_config

CAP = 256 * 1024
PAD = "x" * 32 * 1024


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, socket_max_pending=CAP)


@pytest.fixture
async def client(aiohttp_client, config):
    return await aiohttp_client(create_app(config))


async def wait_until(predicate, timeout=10.0):
    async def loop():
        while not predicate():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(loop(), timeout)


def masked_text_frame(text: str) -> bytes:
    payload, mask = text.encode(), os.urandom(4)
    assert len(payload) < 126
    return struct.pack("!BB", 0x81, 0x80 | len(payload)) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class StalledWebsocket:
    """A raw Engine.IO websocket client that connects Socket.IO with a token and then never reads again
    (a tiny receive buffer, so the kernel holds little for it)."""

    async def open(self, host: str, port: int, token: str):
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.setblocking(False)
        await asyncio.get_running_loop().sock_connect(raw, (host, port))
        self.reader, self.writer = await asyncio.open_connection(sock=raw)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        assert b" 101 " in await self.reader.readuntil(b"\r\n\r\n")
        await self._frame()  # Engine.IO's open packet
        self.writer.write(masked_text_frame("40" + json.dumps({"token": token})))
        await self.writer.drain()
        assert (await self._frame()).startswith("40")  # Socket.IO connected; from here on nothing is read

    async def _frame(self) -> str:
        head = await self.reader.readexactly(2)
        n = head[1] & 0x7F
        if n == 126:
            n = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        return (await self.reader.readexactly(n)).decode()

    def close(self):
        self.writer.transport.abort()


def sockets_of(client, user_id):
    sio = client.server.app[SIO]
    return [sio.eio.sockets.get(eio_sid) for _, eio_sid in sio.manager.get_participants("/", [user_room(user_id)])]


async def test_a_websocket_that_stops_reading_is_dropped_and_what_it_holds_stays_bounded(
        client, svc, people, live, caplog):
    caplog.set_level(logging.INFO, logger="server.realtime.fanout")
    slow, steady = await people("slowpoke"), await people("steady")
    reader = await live(steady)
    stalled = StalledWebsocket()
    await stalled.open(client.server.host, client.server.port, slow.token)
    try:
        [sock] = sockets_of(client, slow.id)
        queue = sock.queue
        assert isinstance(queue, OutgoingQueue) and queue.ws is not None
        # the server's side of the connection buffers little in the kernel either
        queue.ws._writer.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        peak, sent = 0, 0
        while not sock.closed:
            assert sent < 2000, "the stalled connection was never dropped"
            await svc.publisher.fanout.deliver(Event("seq", {"i": sent, "pad": PAD},
                                                     (user_room(slow.id), user_room(steady.id))))
            sent += 1
            peak = max(peak, queue.backlog())
            await wait_until(lambda n=sent: len(reader.of("seq")) >= n)  # the steady reader keeps up
        assert sent * len(PAD) > CAP  # it took more than the cap to drop it
        assert peak <= CAP + len(PAD) + FAST_WRITE_LIMIT  # never much more than the cap
        assert queue.dropped and queue.pending == 0
        await wait_until(lambda: not sockets_of(client, slow.id))  # disconnected: out of its rooms
        assert await svc.presence.status(slow.id) == "offline"  # its disconnect handler ran
        assert any("dropping connection" in r.getMessage() for r in caplog.records)
        # the steady reader got everything, in order, and is still connected
        for i in range(3):
            await svc.publisher.fanout.deliver(Event("seq", {"i": sent + i}, (user_room(steady.id),)))
        await wait_until(lambda: len(reader.of("seq")) >= sent + 3)
        assert [d["i"] for d in reader.of("seq")] == list(range(sent + 3))
        assert reader.sio.connected
    finally:
        stalled.close()


async def test_a_long_polling_client_that_stops_polling_is_dropped(client, svc, people):
    slow = await people("poller")
    resp = await client.get("/socket.io/?EIO=4&transport=polling")
    sid = json.loads((await resp.text())[1:])["sid"]
    url = f"/socket.io/?EIO=4&transport=polling&sid={sid}"
    resp = await client.post(url, data="40" + json.dumps({"token": slow.token}))
    assert resp.status == 200
    await wait_until(lambda: bool(sockets_of(client, slow.id)))
    [sock] = sockets_of(client, slow.id)
    sent = 0
    while not sock.closed:
        assert sent < 100, "the idle poller was never dropped"
        await svc.publisher.fanout.deliver(Event("seq", {"i": sent, "pad": PAD}, (user_room(slow.id),)))
        await svc.publisher.fanout.sio.emit("seq", {"i": sent, "pad": PAD}, to=user_room(slow.id))  # the queue too
        sent += 1
        assert sock.queue.backlog() <= CAP + 2 * len(PAD)
        await asyncio.sleep(0)
    assert sent * 2 * len(PAD) >= CAP
    await wait_until(lambda: not sockets_of(client, slow.id))
    resp = await client.get(url)  # the session is gone
    assert resp.status == 400


async def test_no_cap_when_set_to_zero(aiohttp_client, tmp_path, people):
    app = create_app(make_config(tmp_path, socket_max_pending=0))
    c = await aiohttp_client(app)
    sio = c.server.app[SIO]
    q = sio.eio.create_queue()
    for _ in range(100):
        q.put_nowait(type("P", (), {"data": PAD})())
    assert not q.dropped and q.qsize() == 100
