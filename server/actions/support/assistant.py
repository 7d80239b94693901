"""The assistant's turn: a customer's message in a support conversation goes to Rasa, whose replies
(text, buttons, order cards, a hand-off request) are posted back as the assistant."""
from __future__ import annotations

import json
import logging

from ...domain.messages import Conversation, Message
from ...domain.shop import AFTERSALE_KINDS
from ...domain.support import SupportCase
from ...events.domain import MessageSent
from ...integrations.rasa import IDENTITY_SECONDS, BotUnavailable, escape_text, sign_customer
from ...services import Services
from ..messages.kinds import assistant_request_of, assistant_text_of, kind_of
from .cases import announce, handoff, move_case, post_as_bot, reopen_for_customer
from .hours import humans_at_hand
from .sessions import new_session

log = logging.getLogger(__name__)


FALLBACKS_BEFORE_HANDOFF = 2
MAX_BUTTONS = 10
OFFERED_WITHIN = 20  # messages looked back through for the button a customer pressed


def subscribe(svc: Services) -> None:
    def on_sent(e: MessageSent):
        """A customer's message in a support conversation may need the assistant (after the ack)."""
        conv, message = e.conversation, e.message
        if conv.kind != "support" or message.author_id == svc.bot_user.id or message.hidden is not None:
            return None
        return _on_customer_message(svc, conv, message)
    svc.bus.subscribe(MessageSent, on_sent, deferred=True)


async def _on_customer_message(svc: Services, conv: Conversation, message: Message) -> None:
    async with svc.support_locks.hold(conv.id):
        case = await svc.storage.support.get(conversation_id=conv.id)
        if case is None or message.author_id != case.customer_id:
            return
        if case.state == "resolved":
            # writing again instead of rating counts as skipping the rating
            case = await reopen_for_customer(svc, case)
            if case is None:
                return
        if case.state == "bot" and not case.session_id:  # the first message of a new round
            session = await svc.storage.support_sessions.put(new_session(svc, case, first_seq=message.seq))
            case = await move_case(svc, case, "bot", session_id=session.id) or case
        if case.state == "queued":
            await announce(svc, case)  # the desk sees the new message's wait
            if not await _assistant_meanwhile(svc, case):
                return  # a human can take it: the assistant stays silent
        elif case.state != "bot":
            return  # a human has it: the assistant stays silent
        if not svc.bot.available:
            await handoff(svc, conv, case, reason="offline")
            return
        await _ask_assistant(svc, conv, case, message)


async def _assistant_meanwhile(svc: Services, case: SupportCase) -> bool:
    """A case queued after hours while nobody could take it: the customer was told the assistant goes on
    answering until an agent is there, so it does (until an agent is online or the desk opens)."""
    return case.after_hours and svc.bot.available and not await humans_at_hand(svc, svc.clock.now())


async def _offered(svc: Services, conv: Conversation, payload: str) -> bool:
    """Whether the assistant offered this button in its recent messages here: a payload is an intent with
    slots, so only the platform's own buttons may send one."""
    recent = await svc.storage.messages.history(conversation_id=conv.id, limit=OFFERED_WITHIN)
    return any(m.author_id == svc.bot_user.id and any(b.get("payload") == payload
                                                      for b in (m.extra.get("buttons") or ()))
               for m in recent)


async def _ask_assistant(svc: Services, conv: Conversation, case: SupportCase, message: Message) -> None:
    payload = message.extra.get("payload")
    if payload and await _offered(svc, conv, payload):
        text = payload  # a pressed quick-reply button
    elif request := assistant_request_of(message):
        text = request  # an order or product card sent alone: its status, its facts; pictures: their ids
    elif request := _photo_with_words(message):
        text = request  # pictures with words beside them: the pictures, the words as their caption
    else:
        text = escape_text(assistant_text_of(message))  # typed (or a payload never offered): words, not an intent
    expires = int(svc.clock.now().timestamp()) + IDENTITY_SECONDS
    metadata = {"customer_id": case.customer_id, "conversation_id": conv.id, "expires": expires,
                "signature": sign_customer(svc.bot_secret, case.customer_id, conv.id, expires)}
    try:
        replies = await svc.bot.ask(sender=conv.id, text=text.strip() or "🙂", metadata=metadata)
    except BotUnavailable as exc:
        await handoff(svc, conv, case, reason=exc.reason)
        return
    handoff_request, fell_back = None, False
    current = await svc.storage.support.get(conversation_id=conv.id)
    if current is None or (current.state != "bot" and not (current.state == "queued" and current.after_hours)):
        return  # handed off (or claimed) while the assistant was thinking: its answer is no longer wanted
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict):
            if isinstance(custom.get("handoff"), dict):
                handoff_request = custom["handoff"]
            if custom.get("fallback"):
                fell_back = True
            if isinstance(custom.get("card"), dict):
                await post_as_bot(svc, conv, _card_text(custom["card"]), card=custom["card"])
            continue
        text = str(reply.get("text") or "").strip()
        buttons = _buttons(reply.get("buttons"))
        if text or buttons:
            await post_as_bot(svc, conv, text or "请选择：", buttons=buttons)
    fallbacks = current.fallbacks + 1 if fell_back else 0
    if current.state != "bot":
        return  # queued after hours: it is with the desk already, no second hand-off
    if handoff_request is not None:
        context = {k: str(v) for k, v in handoff_request.items() if k not in ("reason", "understood") and v
                   and isinstance(v, (str, int, float))}
        await handoff(svc, conv, current, reason=str(handoff_request.get("reason") or "human_handoff"),
                      context=context, understood=_understood(handoff_request.get("understood")))
    elif fallbacks >= FALLBACKS_BEFORE_HANDOFF:
        await handoff(svc, conv, current, reason="fallback")
    elif fallbacks != current.fallbacks:
        await move_case(svc, current, "bot", fallbacks=fallbacks)


MAX_CAPTION = 500


def _photo_with_words(message: Message) -> str | None:
    """A picture message with words (a damage photo and "盒子压坏了"): the send_photo intent with the pictures and
    the words (masked as the assistant reads them) as `photo_caption`, so neither is lost."""
    if message.type != "image" or not message.card:
        return None
    request = kind_of("image").assistant_request(message.card)
    words = assistant_text_of(message).strip()[:MAX_CAPTION]
    if not request or not words:
        return request
    intent, _, slots = request.partition("{")
    return intent + json.dumps({**json.loads("{" + slots), "photo_caption": words}, ensure_ascii=False,
                               separators=(",", ":"))


MAX_SLOTS = 30


def _understood(raw) -> dict:
    """What the assistant understood ({intent, form, requested_slot, slots}), kept as short strings: it is
    shown to the agent beside the conversation, never trusted for anything."""
    if not isinstance(raw, dict):
        return {}
    out = {key: str(raw[key])[:80] for key in ("intent", "form", "requested_slot")
           if isinstance(raw.get(key), (str, int, float)) and str(raw[key])}
    slots = raw.get("slots")
    if isinstance(slots, dict):
        out["slots"] = {str(k)[:40]: _said(k, v)[:200] for k, v in list(slots.items())[:MAX_SLOTS]
                        if v not in (None, "", [], {}) and isinstance(v, (str, int, float, bool, list))}
    return out


def _said(slot, value) -> str:
    """A slot's value as the agent reads it: 是 / 否, not True / False; 退货, not return; a list as 、-joined words."""
    if slot == "aftersale_kind" and value in AFTERSALE_KINDS:
        return AFTERSALE_KINDS[value]
    if slot == "photo_ids" and isinstance(value, list):  # upload ids: how many pictures, never the ids
        return f"{len(value)} 张" if value else "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value if not isinstance(v, (dict, list)))
    return str(value)


def _buttons(raw) -> list[dict]:
    if not isinstance(raw, list):
        return []
    out = []
    for button in raw[:MAX_BUTTONS]:
        if isinstance(button, dict) and button.get("title"):
            out.append({"title": str(button["title"])[:60], "payload": str(button.get("payload") or "")[:300]})
    return out


def _card_text(card: dict) -> str:
    if card.get("kind") == "order":
        return f"订单 {card.get('order_id')}：{card.get('status_label', '')}"
    return str(card.get("title") or "")
