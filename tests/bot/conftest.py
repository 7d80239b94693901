"""Action unit tests: run in the assistant's own environment (`make bot-test`), with a fake
platform in place of the internal HTTP API, tracker fixtures and a collecting dispatcher."""
from __future__ import annotations

import asyncio
import copy
import json
import os

from typing import Optional

import pytest
from actions import actions, aftersale
from actions.api.platform import PlatformError
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "demo_shop.json")
STATUS_LABELS = {"pending_payment": "待付款", "paid": "待发货", "shipped": "已发货", "delivered": "已签收",
                 "cancelled": "已取消"}


class FakePlatform:
    """The internal API's behaviour over the demo shop data: each customer sees only their own orders."""

    def __init__(self):
        with open(DEMO, encoding="utf-8") as f:
            data = json.load(f)
        self.catalogue = data["products"]
        self.orders = [{**o, "customer_id": o["customer"], "status_label": STATUS_LABELS[o["status"]]}
                       for o in data["orders"]]
        self.policies = {"shipping": "满 99 包邮", "payment": "支持花呗", "invoice": "可开电子发票",
                         "authenticity": "正品保证", "promotions": "满 199 减 20",
                         "returns": "签收后 7 天无理由退货", "warranty": "电子产品 1 年保修"}
        self.created: list[tuple[str, dict]] = []
        self.down = False
        self.searches: list[str] = []
        self.aliases = {"SC-SNEAKER-03": ("小白鞋", "跑步鞋"), "SC-EARBUDS-02": ("耳麦",)}  # as the shop edits them
        self.refuse: Optional[str] = None  # an error the platform answers create_aftersale with

    def _check(self):
        if self.down:
            raise PlatformError("connection refused")

    async def orders_of(self, customer):
        self._check()
        return [copy.deepcopy(o) for o in self.orders if o["customer_id"] == customer.customer_id]

    async def order(self, customer, order_id):
        return next((o for o in await self.orders_of(customer) if o["id"] == order_id.upper()), None)

    async def products(self, query, limit=5):
        """As the platform's search: every word in the SKU, title, category or description, or in an alias."""
        self._check()
        assert 1 <= limit <= 20, "the internal API lists 1-20 products"
        self.searches.append(query)
        hay = lambda p: (p["sku"] + p["title"] + p["category"] + p.get("description", "") +  # noqa: E731
                         " ".join(self.aliases.get(p["sku"], ()))).lower()
        return [p for p in self.catalogue if all(w.lower() in hay(p) for w in query.split())][:limit]

    async def product(self, sku):
        self._check()
        return next((p for p in self.catalogue if p["sku"] == sku), None)

    async def aftersales(self, customer):
        """The customer's requests, newest first: the demo's refund of aqiang's shoes, and the cancels filed here."""
        self._check()
        cancels = [{"number": "AS000001", "kind": "cancel", "kind_label": "取消订单", "status": "pending",
                    "status_label": "待审核", "order_id": made["order_id"], "sku": "", "title": "取消订单"}
                   for kind, made in reversed(self.created)
                   if kind == "aftersale" and made["kind"] == "cancel" and made["customer"] == customer.customer_id]
        return cancels + ([{"number": "A1", "kind": "return", "kind_label": "退货", "status": "refunding",
                            "status_label": "退款中", "order_id": "SC20261110004", "sku": "SC-SNEAKER-03",
                            "title": "轻跑运动鞋", "refund_amount": "359.00"}] if customer.customer_id == "aqiang" else [])

    async def create_aftersale(self, customer, **fields):
        """As the platform: the same kind for the same order and item, still open, is the request already filed."""
        self._check()
        if self.refuse:
            raise PlatformError(f"POST /internal/bot/aftersales: HTTP 400: {self.refuse}")
        key = {"customer": customer.customer_id, **fields}
        same = lambda made: {k: made.get(k) for k in ("customer", "kind", "order_id", "sku")} == \
            {k: key.get(k) for k in ("customer", "kind", "order_id", "sku")}  # noqa: E731
        duplicate = any(kind == "aftersale" and same(made) for kind, made in self.created)
        if not duplicate:
            self.created.append(("aftersale", key))
        return {"number": "AS000001", **fields, "duplicate": duplicate}

    async def create_ticket(self, customer, *, kind, summary, order_id=None):
        """As the platform: a follow-up about an order with an open one is that one."""
        self._check()
        opened = [t for _, t in self.created if t.get("order_id") and t.get("order_id") == order_id
                  and t["kind"] == kind == "follow_up"]
        if opened:
            return {"id": "t1", "number": "TK000001", "duplicate": True}
        self.created.append(("ticket", {"customer": customer.customer_id, "kind": kind, "summary": summary,
                                        **({"order_id": order_id} if order_id else {})}))
        return {"id": "t1", "number": "TK000001", "duplicate": False}

    async def get_policies(self):
        self._check()
        return self.policies


@pytest.fixture
def platform(monkeypatch):
    fake = FakePlatform()
    fake_client = type("Client", (), {})()
    fake_client.orders = fake.orders_of
    for name in ("order", "products", "product", "aftersales", "create_aftersale", "create_ticket"):
        setattr(fake_client, name, getattr(fake, name))
    fake_client.policies = fake.get_policies
    monkeypatch.setattr(actions, "client", fake_client)
    return fake


def tracker(text: str = "", intent: str = "", *, entities: dict | None = None, slots: dict | None = None,
            customer: str | None = "xiaomei", active_loop: str | None = None, before: list | None = None) -> Tracker:
    """The tracker an action sees for the latest message; `before` are the events of the turns before it."""
    metadata = {"customer_id": customer, "conversation_id": "c1", "signature": "sig"} if customer else {}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99},
              "entities": entity_list(entities), "metadata": metadata}
    return Tracker("c1", dict(slots or {}), latest, list(before or []) + [{"event": "user", "text": text, "metadata": metadata}], False,
                   None, {"name": active_loop} if active_loop else {}, "action_listen")


def entity_list(entities) -> list:
    """{name: value}, or Rasa's own list of entities (several of one name: the ids of a picture message)."""
    if isinstance(entities, list):
        return entities
    return [{"entity": k, "value": v} for k, v in (entities or {}).items()]


def run(action, track: Tracker):
    """Runs an action; returns (what it said, the events it returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def custom(messages) -> list[dict]:
    return [m["custom"] for m in messages if m.get("custom")]


def form_tracker(text: str, intent: str = "", *, slots: dict, entities: dict | None = None,
                 customer: str | None = "xiaomei", after: str = "action_extract_slots", active: bool = True) -> Tracker:
    """The tracker the form's validation sees: right after the customer wrote (`after` is the last action run
    since), inside the form or at its activation."""
    metadata = {"customer_id": customer, "conversation_id": "c1", "signature": "sig"} if customer else {}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99},
              "entities": entity_list(entities), "metadata": metadata}
    events = [{"event": "user", "text": text, "metadata": metadata}, {"event": "user_featurization"},
              {"event": "action", "name": after}, {"event": "active_loop", "name": "aftersale_form"},
              {"event": "action", "name": "aftersale_form"}]  # Rasa adds the form's own step before validating
    return Tracker("c1", dict(slots), latest, events, False, None, {"name": "aftersale_form"}, "aftersale_form")


class FormTalk:
    """The after-sales form turn by turn, as Rasa runs it: start, then each message read by
    validate_aftersale_form, the next question asked, and the request submitted when the form ends."""

    def __init__(self, customer: str = "xiaomei"):
        self.customer = customer
        self.slots: dict = {}
        self.active = False
        self.rejected = False

    def _apply(self, events) -> None:
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]

    def _after_validation(self, dispatcher, events) -> list:
        self._apply(events)
        self.active = True
        if self.slots.get("requested_slot") is None:
            self.active = False
            submit_said, submit_events = run(aftersale.ActionSubmitAftersale(),
                                             tracker("", "", slots=self.slots, customer=self.customer))
            self._apply(submit_events)
            return dispatcher.messages + submit_said
        ask = {"aftersale_kind": aftersale.ActionAskAftersaleKind,
               "order_id": aftersale.ActionAskOrderId, "item_sku": aftersale.ActionAskItemSku,
               "reason": aftersale.ActionAskReason, "photo_ids": aftersale.ActionAskPhotoIds,
               "exchange_detail": aftersale.ActionAskExchangeDetail,
               "confirm": aftersale.ActionAskConfirm}[self.slots["requested_slot"]]()
        asked, _ = run(ask, tracker("", "", slots=self.slots, customer=self.customer))
        return dispatcher.messages + asked

    def start(self, text: str, intent: str = "return_request", entities: dict | None = None) -> list:
        said, events = run(aftersale.ActionStartAftersale(), tracker(text, intent, entities=entities,
                                                                      slots=self.slots, customer=self.customer))
        self._apply(events)
        dispatcher = CollectingDispatcher()
        track = form_tracker(text, intent, slots=self.slots, entities=entities, customer=self.customer,
                             after="action_start_aftersale", active=False)
        events = asyncio.run(aftersale.ValidateAftersaleForm().run(dispatcher, track, {}))
        dispatcher.messages[:0] = said
        return self._after_validation(dispatcher, events)

    def say_entities(self, text: str, intent: str, entities: list) -> list:
        return self.say(text, intent, entities)

    def say(self, text: str, intent: str = "", entities: dict | list | None = None) -> list:
        assert self.active, "the form is not active"
        dispatcher = CollectingDispatcher()
        track = form_tracker(text, intent, slots=self.slots, entities=entities, customer=self.customer)
        events = asyncio.run(aftersale.ValidateAftersaleForm().run(dispatcher, track, {}))
        self.rejected = not events
        if self.rejected:
            return dispatcher.messages
        return self._after_validation(dispatcher, events)

    @property
    def asking(self):
        return self.slots.get("requested_slot") if self.active else None
