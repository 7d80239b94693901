"""The support desk: support conversations, the assistant's turn, hand-off, the human queue,
claim / transfer / resolve, and the customer's rating.

A support case moves bot -> queued -> assigned -> resolved (and back to bot when the
customer writes again). Every move is a compare-and-set on the state, so two agents
claiming the same case, or a late bot reply racing a hand-off, can't both win."""
from __future__ import annotations

import logging
from dataclasses import replace

from .. import events, wire
from ..bot_client import BotUnavailable, sign_customer
from ..errors import Conflict, Forbidden, InvalidPayload, NotFound
from ..models import BOT_ROLE, STAFF_ROLES, Conversation, Message, Rating, SupportCase, Ticket, User
from ..policy.access import ConversationAccess, check_staff
from ..services import Services
from ..storage.base import DuplicateError, new_id
from .messages import Draft, send_in

log = logging.getLogger(__name__)

FALLBACKS_BEFORE_HANDOFF = 2
MAX_BUTTONS = 10
MAX_RATING_COMMENT = 500
BOT_USERNAME = "xiaozhi"
HANDOFF_REASONS = {"human_handoff": "顾客要求转人工", "complaint": "投诉", "fallback": "连续两次没听懂",
                   "timeout": "智能客服超时", "offline": "智能客服不在线", "error": "智能客服出错",
                   "customer_request": "顾客点击转人工", "modify_order": "修改订单", "platform_error": "查询失败",
                   "no_identity": "无法确认身份", "no_policy": "没有现成答案"}


# -- the assistant's account ----------------------------------------------------------

async def ensure_bot_user(svc: Services) -> User:
    """The account bot replies are written by; it has no password, so nobody can log in as it."""
    found = await svc.storage.users.get_by_username(username=BOT_USERNAME)
    if found is None:
        try:
            found = await svc.storage.users.create(username=BOT_USERNAME, password_hash="", display_name="小智（智能客服）",
                                                   avatar_color="#2f80ed", created_at=svc.clock.now(), role=BOT_ROLE)
        except DuplicateError:
            found = await svc.storage.users.get_by_username(username=BOT_USERNAME)
    return found


async def post_as_bot(svc: Services, conv: Conversation, text: str, **extra) -> Message:
    draft = Draft(text=text, extra={k: v for k, v in extra.items() if v} or None)
    message, _ = await send_in(svc, svc.bot_user, ConversationAccess(conv, None, None), draft)
    return message


# -- reading cases ------------------------------------------------------------------------

async def _case(svc: Services, conversation_id: str) -> SupportCase:
    case = await svc.storage.support.get(conversation_id=conversation_id)
    if case is None:
        raise NotFound("no such support conversation", code="support_not_found")
    return case


async def access_case(svc: Services, user: User, conversation_id: str) -> SupportCase:
    """A case its customer or the desk may see; to others it doesn't exist."""
    case = await _case(svc, conversation_id)
    if user.id != case.customer_id and user.role not in STAFF_ROLES:
        raise NotFound("no such support conversation", code="support_not_found")
    return case


async def describe(svc: Services, case: SupportCase, *, for_staff: bool) -> dict:
    position = waiting = None
    now = svc.clock.now()
    if case.state == "queued":
        position = await svc.storage.support.queue_position(case)
        waiting = int((now - case.queued_at).total_seconds())
    body = wire.support_case(case, position=position, waiting_seconds=waiting, for_staff=for_staff)
    if case.agent_id:
        agent = await svc.storage.users.get(user_id=case.agent_id)
        body["agent"] = wire.user(agent) if agent else None
    body["business_hours"] = {"open": svc.hours.is_open(now), "hours": svc.hours.describe()}
    return body


async def _announce(svc: Services, case: SupportCase) -> None:
    """Tells the customer (with their queue position), the agent and the desk what changed."""
    staff_view = await describe(svc, case, for_staff=True)
    customer_view = {k: v for k, v in staff_view.items() if k not in wire.SUPPORT_STAFF_FIELDS}
    svc.publisher.to_users(events.SUPPORT_UPDATED, customer_view, [case.customer_id])
    svc.publisher.publish(events.SUPPORT_UPDATED, staff_view, events.desk_room())


async def _announce_queue(svc: Services) -> None:
    """Everyone still waiting moved up one place."""
    for waiting in await svc.storage.support.list(states=("queued",)):
        view = await describe(svc, waiting, for_staff=False)
        svc.publisher.to_users(events.SUPPORT_UPDATED, view, [waiting.customer_id])


async def _move(svc: Services, case: SupportCase, expect: str, **changes) -> SupportCase | None:
    moved = replace(case, updated_at=svc.clock.now(), **changes)
    if not await svc.storage.support.replace(moved, expect_state=expect):
        return None
    return moved


# -- the customer ---------------------------------------------------------------------------

async def check_open_support(svc: Services, user: User) -> tuple[Conversation, SupportCase]:
    """联系客服: the customer's support conversation, created on first use."""
    if user.role == BOT_ROLE:
        raise Forbidden("the assistant can't contact support", code="forbidden")
    async with svc.support_locks.hold(f"open:{user.id}"):  # two taps on 联系客服 make one conversation
        return await _open_support(svc, user)


async def _open_support(svc: Services, user: User) -> tuple[Conversation, SupportCase]:
    case = await svc.storage.support.for_customer(customer_id=user.id)
    if case is not None:
        conv = await svc.storage.conversations.get(conversation_id=case.conversation_id)
        return conv, case
    now = svc.clock.now()
    conv = await svc.storage.conversations.create_support(customer_id=user.id, now=now)
    case = await svc.storage.support.add(SupportCase(conversation_id=conv.id, customer_id=user.id, state="bot",
                                                     opened_at=now, updated_at=now))
    svc.publisher.to_users(events.CONVERSATION_NEW, wire.conversation(conv), [user.id])
    if svc.bot.available:
        await post_as_bot(svc, conv, f"您好 {user.display_name}，我是智能客服小智 😊 可以帮您查订单物流、推荐尺码、"
                                     "查库存价格，也可以办理退换货。请问有什么可以帮您？",
                          buttons=[{"title": "我的订单到哪了", "payload": "/track_order"},
                                   {"title": "尺码怎么选", "payload": "/size_advice"},
                                   {"title": "我要退换货", "payload": "/return_request"},
                                   {"title": "转人工客服", "payload": "/human_handoff"}])
    else:
        case = await handoff(svc, conv, case, reason="offline") or case
    return conv, case


async def check_request_human(svc: Services, user: User, conversation_id: str) -> SupportCase:
    case = await access_case(svc, user, conversation_id)
    if user.id != case.customer_id:
        raise Forbidden("only the customer can ask for a human here", code="not_customer")
    if case.state != "bot":
        return case
    conv = await svc.storage.conversations.get(conversation_id=conversation_id)
    return await handoff(svc, conv, case, reason="customer_request") or await _case(svc, conversation_id)


async def check_rate(svc: Services, user: User, conversation_id: str, *, score: int | None,
                     comment: str) -> SupportCase:
    """A 1-5 rating (score None: skipped) of the service that was just resolved."""
    case = await access_case(svc, user, conversation_id)
    if user.id != case.customer_id:
        raise Forbidden("only the customer rates the service", code="not_customer")
    if not case.rating_pending:
        raise Conflict("there is no finished service to rate", code="nothing_to_rate")
    if score is not None and not 1 <= score <= 5:
        raise InvalidPayload("score must be 1 to 5", field="score")
    if len(comment) > MAX_RATING_COMMENT:
        raise InvalidPayload(f"comment can be at most {MAX_RATING_COMMENT} characters", field="comment")
    rating = Rating(score=score, comment=comment, agent_id=case.agent_id, rated_at=svc.clock.now())
    moved = await _move(svc, case, case.state, rating_pending=False, ratings=[*case.ratings, rating])
    if moved is None:
        raise Conflict("the conversation changed meanwhile; try again", code="support_changed")
    await _announce(svc, moved)
    return moved


# -- the assistant's turn (an after-send hook) ---------------------------------------------------

def route_support_message(svc: Services, conv: Conversation, message: Message):
    """After-send hook: a customer's message in a support conversation may need the assistant."""
    if conv.kind != "support" or message.author_id == svc.bot_user.id:
        return None
    return _on_customer_message(svc, conv, message)


async def _on_customer_message(svc: Services, conv: Conversation, message: Message) -> None:
    async with svc.support_locks.hold(conv.id):
        case = await svc.storage.support.get(conversation_id=conv.id)
        if case is None or message.author_id != case.customer_id:
            return
        if case.state == "resolved":
            # writing again instead of rating counts as skipping the rating
            case = await _move(svc, case, "resolved", state="bot", agent_id=None, fallbacks=0, handoff_reason="",
                               context={}, rating_pending=False)
            if case is None:
                return
            await svc.storage.conversations.set_participants(conversation_id=conv.id,
                                                             participants=(case.customer_id,))
            svc.access_cache.forget_conversation(conv.id)
            await _announce(svc, case)
        if case.state == "queued":
            await _announce(svc, case)  # the desk sees the new message's wait
        if case.state != "bot":
            return  # a human has it: the assistant stays silent
        if not svc.bot.available:
            await handoff(svc, conv, case, reason="offline")
            return
        await _ask_assistant(svc, conv, case, message)


async def _ask_assistant(svc: Services, conv: Conversation, case: SupportCase, message: Message) -> None:
    if message.extra.get("payload"):
        text = message.extra["payload"]  # a pressed quick-reply button
    elif message.type == "product":
        text = f"{message.text} {message.product.title if message.product else ''}"
    else:
        text = message.text
    metadata = {"customer_id": case.customer_id, "conversation_id": conv.id,
                "signature": sign_customer(svc.bot_secret, case.customer_id, conv.id)}
    try:
        replies = await svc.bot.ask(sender=conv.id, text=text.strip() or "🙂", metadata=metadata)
    except BotUnavailable as exc:
        await handoff(svc, conv, case, reason=exc.reason)
        return
    handoff_request, fell_back = None, False
    current = await svc.storage.support.get(conversation_id=conv.id)
    if current is None or current.state != "bot":
        return  # handed off while the assistant was thinking: its answer is no longer wanted
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
    if handoff_request is not None:
        context = {k: str(v) for k, v in handoff_request.items() if k != "reason" and v}
        await handoff(svc, conv, current, reason=str(handoff_request.get("reason") or "human_handoff"),
                      context=context)
    elif fallbacks >= FALLBACKS_BEFORE_HANDOFF:
        await handoff(svc, conv, current, reason="fallback")
    elif fallbacks != current.fallbacks:
        await _move(svc, current, "bot", fallbacks=fallbacks)


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


# -- hand-off and the human queue ---------------------------------------------------------------

async def handoff(svc: Services, conv: Conversation, case: SupportCase, *, reason: str,
                  context: dict | None = None) -> SupportCase | None:
    """Queues the case for a human; the transcript stays in the conversation and the
    order context travels in the case. Outside business hours a ticket is opened too."""
    now = svc.clock.now()
    context = dict(context or {})
    open_now = svc.hours.is_open(now)
    ticket = None
    if not open_now:
        ticket = await svc.storage.tickets.add(Ticket(
            id=new_id(), kind="after_hours", status="open", customer_id=case.customer_id,
            summary=f"非工作时间转人工：{HANDOFF_REASONS.get(reason, reason)}", created_at=now, updated_at=now,
            conversation_id=conv.id, order_id=context.get("order_id", "")))
        context["after_hours_ticket_id"] = ticket.id
    moved = await _move(svc, case, "bot", state="queued", queued_at=now, handoff_reason=reason, fallbacks=0,
                        context={**case.context, **context})
    if moved is None:
        return None
    position = await svc.storage.support.queue_position(moved)
    apology = {"timeout": "抱歉，智能客服暂时无法回答 🙏 ", "offline": "智能客服暂时不在线 🙏 ",
               "error": "抱歉，智能客服出了点问题 🙏 ", "fallback": "抱歉，我好像没能理解您的问题 🙏 "}.get(reason, "")
    if open_now:
        await post_as_bot(svc, conv, f"{apology}已为您转接人工客服，您前面还有 {position - 1} 位，请稍候～")
    else:
        await post_as_bot(svc, conv, f"{apology}现在是非工作时间（人工客服 {svc.hours.describe()}），已为您登记工单 "
                                     f"#{wire.short_number(ticket.id)}，客服上班后会第一时间联系您。")
    await _announce(svc, moved)
    return moved


async def access_queue(svc: Services, user: User) -> list[dict]:
    check_staff(user)
    out = []
    for case in await svc.storage.support.list(states=("queued",)):
        out.append(await _desk_view(svc, case))
    return out


async def access_my_cases(svc: Services, user: User) -> list[dict]:
    check_staff(user)
    mine = [c for c in await svc.storage.support.list(states=("assigned",)) if c.agent_id == user.id]
    return [await _desk_view(svc, c) for c in mine]


async def access_agents(svc: Services, user: User) -> list[dict]:
    """Who a conversation can be transferred to: every agent and admin, with presence and how many
    customers each is serving now."""
    check_staff(user)
    load: dict[str, int] = {}
    for case in await svc.storage.support.list(states=("assigned",)):
        load[case.agent_id] = load.get(case.agent_id, 0) + 1
    staff = await svc.storage.users.list_by_roles(roles=STAFF_ROLES, limit=500)
    online = await svc.presence.statuses([u.id for u in staff])
    return [{"user": wire.user(u), "presence": online[u.id], "serving": load.get(u.id, 0)} for u in staff]


async def _desk_view(svc: Services, case: SupportCase) -> dict:
    body = await describe(svc, case, for_staff=True)
    customer = await svc.storage.users.get(user_id=case.customer_id)
    body["customer"] = wire.user(customer) if customer else None
    last = await svc.storage.messages.history(conversation_id=case.conversation_id, limit=1)
    body["last_message"] = wire.message(last[0]) if last else None
    return body


async def access_case_for_desk(svc: Services, user: User, conversation_id: str) -> dict:
    """Everything an agent needs before answering: the case, the customer's orders and the transcript."""
    check_staff(user)
    case = await _case(svc, conversation_id)
    body = await _desk_view(svc, case)
    orders = await svc.storage.orders.list_for_customer(customer_id=case.customer_id, limit=5)
    body["orders"] = [wire.order(o) for o in orders]
    transcript = await svc.storage.messages.history(conversation_id=conversation_id, limit=50)
    body["transcript"] = [wire.message(m) for m in transcript]
    return body


async def _assign(svc: Services, case: SupportCase, expect: str, agent: User) -> SupportCase:
    moved = await _move(svc, case, expect, state="assigned", agent_id=agent.id, assigned_at=svc.clock.now())
    if moved is None:
        raise Conflict("someone else took this conversation first", code="support_changed")
    await svc.storage.conversations.set_participants(conversation_id=case.conversation_id,
                                                     participants=(case.customer_id, agent.id))
    svc.access_cache.forget_conversation(case.conversation_id)
    conv = await svc.storage.conversations.get(conversation_id=case.conversation_id)
    svc.publisher.to_users(events.CONVERSATION_NEW, wire.conversation(conv), [agent.id])
    await post_as_bot(svc, conv, f"人工客服 {agent.display_name} 已接入，为您服务 😊")
    await _announce(svc, moved)
    return moved


async def check_claim(svc: Services, user: User, conversation_id: str) -> SupportCase:
    check_staff(user)
    case = await _case(svc, conversation_id)
    if case.state != "queued":
        raise Conflict(f"this conversation is {case.state}, not waiting", code="not_queued", state=case.state)
    moved = await _assign(svc, case, "queued", user)
    await _announce_queue(svc)
    return moved


async def check_transfer(svc: Services, user: User, conversation_id: str, *, to_agent_id: str) -> SupportCase:
    check_staff(user)
    case = await _case(svc, conversation_id)
    if case.state != "assigned" or (case.agent_id != user.id and user.role != "admin"):
        raise Forbidden("only the agent on this conversation can transfer it", code="not_assigned")
    target = await svc.storage.users.get(user_id=to_agent_id)
    if target is None or target.role not in STAFF_ROLES:
        raise InvalidPayload("transfer to a support agent", code="not_an_agent", field="agent_id")
    if target.id == case.agent_id:
        raise InvalidPayload("this agent already has the conversation", code="same_agent", field="agent_id")
    return await _assign(svc, case, "assigned", target)


async def check_resolve(svc: Services, user: User, conversation_id: str) -> SupportCase:
    check_staff(user)
    case = await _case(svc, conversation_id)
    if case.state == "resolved":
        raise Conflict("this conversation is already resolved", code="already_resolved")
    if case.state == "assigned" and case.agent_id != user.id and user.role != "admin":
        raise Forbidden("only the agent on this conversation can resolve it", code="not_assigned")
    moved = await _move(svc, case, case.state, state="resolved", resolved_at=svc.clock.now(),
                        rating_pending=case.state == "assigned")
    if moved is None:
        raise Conflict("the conversation changed meanwhile; try again", code="support_changed")
    conv = await svc.storage.conversations.get(conversation_id=conversation_id)
    if moved.rating_pending:
        await post_as_bot(svc, conv, "本次服务已结束，请为客服打个分吧（1-5 星，可以跳过）。感谢您的耐心！",
                          card={"kind": "rating_request", "conversation_id": conversation_id})
    else:
        await post_as_bot(svc, conv, "本次会话已结束。如还有问题，直接发消息就可以。")
    await _announce(svc, moved)
    if case.state == "queued":
        await _announce_queue(svc)
    return moved


# -- canned replies -----------------------------------------------------------------------------

CANNED_KEY = "canned_replies"
MAX_CANNED = 50


async def access_canned(svc: Services, user: User) -> list[dict]:
    check_staff(user)
    return ((await svc.storage.settings.get(key=CANNED_KEY)) or {}).get("replies", [])


async def check_set_canned(svc: Services, user: User, replies) -> list[dict]:
    check_staff(user)
    if not isinstance(replies, list) or len(replies) > MAX_CANNED:
        raise InvalidPayload(f"replies must be a list of at most {MAX_CANNED}", field="replies")
    clean = []
    for item in replies:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not isinstance(item.get("text"), str):
            raise InvalidPayload("each reply needs a title and a text", field="replies")
        title, text = item["title"].strip(), item["text"].strip()
        if not title or not text or len(title) > 40 or len(text) > 1000:
            raise InvalidPayload("a title is 1-40 characters and a text 1-1000", field="replies")
        clean.append({"title": title, "text": text})
    await svc.storage.settings.put(key=CANNED_KEY, value={"replies": clean})
    return clean
