"""The shop's data: catalogue, orders and after-sales requests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ORDER_STATUSES = {"pending_payment": "待付款", "paid": "待发货", "shipped": "已发货", "delivered": "已签收",
                  "cancelled": "已取消"}
AFTERSALE_KINDS = {"return": "退货", "exchange": "换货", "damaged": "破损售后", "repair": "保修维修",
                   "cancel": "取消订单"}
AFTERSALE_STATUSES = {"pending": "待审核", "approved": "已同意", "rejected": "已拒绝", "refunding": "退款中",
                      "refunded": "已退款", "completed": "已完成"}


@dataclass(slots=True)
class ShopProduct:
    """A catalogue entry. variants: [{"size", "color", "stock"}]; size_chart rows:
    {"size", "height_cm": [lo, hi], "weight_kg": [lo, hi]} or {"size", "foot_mm": [lo, hi]}."""
    sku: str
    title: str
    price: str
    category: str = ""
    description: str = ""
    attributes: dict = field(default_factory=dict)
    variants: list = field(default_factory=list)
    size_chart: list = field(default_factory=list)
    fit_note: str = ""
    image_url: str = ""


@dataclass(slots=True)
class Order:
    """items: [{"sku", "title", "size", "color", "qty", "price"}]; logistics: [{"at", "text"}] oldest first."""
    id: str
    customer_id: str
    status: str
    items: list
    total: str
    created_at: datetime
    carrier: str = ""
    tracking_no: str = ""
    logistics: list = field(default_factory=list)


@dataclass(slots=True)
class AfterSale:
    id: str
    kind: str
    status: str
    customer_id: str
    order_id: str
    created_at: datetime
    updated_at: datetime
    sku: str = ""
    title: str = ""
    reason: str = ""
    description: str = ""
    exchange_detail: str = ""
    refund_amount: str = ""
    conversation_id: str = ""
    note: str = ""
    # the customer's pictures of the problem (a damage photo), as a picture message's card has them:
    # [{upload_id, width, height, mime}], each an upload of theirs posted in this request's conversation
    photos: list = field(default_factory=list)
