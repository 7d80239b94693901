"""Delivery to the sockets connected to this process: the cost that bounds how fast a room fans out.

An event is encoded once. For a recipient on a plain, upgraded websocket whose Engine.IO writer is idle
(nothing queued, the writer task waiting on its queue), the already-framed websocket message (server
frames are unmasked, so the bytes are the same for every recipient) is written straight to the
socket's transport: one `transport.write` per recipient, no queue, no task switch. Every other
recipient (long-polling, mid-upgrade, a writer with packets still to send, per-message compression, a
slow reader) gets the Engine.IO packet on its queue, as python-socketio would do it, so the order of
packets on each socket is the order they were sent in. python-socketio's own emit makes one task per
recipient, which is what caps a bare python-socketio server.

`install_websocket(sio)` (called where the AsyncServer is built) replaces Engine.IO's aiohttp websocket
wrapper with one that remembers each socket's aiohttp WebSocketResponse (Engine.IO keeps it only in a
local of its handler) and negotiates no permessage-deflate, like Node's socket.io server by default:
a compressed socket has its own deflate stream, so its frames can't be shared. Without it every
recipient takes the queue."""
from __future__ import annotations

import struct
from dataclasses import dataclass

from aiohttp.web import WebSocketResponse
from engineio import packet as eio_packet
from engineio.async_drivers.aiohttp import WebSocket as _EioAiohttpWebSocket
from socketio import packet as sio_packet

# A recipient whose transport already holds this much unsent data is a slow reader: it gets the
# queue instead of another direct write, so what we buffer for it in the kernel-side transport
# stays bounded by this (asyncio's own high-water mark is 64 KiB). From the queue, Engine.IO's
# writer sends at the pace the reader drains (it waits on the transport), and a reader that stops
# answering pings is disconnected by Engine.IO's ping timeout, as before this fast path existed.
FAST_WRITE_LIMIT = 64 * 1024

_WS_ATTR = "_shopchat_ws"  # the aiohttp WebSocketResponse of an Engine.IO socket, set by the wrapper below


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    data: object
    rooms: tuple[str, ...]
    skip_sid: str | None = None


class _WebSocket(_EioAiohttpWebSocket):
    """Engine.IO's aiohttp websocket wrapper, recording the response on the Engine.IO socket it serves
    for as long as the handler runs, without permessage-deflate."""

    async def __call__(self, environ):
        request = environ["aiohttp.request"]
        self._sock = WebSocketResponse(max_msg_size=self.server.max_http_buffer_size, compress=False)
        await self._sock.prepare(request)
        self.environ = environ
        eio_socket = getattr(self.handler, "__self__", None)  # the bound AsyncSocket._websocket_handler
        if eio_socket is not None:
            setattr(eio_socket, _WS_ATTR, self._sock)
        try:
            await self.handler(self)
        finally:
            if eio_socket is not None:
                setattr(eio_socket, _WS_ATTR, None)
        return self._sock


def install_websocket(sio) -> None:
    """Serve Engine.IO websockets of this server through _WebSocket (the drivers' table is shared by
    every server of the process, so this server gets its own copy)."""
    eio = sio.eio
    if eio._async.get("websocket") is _EioAiohttpWebSocket:
        eio._async = {**eio._async, "websocket": _WebSocket}


def ws_frame(text: str) -> bytes:
    """One unmasked, final text frame (RFC 6455 §5.2) carrying `text`."""
    payload = text.encode()
    n = len(payload)
    if n < 126:
        return struct.pack("!BB", 0x81, n) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


def _idle_transport(sock):
    """The transport to write to directly, or None when this socket must take its queue.

    Direct writes keep the socket's order only if nothing is waiting to be written before them: the
    queue is empty AND Engine.IO's writer task is parked in queue.get() (a pending getter). A writer
    that took a batch from the queue and is suspended writing it (waiting for the transport to drain,
    or woken and not yet run) has no pending getter."""
    ws = getattr(sock, _WS_ATTR, None)
    if ws is None or not sock.upgraded or sock.upgrading or sock.closing:
        return None
    writer = ws._writer
    if writer is None or writer.compress or writer._closing or ws._closing or ws._closed:
        return None
    queue = sock.queue
    if queue._queue:  # noqa: SLF001 - qsize() without the call
        return None
    for getter in queue._getters:  # noqa: SLF001 - asyncio.Queue's waiting get() calls
        if not getter.done():
            break
    else:
        return None
    transport = writer.transport
    if transport is None or transport.is_closing() or transport.get_write_buffer_size() > FAST_WRITE_LIMIT:
        return None
    return transport


class LocalFanout:
    def __init__(self, sio, namespace: str = "/"):
        self.sio = sio
        self.namespace = namespace
        self._fast = hasattr(sio, "eio") and hasattr(sio.eio, "sockets")

    async def deliver(self, event: Event) -> None:
        if not event.rooms:
            return
        if not self._fast:
            await self.sio.emit(event.name, event.data, to=list(event.rooms), skip_sid=event.skip_sid,
                                namespace=self.namespace)
            return
        pkt = self.sio.packet_class(sio_packet.EVENT, namespace=self.namespace, data=[event.name, event.data])
        encoded = pkt.encode()
        eio_pkts = [eio_packet.Packet(eio_packet.MESSAGE, p)
                    for p in (encoded if isinstance(encoded, list) else [encoded])]
        # a text packet goes out as one frame: "4" + the Socket.IO packet; binary attachments take the queue
        frame = ws_frame(eio_pkts[0].encode()) if len(eio_pkts) == 1 and isinstance(encoded, str) else None
        sockets = self.sio.eio.sockets
        skip = event.skip_sid
        for sid, eio_sid in self.sio.manager.get_participants(self.namespace, list(event.rooms)):
            if sid == skip:
                continue
            sock = sockets.get(eio_sid)
            if sock is None or sock.closed:
                continue
            if frame is not None:
                transport = _idle_transport(sock)
                if transport is not None:
                    try:
                        transport.write(frame)
                        continue
                    except Exception:  # a transport failing now: the queue path below, as before
                        pass
            for p in eio_pkts:
                sock.queue.put_nowait(p)
