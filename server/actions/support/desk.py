"""The agents' desk: the queue, a case with the customer's orders, claim, transfer, resolve."""
from __future__ import annotations

from ... import events, wire
from ...domain.messages import Message
from ...domain.support import SupportCase
from ...domain.users import STAFF_ROLES, User
from ...errors import Conflict, Forbidden, InvalidPayload
from ...policy.access import check_staff
from ...services import Services
from .cases import agent_title, announce, announce_queue, describe, find_case, move_case, post_as_bot
from .notes import note_wire, profile_wire
from .sessions import record
from .tickets import ticket_view


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
    said = await customers_last_message(svc, case)
    body["last_message"] = wire.message(said) if said else None
    return body


PREVIEW_PAGE, PREVIEW_LOOKBACK = 20, 100


async def customers_last_message(svc: Services, case: SupportCase) -> Message | None:
    """What the queue previews: the customer's own last message (what they need, "我要退货，衣服破了"), not
    the assistant's or an agent's line after it ("已为您转接人工客服…"). Looked for in the last 100 messages;
    a deleted or hidden one is skipped."""
    before, looked = None, 0
    while looked < PREVIEW_LOOKBACK:
        page = await svc.storage.messages.history(conversation_id=case.conversation_id, before=before,
                                                  limit=PREVIEW_PAGE)
        for message in reversed(page):
            if message.author_id == case.customer_id and message.deleted_at is None and message.hidden is None:
                return message
        if len(page) < PREVIEW_PAGE:
            return None
        looked += len(page)
        before = page[0].seq
    return None


async def access_case_for_desk(svc: Services, user: User, conversation_id: str) -> dict:
    """Everything an agent needs before answering: the case, the customer's orders and the transcript."""
    check_staff(user)
    case = await find_case(svc, conversation_id)
    body = await _desk_view(svc, case)
    orders = await svc.storage.orders.list_for_customer(customer_id=case.customer_id, limit=5)
    body["orders"] = [wire.order(o) for o in orders]
    transcript = await svc.storage.messages.history(conversation_id=conversation_id, limit=50)
    body["transcript"] = [wire.message(m) for m in transcript]
    # the whole story beside the conversation: after-sales requests, tickets, earlier rounds, the desk's notes
    body["aftersales"] = [wire.aftersale(a) for a in
                          await svc.storage.aftersales.list(customer_id=case.customer_id, limit=20)]
    body["tickets"] = [ticket_view(t) for t in await svc.storage.tickets.list(customer_id=case.customer_id, limit=20)]
    body["earlier"] = [session_view(s) for s in await svc.storage.support_sessions.list(customer_id=case.customer_id,
                                                                                         limit=21)
                       if s.id != case.session_id][:20]
    body["notes"] = [note_wire(n) for n in await svc.storage.case_notes.list(conversation_id=conversation_id)]
    body["profile"] = profile_wire(await svc.storage.profiles.get(customer_id=case.customer_id))
    return body


def session_view(s) -> dict:
    """An earlier round of the customer's support conversation, as the desk lists it."""
    return {"id": s.id, "state": s.state, "started_at": wire.ts(s.started_at), "handed_off": s.handed_off,
            "reason": s.reason, "agent_id": s.agent_id, "resolved_at": wire.ts(s.resolved_at), "score": s.score,
            "first_seq": s.first_seq}


async def _assign(svc: Services, case: SupportCase, expect: str, agent: User) -> SupportCase:
    moved = await move_case(svc, case, expect, state="assigned", agent_id=agent.id, assigned_at=svc.clock.now())
    if moved is None:
        raise Conflict("someone else took this conversation first", code="support_changed")
    await svc.storage.conversations.set_participants(conversation_id=case.conversation_id,
                                                     participants=(case.customer_id, agent.id))
    svc.access_cache.forget_conversation(case.conversation_id)
    conv = await svc.storage.conversations.get(conversation_id=case.conversation_id)
    svc.publisher.to_users(events.CONVERSATION_NEW, wire.conversation(conv), [agent.id])
    await post_as_bot(svc, conv, f"{agent_title(agent)} 已接入，为您服务 😊")
    await record(svc, moved, state="assigned", agent_id=agent.id, assigned_at=moved.assigned_at)
    await announce(svc, moved)
    return moved


async def check_claim(svc: Services, user: User, conversation_id: str) -> SupportCase:
    check_staff(user)
    case = await find_case(svc, conversation_id)
    if case.state != "queued":
        raise Conflict(f"this conversation is {case.state}, not waiting", code="not_queued", state=case.state)
    moved = await _assign(svc, case, "queued", user)
    await announce_queue(svc)
    return moved


async def check_transfer(svc: Services, user: User, conversation_id: str, *, to_agent_id: str) -> SupportCase:
    check_staff(user)
    case = await find_case(svc, conversation_id)
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
    case = await find_case(svc, conversation_id)
    if case.state == "resolved":
        raise Conflict("this conversation is already resolved", code="already_resolved")
    if case.state == "assigned" and case.agent_id != user.id and user.role != "admin":
        raise Forbidden("only the agent on this conversation can resolve it", code="not_assigned")
    moved = await move_case(svc, case, case.state, state="resolved", resolved_at=svc.clock.now(),
                            rating_pending=case.state == "assigned")
    if moved is None:
        raise Conflict("the conversation changed meanwhile; try again", code="support_changed")
    await record(svc, moved, state="resolved", resolved_at=moved.resolved_at)
    conv = await svc.storage.conversations.get(conversation_id=conversation_id)
    if moved.rating_pending:
        await post_as_bot(svc, conv, "本次服务已结束，请为客服打个分吧（1-5 星，可以跳过）。感谢您的耐心！",
                          card={"kind": "rating_request", "conversation_id": conversation_id})
    else:
        await post_as_bot(svc, conv, "本次会话已结束。如还有问题，直接发消息就可以。")
    await announce(svc, moved)
    if case.state == "queued":
        await announce_queue(svc)
    return moved


async def do_release_cases_of(svc: Services, agent_id: str) -> list[SupportCase]:
    """Someone no longer on the desk (demoted): the customers they were serving go back to the front of
    the queue (their queued_at is kept) and the conversation is theirs alone again."""
    released = []
    for case in await svc.storage.support.list(states=("assigned",)):
        if case.agent_id != agent_id:
            continue
        moved = await move_case(svc, case, "assigned", state="queued", agent_id=None, assigned_at=None)
        if moved is None:  # transferred or resolved meanwhile
            continue
        await svc.storage.conversations.set_participants(conversation_id=case.conversation_id,
                                                         participants=(case.customer_id,))
        svc.access_cache.forget_conversation(case.conversation_id)
        conv = await svc.storage.conversations.get(conversation_id=case.conversation_id)
        await post_as_bot(svc, conv, "正在为您转接其他客服，请稍候。")
        await record(svc, moved, state="queued")
        await announce(svc, moved)
        released.append(moved)
    if released:
        await announce_queue(svc)
    return released
