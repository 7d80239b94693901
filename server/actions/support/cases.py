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
from ...events.domain import HandedOff, MessageSent
from ...policy.access import ConversationAccess
from ...services import Services
from ...storage.base import DuplicateError, new_id
from ..messages import Draft, send_in
from ..moderation.screen import screen_text
from .hours import humans_at_hand, say_opening
from .sessions import new_session, record

MAX_RATING_COMMENT = 500
# the greeting's 我要退换货: a return or an exchange, not said which (the assistant asks 退货还是换货 first)
RETURN_OR_EXCHANGE = '/return_request{"aftersale_kind":"return_or_exchange"}'
BOT_USERNAME = "xiaozhi"
HANDOFF_REASONS = {"human_handoff": "顾客要求转人工", "complaint": "投诉", "fallback": "连续两次没听懂",
                   "timeout": "智能客服超时", "offline": "智能客服不在线", "error": "智能客服出错",
                   "customer_request": "顾客点击转人工", "modify_order": "修改订单", "platform_error": "查询失败",
                   "no_identity": "无法确认身份", "no_policy": "没有现成答案",
                   "aftersale_refused": "售后申请不符合条件"}


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


def agent_title(agent: User) -> str:
    """"人工客服 小林", but "客服小林" as it is: never "人工客服 客服小林"."""
    name = agent.display_name.strip()
    return name if "客服" in name else f"人工客服 {name}"


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
    body["after_hours"] = case.after_hours
    if for_staff:  # DESK_FIELDS
        body.update({"understood": case.understood, "ticket_id": case.ticket_id,
                     "first_response_at": wire.ts(case.first_response_at)})
    return body


DESK_FIELDS = (*wire.SUPPORT_STAFF_FIELDS, "understood", "ticket_id", "first_response_at")  # never to the customer


async def announce(svc: Services, case: SupportCase) -> None:
    """Tells the customer (with their queue position), the agent and the desk what changed."""
    staff_view = await describe(svc, case, for_staff=True)
    customer_view = {k: v for k, v in staff_view.items() if k not in DESK_FIELDS}
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
    # opening only greets: nothing is queued or ticketed until the customer writes (then the assistant,
    # or, when it is down, the hand-off to a human, follows their first message)
    if svc.bot.available:
        await post_as_bot(svc, conv, f"您好 {user.display_name}，我是智能客服小智 😊 可以帮您查订单物流、推荐尺码、"
                                     "查库存价格，也可以办理退换货。请问有什么可以帮您？",
                          buttons=[{"title": "我的订单到哪了", "payload": "/track_order"},
                                   {"title": "尺码怎么选", "payload": "/size_advice"},
                                   {"title": "我要退换货", "payload": RETURN_OR_EXCHANGE},
                                   {"title": "转人工客服", "payload": "/human_handoff"}])
    else:
        await post_as_bot(svc, conv, f"您好 {user.display_name}，智能客服暂时不在线 🙏 请直接说说您遇到的问题，"
                                     "发送后会为您转接人工客服。")
    return conv, case


async def check_request_human(svc: Services, user: User, conversation_id: str) -> SupportCase:
    """转人工: a case with the assistant is queued; a resolved one is reopened and queued (never a 200 that
    does nothing); one already with the desk (queued, assigned) stays as it is."""
    case = await access_case(svc, user, conversation_id)
    if user.id != case.customer_id:
        raise Forbidden("only the customer can ask for a human here", code="not_customer")
    async with svc.support_locks.hold(conversation_id):
        case = await find_case(svc, conversation_id)
        if case.state == "resolved":
            case = await reopen_for_customer(svc, case)
            if case is None:
                raise Conflict("the conversation changed meanwhile; try again", code="support_changed")
        if case.state != "bot":
            return case
        conv = await svc.storage.conversations.get(conversation_id=conversation_id)
        return await handoff(svc, conv, case, reason="customer_request") or await find_case(svc, conversation_id)


async def reopen_for_customer(svc: Services, case: SupportCase) -> SupportCase | None:
    """A resolved case the customer comes back to: with the assistant again, theirs alone (a rating not
    given by then is skipped)."""
    moved = await move_case(svc, case, "resolved", state="bot", agent_id=None, fallbacks=0, handoff_reason="",
                            context={}, understood={}, ticket_id="", after_hours=False, rating_pending=False,
                            first_response_at=None, session_id="", rating_agent_id=None, rating_ticket_id="")
    if moved is None:
        return None
    await svc.storage.conversations.set_participants(conversation_id=case.conversation_id,
                                                     participants=(case.customer_id,))
    svc.access_cache.forget_conversation(case.conversation_id)
    await announce(svc, moved)
    return moved


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
    rating = Rating(score=score, comment=comment, agent_id=case.rating_agent_id or case.agent_id,
                    rated_at=svc.clock.now(), ticket_id=case.rating_ticket_id)
    moved = await move_case(svc, case, case.state, rating_pending=False, ratings=[*case.ratings, rating],
                            rating_agent_id=None, rating_ticket_id="")
    if moved is None:
        raise Conflict("the conversation changed meanwhile; try again", code="support_changed")
    if not case.rating_ticket_id:
        await record(svc, moved, score=score)
    await announce(svc, moved)
    return moved


async def handoff(svc: Services, conv: Conversation, case: SupportCase, *, reason: str,
                  context: dict | None = None, understood: dict | None = None) -> SupportCase | None:
    """Queues the case for a human; the transcript stays in the conversation, the order context and what the
    assistant understood travel in the case. One hand-off has at most one ticket: the assistant's own (a
    complaint it filed, named in the context) or, when no human can take it now, an after-hours one. After
    hours the customer is told when an agent answers and that the assistant goes on answering meanwhile,
    and it does (assistant.py); with an agent online after hours, the case is simply queued."""
    if case.state != "bot":
        return None  # already with the desk: no second hand-off, no second ticket
    now = svc.clock.now()
    context = dict(context or {})
    at_hand = await humans_at_hand(svc, now)
    ticket = await _their_ticket(svc, case, context.pop("ticket_id", ""))
    if ticket is None and not at_hand:
        ticket = await svc.storage.tickets.add(Ticket(
            id=new_id(), kind="after_hours", status="open", customer_id=case.customer_id,
            summary=f"非工作时间转人工：{HANDOFF_REASONS.get(reason, '其他原因')}", created_at=now, updated_at=now,
            conversation_id=conv.id, order_id=context.get("order_id", "")))
    session_id = case.session_id or (await svc.storage.support_sessions.put(new_session(svc, case))).id
    moved = await move_case(svc, case, "bot", state="queued", queued_at=now, handoff_reason=reason, fallbacks=0,
                            context={**case.context, **context}, understood=dict(understood or {}),
                            ticket_id=ticket.id if ticket else "", after_hours=not at_hand,
                            first_response_at=None, session_id=session_id)
    if moved is None:
        return None
    await record(svc, moved, state="queued", handed_off=True, reason=reason, queued_at=now, after_hours=not at_hand)
    position = await svc.storage.support.queue_position(moved)
    apology = {"timeout": "抱歉，智能客服暂时无法回答 🙏 ", "offline": "智能客服暂时不在线 🙏 ",
               "error": "抱歉，智能客服出了点问题 🙏 ", "fallback": "抱歉，我好像没能理解您的问题 🙏 "}.get(reason, "")
    if at_hand:
        ahead = f"您前面还有 {position - 1} 位，请稍候～" if position > 1 else "您是下一位，客服马上为您服务～"
        await post_as_bot(svc, conv, f"{apology}已为您转接人工客服，{ahead}")
    else:
        meanwhile = "在此之前，智能客服小智仍会回答您的问题。" if svc.bot.available else "您可以先留言说明情况。"
        await post_as_bot(svc, conv, f"{apology}现在是非工作时间（人工客服 {svc.hours.describe()}），已为您登记工单 "
                                     f"#{wire.short_number(ticket.id)}，人工客服将于 {say_opening(svc, now)} "
                                     f"起第一时间回复您。{meanwhile}")
    await svc.bus.emit(HandedOff(moved, reason))
    return moved


async def _their_ticket(svc: Services, case: SupportCase, ticket_id) -> Ticket | None:
    """The ticket the assistant filed for this hand-off, if it really is this customer's open one here."""
    if not isinstance(ticket_id, str) or not ticket_id:
        return None
    ticket = await svc.storage.tickets.get(ticket_id=ticket_id)
    if ticket is None or ticket.customer_id != case.customer_id or ticket.status != "open" or \
            ticket.conversation_id not in ("", case.conversation_id):
        return None
    return ticket


async def _on_staff_message(svc: Services, conv: Conversation, author: User) -> None:
    """An agent writing into the case they resolved reopens it, and the conversation says so: never a
    message into a finished case that nobody is told about. (Anyone else on the desk is refused by the
    send check: only the case's participants write.)"""
    async with svc.support_locks.hold(conv.id):
        case = await svc.storage.support.get(conversation_id=conv.id)
        if case is None or case.state != "resolved" or author.id not in conv.participants:
            return
        moved = await move_case(svc, case, "resolved", state="assigned", agent_id=author.id,
                                assigned_at=svc.clock.now(), resolved_at=None, rating_pending=False)
        if moved is None:
            return
        await record(svc, moved, state="assigned", resolved_at=None)
        await post_as_bot(svc, conv, f"{agent_title(author)} 重新打开了本次会话，继续为您服务。")
        await announce(svc, moved)


def subscribe(svc: Services) -> None:
    """A hand-off is told to the customer (their place in the queue) and to the desk; an agent's message
    into a resolved case reopens it; an agent's first message after the claim is the case's first response."""
    svc.bus.subscribe(HandedOff, lambda e: announce(svc, e.case))

    def on_sent(e: MessageSent):
        if e.conversation.kind != "support" or e.author.role not in STAFF_ROLES:
            return None
        return _after_staff_message(svc, e.conversation, e.author)
    svc.bus.subscribe(MessageSent, on_sent)


async def _after_staff_message(svc: Services, conv: Conversation, author: User) -> None:
    await _on_staff_message(svc, conv, author)
    case = await svc.storage.support.get(conversation_id=conv.id)
    if case is not None and case.state == "assigned" and case.agent_id == author.id and case.first_response_at is None:
        moved = await move_case(svc, case, "assigned", first_response_at=svc.clock.now())
        if moved is not None:
            await record(svc, moved, first_response_at=moved.first_response_at)
