"""What only the MongoDB backend promises (run against mongomock-motor here, a real server with MONGODB_URI)."""
from __future__ import annotations

from tests.conftest import open_backend


async def test_documents_from_before_one_card_field_read_as_cards(tmp_path):
    """Older documents kept a product card in `product` and the assistant's card in `extra.card`."""
    storage = await open_backend("mongodb", tmp_path)
    db = storage.messages.db
    common = {"conversation_id": "c1", "author_id": "u1", "mentions": [], "reactions": {}, "created_at": 0}
    await db.messages.insert_many([
        {"_id": "m1", "seq": 1, "type": "product", "text": "看看", "dedupe": "m1",
         "product": {"sku": "SC-1", "title": "杯", "price": "9", "image_url": ""}, **common},
        {"_id": "m2", "seq": 2, "type": "text", "text": "订单", "dedupe": "m2",
         "extra": {"card": {"kind": "order", "order_id": "SC1"}, "buttons": [{"title": "好"}]}, **common}])
    product, bot = await storage.messages.get(message_id="m1"), await storage.messages.get(message_id="m2")
    assert product.card == {"kind": "product", "sku": "SC-1", "title": "杯", "price": "9", "image_url": ""}
    assert bot.card == {"kind": "order", "order_id": "SC1"} and bot.extra == {"buttons": [{"title": "好"}]}
    gone = await storage.messages.delete(message_id="m1", deleted_at=product.created_at)
    assert gone.card is None  # the old field doesn't bring a deleted card back
    await storage.aclose()
