"""Payload shapes shared by REST and Socket.IO."""
from __future__ import annotations

from ..actions.messages import Draft
from ..errors import InvalidPayload
from ..models import MESSAGE_TYPES, Product
from ..validate import MAX_TEXT, MAX_TITLE, Payload

MAX_CLIENT_MSG_ID = 64
MAX_PAYLOAD = 300


def parse_product(p: Payload | None) -> Product | None:
    if p is None:
        return None
    image_url = p.str("image_url", required=False, max_len=500, default="")
    if image_url and not image_url.startswith(("https://", "http://", "/")):
        raise InvalidPayload("image_url must be an http(s) URL or a path", field="product.image_url")
    price = p.data.get("price")
    if isinstance(price, (int, float)) and not isinstance(price, bool):
        price = f"{price:.2f}"
    if not isinstance(price, str) or not price.strip() or len(price) > 32:
        raise InvalidPayload("product.price must be a string or number", field="product.price")
    return Product(sku=p.str("sku", max_len=64, min_len=1), title=p.str("title", max_len=MAX_TITLE, min_len=1),
                   price=price.strip(), image_url=image_url)


def parse_draft(p: Payload) -> Draft:
    kind = p.choice("type", MESSAGE_TYPES, required=False, default="text")
    text = p.str("text", required=kind == "text", max_len=MAX_TEXT, default="")
    client_msg_id = p.str("client_msg_id", required=False, max_len=MAX_CLIENT_MSG_ID, min_len=1)
    # a pressed quick-reply button: `text` is its title (what people read), `payload` what the assistant gets
    payload = p.str("payload", required=False, max_len=MAX_PAYLOAD, min_len=2)
    if payload is not None and not payload.startswith("/"):
        raise InvalidPayload("payload must be a quick-reply payload starting with /", field="payload")
    return Draft(type=kind, text=text, product=parse_product(p.obj("product", required=kind == "product")),
                 reply_to=p.id("reply_to", required=False), client_msg_id=client_msg_id,
                 extra={"payload": payload} if payload else None)
