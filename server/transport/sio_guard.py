"""What a Socket.IO client may not send, refused before python-socketio dispatches it.

python-socketio looks a client's event name up among the server's handlers, so a client that emits
`disconnect` runs the disconnect handler (its session forgotten while the socket stays open) and one
that emits `connect` runs the connect handler with the wrong arguments (an exception: its ack never
comes). A packet whose JSON is refused (safe_json: too deep, too long a number) or that is no event
at all (`2{}`, `2[]`, `2[{"a":1}]`) raised inside the library, and the client waited for an ack that
never came.

GuardedPacket (the server's packet class, app.py) decodes every packet with safe_json and rewrites
such an event into REFUSED, whose handler (install) acks an error: {"ok": false, "error": {code,
message}} like any other refusal (invalid_payload for what can't be read, unknown_event for a reserved name). The connection and its session are untouched."""
from __future__ import annotations

import socketio
from socketio import packet as sio_packet

from . import safe_json

REFUSED = "\x00refused"  # no client names an event so; one that does is refused the same way
# names the libraries give their own events (python-socketio's and the JavaScript client's), and the
# catch-all's: a client sending one is refused, never dispatched
RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error", "disconnecting", "message", "*",
                             "newListener", "removeListener", REFUSED})
_EVENTS = (sio_packet.EVENT, sio_packet.BINARY_EVENT)


class GuardedPacket(sio_packet.Packet):
    json = safe_json

    def decode(self, encoded_packet):
        try:
            attachments = super().decode(encoded_packet)
        except ValueError as exc:
            if self.packet_type == sio_packet.CONNECT:  # unreadable auth: refused as no token at all
                self.data = None
                return 0
            if self.packet_type not in _EVENTS:
                raise
            if self.packet_type == sio_packet.BINARY_EVENT:  # its attachments can't be matched any more
                self.packet_type = sio_packet.EVENT
            problem = (f"the payload is nested deeper than {safe_json.MAX_DEPTH}" if isinstance(exc, safe_json.TooDeep)
                       else "the payload is not valid JSON")
            return self._refuse("invalid_payload", problem, 0)
        if self.packet_type == sio_packet.BINARY_EVENT and not attachments:  # else it would wait for none
            self.packet_type = sio_packet.EVENT
        if self.packet_type in _EVENTS:
            data = self.data
            if not isinstance(data, list) or not data or not isinstance(data[0], str):
                return self._refuse("invalid_payload", "an event is a list: its name, then its arguments",
                                    attachments)
            if data[0] in RESERVED_EVENTS:
                return self._refuse("unknown_event", f"{data[0]!r} is a reserved event name", attachments)
        return attachments

    def _refuse(self, code: str, message: str, attachments) -> int:
        # a binary event keeps its attachment count, so that its attachments are still taken as its own
        self.data = [REFUSED, code, message]
        return attachments


# the AsyncServer's options: its packets, and Engine.IO's, decoded with safe_json
GUARDED = {"serializer": GuardedPacket, "json": safe_json}


def guard_events(sio: socketio.AsyncServer) -> None:
    """Acks the refusal GuardedPacket made of a packet (for a server made with **GUARDED)."""
    async def refused(sid, code=None, message=None, *rest):
        return {"ok": False, "error": {"code": code if isinstance(code, str) else "unknown_event",
                                       "message": message if isinstance(message, str) else "refused"}}
    sio.on(REFUSED, refused)
