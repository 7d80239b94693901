"""Support cases: the customer's conversation with the desk, opened on 联系客服, handed off to the human
queue, rated. A case moves bot -> queued -> assigned -> resolved (and back to bot when the customer
writes again); every move is a compare-and-set on the state, so two agents claiming the same case,
or a late bot reply racing a hand-off, can't both win."""
from __future__ import annotations

from dataclasses import replace

from ... import events, wire
from ...domain.messages import Conversation, Message
from ...domain.support import Rating, SupportCase, Ticket
from ...domain.users import BOT_ROLE, STAFF_ROLES, User
from ...errors import Conflict, Forbidden, InvalidPayload, NotFound
from ...events.domain import HandedOff
from ...policy.access import ConversationAccess
from ...services import Services
from ...storage.base import DuplicateError, new_id
from ..messages import Draft, send_in
from ..moderation.screen import screen_text

MAX_RATING_COMMENT = 500
BOT_USERNAME = "xiaozhi"
HANDOFF_REASONS = {"human_handoff": "顾客要求转人工", "complaint": "投诉", "fallback": "连续两次没听懂",
                   "timeout": "智能客服超时", "offline": "智能客服不在线", "error": "智能客服出错",
                   "customer_request": "顾客点击转人工", "modify_order": "修改订单", "platform_error": "查询失败",
                   "no_identity": "无法确认身份", "no_policy": "没有现成答案"}


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
    card = extra.pop("card", None)
    draft = Draft(text=text, card=card, extra={k: v for k, v in extra.items() if v} or None)
    message, _ = await send_in(svc, svc.bot_user, ConversationAccess(conv, None, None), draft)
    return message


async def find_case(svc: Services, conversation_id: str) -> SupportCase:
    case = await svc.storage.support.get(conversation_id=conversation_id)
    if case is None:
        raise NotFound("no such support conversation")
    return case


async def access_case(svc: Services, user: User, conversation_id: str) -> SupportCase:
    """A case its customer or the desk may see; to others it doesn't exist."""
    case = await find_case(svc, conversation_id)
    if user.id != case.customer_id and user.role not in STAFF_ROLES:
        raise NotFound("no such support conversation")
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


async def announce(svc: Services, case: SupportCase) -> None:
    """Tells the customer (with their queue position), the agent and the desk what changed."""
    staff_view = await describe(svc, case, for_staff=True)
    customer_view = {k: v for k, v in staff_view.items() if k not in wire.SUPPORT_STAFF_FIELDS}
    svc.publisher.to_users(events.SUPPORT_UPDATED, customer_view, [case.customer_id])
    svc.publisher.publish(events.SUPPORT_UPDATED, staff_view, events.desk_room())


async def announce_queue(svc: Services) -> None:
    """Everyone still waiting moved up one place."""
    for waiting in await svc.storage.support.list(states=("queued",)):
        view = await describe(svc, waiting, for_staff=False)
        svc.publisher.to_users(events.SUPPORT_UPDATED, view, [waiting.customer_id])


async def move_case(svc: Services, case: SupportCase, expect: str, **changes) -> SupportCase | None:
    moved = replace(case, updated_at=svc.clock.now(), **changes)
    if not await svc.storage.support.replace(moved, expect_state=expect):
        return None
    return moved


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
    return await handoff(svc, conv, case, reason="customer_request") or await find_case(svc, conversation_id)


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
    comment = await screen_text(svc, user, comment, field="comment")
    rating = Rating(score=score, comment=comment, agent_id=case.agent_id, rated_at=svc.clock.now())
    moved = await move_case(svc, case, case.state, rating_pending=False, ratings=[*case.ratings, rating])
    if moved is None:
        raise Conflict("the conversation changed meanwhile; try again", code="support_changed")
    await announce(svc, moved)
    return moved


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
    moved = await move_case(svc, case, "bot", state="queued", queued_at=now, handoff_reason=reason, fallbacks=0,
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
    await svc.bus.emit(HandedOff(moved, reason))
    return moved


def subscribe(svc: Services) -> None:
    """A hand-off is told to the customer (their place in the queue) and to the desk."""
    svc.bus.subscribe(HandedOff, lambda e: announce(svc, e.case))
