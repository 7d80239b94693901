"""The one message pipeline, for every kind of conversation:
authorize -> validate -> moderate -> persist (seq) -> ack -> publish -> after-send hooks."""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from .. import events, wire
from ..errors import Forbidden, InvalidPayload, NotFound
from ..models import BOT_ROLE, PLATFORM_SCOPE, Conversation, Message, Product, User
from ..policy.access import ConversationAccess, access_conversation
from ..search_text import tokenize_for_index
from ..services import Services
from ..storage.base import NewMessage
from .moderation.audit import do_audit
from .moderation.screen import after_stored, check_not_stranger, may_mention_all, moderates, screen

MENTION_RE = re.compile(r"@([A-Za-z0-9_\u4e00-\u9fff]{2,32})")
MENTION_ALL = {"all", "所有人", "全体成员"}
MAX_MENTIONS = 20
EMOJI_MAX = 16
INLINE_TOKENIZE_CHARS = 300  # longer texts are segmented off the event loop


@dataclass(slots=True)
class Draft:
    type: str = "text"
    text: str = ""
    product_sku: str | None = None  # a product card: which of the catalogue's products (the card is built from it)
    reply_to: str | None = None
    client_msg_id: str | None = None
    extra: dict | None = None  # bot replies: quick-reply buttons, an order card


def conversation_rooms(conv: Conversation) -> tuple[str, ...]:
    """Who hears about a conversation: its group's room, or its participants."""
    if conv.kind in ("private", "support"):
        return tuple(events.user_room(u) for u in conv.participants)
    return (events.group_room(conv.group_id),)


async def tokens_for(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    if len(text) <= INLINE_TOKENIZE_CHARS:
        return tokenize_for_index(text)
    return await asyncio.to_thread(tokenize_for_index, text)


async def _check_may_post(svc: Services, user: User, acc: ConversationAccess) -> None:
    conv = acc.conversation
    if conv.kind == "thread" and conv.closed and not acc.is_group_admin:
        raise Forbidden("this thread is closed", code="thread_closed")
    if conv.kind == "support" and user.id not in conv.participants and user.role != BOT_ROLE:
        raise Forbidden("claim this conversation before answering", code="not_assigned")
    if conv.kind == "private":
        other = next(u for u in conv.participants if u != user.id) if len(set(conv.participants)) > 1 else user.id
        if await is_blocked(svc, blocker_id=other, blocked_id=user.id):
            raise Forbidden("this user doesn't accept your messages", code="blocked")
        if user.role != BOT_ROLE:
            await check_not_stranger(svc, user, conv)


async def is_blocked(svc: Services, *, blocker_id: str, blocked_id: str) -> bool:
    cache = svc.access_cache
    return await cache.fetch(cache.block_key(blocker_id, blocked_id),
                             lambda: svc.storage.blocks.is_blocked(blocker_id=blocker_id, blocked_id=blocked_id))


async def _resolve_mentions(svc: Services, user: User, acc: ConversationAccess, text: str):
    names = list(dict.fromkeys(MENTION_RE.findall(text)))
    mention_all = any(n.lower() in MENTION_ALL for n in names)
    if mention_all and not await may_mention_all(svc, user, acc):
        raise Forbidden("only group admins (and, where the group allows it, established members) may mention "
                        "everyone", code="mention_all_forbidden")
    ids = []
    for name in names[:MAX_MENTIONS]:
        if name.lower() in MENTION_ALL:
            continue
        mentioned = await svc.storage.users.get_by_username(username=name)
        if mentioned is None or mentioned.id == user.id:
            continue
        if acc.group is not None:
            if await svc.storage.groups.get_member(group_id=acc.group.id, user_id=mentioned.id) is None:
                continue
        elif mentioned.id not in acc.conversation.participants:
            continue
        ids.append(mentioned.id)
    return tuple(ids), mention_all


async def _catalogue_card(svc: Services, sku: str | None) -> Product:
    """A product card shows the shop's own title, price and picture for the SKU, whatever the sender typed:
    nobody can post a made-up price, or words the moderation never saw, dressed as one of the shop's products."""
    if not sku:
        raise InvalidPayload("a product message needs a product", field="product")
    item = await svc.storage.products.get(sku=sku.upper())
    if item is None:
        raise NotFound("no such product in the shop's catalogue", code="product_not_found")
    return Product(sku=item.sku, title=item.title, price=item.price, image_url=item.image_url)


async def check_send_message(svc: Services, user: User, conversation_id: str, draft: Draft) -> tuple[Message, bool]:
    acc = await access_conversation(svc, user, conversation_id, cached=True)
    return await send_in(svc, user, acc, draft)


async def send_in(svc: Services, user: User, acc: ConversationAccess, draft: Draft) -> tuple[Message, bool]:
    """The pipeline once the conversation is known (thread creation enters here)."""
    conv = acc.conversation
    await _check_may_post(svc, user, acc)
    if draft.type == "text" and not draft.text:
        raise InvalidPayload("text can't be empty", field="text")
    product = await _catalogue_card(svc, draft.product_sku) if draft.type == "product" else None
    if draft.extra and "payload" in draft.extra and conv.kind != "support":
        raise InvalidPayload("quick-reply payloads only go to the support assistant", field="payload")
    if draft.reply_to is not None:
        quoted = await svc.storage.messages.get(message_id=draft.reply_to)
        if quoted is None or quoted.conversation_id != conv.id:
            raise NotFound("the quoted message is not in this conversation", code="message_not_found")
    mentions, mention_all = await _resolve_mentions(svc, user, acc, draft.text)
    screened = await screen(svc, user, acc, draft.text, mentions=len(set(MENTION_RE.findall(draft.text))))
    text = screened.text
    tokens = await tokens_for(" ".join(filter(None, (text, product.title if product else ""))))
    message, created = await svc.storage.messages.append(NewMessage(
        conversation_id=conv.id, author_id=user.id, type=draft.type, text=text, created_at=svc.clock.now(),
        client_msg_id=draft.client_msg_id, product=product, reply_to=draft.reply_to, mentions=mentions,
        mention_all=mention_all, tokens=tokens, extra=draft.extra, hidden=screened.hidden))
    if created:
        do_publish_message(svc, conv, message)
        await after_stored(svc, user, conv, message, screened)
        if message.hidden is not None:  # held for review: nobody is notified until it is approved
            return message, created
        for hook in svc.after_send:
            work = hook(svc, conv, message)
            if work is not None:
                svc.tasks.spawn(work)
    return message, created


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


def _tell_moderators(svc: Services, name: str, conv: Conversation, message: Message) -> None:
    svc.publisher.publish(name, wire.message(message, reveal=True), events.mods_room(conv.group_id or PLATFORM_SCOPE),
                          events.mods_room(PLATFORM_SCOPE))


async def _own_message(svc: Services, user: User, message_id: str) -> tuple[Message, ConversationAccess]:
    message = await svc.storage.messages.get(message_id=message_id)
    if message is None:
        raise NotFound("no such message", code="message_not_found")
    acc = await access_conversation(svc, user, message.conversation_id)
    if message.deleted_at is not None:
        raise NotFound("this message was deleted", code="message_deleted")
    return message, acc


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
    await after_stored(svc, user, acc.conversation, updated, screened, new_post=False)
    do_publish_update(svc, acc.conversation, updated)
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
    if (not isinstance(emoji, str) or not emoji or len(emoji) > EMOJI_MAX or any(c.isspace() for c in emoji)
            or "." in emoji or emoji.startswith("$")):
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


async def access_history(svc: Services, user: User, *, conversation_id: str, before: int | None,
                         after: int | None, limit: int) -> list[dict]:
    """As the user may see them: hidden messages are placeholders except to moderators."""
    acc = await access_conversation(svc, user, conversation_id)
    found = await svc.storage.messages.history(conversation_id=conversation_id, before=before, after=after,
                                               limit=limit)
    reveal = moderates(user, acc)
    return [wire.message(m, viewer=user.id, reveal=reveal) for m in found]


async def check_mark_read(svc: Services, user: User, *, conversation_id: str, seq: int) -> dict:
    acc = await access_conversation(svc, user, conversation_id)
    seq = min(seq, acc.conversation.last_seq)
    marker = await svc.storage.reads.mark_read(conversation_id=conversation_id, user_id=user.id, seq=seq)
    body = {"conversation_id": conversation_id, "seq": marker,
            "unread": max(0, acc.conversation.last_seq - marker)}
    svc.publisher.to_users(events.READ_UPDATED, body, [user.id])
    return body


async def access_sync(svc: Services, user: User, cursors: dict[str, int], limit: int = 100) -> dict:
    """What a reconnecting client missed: per conversation, the messages after its last seq."""
    out = {}
    for conversation_id, seq in cursors.items():
        try:
            acc = await access_conversation(svc, user, conversation_id)
        except (NotFound, Forbidden) as exc:
            out[conversation_id] = {"error": exc.to_dict()}
            continue
        messages = await svc.storage.messages.history(conversation_id=conversation_id, after=seq, limit=limit + 1)
        reveal = moderates(user, acc)
        out[conversation_id] = {"messages": [wire.message(m, viewer=user.id, reveal=reveal) for m in messages[:limit]],
                                "has_more": len(messages) > limit}
    return out
