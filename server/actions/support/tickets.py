"""A ticket resolved at the desk: the resolution is posted to the customer in their support conversation,
who is then asked to rate how it was handled."""
from __future__ import annotations

from dataclasses import replace

from ... import wire
from ...domain.support import TICKET_KINDS, Ticket
from ...domain.users import User
from ...errors import Conflict, InvalidPayload, NotFound
from ...policy.access import check_staff
from ...services import Services
from ...validate import check_text
from .cases import announce, move_case, post_as_bot

MAX_RESOLUTION = 500


def ticket_view(t: Ticket) -> dict:
    return {**wire.ticket(t), "resolution": t.resolution, "resolved_by": t.resolved_by}


async def check_resolve_ticket(svc: Services, user: User, ticket_id: str, *, resolution) -> Ticket:
    check_staff(user)
    ticket = await svc.storage.tickets.get(ticket_id=ticket_id)
    if ticket is None:
        raise NotFound("no such ticket")
    if not isinstance(resolution, str):
        raise InvalidPayload("resolution is required", field="resolution")
    resolution = check_text(resolution, "resolution").strip()
    if not resolution or len(resolution) > MAX_RESOLUTION:
        raise InvalidPayload(f"a resolution is 1-{MAX_RESOLUTION} characters", field="resolution")
    if ticket.status != "open":
        raise Conflict("this ticket is closed already", code="ticket_closed")
    updated = replace(ticket, status="closed", resolution=resolution, resolved_by=user.id,
                      updated_at=svc.clock.now())
    if not await svc.storage.tickets.update(updated, expect_status="open"):
        raise Conflict("the ticket changed meanwhile; reload it", code="ticket_changed")
    await _tell_and_ask_rating(svc, user, updated)
    return updated


async def _tell_and_ask_rating(svc: Services, agent: User, ticket: Ticket) -> None:
    case = (await svc.storage.support.get(conversation_id=ticket.conversation_id) if ticket.conversation_id
            else await svc.storage.support.for_customer(customer_id=ticket.customer_id))
    if case is None or case.customer_id != ticket.customer_id:
        return  # a ticket opened outside a support conversation: nowhere to post it
    conv = await svc.storage.conversations.get(conversation_id=case.conversation_id)
    kind = TICKET_KINDS.get(ticket.kind, "工单")
    async with svc.support_locks.hold(case.conversation_id):
        case = await svc.storage.support.get(conversation_id=case.conversation_id)
        ask = not case.rating_pending  # a rating of the conversation itself still open: not a second one
        await post_as_bot(svc, conv, f"您的工单 #{wire.short_number(ticket.id)}（{kind}）已处理：{ticket.resolution}"
                          + ("\n请为这次处理打个分吧（1-5 星，可以跳过）。" if ask else ""),
                          card={"kind": "rating_request", "conversation_id": case.conversation_id,
                                "ticket_id": ticket.id} if ask else None)
        if ask:
            moved = await move_case(svc, case, case.state, rating_pending=True, rating_agent_id=agent.id,
                                    rating_ticket_id=ticket.id)
            if moved is not None:
                await announce(svc, moved)
