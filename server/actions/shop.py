"""Shop data: the catalogue, a customer's own orders, after-sales requests, tickets and the
shop's policies (the one place the shop edits what the assistant says about shipping,
payment, invoices, authenticity and promotions)."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from ..domain.media import MAX_IMAGES
from ..domain.shop import AFTERSALE_KINDS, AFTERSALE_STATUSES, ORDER_STATUSES, AfterSale, Order, ShopProduct
from ..domain.support import TICKET_KINDS, Ticket
from ..domain.users import User
from ..errors import Forbidden, InvalidPayload, NotFound
from ..policy.access import check_staff
from ..services import Services
from ..storage.base import new_id
from ..validate import check_text
from ..wire import short_number

POLICIES_KEY = "policies"
DEFAULT_POLICIES = {
    "shipping": "默认发中通/圆通，满 99 元包邮（新疆、西藏、港澳台除外）；加 12 元可发顺丰。每天 16:00 前付款的订单当天发出，"
                "其余 48 小时内发货，江浙沪一般 1-2 天到，其他地区 2-4 天。",
    "payment": "支持微信支付、支付宝、花呗（满 300 元可 3 期免息）和银联信用卡，暂不支持货到付款。付款失败可以换一种方式，"
               "或稍后重试。",
    "invoice": "可以开电子普通发票（个人或公司抬头），确认收货后在“我的订单 → 申请开票”填写抬头和税号，1-3 个工作日发到邮箱；"
               "需要增值税专用发票请联系人工客服。",
    "authenticity": "本店所有商品均为品牌官方授权正品，支持专柜验货，假一赔十。每件商品附防伪码，可在品牌官网查询真伪。",
    "promotions": "本周满 199 减 20，新人首单再减 10 元；会员积分可抵现。",
    "returns": "签收后 7 天内支持无理由退货（商品完好、吊牌齐全），质量问题 15 天内包换，运费由本店承担。",
    "warranty": "电子产品 1 年保修，人为损坏不在保修范围内。",
}
POLICY_KEYS = tuple(DEFAULT_POLICIES)
MAX_POLICY = 1000
MAX_FREE_TEXT = 500
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ORDER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$")
AFTERSALE_FLOW = {"pending": ("approved", "rejected"), "approved": ("refunding", "completed"),
                  "refunding": ("refunded",), "refunded": ("completed",), "rejected": (), "completed": ()}


# -- policies ---------------------------------------------------------------------------------

async def access_policies(svc: Services) -> dict:
    stored = await svc.storage.settings.get(key=POLICIES_KEY) or {}
    return {**DEFAULT_POLICIES, **stored}


async def check_set_policies(svc: Services, user: User, changes) -> dict:
    if user.role != "admin":
        raise Forbidden("only platform admins edit the shop's policies", code="not_admin")
    if not isinstance(changes, dict) or not changes:
        raise InvalidPayload("policies must be an object of texts", field="policies")
    for key, text in changes.items():
        if key not in POLICY_KEYS:
            raise InvalidPayload(f"unknown policy {key!r}; known: {', '.join(POLICY_KEYS)}", field="policies")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_POLICY:
            raise InvalidPayload(f"policy {key} must be 1-{MAX_POLICY} characters", field="policies")
        check_text(text, "policies", what=f"policy {key}")
    stored = await svc.storage.settings.get(key=POLICIES_KEY) or {}
    stored.update({k: v.strip() for k, v in changes.items()})
    await svc.storage.settings.put(key=POLICIES_KEY, value=stored)
    return await access_policies(svc)


# -- catalogue and orders ------------------------------------------------------------------------

async def access_product(svc: Services, sku: str) -> ShopProduct:
    product = await svc.storage.products.get(sku=sku.upper())
    if product is None:
        raise NotFound("no such product")
    return product


ORDER_NUMBER_RE = re.compile(r"S\s*C[\s-]*((?:\d[\s-]*){8,14})", re.IGNORECASE)


def normalize_order_id(text: str) -> str:
    """An order number however a shopper typed it: full width (ＳＣ２０２６…), lower case, spaces or dashes
    between the digits. Anything else is returned upper-cased as it was."""
    plain = unicodedata.normalize("NFKC", text or "").strip()
    match = ORDER_NUMBER_RE.fullmatch(plain)
    if match:
        return "SC" + re.sub(r"[\s-]", "", match.group(1))
    return plain.upper()


async def access_my_order(svc: Services, customer_id: str, order_id: str) -> Order:
    """Someone else's order number gets exactly the answer a made-up one gets."""
    order = await svc.storage.orders.get(order_id=normalize_order_id(order_id))
    if order is None or order.customer_id != customer_id:
        raise NotFound("no such order")
    return order


# -- after-sales requests and tickets -------------------------------------------------------------

def _free_text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidPayload(f"{field} must be a string", field=field)
    return check_text(value, field).strip()[:MAX_FREE_TEXT]


OPEN_AFTERSALE = ("pending", "approved", "refunding")  # still being handled: asking again files nothing new


async def check_create_aftersale(svc: Services, *, customer_id: str, conversation_id: str, kind, order_id,
                                 sku=None, reason=None, description=None,
                                 exchange_detail=None, photo_ids=None) -> tuple[AfterSale, bool]:
    """The request, and whether it is new: asking again for what is still being handled (the same kind for the
    same order and item: a customer saying "退货" twice, the assistant's retry) returns the open request."""
    if kind not in AFTERSALE_KINDS:
        raise InvalidPayload(f"kind must be one of {', '.join(AFTERSALE_KINDS)}", field="kind")
    if not isinstance(order_id, str):
        raise InvalidPayload("order_id is required", field="order_id")
    order = await access_my_order(svc, customer_id, order_id)
    item = None
    if sku:
        item = next((i for i in order.items if str(i.get("sku", "")).upper() == str(sku).upper()), None)
        if item is None:
            raise InvalidPayload("this item is not in the order", code="item_not_in_order", field="sku")
    elif kind != "cancel":
        if len(order.items) != 1:
            raise InvalidPayload("say which item of the order", field="sku")
        item = order.items[0]
    if kind == "cancel" and order.status not in ("pending_payment", "paid"):
        raise InvalidPayload("a shipped order can't be cancelled; ask for a return", code="order_shipped")
    if kind != "cancel" and order.status not in ("shipped", "delivered"):
        raise InvalidPayload("after-sales needs a shipped order; cancel it instead", code="order_not_shipped")
    if kind == "exchange" and item:
        await check_exchange_in_stock(svc, item, exchange_detail)
    photos = await check_aftersale_photos(svc, customer_id, conversation_id, photo_ids)
    wanted_sku = item["sku"] if item else ""
    # two asking at once (on any process) file one request
    async with svc.support_locks.hold(f"aftersale:{customer_id}:{order.id}"):
        for open_ in await svc.storage.aftersales.list(customer_id=customer_id):
            if open_.order_id != order.id or open_.status not in OPEN_AFTERSALE:
                continue
            if open_.kind == kind and (kind == "cancel" or open_.sku == wanted_sku):
                return open_, False
            if kind != "cancel" and open_.kind != "cancel" and open_.sku == wanted_sku:
                # a return while an exchange of the same item is being handled: one of them would be wrong
                raise InvalidPayload(f"a {open_.kind} request for this item is still being handled",
                                     code="aftersale_open", number=short_number(open_.id), kind=open_.kind)
        return await _add_aftersale(svc, customer_id, conversation_id, kind, order, item, reason, description,
                                    exchange_detail, photos), True


ANY_SIZE_RE = re.compile(r"(?<![A-Z0-9])(?:[2-5]?X{0,3}[SL]|M|XXS|均码|\d{2}(?:\.5)?码?)(?![A-Z0-9])")
ANY_COLOR_RE = re.compile(r"[黑白灰红蓝粉绿黄紫棕橙]色?|[米杏咖卡]色")


def wanted_variant(product: ShopProduct, item: dict, detail: str) -> tuple[str, str] | None:
    """The (size, colour) an exchange asks for: what the text names, the rest as bought. None when the text
    names neither a size nor a colour of the product (a free-text wish an agent reads)."""
    text = unicodedata.normalize("NFKC", detail or "").upper()
    sizes = sorted({str(v.get("size") or "") for v in product.variants} - {""}, key=len, reverse=True)
    colors = sorted({str(v.get("color") or "") for v in product.variants} - {""}, key=len, reverse=True)
    size = next((s for s in sizes if re.search(rf"(?<![A-Z0-9]){re.escape(s.upper())}(?![A-Z0-9])", text)), "")
    color = next((c for c in colors if c.upper() in text or c.rstrip("色") in text), "")
    if not size and not color:
        named = ANY_SIZE_RE.search(text) or ANY_COLOR_RE.search(text)
        return ("", named.group(0)) if named else None  # a size or colour the product doesn't come in
    return size or str(item.get("size") or ""), color or str(item.get("color") or "")


async def check_exchange_in_stock(svc: Services, item: dict, detail) -> None:
    """An exchange is filed only for a variant the shop has: out of stock is refused with what is in stock."""
    product = await svc.storage.products.get(sku=str(item.get("sku", "")).upper())
    if product is None or not product.variants or not isinstance(detail, str):
        return
    wanted = wanted_variant(product, item, detail)
    if wanted is None:
        return
    size, color = wanted
    variant = next((v for v in product.variants if str(v.get("size") or "") == size
                    and str(v.get("color") or "") == color), None)
    in_stock = [" ".join(x for x in (str(v.get("color") or ""), str(v.get("size") or "")) if x)
                for v in product.variants if v.get("stock", 0) > 0]
    label = " ".join(x for x in (color, size) if x)
    if variant is None:
        raise InvalidPayload(f"{product.title} has no {label}", code="no_such_variant", field="exchange_detail",
                             in_stock=in_stock)
    if variant.get("stock", 0) <= 0:
        raise InvalidPayload(f"{product.title} {label} is out of stock", code="out_of_stock",
                             field="exchange_detail", in_stock=in_stock)


async def check_aftersale_photos(svc: Services, customer_id: str, conversation_id: str, photo_ids) -> list[dict]:
    """The pictures a request carries: 0-9 uploads of this customer that were posted in this conversation (the
    damage photo they sent the assistant). Anyone else's upload, one never posted here, or an unknown id is
    `400 photo_not_found`, all alike."""
    if photo_ids is None:
        return []
    if not isinstance(photo_ids, list) or len(photo_ids) > MAX_IMAGES or \
            not all(isinstance(i, str) and 0 < len(i) <= 64 for i in photo_ids):
        raise InvalidPayload(f"photo_ids must be a list of at most {MAX_IMAGES} upload ids", field="photo_ids")
    found = []
    for upload_id in dict.fromkeys(photo_ids):
        upload = await svc.storage.uploads.get(upload_id=upload_id)
        if upload is None or upload.owner_id != customer_id or not conversation_id \
                or conversation_id not in upload.conversations:
            raise InvalidPayload("no such picture in this conversation", code="photo_not_found", field="photo_ids",
                                 upload_id=upload_id)
        found.append(upload)
    from .uploads import card_images
    return card_images(found)


async def _add_aftersale(svc, customer_id, conversation_id, kind, order, item, reason, description,
                         exchange_detail, photos=()) -> AfterSale:
    now = svc.clock.now()
    refund = order.total if kind == "cancel" else (
        _money(item.get("price"), item.get("qty", 1)) if kind == "return" and item else "")
    return await svc.storage.aftersales.add(AfterSale(
        id=new_id(), kind=kind, status="pending", customer_id=customer_id, order_id=order.id, created_at=now,
        updated_at=now, sku=item["sku"] if item else "", title=item["title"] if item else "全部商品",
        reason=_free_text(reason, "reason"), description=_free_text(description, "description"),
        exchange_detail=_free_text(exchange_detail, "exchange_detail"), refund_amount=refund,
        conversation_id=conversation_id, photos=list(photos)))


def _money(price, qty) -> str:
    try:
        return str((Decimal(str(price)) * int(qty)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError, TypeError):
        return ""


async def check_update_aftersale(svc: Services, user: User, request_id: str, *, status: str,
                                 refund_amount: str | None, note: str | None) -> AfterSale:
    check_staff(user)
    request = await svc.storage.aftersales.get(request_id=request_id)
    if request is None:
        raise NotFound("no such after-sales request")
    if status not in AFTERSALE_FLOW.get(request.status, ()):
        allowed = ", ".join(AFTERSALE_FLOW.get(request.status, ())) or "nothing"
        raise InvalidPayload(f"a {request.status} request can move to {allowed}", code="bad_transition",
                             field="status")
    if refund_amount is not None and _money(refund_amount, 1) == "":
        raise InvalidPayload("refund_amount must be an amount like 199.00", field="refund_amount")
    updated = AfterSale(**{**_fields(request), "status": status, "updated_at": svc.clock.now(),
                           "refund_amount": _money(refund_amount, 1) if refund_amount is not None
                           else request.refund_amount,
                           "note": _free_text(note, "note") if note is not None else request.note})
    if not await svc.storage.aftersales.update(updated, expect_status=request.status):
        raise InvalidPayload("the request changed meanwhile; reload it", code="aftersale_changed")
    await _tell_customer(svc, updated.conversation_id,
                         f"您的{AFTERSALE_KINDS[updated.kind]}申请 #{updated.id[-8:].upper()} 状态更新："
                         f"{AFTERSALE_STATUSES[status]}" + (f"（{updated.note}）" if updated.note else ""))
    return updated


async def _tell_customer(svc: Services, conversation_id: str, text: str) -> None:
    if not conversation_id:
        return
    conv = await svc.storage.conversations.get(conversation_id=conversation_id)
    if conv is not None and conv.kind == "support":
        from .support.cases import post_as_bot
        await post_as_bot(svc, conv, text)


def _fields(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}


async def check_create_ticket(svc: Services, *, customer_id: str, conversation_id: str, kind, summary) -> Ticket:
    return (await check_open_ticket(svc, customer_id=customer_id, conversation_id=conversation_id, kind=kind,
                                    summary=summary))[0]


async def check_open_ticket(svc: Services, *, customer_id: str, conversation_id: str, kind, summary,
                            order_id=None) -> tuple[Ticket, bool]:
    """The ticket, and whether it is new. A follow-up (催件) about an order that already has an open one is
    that open ticket: a customer asking twice about the same stuck parcel is one thing to chase."""
    if kind not in TICKET_KINDS:
        raise InvalidPayload(f"kind must be one of {', '.join(TICKET_KINDS)}", field="kind")
    summary = _free_text(summary, "summary")
    if not summary:
        raise InvalidPayload("summary is required", field="summary")
    if order_id is not None:
        if not isinstance(order_id, str):
            raise InvalidPayload("order_id must be an order number", field="order_id")
        order_id = (await access_my_order(svc, customer_id, order_id)).id
    case = await svc.storage.support.get(conversation_id=conversation_id) if conversation_id else None
    order_id = order_id or (case.context.get("order_id", "") if case else "")
    async with svc.support_locks.hold(f"ticket:{customer_id}:{kind}:{order_id}"):  # two asking at once: one ticket
        if kind == "follow_up" and order_id:
            for open_ in await svc.storage.tickets.list(customer_id=customer_id, statuses=("open",), limit=200):
                if open_.kind == kind and open_.order_id == order_id:
                    return open_, False
        now = svc.clock.now()
        return await svc.storage.tickets.add(Ticket(
            id=new_id(), kind=kind, status="open", customer_id=customer_id, summary=summary, created_at=now,
            updated_at=now, conversation_id=conversation_id, order_id=order_id)), True


async def check_update_ticket(svc: Services, user: User, ticket_id: str, *, status: str) -> Ticket:
    check_staff(user)
    ticket = await svc.storage.tickets.get(ticket_id=ticket_id)
    if ticket is None:
        raise NotFound("no such ticket")
    if ticket.status == status:
        return ticket
    updated = Ticket(**{**_fields(ticket), "status": status, "updated_at": svc.clock.now()})
    if not await svc.storage.tickets.update(updated, expect_status=ticket.status):
        raise InvalidPayload("the ticket changed meanwhile; reload it", code="ticket_changed")
    return updated


# -- import (catalogue and orders from JSON or CSV) -------------------------------------------------

def parse_product(raw: dict) -> ShopProduct:
    """One catalogue entry, checked; raises ValueError with what is wrong."""
    sku = str(raw.get("sku", "")).strip().upper()
    if not SKU_RE.match(sku):
        raise ValueError(f"bad sku {raw.get('sku')!r}")
    title = str(raw.get("title", "")).strip()
    if not title:
        raise ValueError(f"{sku}: title is required")
    price = _money(raw.get("price"), 1)
    if not price or Decimal(price) < 0:
        raise ValueError(f"{sku}: price must be an amount, got {raw.get('price')!r}")
    variants = []
    for v in raw.get("variants") or []:
        stock = int(v.get("stock", 0))
        if stock < 0:
            raise ValueError(f"{sku}: stock can't be negative")
        variants.append({"size": str(v.get("size") or ""), "color": str(v.get("color") or ""), "stock": stock})
    chart = raw.get("size_chart") or []
    if not isinstance(chart, list) or not all(isinstance(r, dict) and r.get("size") for r in chart):
        raise ValueError(f"{sku}: size_chart must be a list of rows with a size")
    return ShopProduct(sku=sku, title=title, price=price, category=str(raw.get("category") or ""),
                       description=str(raw.get("description") or ""), attributes=dict(raw.get("attributes") or {}),
                       variants=variants, size_chart=chart, fit_note=str(raw.get("fit_note") or ""),
                       image_url=str(raw.get("image_url") or ""))


def parse_order(raw: dict, customer_id: str) -> Order:
    order_id = str(raw.get("id", "")).strip().upper()
    if not ORDER_ID_RE.match(order_id):
        raise ValueError(f"bad order id {raw.get('id')!r}")
    status = raw.get("status")
    if status not in ORDER_STATUSES:
        raise ValueError(f"{order_id}: status must be one of {', '.join(ORDER_STATUSES)}")
    items = []
    for item in raw.get("items") or []:
        qty = int(item.get("qty", 1))
        if qty < 1 or not item.get("sku") or not item.get("title"):
            raise ValueError(f"{order_id}: every item needs a sku, a title and qty >= 1")
        items.append({"sku": str(item["sku"]).upper(), "title": str(item["title"]), "size": str(item.get("size") or ""),
                      "color": str(item.get("color") or ""), "qty": qty, "price": _money(item.get("price"), 1)})
    if not items:
        raise ValueError(f"{order_id}: an order needs items")
    total = _money(raw["total"], 1) if raw.get("total") else str(sum(Decimal(i["price"] or 0) * i["qty"] for i in items))
    created = raw.get("created_at")
    try:
        created_at = datetime.fromisoformat(str(created).replace("Z", "+00:00")) if created else datetime.now(timezone.utc)
    except ValueError:
        raise ValueError(f"{order_id}: created_at must be an ISO date, got {created!r}") from None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=timezone.utc)
    logistics = [{"at": str(e["at"]), "text": str(e["text"])} for e in raw.get("logistics") or []]
    return Order(id=order_id, customer_id=customer_id, status=status, items=items, total=total,
                 created_at=created_at, carrier=str(raw.get("carrier") or ""),
                 tracking_no=str(raw.get("tracking_no") or ""), logistics=logistics)
