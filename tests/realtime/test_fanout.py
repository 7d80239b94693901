"""LocalFanout's direct-write path: one shared websocket frame written to each idle websocket, the queue for
everything else. Order per socket, long-polling clients, skip_sid, dead sockets and slow readers."""
from __future__ import annotations

import asyncio

import engineio.payload
import pytest
import socketio

from server.events import user_room
from server.realtime import fanout as fanout_mod
from server.realtime.fanout import Event, ws_frame
from server.transport.keys import SIO


@pytest.fixture
def direct_writes(monkeypatch):
    """Counts the recipients the fan-out wrote to directly (instead of their queue)."""
    counts = {"direct": 0, "queued": 0}
    real = fanout_mod._idle_transport

    def counting(sock):
        transport = real(sock)
        counts["direct" if transport is not None else "queued"] += 1
        return transport
    monkeypatch.setattr(fanout_mod, "_idle_transport", counting)
    return counts


def server_socket(client, lc):
    sio = client.server.app[SIO]
    return sio.eio.sockets[sio.manager.eio_sid_from_sid(lc.sio.get_sid(), "/")]


async def wait_until(predicate, timeout=5.0):
    async def loop():
        while not predicate():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(loop(), timeout)


def test_frame_lengths():
    assert ws_frame("4x") == b"\x81\x024x"
    assert ws_frame("a" * 200)[:4] == b"\x81\x7e\x00\xc8"
    assert ws_frame("a" * 70000)[:10] == b"\x81\x7f" + (70000).to_bytes(8, "big")
    assert ws_frame("好") == b"\x81\x03" + "好".encode()


async def test_many_events_arrive_in_order_mixed_with_queued_packets(client, svc, people, live, direct_writes):
    p = await people("xiaomei")
    lc = await live(p)
    sio = client.server.app[SIO]
    sid = lc.sio.get_sid()
    n = 600
    for i in range(n):
        if i % 7 == 3:  # python-socketio's own emit goes through the Engine.IO queue (and a task)
            await sio.emit("seq", {"i": i}, to=sid)
        else:
            await svc.publisher.fanout.deliver(Event("seq", {"i": i, "text": "蓝牙耳机" * (i % 50)},
                                                     (user_room(p.id),)))
        if i % 50 == 0:
            await asyncio.sleep(0)  # let the writer run now and then, so both paths are taken
    await wait_until(lambda: len(lc.of("seq")) >= n)
    assert [d["i"] for d in lc.of("seq")] == list(range(n))
    assert direct_writes["direct"] > 0 and direct_writes["queued"] > 0


async def test_polling_clients_still_receive(client, svc, people, live, direct_writes, monkeypatch):
    # the server answers a poll with everything queued in one payload; python-engineio's client refuses
    # payloads of more than 16 packets (a guard of that client: the browser's engine.io-client has none)
    monkeypatch.setattr(engineio.payload.Payload, "max_decode_packets", 1000)
    p = await people("aqiang")
    ws_client = await live(p)
    polling = socketio.AsyncClient(reconnection=False)
    got = []
    polling.on("seq", lambda d: got.append(d["i"]))
    await polling.connect(str(client.make_url("/")), auth={"token": p.token}, transports=["polling"], wait_timeout=5)
    try:
        for i in range(50):
            await svc.publisher.fanout.deliver(Event("seq", {"i": i}, (user_room(p.id),)))
        await wait_until(lambda: len(got) >= 50 and len(ws_client.of("seq")) >= 50)
        assert got == list(range(50))
        assert [d["i"] for d in ws_client.of("seq")] == list(range(50))
        assert direct_writes["queued"] >= 50  # the polling socket took its queue every time
    finally:
        await polling.disconnect()


async def test_skip_sid_is_honoured(client, svc, people, live):
    p = await people("meimei")
    first, second = await live(p), await live(p)
    await svc.publisher.fanout.deliver(Event("seq", {"i": 0}, (user_room(p.id),), skip_sid=first.sio.get_sid()))
    await svc.publisher.fanout.deliver(Event("seq", {"i": 1}, (user_room(p.id),)))
    await wait_until(lambda: len(first.of("seq")) >= 1 and len(second.of("seq")) >= 2)
    assert [d["i"] for d in first.of("seq")] == [1]
    assert [d["i"] for d in second.of("seq")] == [0, 1]


async def test_a_dead_socket_does_not_stop_delivery_to_the_others(client, svc, people, live):
    p = await people("xiaoli")
    alive1, dead, alive2 = await live(p), await live(p), await live(p)
    # the connection drops under the server: its Engine.IO socket is still registered for a moment
    server_socket(client, dead)._shopchat_ws._writer.transport.abort()
    for i in range(20):
        await svc.publisher.fanout.deliver(Event("seq", {"i": i}, (user_room(p.id),)))
    await wait_until(lambda: len(alive1.of("seq")) >= 20 and len(alive2.of("seq")) >= 20)
    assert [d["i"] for d in alive1.of("seq")] == list(range(20))
    assert [d["i"] for d in alive2.of("seq")] == list(range(20))


async def test_a_slow_reader_takes_the_queue_and_keeps_its_order(client, svc, people, live, direct_writes,
                                                                 monkeypatch):
    p = await people("slowpoke")
    lc = await live(p)
    transport = server_socket(client, lc)._shopchat_ws._writer.transport
    for i in range(10):
        await svc.publisher.fanout.deliver(Event("seq", {"i": i}, (user_room(p.id),)))
    assert direct_writes["direct"] == 10
    # the transport reports a backlog beyond the limit: no more direct writes until it drains
    monkeypatch.setattr(transport, "get_write_buffer_size", lambda: fanout_mod.FAST_WRITE_LIMIT + 1)
    for i in range(10, 20):
        await svc.publisher.fanout.deliver(Event("seq", {"i": i}, (user_room(p.id),)))
    assert direct_writes["direct"] == 10 and direct_writes["queued"] == 10
    monkeypatch.undo()
    for i in range(20, 30):
        await svc.publisher.fanout.deliver(Event("seq", {"i": i}, (user_room(p.id),)))
    await wait_until(lambda: len(lc.of("seq")) >= 30)
    assert [d["i"] for d in lc.of("seq")] == list(range(30))


async def test_websockets_are_served_without_compression(client, people, live):
    p = await people("zip")
    lc = await live(p)
    ws = server_socket(client, lc)._shopchat_ws
    assert ws.compress == 0 and ws._writer.compress == 0
