"""Socket.IO handlers: authenticate once at connect, then thin handlers that ack."""
from __future__ import annotations

import logging

import socketio

from .. import events, wire
from ..actions import messages
from ..actions.auth import access_user_by_token
from ..domain.users import STAFF_ROLES
from ..errors import DomainError, Unauthorized
from ..policy.roles import moderation_rooms
from ..services import Services
from . import payloads as P
from .payloads import parse

log = logging.getLogger(__name__)

# each client event's payload model, for the handlers below and the document (docs/api.md)
EVENT_PAYLOADS: dict[str, type[P.Body]] = {
    events.MESSAGE_SEND: P.SioSendMessage, events.MESSAGE_EDIT: P.SioEditMessage,
    events.MESSAGE_DELETE: P.MessageRef, events.REACTION_ADD: P.SioReaction, events.REACTION_REMOVE: P.SioReaction,
    events.HISTORY: P.SioHistory, events.READ: P.SioMarkRead, events.TYPING: P.SioTyping, events.SYNC: P.SioSync,
    events.PRESENCE_SET: P.SioPresenceSet, events.PRESENCE_SUBSCRIBE: P.SioPresenceSubscribe,
}


def attach(sio: socketio.AsyncServer, svc: Services) -> None:
    users: dict[str, object] = {}  # sid -> User, set at connect

    async def connect(sid, environ, auth):
        token = auth.get("token") if isinstance(auth, dict) else None
        user = await access_user_by_token(svc, token)
        if user is None:
            raise socketio.exceptions.ConnectionRefusedError({"code": "unauthorized",
                                                              "message": "a valid token is required"})
        users[sid] = user
        await sio.enter_room(sid, events.user_room(user.id))
        groups = await svc.storage.groups.list_for_user(user_id=user.id)
        for group in groups:
            await sio.enter_room(sid, events.group_room(group.id))
        for scope in await moderation_rooms(svc, user, groups):
            await sio.enter_room(sid, events.mods_room(scope))
        if user.role in STAFF_ROLES:
            await sio.enter_room(sid, events.desk_room())
        if await svc.presence.connect(user.id, sid):
            svc.publisher.publish(events.PRESENCE, {"user_id": user.id, "status": "online"},
                                  events.presence_room(user.id))

    async def disconnect(sid, *args):
        user = users.pop(sid, None)
        if user is not None and await svc.presence.disconnect(user.id, sid):
            svc.publisher.publish(events.PRESENCE, {"user_id": user.id, "status": "offline"},
                                  events.presence_room(user.id))

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)

    def handler(name):
        model = EVENT_PAYLOADS[name]

        def decorate(fn):
            async def run(sid, data=None):
                user = users.get(sid)
                try:
                    if user is None:
                        raise Unauthorized("not connected", code="unauthorized")
                    result = await fn(sid, user, parse(model, data))
                except DomainError as exc:
                    return {"ok": False, "error": exc.to_dict()}
                except Exception:  # never let one bad event take the connection down
                    log.exception("handler %s failed", name)
                    return {"ok": False, "error": {"code": "internal", "message": "something went wrong"}}
                return {"ok": True, **(result or {})}
            sio.on(name, run)
            return fn
        return decorate

    @handler(events.MESSAGE_SEND)
    async def send(sid, user, p):
        message, created = await messages.check_send_message(svc, user, p.conversation_id, p.draft())
        return {"message": wire.message(message, viewer=user.id), "duplicate": not created}

    @handler(events.MESSAGE_EDIT)
    async def edit(sid, user, p):
        message = await messages.check_edit_message(svc, user, message_id=p.message_id, text=p.text)
        return {"message": wire.message(message)}

    @handler(events.MESSAGE_DELETE)
    async def delete(sid, user, p):
        message = await messages.check_delete_message(svc, user, message_id=p.message_id)
        return {"message": wire.message(message)}

    @handler(events.REACTION_ADD)
    async def react(sid, user, p):
        message = await messages.check_react(svc, user, message_id=p.message_id, emoji=p.emoji, add=True)
        return {"message": wire.message(message)}

    @handler(events.REACTION_REMOVE)
    async def unreact(sid, user, p):
        message = await messages.check_react(svc, user, message_id=p.message_id, emoji=p.emoji, add=False)
        return {"message": wire.message(message)}

    @handler(events.HISTORY)
    async def history(sid, user, p):
        found = await messages.access_history(svc, user, conversation_id=p.conversation_id, before=p.before,
                                              after=p.after, limit=p.limit)
        return {"messages": found}

    @handler(events.READ)
    async def read(sid, user, p):
        return await messages.check_mark_read(svc, user, conversation_id=p.conversation_id, seq=p.seq)

    @handler(events.TYPING)
    async def typing(sid, user, p):
        await messages.check_typing(svc, user, conversation_id=p.conversation_id, typing=p.typing, skip_sid=sid)
        return {}

    @handler(events.SYNC)
    async def sync(sid, user, p):
        return {"conversations": await messages.access_sync(svc, user, dict(p.cursors))}

    @handler(events.PRESENCE_SET)
    async def presence_set(sid, user, p):
        if await svc.presence.set(user.id, sid, p.status):
            svc.publisher.publish(events.PRESENCE, {"user_id": user.id, "status": await svc.presence.status(user.id)},
                                  events.presence_room(user.id))
        return {"status": await svc.presence.status(user.id)}

    @handler(events.PRESENCE_SUBSCRIBE)
    async def presence_subscribe(sid, user, p):
        ids = list(p.user_ids)
        for uid in ids:
            await sio.enter_room(sid, events.presence_room(uid))
        return {"presence": await svc.presence.statuses(ids)}

    known = set(events.CLIENT_EVENTS) | {"connect", "disconnect"}

    async def unknown(event, sid, *args):
        if event in known:
            return None
        return {"ok": False, "error": {"code": "unknown_event", "message": f"unknown event {event!r}"}}

    sio.on("*", unknown)
