"""Notifications of mentions, replies and followed threads: a deferred subscriber of MessageSent."""
from __future__ import annotations

from .. import events, wire
from ..domain.messages import Conversation, Message, Notification
from ..domain.users import User
from ..errors import DomainError
from ..events.domain import MessageSent
from ..policy.access import access_conversation
from ..services import Services


def _may_notify(conv: Conversation, message: Message) -> bool:
    return bool(conv.kind == "thread" and message.seq > 1 or message.reply_to or message.mentions
                or message.mention_all)


def subscribe(svc: Services) -> None:
    def on_sent(e: MessageSent):
        """Decides at once whether there is anyone to notify; the work runs after the ack."""
        conv, message = e.conversation, e.message
        if message.hidden is not None:  # held: nobody is notified until it is shown (do_notify_shown)
            return None
        return _notify(svc, conv, message) if _may_notify(conv, message) else None
    svc.bus.subscribe(MessageSent, on_sent, deferred=True)


async def do_notify_shown(svc: Services, conv: Conversation, message: Message) -> None:
    """A message that was out of everyone's sight from its send (held while its pictures were read, or held for
    a moderator) and is shown now: its mentions, replies and thread followers are told, as they would have been
    at the send."""
    if message.hidden is None and _may_notify(conv, message):
        await _notify(svc, conv, message)


async def _notify(svc: Services, conv: Conversation, message: Message) -> None:
    targets: dict[str, str] = {}  # user -> kind; the most specific kind wins
    if conv.kind == "thread" and message.seq > 1:
        for follower in await svc.storage.follows.followers(conversation_id=conv.id):
            targets[follower] = "thread_reply"
    if message.reply_to:
        quoted = await svc.storage.messages.get(message_id=message.reply_to)
        if quoted is not None:
            targets[quoted.author_id] = "reply"
    for user_id in message.mentions:
        targets[user_id] = "mention"
    targets.pop(message.author_id, None)
    if conv.group_id:  # a follower or a quoted author who left the group (or was banned from it) hears nothing
        for user_id in list(targets):
            if await svc.storage.groups.get_member(group_id=conv.group_id, user_id=user_id) is None:
                del targets[user_id]
    now = svc.clock.now()
    for user_id, kind in targets.items():
        note = await svc.storage.notifications.add(user_id=user_id, kind=kind, conversation_id=conv.id,
                                                   message_id=message.id, actor_id=message.author_id,
                                                   created_at=now)
        svc.publisher.to_users(events.NOTIFICATION, {**wire.notification(note), "message": wire.message(message)},
                               [user_id])
    if message.mention_all and conv.group_id:
        # @all reaches everyone live; it is not stored once per member
        svc.publisher.publish(events.NOTIFICATION, {"kind": "mention_all", "conversation_id": conv.id,
                                                    "message_id": message.id, "actor_id": message.author_id,
                                                    "created_at": wire.ts(now), "message": wire.message(message)},
                              events.group_room(conv.group_id), skip_sid=None)


async def with_messages(svc: Services, user: User, notes: list[Notification]) -> list[dict]:
    """Notifications as the live event carries them: each with its message, as this user may see it now
    (a deleted or hidden one comes as its tombstone or placeholder; null if it is gone)."""
    found = await svc.storage.messages.get_many(message_ids=[n.message_id for n in notes])
    readable = {}
    for conversation_id in {n.conversation_id for n in notes}:
        try:  # one who has left the group since (or was removed) no longer reads its words here
            await access_conversation(svc, user, conversation_id)
            readable[conversation_id] = True
        except DomainError:
            readable[conversation_id] = False
    shown = {i: wire.message(m, viewer=user.id) for i, m in found.items() if readable.get(m.conversation_id)}
    return [{**wire.notification(n), "message": shown.get(n.message_id)} for n in notes]
