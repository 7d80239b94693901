"""Delivery to the sockets connected to this process: the cost that bounds how fast a room fans out.

The fan-out encodes a packet once and puts it straight on each recipient's Engine.IO queue
(python-socketio's own emit makes one task per recipient, which is what caps a bare
python-socketio server)."""
from __future__ import annotations

from dataclasses import dataclass

from engineio import packet as eio_packet
from socketio import packet as sio_packet


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    data: object
    rooms: tuple[str, ...]
    skip_sid: str | None = None


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
        sockets = self.sio.eio.sockets
        for sid, eio_sid in self.sio.manager.get_participants(self.namespace, list(event.rooms)):
            if sid == event.skip_sid:
                continue
            sock = sockets.get(eio_sid)
            if sock is None or sock.closed:
                continue
            for p in eio_pkts:
                sock.queue.put_nowait(p)
