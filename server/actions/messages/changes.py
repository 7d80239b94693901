"""Changing a message after it was sent: edits (moderated again), deletion, reactions, likes, hiding."""
from __future__ import annotations

import unicodedata

from ...domain.messages import Conversation, Message
from ...domain.moderation import PLATFORM_SCOPE
from ...domain.users import User
from ...errors import Forbidden, InvalidPayload
from ...events.domain import MessageEdited
from ...policy.access import access_message, check_may_touch
from ...services import Services
from ..moderation.audit import do_audit
from ..moderation.screen import screen
from .publish import do_publish_update
from .send import tokens_for

EMOJI_MAX = 16


async def check_edit_message(svc: Services, user: User, *, message_id: str, text: str) -> Message:
    message, acc = await access_message(svc, user, message_id)
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
    message, acc = await access_message(svc, user, message_id)
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


ZWJ, VS16, VS15, KEYCAP, CANCEL_TAG = "\u200d", "\ufe0f", "\ufe0e", "\u20e3", "\U000e007f"
_KEYCAP_BASES = frozenset("#*0123456789")
_EMOJI_NOT_SO = frozenset("\u203c\u2049\u2139\u3030\u303d")  # emoji whose Unicode category isn't So


def _emoji_base(c: str) -> bool:
    return (unicodedata.category(c) == "So" or c in _EMOJI_NOT_SO
            or (unicodedata.category(c) == "Sm" and "\u2190" <= c <= "\u21ff"))  # arrows: ↔ ↕ ↩


def _emoji_element(s: str, i: int) -> int | None:
    """Where one emoji element starting at i ends, or None: a flag (two regional indicators), a keycap
    (1️⃣), or a symbol with its presentation selector, skin tone and tags (🏴 + the tags of a region)."""
    n, c = len(s), s[i]
    if "\U0001f1e6" <= c <= "\U0001f1ff":
        return i + 2 if i + 1 < n and "\U0001f1e6" <= s[i + 1] <= "\U0001f1ff" else None
    if c in _KEYCAP_BASES:
        i += 2 if i + 1 < n and s[i + 1] == VS16 else 1
        return i + 1 if i < n and s[i] == KEYCAP else None
    if not _emoji_base(c):
        return None
    i += 1
    if i < n and s[i] in (VS16, VS15):
        i += 1
    if i < n and "\U0001f3fb" <= s[i] <= "\U0001f3ff":  # a skin tone
        i += 1
        if i < n and s[i] == VS16:
            i += 1
    if i < n and "\U000e0020" <= s[i] <= "\U000e007e":
        while i < n and "\U000e0020" <= s[i] <= "\U000e007e":
            i += 1
        if i >= n or s[i] != CANCEL_TAG:
            return None
        i += 1
    return i


def is_emoji(s: str) -> bool:
    """One emoji, as a reaction picker offers them: elements joined by ZWJ (👩‍👩‍👧, 🏳️‍🌈), and nothing else."""
    i = 0
    while True:
        end = _emoji_element(s, i) if i < len(s) else None
        if end is None:
            return False
        if end == len(s):
            return True
        if s[end] != ZWJ:
            return False
        i = end + 1


def check_emoji(emoji, *, taking_back: bool = False) -> str:
    """A reaction is one emoji (is_emoji), at most 16 code points: it is stored and shown to every reader
    of the message. Taking one back only needs what was once accepted (no control character, NUL
    included, or lone surrogate: Unicode's categories Cc and Cs), so that older reactions can still go."""
    if (not isinstance(emoji, str) or not emoji or len(emoji) > EMOJI_MAX or any(c.isspace() for c in emoji)
            or "." in emoji or emoji.startswith("$") or any(unicodedata.category(c) in ("Cc", "Cs") for c in emoji)
            or not (taking_back or is_emoji(emoji))):
        raise InvalidPayload("emoji must be one emoji (at most 16 code points)", field="emoji")
    return emoji


async def check_react(svc: Services, user: User, *, message_id: str, emoji: str, add: bool) -> Message:
    message, acc = await access_message(svc, user, message_id)
    check_may_touch(user, acc)
    emoji = check_emoji(emoji, taking_back=not add)
    if add and emoji not in message.reactions and len(message.reactions) >= 20:
        raise InvalidPayload("this message has too many different reactions", code="too_many_reactions")
    store = svc.storage.messages
    updated = await (store.add_reaction if add else store.remove_reaction)(
        message_id=message_id, emoji=emoji, user_id=user.id)
    do_publish_update(svc, acc.conversation, updated)
    return updated


async def check_like_message(svc: Services, user: User, *, message_id: str, like: bool) -> int:
    _, acc = await access_message(svc, user, message_id)
    check_may_touch(user, acc)
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
