"""An order card: one of the sender's own orders shown in their support conversation ("this one"), so the agent
and the assistant see the order itself instead of a number typed wrong.

The card is built from the shop's data for an order of the sender's; anyone else's order number is
`404` exactly as a made-up one. Only in support conversations: an order is between a customer and the
shop, not for a group. An agent may show the customer one of the customer's orders."""
from __future__ import annotations

from ....domain.shop import ORDER_STATUSES
from ....domain.users import STAFF_ROLES
from ....errors import InvalidPayload
from .text import json_intent


class OrderKind:
    name = "order"
    text_required = False

    def parse(self, p) -> dict | None:
        found = p.obj("order", required=True)
        return {"id": found.str("id", max_len=40, min_len=1)}

    async def card(self, svc, given: dict | None, *, author=None, conversation=None) -> dict:
        from ...shop import access_my_order  # the shop's actions import the message pipeline
        if conversation is None or conversation.kind != "support":
            raise InvalidPayload("an order is shown only in your support conversation", code="order_card_support_only",
                                 field="type")
        order_id = (given or {}).get("id")
        if not order_id or author is None:
            raise InvalidPayload("an order message needs an order", field="order")
        owner = author.id
        if author.role in STAFF_ROLES:  # an agent shows the customer one of the customer's orders
            case = await svc.storage.support.get(conversation_id=conversation.id)
            owner = case.customer_id if case else author.id
        order = await access_my_order(svc, owner, order_id)
        return {"kind": "order", "order_id": order.id, "status": order.status,
                "status_label": ORDER_STATUSES[order.status], "total": order.total,
                "items": [{"sku": i["sku"], "title": i["title"], "qty": i.get("qty", 1)} for i in order.items],
                "carrier": order.carrier, "tracking_no": order.tracking_no}

    def assistant_request(self, card: dict | None) -> str | None:
        """The customer picked one of their own orders (checked when the card was built): its status."""
        return json_intent("track_order", order_id=(card or {}).get("order_id"))

    def text_of(self, text: str, card: dict | None) -> str:
        card = card or {}
        titles = "、".join(i.get("title", "") for i in card.get("items", []))
        return " ".join(filter(None, (text, f"订单 {card.get('order_id', '')}" if card else "", titles)))


KIND = OrderKind()
