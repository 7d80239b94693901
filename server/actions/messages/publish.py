"""Who hears about a message, and as what: readers get it as members see it; a held or hidden one
goes whole to the moderators only."""
from __future__ import annotations

from ... import events, wire
from ...domain.messages import Conversation, Message
from ...domain.moderation import PLATFORM_SCOPE
from ...domain.users import User
from ...events.domain import MessageEdited, MessageSent
from ...policy.access import access_conversation, check_may_touch
from ...services import Services


def conversation_rooms(conv: Conversation) -> tuple[str, ...]:
    """Who hears about a conversation: its group's room, or its participants."""
    if conv.kind in ("private", "support"):
        return tuple(events.user_room(u) for u in conv.participants)
    return (events.group_room(conv.group_id),)


async def check_typing(svc: Services, user: User, *, conversation_id: str, typing: bool,
                       skip_sid: str | None = None) -> None:
    """Tells the conversation's readers (but the typing socket) that the user is typing or stopped."""
    acc = await access_conversation(svc, user, conversation_id)
    check_may_touch(user, acc)
    svc.publisher.publish(events.TYPING_UPDATED,
                          {"conversation_id": acc.conversation.id, "user_id": user.id, "typing": typing},
                          *conversation_rooms(acc.conversation), skip_sid=skip_sid)


def do_publish_message(svc: Services, conv: Conversation, message: Message) -> None:
    if message.hidden is not None:  # held: only its author sees it, marked as waiting for review
        svc.publisher.to_users(events.MESSAGE_NEW, wire.message(message, viewer=message.author_id),
                               [message.author_id])
        _tell_moderators(svc, events.MESSAGE_NEW, conv, message)
        return
    svc.publisher.publish(events.MESSAGE_NEW, wire.message(message), *conversation_rooms(conv))


def do_publish_update(svc: Services, conv: Conversation, message: Message) -> None:
    """Readers get the message as members see it; a hidden one then goes whole to the moderators, who are
    readers too, so their clients end with the version they may see (events arrive in publish order)."""
    svc.publisher.publish(events.MESSAGE_UPDATED, wire.message(message), *conversation_rooms(conv))
    if message.hidden is not None:
        _tell_moderators(svc, events.MESSAGE_UPDATED, conv, message)


def do_publish_unseen_update(svc: Services, conv: Conversation, message: Message) -> None:
    """A change to a message its readers never got (its pictures were being checked): its author gets their
    own view of it (with why it is out of sight) and the moderators the whole of it; the readers hear nothing."""
    svc.publisher.to_users(events.MESSAGE_UPDATED, wire.message(message, viewer=message.author_id),
                           [message.author_id])
    _tell_moderators(svc, events.MESSAGE_UPDATED, conv, message)


def _tell_moderators(svc: Services, name: str, conv: Conversation, message: Message) -> None:
    svc.publisher.publish(name, wire.message(message, reveal=True), events.mods_room(conv.group_id or PLATFORM_SCOPE),
                          events.mods_room(PLATFORM_SCOPE))


def subscribe(svc: Services) -> None:
    """The fan-out of the message events: first among their subscribers, so readers hear of a message
    before anything else follows from it."""
    svc.bus.subscribe(MessageSent, lambda e: do_publish_message(svc, e.conversation, e.message))
    svc.bus.subscribe(MessageEdited, lambda e: do_publish_update(svc, e.conversation, e.message))
