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
recipient takes the queue. It also gives every Engine.IO socket an OutgoingQueue: a connection whose
unsent output (its queue, plus its websocket transport's buffer) grows beyond `max_pending` bytes is
a reader that stopped reading, and is dropped instead of holding the server's memory until the ping
timeout."""
from __future__ import annotations

import asyncio
import logging
import struct
from dataclasses import dataclass

from aiohttp.web import WebSocketResponse
from engineio import packet as eio_packet
from engineio.async_drivers.aiohttp import WebSocket as _EioAiohttpWebSocket
from socketio import packet as sio_packet

log = logging.getLogger(__name__)

# A recipient whose transport already holds this much unsent data is a slow reader: it gets the
# queue instead of another direct write, so what we buffer for it in the kernel-side transport
# stays bounded by this (asyncio's own high-water mark is 64 KiB). From the queue, Engine.IO's
# writer sends at the pace the reader drains (it waits on the transport), and a reader that stops
# answering pings is disconnected by Engine.IO's ping timeout, as before this fast path existed.
FAST_WRITE_LIMIT = 64 * 1024

MAX_PENDING = 1024 * 1024  # the default cap on one connection's unsent output (CHAT_SOCKET_MAX_PENDING)

_WS_ATTR = "_shopchat_ws"  # the aiohttp WebSocketResponse of an Engine.IO socket, set by the wrapper below


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    data: object
    rooms: tuple[str, ...]
    skip_sid: str | None = None


def _size(pkt) -> int:
    """What a queued Engine.IO packet will take on the wire, about: its data's length (Socket.IO's JSON is
    ASCII-only, so characters are bytes), a few bytes for the rest."""
    data = getattr(pkt, "data", None)
    return (len(data) if isinstance(data, (str, bytes)) else 0) + 8


class OutgoingQueue(asyncio.Queue):
    """Engine.IO's per-socket queue of packets to send, counting the bytes it holds. When those, plus what
    the socket's websocket transport still buffers, pass `limit`, the connection is dropped (logged at
    info): what it held is let go, later packets are refused, and the socket closes as if the client
    had gone (its disconnect handlers run). The writer may still hold one batch taken from the queue
    before that (at most `limit`), so a connection never holds much more than twice the limit."""

    def __init__(self, server, limit: int):
        super().__init__()
        self._server = server
        self.limit = limit
        self.pending = 0
        self.dropped = False
        self.ws = None  # the aiohttp WebSocketResponse, once the socket has one (_WebSocket)

    def put_nowait(self, item):
        if self.dropped and item is not None:  # None: Engine.IO telling its writer to stop
            return
        super().put_nowait(item)
        self.pending += _size(item)
        if self.limit and not self.dropped:
            backlog = self.backlog()
            if backlog > self.limit:
                self._drop(backlog)

    def get_nowait(self):
        item = super().get_nowait()
        self.pending -= _size(item)
        return item

    def _transport(self):
        writer = getattr(self.ws, "_writer", None)
        return getattr(writer, "transport", None)

    def backlog(self) -> int:
        """Bytes waiting for this connection: queued, and in its websocket transport's buffer."""
        transport = self._transport()
        return self.pending + (transport.get_write_buffer_size() if transport is not None else 0)

    def _drop(self, backlog: int) -> None:
        self.dropped = True
        sock = next((s for s in self._server.sockets.values() if s.queue is self), None)
        log.info("dropping connection %s: %d bytes unsent (limit %d), it stopped reading",
                 getattr(sock, "sid", "?"), backlog, self.limit)
        kept = [item for item in self._queue if item is None]
        for _ in range(len(self._queue) - len(kept)):
            self.task_done()
        self._queue.clear()
        self._queue.extend(kept)
        self.pending = sum(_size(i) for i in kept)
        transport = self._transport()
        if transport is not None:  # the websocket's handler sees the connection end and closes the socket
            transport.abort()
        elif sock is not None:  # long-polling: nobody is waiting on the connection, close the socket
            self._server.start_background_task(sock.close, wait=False, abort=True,
                                               reason=self._server.reason.TRANSPORT_ERROR)


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
            if isinstance(eio_socket.queue, OutgoingQueue):
                eio_socket.queue.ws = self._sock
        try:
            await self.handler(self)
        finally:
            if eio_socket is not None:
                setattr(eio_socket, _WS_ATTR, None)
        return self._sock


def install_websocket(sio, max_pending: int = MAX_PENDING) -> None:
    """Serve Engine.IO websockets of this server through _WebSocket (the drivers' table is shared by
    every server of the process, so this server gets its own copy), and give each of its sockets an
    OutgoingQueue capped at `max_pending` bytes (0: no cap)."""
    eio = sio.eio
    if eio._async.get("websocket") is _EioAiohttpWebSocket:
        eio._async = {**eio._async, "websocket": _WebSocket}
    eio.create_queue = lambda *args, **kwargs: OutgoingQueue(eio, max_pending)


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
