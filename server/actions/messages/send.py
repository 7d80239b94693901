"""Sending: the one message pipeline, for every kind of conversation:
authorize -> validate -> moderate (the screen chain) -> persist (seq) -> MessageSent, whose subscribers
publish it (fan-out), record it for the behaviour checks, open a case if it was flagged, and in the
background notify and route it to the assistant -> ack."""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from ...domain.messages import Message
from ...domain.users import BOT_ROLE, User
from ...errors import Forbidden, InvalidPayload, NotFound
from ...events.domain import MessageSent
from ...integrations.search_text import tokenize_for_index
from ...policy.access import ConversationAccess, access_conversation
from ...services import Services
from ...storage.base import NewMessage
from ..moderation.pictures import hold_until_checked
from ..moderation.screen import check_not_stranger, may_mention_all, screen
from .kinds import kind_of

MENTION_RE = re.compile(r"@([A-Za-z0-9_\u4e00-\u9fff]{2,32})")
MENTION_ALL = {"all", "所有人", "全体成员"}
MAX_MENTIONS = 20
INLINE_TOKENIZE_CHARS = 300  # longer texts are segmented off the event loop


@dataclass(slots=True)
class Draft:
    type: str = "text"
    text: str = ""
    given: dict | None = None  # what the kind took from the payload (a product: its SKU); the card is built from it
    reply_to: str | None = None
    client_msg_id: str | None = None
    extra: dict | None = None  # quick-reply buttons (the assistant's), a pressed button's payload (the customer's)
    card: dict | None = None   # the assistant's own cards (an order, a rating request): only the assistant sends these


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


async def check_send_message(svc: Services, user: User, conversation_id: str, draft: Draft) -> tuple[Message, bool]:
    acc = await access_conversation(svc, user, conversation_id, cached=True)
    return await send_in(svc, user, acc, draft)


async def send_in(svc: Services, user: User, acc: ConversationAccess, draft: Draft) -> tuple[Message, bool]:
    """The pipeline once the conversation is known (thread creation enters here)."""
    conv = acc.conversation
    await _check_may_post(svc, user, acc)
    kind = kind_of(draft.type)
    if kind.text_required and not draft.text:
        raise InvalidPayload("text can't be empty", field="text")
    card = draft.card if user.role == BOT_ROLE else await kind.card(svc, draft.given, author=user, conversation=conv)
    if draft.extra and "payload" in draft.extra and conv.kind != "support":
        raise InvalidPayload("quick-reply payloads only go to the support assistant", field="payload")
    if draft.reply_to is not None:
        quoted = await svc.storage.messages.get(message_id=draft.reply_to)
        if quoted is None or quoted.conversation_id != conv.id:
            raise NotFound("the quoted message is not in this conversation")
    mentions, mention_all = await _resolve_mentions(svc, user, acc, draft.text)
    pictures = tuple(i["upload_id"] for i in (card or {}).get("images", ())) if draft.type == "image" else ()
    screened = await screen(svc, user, acc, draft.text, mentions=len(set(MENTION_RE.findall(draft.text))),
                            pictures=pictures)
    text = screened.text
    tokens = await tokens_for(kind.text_of(text, card))
    message, created = await svc.storage.messages.append(NewMessage(
        conversation_id=conv.id, author_id=user.id, type=draft.type, text=text, created_at=svc.clock.now(),
        client_msg_id=draft.client_msg_id, card=card, reply_to=draft.reply_to, mentions=mentions,
        mention_all=mention_all, tokens=tokens, hidden=screened.hidden,
        extra={**(draft.extra or {}), "assistant_text": screened.for_assistant} if screened.for_assistant
        else draft.extra))
    if created:  # a resend of the same client_msg_id changes nothing and tells nobody
        stored = getattr(kind, "stored", None)
        if stored is not None and card is not None:
            await stored(svc, card, conv)
        if message.hidden == "checking":  # decided once its pictures are read: released, held or refused
            await hold_until_checked(svc, conv, message, screened.verdict, list(pictures), exempt=screened.exempt)
        await svc.bus.emit(MessageSent(conv, message, user, screened.verdict, screened.posted))
    return message, created
