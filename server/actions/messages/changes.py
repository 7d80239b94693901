"""Changing a message after it was sent: edits (moderated again), deletion, reactions, likes, hiding."""
from __future__ import annotations

import unicodedata

from ...domain.messages import Conversation, Message
from ...domain.moderation import PLATFORM_SCOPE
from ...domain.users import User
from ...errors import Forbidden, InvalidPayload
from ...events.domain import MessageEdited
from ...policy.access import ConversationAccess, access_message
from ...services import Services
from ..moderation.audit import do_audit
from ..moderation.screen import screen
from .publish import do_publish_update
from .send import tokens_for

EMOJI_MAX = 16


async def _own_message(svc: Services, user: User, message_id: str) -> tuple[Message, ConversationAccess]:
    return await access_message(svc, user, message_id)


async def check_edit_message(svc: Services, user: User, *, message_id: str, text: str) -> Message:
    message, acc = await _own_message(svc, user, message_id)
    if message.author_id != user.id:
        raise Forbidden("only the author may edit a message", code="not_author")
    if not text:
        raise InvalidPayload("text can't be empty", field="text")
    screened = await screen(svc, user, acc, text, new_post=False)
    text = screened.text
    updated = await svc.storage.messages.edit(message_id=message_id, text=text, tokens=await tokens_for(text),
                                              edited_at=svc.clock.now())
    if screened.hidden and updated.hidden is None:
        updated = await svc.storage.messages.set_hidden(message_id=message_id, hidden=screened.hidden)
    await svc.bus.emit(MessageEdited(acc.conversation, updated, user, screened.verdict))
    return updated


async def check_delete_message(svc: Services, user: User, *, message_id: str) -> Message:
    message, acc = await _own_message(svc, user, message_id)
    if message.author_id != user.id and not acc.is_group_moderator:
        raise Forbidden("only the author or a group moderator may delete a message", code="not_author")
    updated = await svc.storage.messages.delete(message_id=message_id, deleted_at=svc.clock.now())
    if message.author_id != user.id:
        await do_audit(svc, actor_id=user.id, action="delete", scope=acc.group.id if acc.group else PLATFORM_SCOPE,
                       target_kind="message", target_id=message_id, details={"author_id": message.author_id,
                                                                           "text": message.text[:500]})
    if acc.group is not None:
        await svc.storage.groups.unpin(group_id=acc.group.id, message_id=message_id)
    do_publish_update(svc, acc.conversation, updated)
    return updated


def check_emoji(emoji) -> str:
    """A reaction is stored and shown to every reader of the message: nothing in it may break a read
    (a control character, NUL included, or a lone surrogate: Unicode's categories Cc and Cs)."""
    if (not isinstance(emoji, str) or not emoji or len(emoji) > EMOJI_MAX or any(c.isspace() for c in emoji)
            or "." in emoji or emoji.startswith("$") or any(unicodedata.category(c) in ("Cc", "Cs") for c in emoji)):
        raise InvalidPayload("emoji must be 1-16 characters without spaces, dots or a leading $", field="emoji")
    return emoji


async def check_react(svc: Services, user: User, *, message_id: str, emoji: str, add: bool) -> Message:
    message, acc = await _own_message(svc, user, message_id)
    emoji = check_emoji(emoji)
    if add and emoji not in message.reactions and len(message.reactions) >= 20:
        raise InvalidPayload("this message has too many different reactions", code="too_many_reactions")
    store = svc.storage.messages
    updated = await (store.add_reaction if add else store.remove_reaction)(
        message_id=message_id, emoji=emoji, user_id=user.id)
    do_publish_update(svc, acc.conversation, updated)
    return updated


async def check_like_message(svc: Services, user: User, *, message_id: str, like: bool) -> int:
    message, acc = await _own_message(svc, user, message_id)
    store = svc.storage.likes
    count = await (store.like if like else store.unlike)(target_kind="message", target_id=message_id,
                                                        user_id=user.id)
    updated = await svc.storage.messages.get(message_id=message_id)
    do_publish_update(svc, acc.conversation, updated)
    return count


async def do_set_hidden(svc: Services, message_id: str, hidden: str | None, *,
                        conv: Conversation | None = None) -> Message | None:
    """Takes a message out of members' sight (HIDDEN_REASONS) or shows it again, live."""
    message = await svc.storage.messages.set_hidden(message_id=message_id, hidden=hidden)
    if message is None:
        return None
    conv = conv or await svc.storage.conversations.get(conversation_id=message.conversation_id)
    if conv is not None:
        do_publish_update(svc, conv, message)
    return message
