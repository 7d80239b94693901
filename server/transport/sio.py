"""Socket.IO handlers: authenticate once at connect, then thin handlers that ack."""
from __future__ import annotations

import logging

import socketio

from .. import events, wire
from ..actions import messages
from ..actions.auth import access_session_by_token
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
    live = svc.live  # sid -> the user and the session the connection was opened with

    async def connect(sid, environ, auth):
        token = auth.get("token") if isinstance(auth, dict) else None
        found = await access_session_by_token(svc, token)
        if found is None:
            # the client's connect_error: .message "unauthorized", .data the usual error object
            raise socketio.exceptions.ConnectionRefusedError(
                "unauthorized", {"code": "unauthorized", "message": "a valid token is required"})
        session, user = found
        live.add(sid, user, session)
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
        gone = live.remove(sid)
        user = gone.user if gone is not None else None
        if user is not None and await svc.presence.disconnect(user.id, sid):
            svc.publisher.publish(events.PRESENCE, {"user_id": user.id, "status": "offline"},
                                  events.presence_room(user.id))

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)

    def handler(name):
        model = EVENT_PAYLOADS[name]

        def decorate(fn):
            async def run(sid, data=None):
                try:
                    session = await live.current(sid, svc.clock.now())
                    if session is None:  # its session ended (the connection is closing) or it never connected
                        raise Unauthorized("the session has ended; log in again", code="unauthorized")
                    result = await fn(sid, session.user, parse(model, data))
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

    async def unknown(event, sid, *args):
        """Events without a handler above (reserved names never get here: transport/sio_guard.py)."""
        return {"ok": False, "error": {"code": "unknown_event", "message": f"unknown event {event!r}"}}

    sio.on("*", unknown)
