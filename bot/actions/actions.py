"""The assistant's custom actions: thin classes; shop data comes from api/platform.py,
wording from format.py."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import format as fmt
from .api.platform import Customer, PlatformClient, PlatformError
from .context import (customer_of, handoff_payload, latest_entity, latest_intent, latest_text, named_order_id,
                      named_product)

log = logging.getLogger(__name__)

client = PlatformClient()  # tests replace this with a fake

INTENT_POLICY = {"authenticity": "authenticity", "shipping_info": "shipping", "payment_methods": "payment",
                 "invoice": "invoice"}
INTENT_KIND = {"return_request": "return", "exchange_request": "exchange", "damaged_item": "damaged",
               "warranty_repair": "repair"}
KIND_SLOTS = {"return": ["order_id", "item_sku", "reason", "confirm"],
              "exchange": ["order_id", "item_sku", "exchange_detail", "reason", "confirm"],
              "damaged": ["order_id", "item_sku", "photo_description", "confirm"],
              "repair": ["order_id", "item_sku", "reason", "confirm"]}
AFTERSALE_SLOTS = ("item_sku", "reason", "photo_description", "exchange_detail", "confirm")
MAX_FREE_TEXT = 500
NOT_FOUND = "没有找到订单 {0}，请核对一下订单号（在“我的订单”里可以看到）。"
NO_IDENTITY = "抱歉，暂时无法确认您的身份，我帮您转接人工客服。"
SYSTEM_DOWN = "抱歉，系统暂时查询不到，我帮您转接人工客服处理 🙏"


class ShopAction(Action, ABC):
    """Runs `act`; when the platform can't answer, apologises and hands off instead of failing."""
    needs_customer = False

    @abstractmethod
    def name(self) -> Text:
        ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        customer = customer_of(tracker)
        if self.needs_customer and customer is None:
            dispatcher.utter_message(text=NO_IDENTITY, json_message=handoff_payload("no_identity"))
            return []
        try:
            return await self.act(dispatcher, tracker, customer) or []
        except PlatformError:
            log.exception("%s: the platform did not answer", self.name())
            dispatcher.utter_message(text=SYSTEM_DOWN,
                                     json_message=handoff_payload("platform_error", order_id=named_order_id(tracker)))
            return []

    @abstractmethod
    async def act(self, dispatcher, tracker, customer: Optional[Customer]) -> Optional[List[EventType]]:
        ...


def order_buttons(orders: list[dict], intent: str) -> list[dict]:
    return [{"title": fmt.order_line(o)[:40], "payload": f'/{intent}{{"order_id":"{o["id"]}"}}'} for o in orders[:5]]


async def pick_order(dispatcher, tracker, customer, intent: str, prompt: str) -> Optional[dict]:
    """The order the customer named (only among their own), or a list of their orders to choose from."""
    order_id = named_order_id(tracker)
    if order_id:
        order = await client.order(customer, order_id)
        if order is None:
            dispatcher.utter_message(text=NOT_FOUND.format(order_id))
        return order
    orders = await client.orders(customer)
    if not orders:
        dispatcher.utter_message(text="您在本店还没有订单哦。")
        return None
    if len(orders) == 1:
        return orders[0]
    dispatcher.utter_message(text=prompt, buttons=order_buttons(orders, intent))
    return None


async def find_product(dispatcher, tracker, intent: str) -> Optional[dict]:
    wanted = named_product(tracker)
    if wanted:
        product = await client.product(wanted.upper()) if wanted.upper().startswith("SC-") else None
        if product is None:
            found = await client.products(wanted, limit=1)
            product = found[0] if found else None
        if product is not None:
            return product
    catalogue = await client.products("", limit=6)
    text = f"没有找到“{wanted}”这件商品，" if wanted else ""
    dispatcher.utter_message(text=text + "请问您想了解哪一件？",
                             buttons=[{"title": p["title"], "payload": f'/{intent}{{"item_sku":"{p["sku"]}"}}'}
                                      for p in catalogue])
    return None


class ActionOrderStatus(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_order_status"

    async def act(self, dispatcher, tracker, customer):
        order = await pick_order(dispatcher, tracker, customer, "track_order", "您想查哪个订单？")
        if order is None:
            return []
        dispatcher.utter_message(text=fmt.order_status(order))
        dispatcher.utter_message(json_message=fmt.order_card(order))
        return [SlotSet("order_id", order["id"])]


class ActionModifyOrder(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_modify_order"

    async def act(self, dispatcher, tracker, customer):
        order = await pick_order(dispatcher, tracker, customer, "modify_order", "您想修改哪个订单？")
        if order is None:
            return []
        if order["status"] in fmt.OPEN_FOR_CHANGES:
            dispatcher.utter_message(
                text=f"订单 {order['id']} 还没有发货，可以修改。修改地址或规格需要人工客服确认，正在为您转接～",
                json_message=handoff_payload("modify_order", order_id=order["id"]))
        elif order["status"] in fmt.SHIPPED:
            dispatcher.utter_message(
                text=f"订单 {order['id']} {order['status_label']}，已经不能修改了。收到后如果不合适，可以申请换货。",
                buttons=[{"title": "申请换货", "payload": f'/exchange_request{{"order_id":"{order["id"]}"}}'}])
        else:
            dispatcher.utter_message(text=f"订单 {order['id']} {order['status_label']}，不能再修改。")
        return [SlotSet("order_id", order["id"])]


class ActionCancelOrder(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_cancel_order"

    async def act(self, dispatcher, tracker, customer):
        order = await pick_order(dispatcher, tracker, customer, "cancel_order", "您想取消哪个订单？")
        if order is None:
            return []
        if order["status"] in fmt.OPEN_FOR_CHANGES:
            request = await client.create_aftersale(customer, kind="cancel", order_id=order["id"],
                                                    reason=latest_text(tracker)[:MAX_FREE_TEXT])
            number = request["number"]
            if request.get("duplicate"):
                dispatcher.utter_message(text=f"订单 {order['id']} 的取消申请已经提交过了（售后单 #{number}），"
                                              "正在处理中，不用重复提交。")
            else:
                dispatcher.utter_message(text=f"已为您提交订单 {order['id']} 的取消申请（售后单 #{number}）。"
                                              "未发货订单取消后，款项 1-3 个工作日内原路退回。")
        elif order["status"] in fmt.SHIPPED:
            dispatcher.utter_message(
                text=f"订单 {order['id']} 已经发货，不能直接取消了。您可以拒收，或者签收后申请退货。",
                buttons=[{"title": "申请退货", "payload": f'/return_request{{"order_id":"{order["id"]}"}}'}])
        else:
            dispatcher.utter_message(text=f"订单 {order['id']} {order['status_label']}，不需要再取消。")
        return [SlotSet("order_id", order["id"])]


class ActionRefundStatus(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_refund_status"

    async def act(self, dispatcher, tracker, customer):
        requests = await client.aftersales(customer)
        if not requests:
            dispatcher.utter_message(text="您目前没有退款或售后申请。需要申请退货的话，发送“退货”就可以。")
            return []
        lines = "\n".join(fmt.aftersale_line(r) for r in requests[:5])
        dispatcher.utter_message(text=f"您的售后进度：\n{lines}\n退款审核通过后 1-3 个工作日原路退回。")
        return []


class ActionProductInfo(ShopAction):
    def name(self) -> Text:
        return "action_product_info"

    async def act(self, dispatcher, tracker, customer):
        product = await find_product(dispatcher, tracker, "product_inquiry")
        if product is None:
            return []
        dispatcher.utter_message(text=fmt.product_facts(product))
        return [SlotSet("product", product["sku"])]


class ActionStockCheck(ShopAction):
    def name(self) -> Text:
        return "action_stock_check"

    async def act(self, dispatcher, tracker, customer):
        product = await find_product(dispatcher, tracker, "stock_check")
        if product is None:
            return []
        dispatcher.utter_message(text=fmt.stock_answer(product, latest_entity(tracker, "size"),
                                                       latest_entity(tracker, "color")))
        return [SlotSet("product", product["sku"])]


class ActionPrice(ShopAction):
    def name(self) -> Text:
        return "action_price"

    async def act(self, dispatcher, tracker, customer):
        policies = await client.policies()
        promotions = policies.get("promotions", "")
        if named_product(tracker) is None:
            dispatcher.utter_message(text=promotions or "目前没有额外的优惠活动，页面价格就是到手价。")
            return []
        product = await find_product(dispatcher, tracker, "price_discount")
        if product is None:
            return []
        dispatcher.utter_message(text=f"{product['title']}：{fmt.money(product['price'])}。{promotions}")
        return [SlotSet("product", product["sku"])]


class ActionSizeAdvice(ShopAction):
    def name(self) -> Text:
        return "action_size_advice"

    async def act(self, dispatcher, tracker, customer):
        product = await find_product(dispatcher, tracker, "size_advice")
        if product is None:
            return []
        height = fmt.parse_height_cm(latest_entity(tracker, "height") or tracker.get_slot("height"))
        weight = fmt.parse_weight_kg(latest_entity(tracker, "weight") or tracker.get_slot("weight"))
        dispatcher.utter_message(text=fmt.size_advice(product, height, weight))
        return [SlotSet("product", product["sku"])]


class ActionPolicy(ShopAction):
    """Shipping, payment, invoice and authenticity answers, as the shop wrote them in the platform."""

    def name(self) -> Text:
        return "action_policy"

    async def act(self, dispatcher, tracker, customer):
        key = INTENT_POLICY.get(latest_intent(tracker), "")
        text = (await client.policies()).get(key)
        dispatcher.utter_message(text=text or "这个问题我帮您转给人工客服确认。",
                                 json_message=None if text else handoff_payload("no_policy", topic=key))
        return []


class ActionStartAftersale(Action):
    """Starts a fresh return/exchange/damage/repair request. An order number in this very
    message is checked at once; one talked about earlier is not assumed."""

    def name(self) -> Text:
        return "action_start_aftersale"

    async def run(self, dispatcher, tracker, domain):
        kind = INTENT_KIND.get(latest_intent(tracker), "return")
        events = [SlotSet("aftersale_kind", kind), SlotSet("order_id", None)]
        events += [SlotSet(s, None) for s in AFTERSALE_SLOTS]
        order_id = latest_entity(tracker, "order_id")
        if order_id:
            events += [SlotSet(k, v) for k, v in (await aftersale_order_slots(dispatcher, tracker, order_id)).items()]
        sku = latest_entity(tracker, "item_sku")
        if sku:
            events.append(SlotSet("item_sku", sku.upper()))
        return events


async def aftersale_order_slots(dispatcher, tracker, value) -> Dict[Text, Any]:
    """The order slots for an after-sales request: only the customer's own shipped orders,
    and the item too when the order has just one."""
    customer = customer_of(tracker)
    if customer is None:
        dispatcher.utter_message(text=NO_IDENTITY, json_message=handoff_payload("no_identity"))
        return {"order_id": None, "requested_slot": None}
    order_id = str(value).strip().upper()
    try:
        order = await client.order(customer, order_id)
    except PlatformError:
        dispatcher.utter_message(text=SYSTEM_DOWN, json_message=handoff_payload("platform_error"))
        return {"order_id": None, "requested_slot": None}
    if order is None:
        dispatcher.utter_message(text=NOT_FOUND.format(order_id))
        return {"order_id": None}
    if order["status"] not in fmt.SHIPPED:
        dispatcher.utter_message(text=f"订单 {order_id} {order['status_label']}，还不能申请售后"
                                      "（未发货的订单可以直接取消）。请换一个订单号，或者回复“算了”。")
        return {"order_id": None}
    slots = {"order_id": order_id}
    if len(order["items"]) == 1:
        slots["item_sku"] = order["items"][0]["sku"]
    return slots


class ActionAskOrderId(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_ask_order_id"

    async def act(self, dispatcher, tracker, customer):
        orders = [o for o in await client.orders(customer) if o["status"] in fmt.SHIPPED]
        if not orders:
            dispatcher.utter_message(text="请发送需要售后的订单号（SC 开头）。")
        else:
            dispatcher.utter_message(text="请问是哪个订单？", buttons=order_buttons(orders, "track_order"))
        return []


class ActionAskItemSku(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_ask_item_sku"

    async def act(self, dispatcher, tracker, customer):
        order = await client.order(customer, tracker.get_slot("order_id") or "")
        items = order["items"] if order else []
        dispatcher.utter_message(text="是订单里的哪件商品？",
                                 buttons=[{"title": fmt.item_label(i),
                                           "payload": f'/{latest_intent(tracker) or "return_request"}'
                                                      f'{{"item_sku":"{i["sku"]}"}}'} for i in items])
        return []


FREE_TEXT_QUESTIONS = {
    "reason": "请简单说一下原因（例如：尺码不合适、不喜欢、质量问题）。",
    "photo_description": "很抱歉商品有损坏 😢 请描述一下破损的情况（哪里坏了、外包装是否完好），"
                         "有照片的话也请描述照片里能看到什么。",
    "exchange_detail": "想换成什么尺码或颜色呢？",
}


class ActionAskFreeText(Action, ABC):
    """action_ask_reason / _photo_description / _exchange_detail: one question each."""

    @property
    @abstractmethod
    def slot(self) -> str:
        ...

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=FREE_TEXT_QUESTIONS[self.slot])
        return []


class ActionAskReason(ActionAskFreeText):
    slot = "reason"


class ActionAskPhotoDescription(ActionAskFreeText):
    slot = "photo_description"


class ActionAskExchangeDetail(ActionAskFreeText):
    slot = "exchange_detail"


class ActionAskConfirm(Action):
    def name(self) -> Text:
        return "action_ask_confirm"

    async def run(self, dispatcher, tracker, domain):
        kind = tracker.get_slot("aftersale_kind") or "return"
        details = [f"类型：{fmt.KIND_LABELS[kind]}", f"订单：{tracker.get_slot('order_id')}",
                   f"商品：{tracker.get_slot('item_sku')}"]
        for slot, label in (("exchange_detail", "换成"), ("reason", "原因"), ("photo_description", "情况")):
            if tracker.get_slot(slot):
                details.append(f"{label}：{tracker.get_slot(slot)}")
        dispatcher.utter_message(text="请确认以下信息：\n" + "\n".join(details),
                                 buttons=[{"title": "确认提交", "payload": "/affirm"},
                                          {"title": "取消", "payload": "/deny"}])
        return []


class ValidateAftersaleForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_aftersale_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        return list(KIND_SLOTS[tracker.get_slot("aftersale_kind") or "return"])

    async def validate_order_id(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await aftersale_order_slots(dispatcher, tracker, value)

    async def validate_item_sku(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        customer = customer_of(tracker)
        try:
            order = await client.order(customer, tracker.get_slot("order_id") or "") if customer else None
        except PlatformError:
            order = None
        wanted = str(value).strip()
        for item in (order or {}).get("items", []):
            if item["sku"].upper() == wanted.upper() or wanted in item["title"]:
                return {"item_sku": item["sku"]}
        dispatcher.utter_message(text=f"这个订单里没有“{wanted}”。")
        return {"item_sku": None}

    def _free_text(self, slot: str, value, dispatcher) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if not text:
            return {slot: None}
        if len(text) > MAX_FREE_TEXT:
            dispatcher.utter_message(text=f"内容有点长，已保留前 {MAX_FREE_TEXT} 个字。")
        return {slot: text[:MAX_FREE_TEXT]}

    async def validate_reason(self, value, dispatcher, tracker, domain):
        return self._free_text("reason", value, dispatcher)

    async def validate_photo_description(self, value, dispatcher, tracker, domain):
        return self._free_text("photo_description", value, dispatcher)

    async def validate_exchange_detail(self, value, dispatcher, tracker, domain):
        return self._free_text("exchange_detail", value, dispatcher)


class ActionSubmitAftersale(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_submit_aftersale"

    async def act(self, dispatcher, tracker, customer):
        reset = [SlotSet(s, None) for s in AFTERSALE_SLOTS]
        if not tracker.get_slot("confirm"):
            dispatcher.utter_message(response="utter_aftersale_cancelled")
            return reset
        kind = tracker.get_slot("aftersale_kind") or "return"
        request = await client.create_aftersale(
            customer, kind=kind, order_id=tracker.get_slot("order_id"), sku=tracker.get_slot("item_sku"),
            reason=tracker.get_slot("reason") or "", description=tracker.get_slot("photo_description") or "",
            exchange_detail=tracker.get_slot("exchange_detail") or "")
        follow_up = {"return": "审核通过后请按页面上的退货地址寄回，我们收货后 1-3 个工作日退款。",
                     "exchange": "审核通过后请寄回原商品，我们收到后为您发出新的。",
                     "damaged": "破损问题会优先处理，客服会尽快联系您，无需寄回前请保留好商品和包装。",
                     "repair": "客服审核后会告诉您寄修地址。"}[kind]
        label, number = fmt.KIND_LABELS[kind], request["number"]
        if request.get("duplicate"):  # asked twice: the first request stands, nothing new is filed
            dispatcher.utter_message(text=f"这件商品的{label}申请已经提交过了（售后单 #{number}），"
                                          "正在处理中，不用重复提交。")
            return reset
        dispatcher.utter_message(text=f"已为您提交{label}申请（售后单 #{number}）。{follow_up}")
        return reset


class ActionComplaint(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_complaint"

    async def act(self, dispatcher, tracker, customer):
        ticket = await client.create_ticket(customer, kind="complaint", summary=latest_text(tracker)[:MAX_FREE_TEXT])
        dispatcher.utter_message(
            text=f"非常抱歉给您带来不好的体验 🙏 已记录您的投诉（工单 #{ticket['number']}），正在为您转接人工客服。",
            json_message=handoff_payload("complaint", ticket_id=ticket["id"], order_id=tracker.get_slot("order_id")))
        return [ActiveLoop(None)]


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="好的，正在为您转接人工客服，请稍候～",
                                 json_message=handoff_payload("human_handoff", order_id=tracker.get_slot("order_id")))
        return []


class ActionFallback(Action):
    """Not understood: says so and tells the platform, which hands off after two in a row."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(
            text="抱歉，我没太明白您的意思 🤔 可以换个说法，或者选一个常见问题：",
            buttons=[{"title": "查订单物流", "payload": "/track_order"},
                     {"title": "退换货", "payload": "/return_request"},
                     {"title": "转人工", "payload": "/human_handoff"}],
            json_message={"fallback": True})
        return []
