"""The internal API the bot's action server calls: shared secret, and the customer's
identity exactly as the platform signed it into the Rasa metadata. A customer can
only ever be answered about their own orders; the message text never names who asks."""
from __future__ import annotations

import hmac

from .. import wire
from ..actions import catalogue, shop
from ..errors import Forbidden, Unauthorized
from ..integrations.rasa import sign_customer
from ..services import Services
from ..validate import query_int
from . import payloads as P
from . import responses as R
from .rest_base import api


def _check_bot(request, svc: Services) -> None:
    given = request.headers.get("X-Bot-Secret", "")
    if not svc.bot_secret or not hmac.compare_digest(given.encode(), svc.bot_secret.encode()):
        raise Unauthorized("the bot secret is missing or wrong", code="bad_bot_secret")


async def _customer(request, svc: Services) -> tuple[str, str]:
    """(customer_id, conversation_id), once the signature proves the platform vouched for them, for this
    conversation, not long ago, and the conversation is still that customer's support conversation."""
    _check_bot(request, svc)
    customer_id = request.headers.get("X-Customer", "")
    conversation_id = request.headers.get("X-Conversation", "")
    signature = request.headers.get("X-Customer-Sig", "")
    try:
        expires = int(request.headers.get("X-Customer-Expires", ""))
    except ValueError:
        expires = 0
    expected = sign_customer(svc.bot_secret, customer_id, conversation_id, expires)
    if not customer_id or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise Forbidden("the customer's signature doesn't match", code="bad_customer_signature")
    if expires < svc.clock.now().timestamp():
        raise Forbidden("the customer's signature has expired", code="customer_signature_expired")
    case = await svc.storage.support.get(conversation_id=conversation_id)
    if case is None or case.customer_id != customer_id:
        raise Forbidden("the conversation is not this customer's support conversation", code="not_customer_conversation")
    return customer_id, conversation_id


@api("GET", "/internal/bot/orders", "The asking customer's orders, newest first (bot secret + signed customer)",
     auth=False, public=False, response=R.OrdersOut)
async def bot_orders(request, svc, user, body):
    customer_id, _ = await _customer(request, svc)
    orders = await svc.storage.orders.list_for_customer(customer_id=customer_id, limit=10)
    return {"orders": [wire.order(o) for o in orders]}


@api("GET", "/internal/bot/orders/{order}", "One of the asking customer's orders; 404 for anyone else's", auth=False,
     public=False, response=R.OrderOut)
async def bot_order(request, svc, user, body):
    customer_id, _ = await _customer(request, svc)
    return {"order": wire.order(await shop.access_my_order(svc, customer_id, request.match_info["order"]))}


@api("GET", "/internal/bot/products", "Catalogue search for the bot, by the names shoppers use (aliases, synonyms): ?q=&limit=", auth=False, public=False,
     response=R.ProductsOut)
async def bot_products(request, svc, user, body):
    _check_bot(request, svc)
    found = await catalogue.search_products(svc, request.query.get("q", "")[:100],
                                            limit=query_int(request.query, "limit", default=5, min_value=1,
                                                            max_value=20))
    return {"products": [wire.product(p) for p in found]}


@api("GET", "/internal/bot/products/{sku}", "One product for the bot", auth=False, public=False,
     response=R.ProductOut)
async def bot_product(request, svc, user, body):
    _check_bot(request, svc)
    return {"product": wire.product(await shop.access_product(svc, request.match_info["sku"]))}


@api("GET", "/internal/bot/aftersales", "The asking customer's after-sales requests", auth=False, public=False,
     response=R.AfterSalesOut)
async def bot_aftersales(request, svc, user, body):
    customer_id, _ = await _customer(request, svc)
    return {"aftersales": [wire.aftersale(a) for a in await svc.storage.aftersales.list(customer_id=customer_id)]}


@api("POST", "/internal/bot/aftersales",
     "Create an after-sales request for the asking customer: {kind, order_id, sku, reason, description, "
     "exchange_detail, photo_ids}", auth=False,
     public=False, body=P.BotAfterSale, response=R.AfterSaleOut)
async def bot_create_aftersale(request, svc, user, body):
    customer_id, conversation_id = await _customer(request, svc)
    request_, created = await shop.check_create_aftersale(
        svc, customer_id=customer_id, conversation_id=conversation_id, kind=body.kind, order_id=body.order_id,
        sku=body.sku, reason=body.reason, description=body.description, exchange_detail=body.exchange_detail,
        photo_ids=body.photo_ids)
    return {"aftersale": wire.aftersale(request_), "duplicate": not created}


@api("POST", "/internal/bot/tickets",
     "Open a ticket for the asking customer: {kind, summary, order_id?}; a follow-up about an order with an open "
     "one returns that one (duplicate: true)", auth=False, public=False, body=P.BotTicket, response=R.BotTicketOut)
async def bot_create_ticket(request, svc, user, body):
    customer_id, conversation_id = await _customer(request, svc)
    ticket, created = await shop.check_open_ticket(svc, customer_id=customer_id, conversation_id=conversation_id,
                                                   kind=body.kind, summary=body.summary, order_id=body.order_id)
    return {"ticket": wire.ticket(ticket), "duplicate": not created}


@api("GET", "/internal/bot/policies", "The shop's policy texts, for the bot", auth=False, public=False,
     response=R.PoliciesOut)
async def bot_policies(request, svc, user, body):
    _check_bot(request, svc)
    return {"policies": await shop.access_policies(svc)}


