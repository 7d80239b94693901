"""Minimal bare python-socketio broadcast peer: join the room named in auth, rebroadcast sends."""
from __future__ import annotations

import itertools
import os
from datetime import datetime, timezone

import socketio
from aiohttp import web

sio = socketio.AsyncServer(async_mode="aiohttp")
app = web.Application()
sio.attach(app)
counter = itertools.count(1)
rooms: dict[str, str] = {}


@sio.on("connect")
async def connect(sid, environ, auth):
    room = (auth or {}).get("room", "lobby")
    rooms[sid] = room
    await sio.enter_room(sid, room)


@sio.on("message:send")
async def send(sid, data):
    seq = next(counter)
    message = {"id": f"{seq:024x}", "conversation_id": data.get("conversation_id"), "seq": seq, "author_id": sid,
               "type": "text", "text": data.get("text"), "client_msg_id": data.get("client_msg_id"),
               "created_at": datetime.now(timezone.utc).isoformat()}
    await sio.emit("message:new", message, to=rooms[sid])
    return {"ok": True, "message": message}


if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=int(os.environ["PORT"]), print=None)
