"""REST endpoints of the shop and the support desk (customers, agents, admins)."""
from __future__ import annotations

from typing_extensions import TypedDict

from aiohttp import web

from .. import wire
from ..actions import shop, support
from ..actions.support import notes, stats
from ..actions.support import tickets as desk_tickets
from ..domain.shop import AFTERSALE_STATUSES
from ..domain.support import TICKET_STATUSES
from ..errors import InvalidPayload
from ..policy.access import check_staff
from ..validate import query_int, query_text
from . import payloads as P
from . import responses as R
from .rest_base import api

PAGE_MAX = 100


# -- the desk's own bodies and answers ---------------------------------------------------------------

class ResolveTicket(P.Body):
    resolution: P.Text(desk_tickets.MAX_RESOLUTION, 1, lines=True)


class AddCaseNote(P.Body):
    text: P.Text(notes.MAX_NOTE, 1, lines=True)


class SetCustomerProfile(P.Body):
    note: P.Text(notes.MAX_PROFILE_NOTE, lines=True) | None = None
    labels: P.Unchecked({"type": "array", "maxItems": notes.MAX_LABELS,
                         "items": {"type": "string", "minLength": 1, "maxLength": notes.MAX_LABEL}}) = None


class DeskTicket(wire.TicketWire):
    resolution: str
    resolved_by: str | None


class DeskTicketsOut(TypedDict):
    tickets: list[DeskTicket]


class DeskTicketOut(TypedDict):
    ticket: DeskTicket


class CaseNoteView(TypedDict):
    id: str
    conversation_id: str
    author_id: str
    text: str
    created_at: str


class CaseNotesOut(TypedDict):
    notes: list[CaseNoteView]


class CaseNoteOut(TypedDict):
    note: CaseNoteView


class CustomerProfileView(TypedDict):
    customer_id: str
    note: str
    labels: list[str]
    updated_at: str | None
    updated_by: str | None


class CustomerProfileOut(TypedDict):
    profile: CustomerProfileView


class ServiceFigures(TypedDict):
    conversations: int
    handed_off: int
    solved_by_assistant: int
    resolved: int
    waiting_p50: float | None
    waiting_p90: float | None
    first_response_p50: float | None
    first_response_p90: float | None
    resolution_p50: float | None
    resolution_p90: float | None
    csat: dict[str, int]
    rated: int
    csat_satisfied: float | None
    average_score: float | None


class AgentServiceFigures(ServiceFigures):
    agent_id: str
    display_name: str


class HandoffReasonCount(TypedDict):
    reason: str
    label: str
    count: int


class ServiceDay(TypedDict):
    date: str
    conversations: int
    handed_off: int
    solved_by_assistant: int


class Understood(TypedDict, total=False):
    intent: str
    form: str
    requested_slot: str
    slots: dict[str, str]


class EarlierRound(TypedDict):
    id: str
    state: str
    started_at: str
    handed_off: bool
    reason: str
    agent_id: str | None
    resolved_at: str | None
    score: int | None
    first_seq: int


class DeskCaseDetail(R.DeskDetail):
    """The desk's case with the customer's whole story."""
    after_hours: bool
    understood: Understood
    ticket_id: str
    first_response_at: str | None
    aftersales: list[wire.AfterSaleWire]
    tickets: list[DeskTicket]
    earlier: list[EarlierRound]
    notes: list[CaseNoteView]
    profile: CustomerProfileView


class CustomerCaseView(R.SupportView):
    after_hours: bool


class CaseForEitherDeskOut(TypedDict):
    support: CustomerCaseView | DeskCaseDetail  # the customer's view, or the desk's with the whole story


ServiceStatsOut = TypedDict("StatsOut", {"from": str, "to": str, "total": ServiceFigures, "handoff_reasons": list[HandoffReasonCount],
                                  "agents": list[AgentServiceFigures], "days": list[ServiceDay]})


def _statuses(request, allowed) -> tuple[str, ...] | None:
    raw = request.query.get("status", "")
    if not raw:
        return None
    wanted = tuple(s for s in raw.split(",") if s)
    bad = [s for s in wanted if s not in allowed]
    if bad:
        raise InvalidPayload(f"status must be among {', '.join(allowed)}", field="status")
    return wanted


# -- the catalogue, my orders, the policies ------------------------------------------------------

@api("GET", "/api/products", "Search the catalogue: ?q=&limit=&offset=", response=R.ProductsOut)
async def products(request, svc, user, body):
    found = await svc.storage.products.search(
        query=query_text(request.query, "q")[:100],
        limit=query_int(request.query, "limit", default=20, min_value=1, max_value=PAGE_MAX),
        offset=query_int(request.query, "offset", default=0, min_value=0))
    return {"products": [wire.product(p) for p in found]}


@api("GET", "/api/products/{sku}", "One product with its variants, stock and size chart", response=R.ProductOut)
async def product(request, svc, user, body):
    return {"product": wire.product(await shop.access_product(svc, request.match_info["sku"]))}


@api("GET", "/api/me/orders", "My orders, newest first", response=R.OrdersOut)
async def my_orders(request, svc, user, body):
    orders = await svc.storage.orders.list_for_customer(customer_id=user.id, limit=50)
    return {"orders": [wire.order(o) for o in orders]}


@api("GET", "/api/me/orders/{order}", "One of my orders with its logistics", response=R.OrderOut)
async def my_order(request, svc, user, body):
    return {"order": wire.order(await shop.access_my_order(svc, user.id, request.match_info["order"]))}


@api("GET", "/api/me/aftersales", "My after-sales requests (returns, exchanges, refunds)", response=R.AfterSalesOut)
async def my_aftersales(request, svc, user, body):
    return {"aftersales": [wire.aftersale(a) for a in await svc.storage.aftersales.list(customer_id=user.id)]}


@api("GET", "/api/shop/policies", "Shipping, payment, invoice, authenticity, promotion, return and warranty texts",
     response=R.PoliciesOut)
async def get_policies(request, svc, user, body):
    return {"policies": await shop.access_policies(svc)}


@api("PATCH", "/api/shop/policies", "Edit policy texts (platform admins): {policies: {key: text}}",
     body=P.SetPolicies, response=R.PoliciesOut)
async def set_policies(request, svc, user, body):
    return {"policies": await shop.check_set_policies(svc, user, body.policies)}


# -- the customer's support conversation -------------------------------------------------------------

@api("POST", "/api/support", "联系客服: open (or return) my support conversation", response=R.OpenSupportOut)
async def open_support(request, svc, user, body):
    conv, case = await support.check_open_support(svc, user)
    return {"conversation": wire.conversation(conv), "support": await support.describe(svc, case, for_staff=False)}


@api("GET", "/api/support/cases/{conversation_id}", "A support case: state, queue position, agent",
     response=CaseForEitherDeskOut)
async def get_case(request, svc, user, body):
    case = await support.access_case(svc, user, request.match_info["conversation_id"])
    if user.id == case.customer_id:
        return {"support": await support.describe(svc, case, for_staff=False)}
    return {"support": await support.access_case_for_desk(svc, user, case.conversation_id)}


@api("POST", "/api/support/cases/{conversation_id}/handoff", "Ask for a human agent (the customer)", response=R.SupportOut)
async def request_human(request, svc, user, body):
    case = await support.check_request_human(svc, user, request.match_info["conversation_id"])
    return {"support": await support.describe(svc, case, for_staff=False)}


@api("POST", "/api/support/cases/{conversation_id}/rating",
     "Rate the finished service: {score: 1-5, comment} or {skip: true}", body=P.Rate, response=R.SupportOut)
async def rate(request, svc, user, body):
    case = await support.check_rate(svc, user, request.match_info["conversation_id"], score=body.score,
                                    comment=body.comment)
    return {"support": await support.describe(svc, case, for_staff=False)}


# -- the desk (agents and admins) ---------------------------------------------------------------------

@api("GET", "/api/support/queue", "Waiting customers, longest wait first, with position and context (agents)",
     response=R.QueueOut)
async def queue(request, svc, user, body):
    return {"queue": await support.access_queue(svc, user)}


@api("GET", "/api/support/mine", "Conversations assigned to me (agents)", response=R.DeskCasesOut)
async def mine(request, svc, user, body):
    return {"cases": await support.access_my_cases(svc, user)}


@api("GET", "/api/support/agents", "Agents and admins with presence and load: whom to transfer to (agents)",
     response=R.AgentsOut)
async def agents(request, svc, user, body):
    return {"agents": await support.access_agents(svc, user)}


@api("POST", "/api/support/cases/{conversation_id}/claim", "Take a waiting conversation (agents)", response=R.SupportOut)
async def claim(request, svc, user, body):
    case = await support.check_claim(svc, user, request.match_info["conversation_id"])
    return {"support": await support.describe(svc, case, for_staff=True)}


@api("POST", "/api/support/cases/{conversation_id}/transfer", "Hand my conversation to another agent: {agent_id}",
     body=P.Transfer, response=R.SupportOut)
async def transfer(request, svc, user, body):
    case = await support.check_transfer(svc, user, request.match_info["conversation_id"], to_agent_id=body.agent_id)
    return {"support": await support.describe(svc, case, for_staff=True)}


@api("POST", "/api/support/cases/{conversation_id}/resolve", "Finish the conversation; the customer is asked to rate",
     response=R.SupportOut)
async def resolve(request, svc, user, body):
    case = await support.check_resolve(svc, user, request.match_info["conversation_id"])
    return {"support": await support.describe(svc, case, for_staff=True)}


@api("GET", "/api/support/canned", "Canned replies (agents)", response=R.CannedOut)
async def canned(request, svc, user, body):
    return {"replies": await support.access_canned(svc, user)}


@api("PUT", "/api/support/canned", "Replace the canned replies (agents): {replies: [{title, text}]}",
     body=P.SetCanned, response=R.CannedOut)
async def set_canned(request, svc, user, body):
    return {"replies": await support.check_set_canned(svc, user, body.replies)}


@api("GET", "/api/aftersales", "After-sales requests of every customer: ?status=pending,approved (agents)",
     response=R.AfterSalesOut)
async def aftersales(request, svc, user, body):
    check_staff(user)
    found = await svc.storage.aftersales.list(
        statuses=_statuses(request, tuple(AFTERSALE_STATUSES)),
        limit=query_int(request.query, "limit", default=50, min_value=1, max_value=PAGE_MAX),
        offset=query_int(request.query, "offset", default=0, min_value=0))
    return {"aftersales": [wire.aftersale(a) for a in found]}


@api("PATCH", "/api/aftersales/{request_id}", "Move a request on: {status, refund_amount?, note?} (agents)",
     body=P.UpdateAfterSale, response=R.AfterSaleOut)
async def update_aftersale(request, svc, user, body):
    updated = await shop.check_update_aftersale(svc, user, request.match_info["request_id"], status=body.status,
                                                refund_amount=body.refund_amount, note=body.note)
    return {"aftersale": wire.aftersale(updated)}


@api("GET", "/api/tickets", "Tickets (complaints, after-hours requests): ?status=open (agents)",
     response=DeskTicketsOut)
async def tickets(request, svc, user, body):
    check_staff(user)
    found = await svc.storage.tickets.list(
        statuses=_statuses(request, TICKET_STATUSES),
        limit=query_int(request.query, "limit", default=50, min_value=1, max_value=PAGE_MAX),
        offset=query_int(request.query, "offset", default=0, min_value=0))
    return {"tickets": [desk_tickets.ticket_view(t) for t in found]}


@api("PATCH", "/api/tickets/{ticket_id}", "Close or reopen a ticket: {status} (agents)",
     body=P.UpdateTicket, response=R.TicketOut)
async def update_ticket(request, svc, user, body):
    updated = await shop.check_update_ticket(svc, user, request.match_info["ticket_id"], status=body.status)
    return {"ticket": wire.ticket(updated)}


@api("POST", "/api/tickets/{ticket_id}/resolve",
     "Resolve a ticket: {resolution}; it is posted to the customer, who is asked to rate it (agents)",
     body=ResolveTicket, response=DeskTicketOut)
async def resolve_ticket(request, svc, user, body):
    ticket = await desk_tickets.check_resolve_ticket(svc, user, request.match_info["ticket_id"],
                                                     resolution=body.resolution)
    return {"ticket": desk_tickets.ticket_view(ticket)}


# -- what only the desk sees: internal notes, customer profiles, service figures ----------------------------

@api("GET", "/api/support/cases/{conversation_id}/notes", "Internal notes of a case, oldest first (agents)",
     response=CaseNotesOut)
async def case_notes(request, svc, user, body):
    return {"notes": await notes.access_notes(svc, user, request.match_info["conversation_id"])}


@api("POST", "/api/support/cases/{conversation_id}/notes",
     "Add an internal note to a case: {text}; never shown to the customer (agents)", body=AddCaseNote, response=CaseNoteOut)
async def add_case_note(request, svc, user, body):
    return {"note": await notes.check_add_note(svc, user, request.match_info["conversation_id"], body.text)}


@api("GET", "/api/support/notes", "Search the internal notes of every case: ?q= (agents)", response=CaseNotesOut)
async def search_notes(request, svc, user, body):
    return {"notes": await notes.access_note_search(svc, user, query_text(request.query, "q")[:100])}


@api("GET", "/api/support/customers/{customer_id}/profile", "The desk's note and labels about a customer (agents)",
     response=CustomerProfileOut)
async def customer_profile(request, svc, user, body):
    return {"profile": await notes.access_profile(svc, user, request.match_info["customer_id"])}


@api("PUT", "/api/support/customers/{customer_id}/profile",
     "Set the desk's note and labels about a customer: {note?, labels?} (agents)", body=SetCustomerProfile,
     response=CustomerProfileOut)
async def set_customer_profile(request, svc, user, body):
    return {"profile": await notes.check_set_profile(svc, user, request.match_info["customer_id"], note=body.note,
                                                     labels=body.labels)}


@api("GET", "/api/support/stats",
     "Service figures over a period: ?from=YYYY-MM-DD&to=YYYY-MM-DD (the shop's days, 7 by default)"
     "&format=csv for a spreadsheet (agents)", response=ServiceStatsOut)
async def support_stats(request, svc, user, body):
    figures = await stats.access_stats(svc, user, request.query.get("from"), request.query.get("to"))
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        raise InvalidPayload("format is json or csv", field="format")
    if fmt == "csv":
        name = f"service-{figures['from']}-{figures['to']}.csv"
        return web.Response(text=stats.stats_csv(figures), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return figures
