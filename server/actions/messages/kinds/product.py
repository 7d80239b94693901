"""A product card: one of the shop's products shared in a conversation, with an optional comment.

The card shows the shop's own title, price and picture for the SKU, whatever the sender typed:
nobody can post a made-up price, or words the moderation never saw, dressed as one of the shop's
products. The comment is moderated like any text."""
from __future__ import annotations

from ....errors import InvalidPayload, NotFound
from .text import json_intent


class ProductKind:
    name = "product"
    text_required = False

    def parse(self, p) -> dict | None:
        """Only the SKU is taken (a title or price sent, as older clients do, is ignored)."""
        found = p.obj("product", required=True)
        return {"sku": found.str("sku", max_len=64, min_len=1)}

    async def card(self, svc, given: dict | None, **_) -> dict:
        sku = (given or {}).get("sku")
        if not sku:
            raise InvalidPayload("a product message needs a product", field="product")
        item = await svc.storage.products.get(sku=sku.upper())
        if item is None:
            raise NotFound("no such product in the shop's catalogue")
        return {"kind": "product", "sku": item.sku, "title": item.title, "price": item.price,
                "image_url": item.image_url}

    def assistant_request(self, card: dict | None) -> str | None:
        return json_intent("product_inquiry", item_sku=(card or {}).get("sku"))

    def text_of(self, text: str, card: dict | None) -> str:
        return " ".join(filter(None, (text, (card or {}).get("title", ""))))


KIND = ProductKind()
