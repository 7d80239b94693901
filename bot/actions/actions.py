"""The assistant's custom actions: thin classes; shop data comes from api/platform.py,
wording from format.py, reading the customer's words from understand.py. The after-sales
form lives in aftersale.py."""
from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import format as fmt
from . import understand as u
from .api.platform import Customer, PlatformClient, PlatformError
from .context import (customer_of, handoff_payload, latest_entity, latest_intent, latest_text, named_order_id,
                      said_order_id)

log = logging.getLogger(__name__)

client = PlatformClient()  # tests replace this with a fake

INTENT_POLICY = {"authenticity": "authenticity", "shipping_info": "shipping", "payment_methods": "payment",
                 "invoice": "invoice"}
INTENT_TOPIC = {"size_advice": "size", "price_discount": "price", "stock_check": "stock", "shipping_info": "shipping",
                "payment_methods": "payment", "invoice": "invoice", "authenticity": "authenticity"}
TOPIC_POLICY = {"shipping": "shipping", "payment": "payment", "invoice": "invoice", "authenticity": "authenticity",
                "warranty": "warranty"}
MAX_FREE_TEXT = 500
MAX_SEARCHES = 12
MAX_LISTED = 20  # the most products the internal API lists at once
NOT_FOUND = "没有找到订单 {0}，请核对一下订单号（在“我的订单”里可以看到）。"
NO_IDENTITY = "抱歉，暂时无法确认您的身份，我帮您转接人工客服。"
SYSTEM_DOWN = "抱歉，系统暂时查询不到，我帮您转接人工客服处理 🙏"
CARRIER_HOTLINES = {"顺丰": "95338", "中通": "95311", "圆通": "95554", "韵达": "95546", "申通": "95543", "EMS": "11183",
                    "邮政": "11183", "京东": "950616", "极兔": "956025", "德邦": "95353"}


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
            dispatcher.utter_message(text=NO_IDENTITY, json_message=handoff_payload("no_identity", tracker))
            return []
        try:
            if self.name() in PRODUCT_ACTIONS and customer is not None and u.asks_who_signed(latest_text(tracker)):
                # "裙子是谁签收的": about the order of that product, whatever intent the NLU gave it
                return await ActionOrderStatus().act(dispatcher, tracker, customer) or []
            again = await asked_again_for_another_product(tracker, self.name())
            if again is not None:
                return await again.act(dispatcher, tracker, customer) or []
            return await self.act(dispatcher, tracker, customer) or []
        except PlatformError:
            log.exception("%s: the platform did not answer", self.name())
            dispatcher.utter_message(text=SYSTEM_DOWN, json_message=handoff_payload(
                "platform_error", tracker, order_id=named_order_id(tracker)))
            return []

    @abstractmethod
    async def act(self, dispatcher, tracker, customer: Optional[Customer]) -> Optional[List[EventType]]:
        ...


def order_buttons(orders: list[dict], intent: str) -> list[dict]:
    return [{"title": fmt.order_line(o, fit=40), "payload": f'/{intent}{{"order_id":"{o["id"]}"}}'} for o in orders[:5]]


def latest_meant(orders: list[dict], text: str) -> Optional[dict]:
    """The newest order, or the one counted back to ("上上个订单": the one before it); None past the oldest."""
    rank = u.earlier_order_rank(text) or 0
    by_age = sorted(orders, key=lambda o: o.get("created_at") or "", reverse=True)
    return by_age[rank] if rank < len(by_age) else None


async def items_named(text: str, items: list[dict], entity: Optional[str] = None) -> list[dict]:
    """The items (of an order) the customer's words name: the SKU, the title or a piece of it, or any
    product the catalogue search (with the shop's aliases and synonyms) finds for a phrase of the message."""
    wanted = (entity or "").strip()
    if wanted:
        exact = [i for i in items if i["sku"].upper() == wanted.upper()]
        if exact:
            return exact
    phrases = list(dict.fromkeys(([wanted] if wanted else []) + u.product_phrases(text)))
    for phrase in phrases:
        hits = [i for i in items if phrase.lower() in i["title"].lower()]
        if hits:
            return hits
    skus = {i["sku"] for i in items}
    for phrase in phrases[:6]:
        found = {p["sku"] for p in await client.products(phrase, limit=5)} & skus
        if found:
            return [i for i in items if i["sku"] in found]
    return []


async def pick_order(dispatcher, tracker, customer, intent: str, prompt: str, *,
                     statuses: Optional[tuple] = None, none_text: str = "") -> tuple[Optional[dict], str]:
    """The order the customer means, only among their own, and how it was named: "named" (by number,
    however written), "latest" ("最新的订单"), "item" ("那件T恤的订单"), "before" (talked about
    earlier), "only" (the one order that fits). Else a list of their orders to choose from."""
    order_id = said_order_id(tracker)
    if order_id:
        order = await client.order(customer, order_id)
        if order is None:
            dispatcher.utter_message(text=NOT_FOUND.format(order_id))
        return order, "named"
    orders = await client.orders(customer)
    if not orders:
        dispatcher.utter_message(text="您在本店还没有订单哦。")
        return None, ""
    usable = [o for o in orders if statuses is None or o["status"] in statuses]
    if not usable:
        dispatcher.utter_message(text=none_text or "没有符合条件的订单。")
        return None, ""
    text = latest_text(tracker)
    if u.wants_latest_order(text):
        meant = latest_meant(usable, text)
        if meant is not None:
            return meant, "latest"
    with_item = [o for o in usable if u.product_phrases(text) and await items_named(text, o["items"],
                                                                                     latest_entity(tracker, "product"))]
    if len(with_item) == 1:
        return with_item[0], "item"
    if with_item:
        usable = with_item
    before = tracker.get_slot("order_id")
    if before and any(o["id"] == before for o in usable):
        return next(o for o in usable if o["id"] == before), "before"
    if len(usable) == 1:
        return usable[0], "only"
    dispatcher.utter_message(text=prompt, buttons=order_buttons(usable, intent))
    return None, ""


async def search_product(text: str, wanted: Optional[str]) -> tuple[list[dict], Optional[str], bool]:
    """Catalogue search with the customer's own words: the name the NLU found, then the message without
    question words, then its shorter pieces (the platform's search knows the shop's aliases and synonyms).
    Returns (what was found, the phrase that found it or the name looked for, whether anything was named)."""
    phrases = list(dict.fromkeys(([wanted] if wanted else []) + u.product_phrases(text)))
    for phrase in phrases[:MAX_SEARCHES]:
        found = await client.products(phrase, limit=5)
        if found:
            return found, phrase, True
    latin = [p for p in phrases if re.fullmatch(r"[A-Za-z0-9 ]{4,}", p)]
    if latin:  # "airpro" for "Air Pro": a Latin name written without its spaces, against the catalogue's titles
        catalogue = await client.products("", limit=MAX_LISTED)
        for phrase in latin:
            squeezed = phrase.replace(" ", "").lower()
            found = [p for p in catalogue if squeezed in p["title"].replace(" ", "").lower()]
            if found:
                return found, phrase, True
    return [], (wanted or (phrases[0] if phrases else None)), bool(phrases)


async def find_product(dispatcher, tracker, intent: str, *, quiet: bool = False) -> Optional[dict]:
    """The product this message is about (never a name that was not found), else the one talked about
    before; asks back when nothing or several fit."""
    text = latest_text(tracker)
    wanted = latest_entity(tracker, "item_sku") or latest_entity(tracker, "product")
    if wanted and wanted.upper().startswith("SC-"):
        product = await client.product(wanted.upper())
        if product is not None:
            return product
    found, phrase, named = await search_product(text, wanted)
    if len(found) == 1 or (found and any(p["title"] == phrase for p in found)):
        return next((p for p in found if p["title"] == phrase), found[0])
    if found:
        if not quiet:
            dispatcher.utter_message(text=f"“{phrase}”有这几款，您问的是哪一件？",
                                     buttons=[{"title": p["title"], "payload": f'/{intent}{{"item_sku":"{p["sku"]}"}}'}
                                              for p in found])
        return None
    if not named or (not wanted and (u.has_body_measure(text) or about_product_before(text))):
        product = await product_talked_about(tracker)
        if product is not None:
            return product
    if quiet:
        return None
    catalogue = await client.products("", limit=6)
    sold = u.asks_if_sold(text)  # "你们有保温杯吗": the shop does not sell it, which is not a failed search
    if not phrase:
        lead = "请问您想了解哪一件？"
    elif sold:
        lead = f"本店暂时没有“{sold}”哦，看看这些？"
    else:
        lead = f"没有找到“{phrase}”这件商品，请问您想了解哪一件？"
    dispatcher.utter_message(text=lead,
                             buttons=[{"title": p["title"], "payload": f'/{intent}{{"item_sku":"{p["sku"]}"}}'}
                                      for p in catalogue])
    return None


def earlier_product_name(tracker: Tracker, messages: int = 4) -> Optional[str]:
    """A product the customer named in one of their last few messages before this one, even one nothing
    answered about ("你好 想看看跑鞋" greeted only), newest first."""
    users = [e for e in reversed(tracker.events) if e.get("event") == "user"][1:messages + 1]
    for event in users:
        for entity in (event.get("parse_data") or {}).get("entities") or ():
            if entity.get("entity") in ("item_sku", "product") and entity.get("value"):
                return str(entity["value"])
    return None


async def product_talked_about(tracker: Tracker) -> Optional[dict]:
    """The product the conversation is about: the one answered about (the product slot), else one the customer
    named just before that the catalogue knows as exactly one product."""
    before = tracker.get_slot("product")
    if before:
        return await client.product(before)
    name = earlier_product_name(tracker)
    if not name:
        return None
    if name.upper().startswith("SC-"):
        return await client.product(name.upper())
    found = await client.products(name, limit=2)
    return found[0] if len(found) == 1 else None


# things a shopper may ask whether the shop sells ("袜子多少钱", "有充电宝吗"): a name not found that looks like one
# of these is not a question about the product talked about before
THING_RE = re.compile(r"杯|伞|包|袜|帽子|裤|外套|大衣|衬衫|毛衣|羽绒|夹克|手机|充电|电脑|平板|手表|眼镜|口红|面膜|洗面奶|乳液|面霜|"
                      r"防晒|香水|书|玩具|拖鞋|凉鞋|靴|围巾|手套|项链|戒指|耳环|数据线|音箱|键盘|鼠标|[A-Za-z]{3,}")


def about_product_before(text: str) -> bool:
    """A question that names nothing the catalogue knows and no other thing to buy ("开封了能放多久", "会起球吗",
    "现在买多少钱"): about the product talked about before. "你们有保温杯吗" is not."""
    sold = u.asks_if_sold(text)
    if sold and not PROMO_RE.search(sold):  # "有新人优惠吗" asks for no thing to buy
        return False
    rest = " ".join(u.product_phrases(text)[:1])
    return not THING_RE.search(rest)


def previous_answer(tracker: Tracker) -> Optional[str]:
    """The product action that answered the customer's previous message, if one did."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return None
        elif users == 1 and event.get("event") == "action" and event.get("name") in PRODUCT_ACTIONS:
            return event["name"]
    return None


async def asked_again_for_another_product(tracker: Tracker, running: str) -> Optional["ShopAction"]:
    """"那T恤呢" right after size advice (or stock, price, product facts) for another product is the same
    question for that product, whatever intent the NLU gave the two words."""
    what = u.follow_up_of(latest_text(tracker)) if running in FOLLOWED_UP or running == "action_fallback" else None
    previous = previous_answer(tracker) if what else None
    if previous is None or previous == running:
        return None
    if not u.product_phrases(what) and (u.sizes(what) or u.colors(what)) and tracker.get_slot("product"):
        return PRODUCT_ACTIONS[previous]()  # "那白色40呢": the same question for another colour or size of it
    if not await client.products(what, limit=1):
        return None
    return PRODUCT_ACTIONS[previous]()


def product_events(product: Optional[dict]) -> List[EventType]:
    """The product slot holds only a product that was found (its SKU); an unfound name never stays."""
    return [SlotSet("product", product["sku"] if product else None)]


def wide_feet(tracker: Tracker, messages: int = 3) -> bool:
    """Wide feet or a high instep said in this message or one of the customer's last few ("脚比较宽" then "脚长25")."""
    said = [e.get("text") for e in reversed(tracker.events) if e.get("event") == "user"][:messages]
    return any(u.has_wide_feet(t) for t in [latest_text(tracker), *said])


def body_events(tracker: Tracker) -> tuple[Optional[float], Optional[float], Optional[float], List[EventType]]:
    """Height (cm), weight (kg) and foot length (mm) from this message, else from earlier in the conversation."""
    text = latest_text(tracker)
    height, weight, foot = u.height_cm(text), u.weight_kg(text), u.foot_mm(text)
    events: List[EventType] = []
    if height is not None:
        events.append(SlotSet("height", f"{height:g}cm"))
    else:
        height = u.height_cm(tracker.get_slot("height"))
    if weight is not None:
        events.append(SlotSet("weight", f"{weight:g}kg"))
    else:
        weight = u.weight_kg(tracker.get_slot("weight"))
    return height, weight, foot, events


def variant_wanted(tracker: Tracker) -> tuple[Optional[str], Optional[str]]:
    size, color = u.wanted_variant(latest_text(tracker))
    return size or latest_entity(tracker, "size"), color or latest_entity(tracker, "color")


async def answer_more(dispatcher, tracker, product: Optional[dict], done: Optional[str]) -> None:
    """Several questions in one message ("卫衣多少钱，包邮吗"): each one after the first is answered too."""
    text = latest_text(tracker)
    policies: Optional[dict] = None
    for topic in u.topics(text):
        if topic == done:
            continue
        if topic in TOPIC_POLICY:
            if policies is None:
                policies = await client.policies()
            if policies.get(TOPIC_POLICY[topic]):
                dispatcher.utter_message(text=policies[TOPIC_POLICY[topic]])
        elif product is None:
            dispatcher.utter_message(text={"price": "您问的是哪件商品的价格？", "stock": "您问的是哪件商品的库存？",
                                           "size": "您问的是哪件商品的尺码？"}[topic] + "告诉我商品名称就可以。")
        elif topic == "price":
            policies = policies if policies is not None else await client.policies()
            dispatcher.utter_message(text=fmt.price_line(product, policies.get("promotions", "")))
        elif topic == "stock":
            dispatcher.utter_message(text=fmt.stock_answer(product, *variant_wanted(tracker)))
        elif topic == "size":
            height, weight, foot, _ = body_events(tracker)
            dispatcher.utter_message(text=fmt.size_advice(product, height, weight, foot, wide_feet(tracker),
                                                          u.usual_shoe_size(latest_text(tracker))))


async def say_order_status(dispatcher, tracker, customer, order: dict) -> List[EventType]:
    """The order's status and logistics; with the courier's phone and the carrier's hotline when asked,
    and a 催件 follow-up ticket when the customer says the parcel has stopped moving."""
    text = latest_text(tracker)
    # asked for the courier's phone or who signed: the answer first, with the order's card; not the whole status again
    if u.asks_who_signed(text):
        dispatcher.utter_message(text=signed_for(order))
    else:
        dispatcher.utter_message(text=f"订单 {order['id']}：\n{courier_contact(order)}" if u.asks_courier_phone(text)
                                 else fmt.order_status(order))
    dispatcher.utter_message(json_message=fmt.order_card(order))
    if u.says_logistics_stalled(text) and order["status"] == "shipped":
        carrier = order.get("carrier") or "快递公司"
        await open_follow_up(
            dispatcher, customer, order["id"],
            f"催件：订单 {order['id']}（{order.get('carrier') or '快递'} {order.get('tracking_no') or ''}）"
            f"物流长时间没有更新。客户原话：{text}",
            already=f"这个包裹已经登记催件了（工单 #{{number}}），客服正在联系{carrier}核实，一有结果就告诉您，不用重复登记。",
            filed=f"已为您登记催件（工单 #{{number}}），客服会联系{carrier}核实包裹位置，一般 24 小时内给您回复。")
    return [SlotSet("order_id", order["id"])]


LEFT_AT_RE = re.compile(r"门卫|驿站|快递柜|丰巢|代收|前台|物业|传达室|放在|放到")


def signed_for(order: dict) -> str:
    """Who (or where) the parcel was signed for, from the order's own logistics ("已签收，签收人：本人",
    "已签收，放在门卫"); an order not delivered yet is said to be unsigned, with where it is now."""
    events = order.get("logistics") or []
    signed = next((e for e in reversed(events) if "签收" in e["text"]), None)
    if order["status"] != "delivered" or signed is None:
        where = f"最新物流：{events[-1]['at'][5:16].replace('T', ' ')} {events[-1]['text']}" if events else \
            "仓库正在备货，还没有发货。"
        return f"订单 {order['id']} 还没有签收（{order['status_label']}）。{where}"
    text = f"订单 {order['id']} 在 {signed['at'][5:16].replace('T', ' ')} 签收：{signed['text']}。"
    if LEFT_AT_RE.search(signed["text"]):
        text += "包裹是代收的，可以去那里取一下；如果没找到，告诉我，我帮您联系快递公司核实。"
    elif "本人" not in signed["text"]:
        text += "如果不是您本人签收、也没收到包裹，告诉我，我帮您联系快递公司核实。"
    return text


def courier_contact(order: dict) -> str:
    if order["status"] not in fmt.SHIPPED or not order.get("carrier"):
        return "这个订单还没有发货，暂时没有快递员信息；发货后可以在物流信息里看到。"
    lines = [f"快递公司：{order['carrier']}，运单号 {order.get('tracking_no') or '暂无'}"]
    phone = next((e["text"] for e in reversed(order.get("logistics") or []) if "电话" in e["text"]), None)
    if phone:
        lines.append(f"派送信息：{phone}")
    hotline = next((number for name, number in CARRIER_HOTLINES.items() if name in order["carrier"]), None)
    if hotline:
        lines.append(f"{order['carrier']}客服电话：{hotline}（报运单号即可查询）")
    return "\n".join(lines)


class ActionOrderStatus(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_order_status"

    async def act(self, dispatcher, tracker, customer):
        text = latest_text(tracker)
        if (u.asks_refund_timing(text) or u.says_refund_slow(text)) and not said_order_id(tracker) \
                and not u.asks_who_signed(text):
            return await ActionRefundStatus().act(dispatcher, tracker, customer)
        if u.asks_return_before_delivery(text):
            return explain_return_before_delivery(dispatcher)
        statuses = ("shipped",) if u.says_logistics_stalled(text) or u.asks_courier_phone(text) else None
        if u.asks_who_signed(text):  # the order of the item named, else the delivered ones: those were signed for
            shipped = [o for o in await client.orders(customer) if o["status"] in fmt.SHIPPED]
            named = [o for o in shipped if u.product_phrases(text)
                     and await items_named(text, o["items"], latest_entity(tracker, "product"))]
            statuses = ("delivered",) if not named and any(o["status"] == "delivered" for o in shipped) else fmt.SHIPPED
        order, _ = await pick_order(dispatcher, tracker, customer, "track_order", "您想查哪个订单？", statuses=statuses,
                                    none_text="您没有已发货的订单，还没有签收记录。" if u.asks_who_signed(text)
                                    else "您没有正在运输中的订单。")
        if order is None:
            return []
        return await say_order_status(dispatcher, tracker, customer, order)


class ActionModifyOrder(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_modify_order"

    async def act(self, dispatcher, tracker, customer):
        order, _ = await pick_order(dispatcher, tracker, customer, "modify_order", "您想修改哪个订单？")
        if order is None:
            return []
        if order["status"] in fmt.OPEN_FOR_CHANGES:
            dispatcher.utter_message(
                text=f"订单 {order['id']} 还没有发货，可以修改。修改地址或规格需要人工客服确认，正在为您转接～",
                json_message=handoff_payload("modify_order", tracker, order_id=order["id"]))
        elif order["status"] in fmt.SHIPPED:
            dispatcher.utter_message(
                text=f"订单 {order['id']} {order['status_label']}，已经不能修改了。收到后如果不合适，可以申请换货。",
                buttons=[{"title": "申请换货", "payload": f'/exchange_request{{"order_id":"{order["id"]}"}}'}])
        else:
            dispatcher.utter_message(text=f"订单 {order['id']} {order['status_label']}，不能再修改。")
        return [SlotSet("order_id", order["id"])]


class ActionCancelOrder(ShopAction):
    """Files a cancel request only for an order the customer named (by number, "the latest", an item in
    it, or the button); an order guessed for them is offered with a button first."""
    needs_customer = True

    def name(self) -> Text:
        return "action_cancel_order"

    async def act(self, dispatcher, tracker, customer):
        text = latest_text(tracker)
        offered = offered_confirmation(tracker)
        if offered is not None and u.button_intent(offered.get("payload")) == "cancel_order" \
                and not u.button_intent(text) and said_yes_to_cancel(text):
            # "确认取消" / "对，取消吧" typed to 要取消这个订单吗: the 确认取消 button
            return await ActionCancelOrder().act(dispatcher, pressed(tracker, offered["payload"]), customer)
        if offered is not None and u.button_intent(offered.get("payload")) == "cancel_order" \
                and re.search(r"不(要)?(取消|撤)|先不|算了|再想想|不用了", u.normalize(text)):
            dispatcher.utter_message(text="好的，订单不取消，会照常为您发货。还有其他问题随时问我～")
            return []
        if u.asks_return_before_delivery(text):
            return explain_return_before_delivery(dispatcher)
        if u.looks_like_return(text) and not u.button_intent(text):
            dispatcher.utter_message(text="您是想退货吗？已发货的订单可以申请退货，未发货的订单可以直接取消。",
                                     buttons=[{"title": "申请退货", "payload": "/return_request"},
                                              {"title": "取消订单", "payload": "/cancel_order"}])
            return []
        order, how = await pick_order(dispatcher, tracker, customer, "cancel_order", "您想取消哪个订单？",
                                      statuses=fmt.OPEN_FOR_CHANGES,
                                      none_text="您没有可以取消的订单：只有待付款、待发货的订单可以取消；"
                                                "已发货的订单可以签收后申请退货。")
        if order is None:
            return []
        # filed only on a yes: an order's button pressed (确认取消, or the order chosen from the list), or a yes
        # typed to the question; however the order was named, what will be cancelled is shown first
        confirmed = u.button_intent(text) == "cancel_order" and how == "named"
        if order["status"] in fmt.OPEN_FOR_CHANGES and not confirmed:
            filed = await open_cancel(customer, order["id"])
            if filed is not None:
                dispatcher.utter_message(text=f"订单 {order['id']} 的取消申请已经提交过了（售后单 #{filed['number']}），"
                                              "正在处理中，不用重复提交。")
                return [SlotSet("order_id", order["id"])]
            dispatcher.utter_message(text=f"要取消这个订单吗？\n{fmt.order_line(order)}\n确认后我再提交取消申请。",
                                     buttons=[{"title": "确认取消", "payload": f'/cancel_order{{"order_id":"{order["id"]}"}}'},
                                              {"title": "不取消了", "payload": "/deny"}])
            return [SlotSet("order_id", order["id"])]
        if order["status"] in fmt.OPEN_FOR_CHANGES:
            request = await client.create_aftersale(customer, kind="cancel", order_id=order["id"],
                                                    reason=u.normalize(text)[:MAX_FREE_TEXT])
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


async def open_cancel(customer, order_id: str) -> Optional[dict]:
    """The cancel request of this order still being handled, if one was filed."""
    return next((r for r in await client.aftersales(customer) if r.get("kind") == "cancel"
                 and u.normalize_order_id(r.get("order_id")) == order_id and r.get("status") in OPEN_STATUSES), None)


def said_yes_to_cancel(text: str) -> bool:
    """ "确认取消" / "对 取消吧" / "是的，取消": a yes to 要取消这个订单吗 (the words of cancelling beside it)."""
    bare = re.sub(r"取消(掉|了)?|撤销|这个|这单|订单|吧|了", "", u.normalize(text))
    return u.is_yes(bare) or (not bare.strip(u.PUNCT) and bool(re.search(r"取消", text)) and len(text) <= 6)


def pressed(tracker: Tracker, payload: str) -> Tracker:
    """The tracker as if the button with this payload had been pressed."""
    order_id = u.order_id(payload)
    latest = {**(tracker.latest_message or {}), "text": payload, "intent": {"name": u.button_intent(payload)},
              "entities": [{"entity": "order_id", "value": order_id}] if order_id else []}
    return Tracker(tracker.sender_id, tracker.slots, latest, tracker.events, tracker.is_paused(),
                   tracker.followup_action, tracker.active_loop, tracker.latest_action_name)


def offered_confirmation(tracker: Tracker) -> Optional[dict]:
    """The one 确认… button the assistant offered in its replies to the customer's previous message (the cancel
    question's 确认取消), else None."""
    users = 0
    confirms: list[dict] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif users == 1 and event.get("event") == "bot":
            confirms += [b for b in (event.get("data") or {}).get("buttons") or ()
                         if str(b.get("title", "")).startswith("确认")]
    return confirms[0] if len(confirms) == 1 else None


class ActionAffirm(ShopAction):
    """A yes outside the after-sales form: a typed yes ("是的", "确认", "嗯嗯") to the cancel question is its
    确认取消 button; any other yes is only acknowledged (nothing is filed that no button offered)."""

    def name(self) -> Text:
        return "action_affirm"

    async def act(self, dispatcher, tracker, customer):
        button = offered_confirmation(tracker)
        payload = str((button or {}).get("payload") or "")
        order_id = u.order_id(payload)
        if customer is not None and u.button_intent(payload) == "cancel_order" and order_id \
                and (u.is_yes(latest_text(tracker)) or said_yes_to_cancel(latest_text(tracker))):
            return await ActionCancelOrder().act(dispatcher, pressed(tracker, payload), customer)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionRefundStatus(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_refund_status"

    async def act(self, dispatcher, tracker, customer):
        text = latest_text(tracker)
        if u.asks_who_signed(text):
            return await ActionOrderStatus().act(dispatcher, tracker, customer)
        if u.asks_return_before_delivery(text) and not u.asks_refund_timing(text):
            return explain_return_before_delivery(dispatcher)
        requests = await client.aftersales(customer)
        if not requests:
            dispatcher.utter_message(text="您目前没有退款或售后申请。需要申请退货的话，发送“退货”就可以。")
            if u.asks_refund_timing(text):  # "退款一般多久到账": how long it takes, for when there is one
                dispatcher.utter_message(text=REFUND_TIMING)
            return []
        if u.asks_if_filed(text):
            dispatcher.utter_message(text=filed_already(requests))
        lines = "\n".join(fmt.aftersale_line(r) for r in requests[:5])
        when = ("显示“退款中”的，款项会在 1-3 个工作日内原路退回" if any(r.get("status") == "refunding" for r in requests[:5])
                else "我们收到寄回的商品后 1-3 个工作日内退款，原路退回")
        dispatcher.utter_message(text=f"您的售后进度：\n{lines}\n{when}（花呗、信用卡以银行入账时间为准）。")
        if u.says_refund_slow(text):
            await chase_refund(dispatcher, customer, requests, text)
        return []


async def chase_refund(dispatcher, customer, requests: list[dict], text: str) -> None:
    """A refund the customer says is late ("都一个礼拜了还没到"): a follow-up ticket for the newest request still
    being handled (the platform keeps one open follow-up per order: asked twice, the first one stands)."""
    open_ = [r for r in requests if r.get("status") in OPEN_STATUSES and r.get("kind") != "cancel"] or \
        [r for r in requests if r.get("status") in OPEN_STATUSES]
    if not open_:
        return
    request = open_[0]
    await open_follow_up(
        dispatcher, customer, request.get("order_id"),
        f"催退款：售后单 #{request['number']}（{request.get('kind_label') or '售后'}，"
        f"{request.get('status_label') or ''}，订单 {request.get('order_id') or ''}）客户说退款太慢。客户原话：{text}",
        already="您的退款已经登记催办了（工单 #{number}），客服正在跟进，有结果会第一时间告诉您，不用重复登记。",
        filed="让您久等了 🙏 已为您登记催办（工单 #{number}），客服会核实退款进度，一般 24 小时内给您回复。")


async def open_follow_up(dispatcher, customer: Customer, order_id: Optional[str], summary: str, *,
                         already: str, filed: str) -> None:
    """One follow-up ticket on an order (the platform answers `duplicate` for one already open), and what the
    customer is told either way: `already` / `filed`, with {number} the ticket's number."""
    ticket = await client.create_ticket(customer, kind="follow_up", summary=summary[:MAX_FREE_TEXT], order_id=order_id)
    said = already if ticket.get("duplicate") else filed
    dispatcher.utter_message(text=said.format(number=ticket["number"]))


RETURN_BEFORE_DELIVERY = ("不用等收到再办：还没发货的订单可以直接申请取消，款项 1-3 个工作日内原路退回；已经发货的订单，"
                          "可以在快递派送时直接拒收，包裹退回仓库后为您退款，也可以签收后 7 天内申请退货。")


def explain_return_before_delivery(dispatcher) -> List[EventType]:
    """ "是不是要等收到了再退" / "还没收到能退吗": what can be done before the parcel arrives; nothing is started."""
    dispatcher.utter_message(text=RETURN_BEFORE_DELIVERY,
                             buttons=[{"title": "取消订单", "payload": "/cancel_order"},
                                      {"title": "查订单物流", "payload": "/track_order"}])
    return []


async def answer_warranty(dispatcher, tracker) -> List[EventType]:
    """ "保修多久 摔坏了管不管": the shop's warranty terms (and the other policy questions beside them); no order
    is asked for, a repair can be asked for with the button."""
    text = latest_text(tracker)
    policies = await client.policies()
    dispatcher.utter_message(text=policies.get("warranty") or "电子产品 1 年保修，人为损坏不在保修范围内。",
                             buttons=[{"title": "申请维修", "payload": "/warranty_repair"}])
    answers = [policies[TOPIC_POLICY[t]] for t in u.topics(text)
               if t in TOPIC_POLICY and t != "warranty" and policies.get(TOPIC_POLICY[t])]
    for answer in dict.fromkeys(answers):
        dispatcher.utter_message(text=answer)
    return []


OPEN_STATUSES = ("pending", "approved", "refunding")  # as the platform's OPEN_AFTERSALE: still being handled
REFUND_TIMING = ("退款时间：退货审核通过、我们收到寄回的商品后 1-3 个工作日内原路退款；未发货订单取消后 1-3 个工作日内原路退回"
                 "（花呗、信用卡以银行入账时间为准）。")


def filed_already(requests: list[dict]) -> str:
    """ "did it go through?": the newest request still being handled, said to be filed (nothing is filed again)."""
    open_ = [r for r in requests if r.get("status") in OPEN_STATUSES]
    newest = (open_ or requests)[0]
    what = newest.get("kind_label") or "售后"
    return (f"您的{what}申请已经提交成功了（售后单 #{newest['number']}，{newest.get('status_label') or '处理中'}），"
            "不用重复提交，有进展会在这里通知您。")


async def rescued(dispatcher, tracker, customer) -> Optional[List[EventType]]:
    """Phrases the NLU must not get wrong, whatever intent it gave them: the courier's phone and a parcel
    that stopped moving are about the order; "when does the money arrive" is about the refund."""
    text = latest_text(tracker)
    if customer is None:
        return None
    if u.asks_who_signed(text):
        return await ActionOrderStatus().act(dispatcher, tracker, customer) or []
    if u.asks_refund_timing(text) or u.asks_if_filed(text) or u.says_refund_slow(text):
        return await ActionRefundStatus().act(dispatcher, tracker, customer) or []
    if u.asks_courier_phone(text) or u.says_logistics_stalled(text):
        return await ActionOrderStatus().act(dispatcher, tracker, customer) or []
    if u.asks_return_before_delivery(text):
        return explain_return_before_delivery(dispatcher)
    if u.asks_warranty_terms(text):
        return await answer_warranty(dispatcher, tracker)
    return None


class ActionProductInfo(ShopAction):
    def name(self) -> Text:
        return "action_product_info"

    async def act(self, dispatcher, tracker, customer):
        product = await find_product(dispatcher, tracker, "product_inquiry")
        if product is not None:
            dispatcher.utter_message(text=fmt.product_facts(product))
            await answer_more(dispatcher, tracker, product, None)
        return product_events(product)


class ActionStockCheck(ShopAction):
    def name(self) -> Text:
        return "action_stock_check"

    async def act(self, dispatcher, tracker, customer):
        product = await find_product(dispatcher, tracker, "stock_check")
        if product is not None:
            dispatcher.utter_message(text=fmt.stock_answer(product, *variant_wanted(tracker)))
            await answer_more(dispatcher, tracker, product, "stock")
        return product_events(product)


PROMO_RE = re.compile(r"新人|新客|首单|优惠券|优惠卷|券|coupon|discount|满减|红包|活动|会员|积分|打折|折扣|优惠", re.IGNORECASE)


class ActionPrice(ShopAction):
    def name(self) -> Text:
        return "action_price"

    async def act(self, dispatcher, tracker, customer):
        policies = await client.policies()
        promotions = policies.get("promotions", "")
        text = latest_text(tracker)
        named = latest_entity(tracker, "product") or latest_entity(tracker, "item_sku") or u.product_phrases(text)
        if PROMO_RE.search(u.normalize(text)) and not (latest_entity(tracker, "product") or latest_entity(tracker, "item_sku")):
            # "有新人优惠吗" / "有没有coupon": the shop's promotions (with the price of a product named beside them
            # or talked about before); the words of a promotion are never looked up as a product's name
            product = await find_product(dispatcher, tracker, "price_discount", quiet=True)
            if product is None:
                dispatcher.utter_message(text=promotions or "目前没有额外的优惠活动，页面价格就是到手价。")
                await answer_more(dispatcher, tracker, None, "price")
                return []
            named = True
        if not named and not tracker.get_slot("product") and not earlier_product_name(tracker):
            dispatcher.utter_message(text=promotions or "目前没有额外的优惠活动，页面价格就是到手价。")
            await answer_more(dispatcher, tracker, None, "price")
            return []
        product = await find_product(dispatcher, tracker, "price_discount")
        if product is not None:
            dispatcher.utter_message(text=fmt.price_line(product, promotions))
            await answer_more(dispatcher, tracker, product, "price")
        return product_events(product)


class ActionSizeAdvice(ShopAction):
    def name(self) -> Text:
        return "action_size_advice"

    async def act(self, dispatcher, tracker, customer):
        height, weight, foot, events = body_events(tracker)
        product = await find_product(dispatcher, tracker, "size_advice")
        if product is None:
            return events + product_events(None)
        dispatcher.utter_message(text=fmt.size_advice(product, height, weight, foot, wide_feet(tracker),
                                                      u.usual_shoe_size(latest_text(tracker))))
        await answer_more(dispatcher, tracker, product, "size")
        return events + product_events(product)


class ActionPolicy(ShopAction):
    """Shipping, payment, invoice and authenticity answers, as the shop wrote them in the platform."""

    def name(self) -> Text:
        return "action_policy"

    async def act(self, dispatcher, tracker, customer):
        rescue = await rescued(dispatcher, tracker, customer)
        if rescue is not None:
            return rescue
        topic = INTENT_TOPIC.get(latest_intent(tracker))
        key = INTENT_POLICY.get(latest_intent(tracker), "")
        if key == "shipping" and RETURN_POSTAGE_RE.search(u.normalize(latest_text(tracker))):
            key = "returns"  # "寄回的运费谁出": the returns policy says who pays the postage back
        text = (await client.policies()).get(key)
        dispatcher.utter_message(text=text or "这个问题我帮您转给人工客服确认。",
                                 json_message=None if text else handoff_payload("no_policy", tracker, topic=key))
        if text:
            product = None
            if any(t in ("price", "stock", "size") for t in u.topics(latest_text(tracker))):
                product = await find_product(dispatcher, tracker, "product_inquiry", quiet=True)
            await answer_more(dispatcher, tracker, product, topic)
            return product_events(product) if product else []
        return []


RETURN_POSTAGE_RE = re.compile(r"(寄回|退回|退货|换货|退换|寄过去|寄给你们)[^，,。?？]{0,8}(运费|邮费|快递费)|"
                               r"(运费|邮费|快递费)[^，,。?？]{0,6}(寄回|退回|退货|换货|退换)")


class ActionComplaint(ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_complaint"

    async def act(self, dispatcher, tracker, customer):
        text = latest_text(tracker)
        if not u.is_strong_complaint(text):
            rescue = await rescued(dispatcher, tracker, customer)
            if rescue is not None:
                return rescue
            if u.asks_if_sold(text):  # "你们有保温杯吗": a question about the catalogue, no ticket
                return await ActionProductInfo().act(dispatcher, tracker, customer)
        ticket = await client.create_ticket(customer, kind="complaint", summary=u.normalize(text)[:MAX_FREE_TEXT])
        dispatcher.utter_message(
            text=f"非常抱歉给您带来不好的体验 🙏 已记录您的投诉（工单 #{ticket['number']}），正在为您转接人工客服。",
            json_message=handoff_payload("complaint", tracker, ticket_id=ticket["id"],
                                         order_id=tracker.get_slot("order_id")))
        return [ActiveLoop(None)]


PRODUCT_ACTIONS = {"action_product_info": ActionProductInfo, "action_stock_check": ActionStockCheck,
                   "action_price": ActionPrice, "action_size_advice": ActionSizeAdvice}
# the actions a follow-up like "那T恤呢" may be mistaken for (the product ones, order status, policies)
FOLLOWED_UP = {*PRODUCT_ACTIONS, "action_order_status", "action_policy"}


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="好的，正在为您转接人工客服，请稍候～",
                                 json_message=handoff_payload("human_handoff", tracker,
                                                              order_id=tracker.get_slot("order_id")))
        return []


async def answer_topics(dispatcher, tracker) -> Optional[List[EventType]]:
    """A message the NLU could not place but whose questions are plain ("耳机是正品吗，保修多久"): each known
    question in it answered (the shop's policy texts; price, stock and size for the product it names or the one
    talked about); None when it holds none, and the assistant says it did not understand."""
    text = latest_text(tracker)
    topics = u.topics(text)
    if not topics:
        return None
    product = None
    if any(t in ("price", "stock", "size") for t in topics):
        product = await find_product(dispatcher, tracker, "product_inquiry", quiet=True)
        if product is None:
            return None  # a product question about nothing found: better to say so than to guess
    await answer_more(dispatcher, tracker, product, None)
    return product_events(product) if product else []


class ActionFallback(Action):
    """Not understood: the few phrases that must never be missed are still answered; otherwise says so
    and tells the platform, which hands off after two in a row."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain):
        customer = customer_of(tracker)
        try:
            rescue = await rescued(dispatcher, tracker, customer)
            again = None if rescue is not None else await asked_again_for_another_product(tracker, self.name())
            if again is not None:  # "白色呢" after a stock answer: the same question for that colour
                rescue = await again.act(dispatcher, tracker, customer) or []
        except PlatformError:
            rescue = None
        if rescue is not None:
            return rescue
        try:
            answered = await answer_topics(dispatcher, tracker) if customer is not None else None
            if answered is None and u.asks_if_sold(latest_text(tracker)):  # "你们有保温杯吗": whether it is sold
                answered = await ActionProductInfo().act(dispatcher, tracker, customer) or []
        except PlatformError:
            answered = None
        if answered is not None:
            return answered
        dispatcher.utter_message(
            text="抱歉，我没太明白您的意思 🤔 可以换个说法，或者选一个常见问题：",
            buttons=[{"title": "查订单物流", "payload": "/track_order"},
                     {"title": "退换货", "payload": '/return_request{"aftersale_kind":"return_or_exchange"}'},
                     {"title": "转人工", "payload": "/human_handoff"}],
            json_message={"fallback": True})
        return []
