"""Topic threads (话题): a titled conversation in a group, its first post through the pipeline.

A thread can be a 晒单 (tag "showcase": I bought it, here are my photos) or a 种草 (tag "recommend": worth
buying) about one of the shop's products. Such a thread shows 已购 (`purchased`) when its author has a paid
order with that product that was not refunded. That is worked out by the server whenever it shows a thread
(thread_views), never stored and never taken from the client: an order paid after the post counts from
then on, and a refund takes 已购 away. It costs two reads per author on a page (their orders and
after-sales requests), the same reads `trust.has_verified_order` makes."""
from __future__ import annotations

from .. import events, wire
from ..domain.messages import THREAD_TAGS, Conversation, Message
from ..domain.shop import ShopProduct
from ..domain.users import User
from ..errors import Forbidden, InvalidPayload, NotFound
from ..integrations.search_text import tokenize_for_index
from ..policy.access import ConversationAccess, access_group_as_member, access_thread
from ..policy.trust import VERIFIED_ORDER
from ..services import Services
from . import uploads
from .messages import Draft, send_in
from .moderation.screen import screen_text

PAID = VERIFIED_ORDER                      # paid, shipped, delivered: not pending_payment, not cancelled
REFUND_KINDS = ("return", "cancel")        # after-sales requests that give the money back
REFUNDED = ("refunding", "refunded", "completed")  # ... once the shop agreed to pay it back
ORDERS_LOOKED_AT = 200                     # a customer's newest orders (and after-sales) that 已购 reads
SHOWCASE_PICTURES = 3                      # pictures per gallery tile
FIRST_MESSAGES = 50                        # where a 晒单's first picture message is looked for


async def check_thread_subject(svc: Services, *, tag, product_id) -> tuple[str | None, str | None]:
    """The (tag, SKU) a new thread is about: a 晒单 names a product of the catalogue, a 种草 may."""
    if tag is None:
        if product_id is not None:
            raise InvalidPayload("product_id goes with a tag (showcase or recommend)", field="product_id")
        return None, None
    if tag not in THREAD_TAGS:
        raise InvalidPayload(f"tag must be one of {', '.join(THREAD_TAGS)}", field="tag")
    if product_id is None:
        if tag == "showcase":
            raise InvalidPayload("a 晒单 (showcase) names the product it shows", code="product_required",
                                 field="product_id")
        return tag, None
    product = await svc.storage.products.get(sku=product_id.upper())
    if product is None:
        raise NotFound("no such product in the shop's catalogue", code="unknown_product", field="product_id")
    return tag, product.sku


class _Purchases:
    """已购 for several threads at once: each author's orders and refunds read once."""

    def __init__(self, svc: Services):
        self.svc = svc
        self.bought: dict[str, set[str]] = {}

    async def of(self, customer_id: str | None, sku: str) -> bool:
        if customer_id is None:
            return False
        if customer_id not in self.bought:
            self.bought[customer_id] = await paid_skus(self.svc, customer_id)
        return sku.upper() in self.bought[customer_id]


async def paid_skus(svc: Services, customer_id: str) -> set[str]:
    """The SKUs this customer paid for and kept: in an order from paid on, less the items (or whole orders)
    a return or cancellation paid back."""
    orders = [o for o in await svc.storage.orders.list_for_customer(customer_id=customer_id, limit=ORDERS_LOOKED_AT)
              if o.status in PAID]
    if not orders:
        return set()
    refunded = {(a.order_id, a.sku.upper()) for a in await svc.storage.aftersales.list(
        customer_id=customer_id, limit=ORDERS_LOOKED_AT) if a.kind in REFUND_KINDS and a.status in REFUNDED}
    return {sku for o in orders for sku in (str(i.get("sku", "")).upper() for i in o.items)
            if sku and (o.id, sku) not in refunded and (o.id, "") not in refunded}


async def thread_views(svc: Services, threads: list[Conversation]) -> list[dict]:
    """wire.thread with the product and 已购, worked out now."""
    purchases = _Purchases(svc)
    products: dict[str, ShopProduct | None] = {}
    out = []
    for t in threads:
        product, purchased = None, False
        if t.tag is not None and t.product_id:
            if t.product_id not in products:
                products[t.product_id] = await svc.storage.products.get(sku=t.product_id)
            product = products[t.product_id]
            purchased = await purchases.of(t.author_id, t.product_id)
        out.append(wire.thread(t, product=product, purchased=purchased))
    return out


async def thread_view(svc: Services, thread: Conversation) -> dict:
    return (await thread_views(svc, [thread]))[0]


async def check_create_thread(svc: Services, user: User, *, group_id: str, title: str, draft: Draft,
                              tag: str | None = None, product_id: str | None = None) -> tuple[Conversation, Message]:
    group, membership = await access_group_as_member(svc, user, group_id)
    tag, product_id = await check_thread_subject(svc, tag=tag, product_id=product_id)
    title = await screen_text(svc, user, title, field="title", group_id=group.id)
    thread = await svc.storage.conversations.create_thread(group_id=group.id, title=title, author_id=user.id,
                                                           now=svc.clock.now(), tokens=tokenize_for_index(title),
                                                           tag=tag, product_id=product_id)
    try:
        first, _ = await send_in(svc, user, ConversationAccess(thread, group, membership), draft)
    except BaseException:
        await svc.storage.conversations.delete_empty_thread(conversation_id=thread.id)
        raise
    await svc.storage.follows.follow(conversation_id=thread.id, user_id=user.id)
    thread = await svc.storage.conversations.get(conversation_id=thread.id)
    svc.publisher.publish(events.THREAD_NEW, await thread_view(svc, thread), events.group_room(group.id))
    return thread, first


async def check_update_thread(svc: Services, user: User, *, thread_id: str, pinned=None, closed=None) -> Conversation:
    acc = await access_thread(svc, user, thread_id)
    if not acc.is_group_admin:
        raise Forbidden("only group admins may pin or close threads", code="not_group_admin")
    thread = await svc.storage.conversations.update_thread(conversation_id=thread_id, pinned=pinned, closed=closed)
    svc.access_cache.forget_conversation(thread_id)
    svc.publisher.publish(events.THREAD_UPDATED, await thread_view(svc, thread), events.group_room(thread.group_id))
    return thread


async def check_like_thread(svc: Services, user: User, *, thread_id: str, like: bool) -> int:
    await access_thread(svc, user, thread_id)
    store = svc.storage.likes
    count = await (store.like if like else store.unlike)(target_kind="thread", target_id=thread_id, user_id=user.id)
    thread = await svc.storage.conversations.get(conversation_id=thread_id)
    svc.publisher.publish(events.THREAD_UPDATED, await thread_view(svc, thread), events.group_room(thread.group_id))
    return count


async def check_follow_thread(svc: Services, user: User, *, thread_id: str, follow: bool) -> None:
    await access_thread(svc, user, thread_id)
    store = svc.storage.follows
    await (store.follow if follow else store.unfollow)(conversation_id=thread_id, user_id=user.id)


# -- the 晒单 gallery -----------------------------------------------------------------------------------------

async def first_pictures(svc: Services, thread: Conversation) -> list[dict]:
    """The pictures of the thread's first picture message by its author that members may see (not held for
    review, hidden or deleted): what the 晒单 shows. Others' pictures in the replies are not the author's 晒单."""
    for m in await svc.storage.messages.history(conversation_id=thread.id, after=0, limit=FIRST_MESSAGES):
        if m.type == "image" and m.author_id == thread.author_id and m.hidden is None and m.deleted_at is None:
            return list((m.card or {}).get("images", []))
    return []


async def access_showcase(svc: Services, user: User, *, group_id: str, limit: int, offset: int) -> dict:
    """A group's 晒单 threads, newest first, each with its product, 已购 and up to three of its first pictures
    with addresses signed for this viewer."""
    group, _ = await access_group_as_member(svc, user, group_id)
    found = await svc.storage.conversations.list_tagged_threads(group_id=group.id, tag="showcase",
                                                                limit=limit + 1, offset=offset)
    more, found = len(found) > limit, found[:limit]
    views = await thread_views(svc, found)
    pictures = {t.id: await first_pictures(svc, t) for t in found}
    wanted = [p["upload_id"] for t in found for p in pictures[t.id][:SHOWCASE_PICTURES]]
    signed = (await uploads.sign_addresses(svc, user, wanted))["uploads"] if wanted else {}
    items = []
    for t, view in zip(found, views):
        shown = [{"upload_id": p["upload_id"], "width": p.get("width"), "height": p.get("height"),
                  "url": signed[p["upload_id"]]["url"], "thumb_url": signed[p["upload_id"]]["thumb_url"]}
                 for p in pictures[t.id][:SHOWCASE_PICTURES] if p["upload_id"] in signed]
        items.append({"thread": view, "pictures": shown, "picture_count": len(pictures[t.id])})
    return {"showcase": items, "next_offset": offset + limit if more else None}
