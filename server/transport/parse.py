"""Payload shapes shared by REST and Socket.IO."""
from __future__ import annotations

from ..actions.messages import Draft
from ..errors import InvalidPayload
from ..models import MESSAGE_TYPES
from ..validate import MAX_TEXT, Payload

MAX_CLIENT_MSG_ID = 64
MAX_PAYLOAD = 300


def parse_product_sku(p: Payload | None) -> str | None:
    """Only the SKU is taken: the card's title, price and picture come from the catalogue (any others sent,
    as older clients do, are ignored)."""
    return None if p is None else p.str("sku", max_len=64, min_len=1)


def parse_draft(p: Payload) -> Draft:
    kind = p.choice("type", MESSAGE_TYPES, required=False, default="text")
    text = p.str("text", required=kind == "text", max_len=MAX_TEXT, default="")
    client_msg_id = p.str("client_msg_id", required=False, max_len=MAX_CLIENT_MSG_ID, min_len=1)
    # a pressed quick-reply button: `text` is its title (what people read), `payload` what the assistant gets
    payload = p.str("payload", required=False, max_len=MAX_PAYLOAD, min_len=2)
    if payload is not None and not payload.startswith("/"):
        raise InvalidPayload("payload must be a quick-reply payload starting with /", field="payload")
    return Draft(type=kind, text=text, product_sku=parse_product_sku(p.obj("product", required=kind == "product")),
                 reply_to=p.id("reply_to", required=False), client_msg_id=client_msg_id,
                 extra={"payload": payload} if payload else None)
