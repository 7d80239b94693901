"""The after-sales form (return / exchange / damaged / repair) that files only what the customer asked for.

Every user turn inside the form is read here, whatever the NLU made of it: an order number (any way it
is written), "my latest order", an item of the order, a size or colour, a correction of any of these at
any step (the form goes on from where it was and shows the confirmation again), "算了" to stop. Only the
offered button or an unambiguous yes confirms. A question in the middle of the form is left to the rules
(the form is rejected for that turn), which answer it and bring the form back.

Shop data comes from `actions.client`, read at call time (the tests replace it)."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import actions as base
from . import format as fmt
from . import understand as u
from .api.platform import Customer, PlatformError
from .context import customer_of, handoff_payload, latest_entity, latest_intent, latest_text, said_order_id

log = logging.getLogger(__name__)

FORM = "aftersale_form"
INTENT_KIND = {"return_request": "return", "exchange_request": "exchange", "damaged_item": "damaged",
               "warranty_repair": "repair"}
KIND_WORDS = (("exchange", re.compile(r"换货|换一个|换个|调换")), ("return", re.compile(r"退货|退掉|退了吧|退款退货")),
              ("repair", re.compile(r"维修|保修|修一下|返修")), ("damaged", re.compile(r"破损|坏了|压坏")))
KIND_SLOTS = {"return": ["order_id", "item_sku", "reason", "confirm"],
              "exchange": ["order_id", "item_sku", "exchange_detail", "reason", "confirm"],
              "damaged": ["order_id", "item_sku", "photo_ids", "confirm"],
              "repair": ["order_id", "item_sku", "reason", "confirm"]}
AFTERSALE_SLOTS = ("item_sku", "reason", "photo_description", "photo_ids", "exchange_detail", "confirm")
# pictures: the platform sends each picture message as /send_photo{"photo_ids": [...], "photo_caption"?: "..."};
# a damaged-item request asks for one (photo_ids: the upload ids, [] when the customer has none and says so, or
# describes the damage in words instead); every other kind takes one sent at any step. The platform checks
# that each id is a picture this customer posted in this conversation when the request is filed.
PHOTO_INTENT = "send_photo"
MAX_PHOTOS = 9
NO_PHOTO_RE = re.compile(r"没(有)?(拍|照片|图|相片|相机)|(没|不)(办法|方便|能|会|想|用)拍|拍不了|无法拍|没法拍|"
                         r"照片.{0,4}(没有|没了|删了|丢了)|(没|无)(有)?(照片|图片)|^(没有|没|无|没了)$")
# words about sending a picture ("照片发你了", "看图"), unlike words that only name one ("颜色和图片不一样")
SENDING_PHOTO_RE = re.compile(r"发|拍|传|看(一)?下|看看|看图|截图|图呢|照片呢")
# 退换货 without saying which: the 退换货 buttons (greeting, fallback) send this as their aftersale_kind entity,
# and words naming both kinds ("我要退换货") mean the same; the form then asks 退货还是换货 first
EITHER = "return_or_exchange"
BOTH_KINDS_RE = re.compile(r"退换货?|退或换|退还是换|退货(或|或者|还是)换货|换货(或|或者|还是)退货")
KIND_QUESTION = "您是想退货（寄回商品、退款）还是换货（换尺码或颜色）呢？"
KIND_BUTTONS = [{"title": "退货", "payload": "/return_request"}, {"title": "换货", "payload": "/exchange_request"}]
FREE_TEXT = ("reason", "photo_description", "exchange_detail")
MAX_FREE_TEXT = base.MAX_FREE_TEXT
QUESTION_INTENTS = {"product_inquiry", "size_advice", "price_discount", "stock_check", "authenticity", "shipping_info",
                    "payment_methods", "invoice", "track_order", "refund_status", "modify_order", "bot_challenge"}
QUESTION_RE = re.compile(r"吗|么|？|\?|多少|怎么|如何|几天|多久|什么|哪|谁|能不能|可不可以|是否|有没有|呢$")
AFTERSALE_QUESTION_RE = re.compile(r"退货|换货|退款|寄回|运费|邮费|地址|流程|保修|维修|多久|几天")
WARRANTY_QUESTION_RE = re.compile(r"(保修|质保|保固)(期)?(多久|多长|几年|多少|范围|怎么算)|保(几|多久)年?|三包怎么算")
WANTS_REQUEST_RE = re.compile(r"(我|帮我|麻烦)?(要|想|申请|办理?|帮我)(退货|退掉|退了|换货|换一|退)|(退货|换货)吧")
CANCEL_ORDER_RE = re.compile(r"取消|撤单|撤销|不买了")
ORDER_WORD_RE = re.compile(r"订单|那单|这单|一单|个单|单子|SC\s*\d", re.IGNORECASE)
HANDOFF_RE = re.compile(r"转人工|人工客服|找人工|真人")
REASON_RE = re.compile(r"^.*(原因|理由)[^，,：:]{0,4}?(是|为|改成|改为|换成|：|:)\s*(.+)$")
# a clause of the opening message that says why ("耳机有杂音 想退", "买大了，要退货"): taken as the reason
REASON_CUE_RE = re.compile(r"大了|小了|偏大|偏小|不合适|不合身|杂音|没声|坏了|破了|裂了|质量|不喜欢|色差|不一样|过敏|买多了|不舒服|"
                           r"难受|疼|磨脚|挤脚|夹脚|紧|太松|松垮|太肥|太瘦|太长|太短|不好看|显胖|"
                           r"买错|拍错|不想要|有问题|瑕疵|起球|掉色|缩水|漏|开线|断了|不好用|不能用|用不了|发错")
DETAIL_RE = re.compile(r"^.*(情况|描述|破损)[^，,：:]{0,4}?(是|为|改成|改为|：|:)\s*(.+)$")
NOT_THIS_RE = re.compile(r"(不是|不要|不对)[^，,。;；]*?(?=[，,。;；]|是|$)")
SHOW_ON_CONFIRM = (("exchange_detail", "换成"), ("reason", "原因"), ("photo_description", "情况"))


def kind_fields(kind: Optional[str]) -> list[str]:
    """The slots a kind of request files: its form's slots, and the words describing the damage of a damaged item."""
    slots = list(KIND_SLOTS[kind or "return"])
    return slots + ["photo_description"] if kind == "damaged" else slots


def photos_sent(tracker: Tracker) -> Optional[list[str]]:
    """The upload ids of the picture(s) in the latest message (the platform's send_photo payload), else None."""
    if latest_intent(tracker) != PHOTO_INTENT:
        return None
    ids = [str(v) for e in (tracker.latest_message or {}).get("entities") or ()
           if e.get("entity") == "photo_ids" and (v := e.get("value")) and isinstance(v, str)]
    return list(dict.fromkeys(ids)) or None


def with_photos(held, new: list[str]) -> list[str]:
    """The pictures held so far and the new ones, each once, at most nine."""
    return list(dict.fromkeys([*(held or []), *new]))[:MAX_PHOTOS]


def photo_sent_before(tracker: Tracker) -> bool:
    """Whether the customer's message before the latest one was a picture (kept for the request it starts)."""
    users = [e for e in reversed(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return False
    return ((users[1].get("parse_data") or {}).get("intent") or {}).get("name") == PHOTO_INTENT


def kind_of(tracker: Tracker) -> str:
    """The request's kind; while it is still to be asked (None), what the form assumes for everything else."""
    return tracker.get_slot("aftersale_kind") or "return"


def words_decide(text: str) -> Optional[str]:
    """A return or an exchange named in words beside "退换货" (退换货，换个 L 码 → exchange), else None."""
    rest = BOTH_KINDS_RE.sub(" ", text)
    for kind, pattern in KIND_WORDS[:2]:
        if pattern.search(rest):
            return kind
    if re.search(r"换", rest) and (u.sizes(rest) or u.colors(rest)):
        return "exchange"
    return None


def either_asked(tracker: Tracker, text: str) -> bool:
    """退换货 without saying which: the 退换货 button, or words that name both kinds and decide nothing."""
    if latest_entity(tracker, "aftersale_kind") == EITHER:
        return True
    return not u.button_intent(text) and bool(BOTH_KINDS_RE.search(text)) and words_decide(text) is None


def eligible(orders: list[dict]) -> list[dict]:
    """Orders after-sales can be asked for: shipped or delivered."""
    return [o for o in orders if o["status"] in fmt.SHIPPED]


items_named = base.items_named


async def orders_with_item(text: str, orders: list[dict], entity: Optional[str] = None) -> list[dict]:
    found = []
    for order in orders:
        if u.product_phrases(text) or entity:
            if await items_named(text, order["items"], entity):
                found.append(order)
    return found


class Turn:
    """One user turn inside the form: what was said, and the slot changes it makes."""

    def __init__(self, tracker: Tracker, dispatcher: CollectingDispatcher, customer: Customer):
        self.tracker, self.dispatcher, self.customer = tracker, dispatcher, customer
        self.text = u.normalize(latest_text(tracker))
        self.intent = latest_intent(tracker)
        self.button = u.button_intent(latest_text(tracker))
        # the words that may name a product or an item: a pressed button's text is its payload
        # ('/track_order{"order_id": …}'), whose pieces must not be searched in the catalogue
        self.words = "" if self.button else self.text
        self.changes: Dict[str, Any] = {}
        self._orders: Optional[list[dict]] = None
        self._order_cache: Dict[str, Optional[dict]] = {}

    def slot(self, name: str):
        return self.changes[name] if name in self.changes else self.tracker.get_slot(name)

    def say(self, text: str, **kwargs) -> None:
        self.dispatcher.utter_message(text=text, **kwargs)

    async def orders(self) -> list[dict]:
        if self._orders is None:
            self._orders = await base.client.orders(self.customer)
        return self._orders

    async def order(self, order_id: Optional[str]) -> Optional[dict]:
        if not order_id:
            return None
        if order_id not in self._order_cache:
            self._order_cache[order_id] = await base.client.order(self.customer, order_id)
        return self._order_cache[order_id]

    # ---- the order ----------------------------------------------------------------------------

    async def take_order(self, order: dict) -> bool:
        """Checks an order for after-sales and takes it (with its item, when it has one)."""
        if order["status"] not in fmt.SHIPPED:
            self.say(f"订单 {order['id']} {order['status_label']}，还不能申请售后（未发货的订单可以直接取消）。"
                     "请换一个订单，或者回复“算了”。")
            return False
        changed = order["id"] != self.tracker.get_slot("order_id")
        self.changes["order_id"] = order["id"]
        if changed:
            for slot in ("item_sku", "exchange_detail"):
                if self.tracker.get_slot(slot) is not None:
                    self.changes[slot] = None
        if len(order["items"]) == 1:
            self.changes["item_sku"] = order["items"][0]["sku"]
        return True

    async def read_order(self, *, asked: bool) -> bool:
        """An order named by number, as "the latest", or by an item in it. True when one was taken."""
        number = said_order_id(self.tracker)
        if number:
            order = await self.order(number)
            if order is None:
                self.say(base.NOT_FOUND.format(number))
                if asked:
                    self.changes["order_id"] = None
                return False
            return await self.take_order(order)
        usable = eligible(await self.orders())
        if u.wants_latest_order(self.text) and (asked or u.is_correction(self.text)):
            order = base.latest_meant(usable, self.text)
            if order is None:
                return False
            return await self.take_order(order)
        correcting = not asked and u.is_correction(self.text)
        if not asked and not correcting:
            return False
        with_item = await orders_with_item(self.words, usable, latest_entity(self.tracker, "product"))
        if correcting:  # 不对 是精华那单, at any step: another order, named by its item, replaces the one taken
            if len(with_item) != 1 or with_item[0]["id"] == self.tracker.get_slot("order_id"):
                return False
        if len(with_item) == 1:
            await self.take_order(with_item[0])
            items = await items_named(self.words, with_item[0]["items"], latest_entity(self.tracker, "product"))
            if len(items) == 1:
                self.changes["item_sku"] = items[0]["sku"]
            return True
        if len(with_item) > 1:
            self.say("这几个订单里都有这件商品，请选一下是哪个订单：", buttons=base.order_buttons(with_item, "track_order"))
            self.changes["order_id"] = None
            return False
        return False

    # ---- the item -----------------------------------------------------------------------------

    async def read_item(self, *, asked: bool) -> bool:
        order = await self.order(self.slot("order_id"))
        if order is None:
            return False
        entity = latest_entity(self.tracker, "item_sku") or latest_entity(self.tracker, "product")
        meant = NOT_THIS_RE.sub(" ", self.words)  # "不是精华液，是耳机": the item after the correction
        items = await items_named(meant, order["items"], entity) if meant.strip(u.PUNCT) or entity else []
        if len(items) == 1:
            if items[0]["sku"] != self.tracker.get_slot("item_sku"):
                self.changes["item_sku"] = items[0]["sku"]
                if self.tracker.get_slot("exchange_detail") is not None:
                    self.changes["exchange_detail"] = None
            return True
        if asked and entity:
            self.say(f"这个订单里没有“{entity}”。")
        return False

    # ---- what to exchange for ----------------------------------------------------------------

    async def read_variant(self, *, asked: bool) -> bool:
        """The size / colour wanted in an exchange, checked against the product's stock."""
        order = await self.order(self.slot("order_id"))
        sku = self.slot("item_sku")
        item = next((i for i in (order or {}).get("items", []) if i["sku"] == sku), None)
        if item is None:
            return False
        product = await base.client.product(sku) or {"title": item["title"], "variants": []}
        variants = product.get("variants") or []
        size, color = u.wanted_variant(self.text)
        if size is None:
            size = u.relative_size(self.text, item.get("size"), [v["size"] for v in variants if v.get("size")])
        has_sizes = any(v.get("size") for v in variants)
        has_colors = any(v.get("color") for v in variants)
        if color and size is None and has_sizes and QUESTION_RE.search(self.text):
            # "黑色还有吗": a question about every size of that colour, not the item's size in it chosen; at the
            # size question it is answered here and asked again, at another step the stock rule answers it
            if self.tracker.get_slot("requested_slot") == "exchange_detail":
                self.say(fmt.stock_answer(product, None, color))
                self.changes["exchange_detail"] = None
            return False
        if (size is None or not has_sizes) and (color is None or not has_colors):
            if asked:
                if len(variants) > 1:
                    self.say("请告诉我想换成的尺码或颜色（例如“换 L 码”“换白色”）。目前有货：" + in_stock_list(variants))
                    self.changes["exchange_detail"] = None
                    return False
                text = self.text[:MAX_FREE_TEXT]
                self.changes["exchange_detail"] = text or None
                return bool(text)
            return False
        size = (size if has_sizes else None) or item.get("size")
        color = (color if has_colors else None) or item.get("color")
        match = [v for v in variants if (not size or str(v.get("size") or "").upper() == str(size).upper())
                 and (not color or v.get("color") == color)]
        label = " ".join(x for x in (color, size) if x)
        if not match:
            self.say(f"{product['title']}没有 {label} 这个规格。目前有货：{in_stock_list(variants)}。请换一个尺码或颜色。")
            self.changes["exchange_detail"] = None
            return False
        if all(v.get("stock", 0) <= 0 for v in match):
            self.say(f"抱歉，{product['title']} {label} 暂时缺货 😢 目前有货：{in_stock_list(variants)}。"
                     "想换成哪一个？")
            self.changes["exchange_detail"] = None
            return False
        self.changes["exchange_detail"] = f"换成 {label}"
        return True

    # ---- the whole turn ---------------------------------------------------------------------------

    async def aside(self) -> Optional[str]:
        """A turn that is not an answer to the form: "reject" leaves it to a rule (a hand-off, a real
        complaint, a question the NLU knows); "answered" when a question was answered here (one the NLU took
        for an after-sales request, e.g. "退货运费谁出？"); None when it is meant for the form."""
        if self.intent == "human_handoff" or HANDOFF_RE.search(self.text):
            return "reject"
        if self.intent == "complaint" and u.is_strong_complaint(self.text):
            return "reject"
        if self.intent == "cancel_order" and CANCEL_ORDER_RE.search(self.text) and ORDER_WORD_RE.search(self.text):
            return "reject"  # "把T恤那单取消了吧": cancelling an order, not a reason; the rule ends the form and cancels
        if not QUESTION_RE.search(self.text):
            return None
        if self.intent in QUESTION_INTENTS:
            return "reject"
        if u.asks_refund_timing(self.text):  # "退款多久到账？" asked at any step: when the money comes back
            self.say(base.REFUND_TIMING)
            return "answered"
        policies = await base.client.policies()
        keys = [base.TOPIC_POLICY[t] for t in u.topics(self.text) if t in base.TOPIC_POLICY]
        if not keys or AFTERSALE_QUESTION_RE.search(self.text):
            keys = ["warranty" if self.slot("aftersale_kind") == "repair" else "returns"]
        answers = [policies[k] for k in dict.fromkeys(keys) if policies.get(k)]
        self.say("\n".join(answers) if answers else "这个问题我记下了，办完这个申请后可以转人工客服详细解答。")
        return "answered"

    async def read(self) -> Optional[Dict[str, Any]]:
        """The slot changes of this turn; None to leave the turn to the rules."""
        requested = self.tracker.get_slot("requested_slot")
        kind = kind_of(self.tracker)
        if self.button == "deny" or u.is_stop(self.text):
            return self.stop()
        if self.button == "affirm" and requested == "confirm" and not said_order_id(self.tracker) \
                and not latest_entity(self.tracker, "item_sku"):
            self.changes["confirm"] = True
            return self.changes
        if self.intent == PHOTO_INTENT and (photos_sent(self.tracker) is not None or SENDING_PHOTO_RE.search(self.text)):
            return self.read_photos(requested)  # "颜色和图片不一样" names a picture but sends none: read as words
        chosen = self.tracker.get_slot("aftersale_kind")
        if latest_entity(self.tracker, "aftersale_kind") == EITHER:  # the 退换货 button: which of the two, again
            self.changes["aftersale_kind"] = None
            return self.changes
        # 1. values named in this message, whichever question is open: they correct what they name
        correcting = u.is_correction(self.text) or requested == "confirm"
        new_kind = self.kind_named()
        if new_kind is None and requested == "aftersale_kind":
            new_kind = self.kind_chosen()
        if new_kind and new_kind != chosen:
            self.changes["aftersale_kind"] = new_kind
            if chosen:  # a change of mind; the answer to 退货还是换货 needs no "改为"
                self.say(f"好的，改为申请{fmt.KIND_LABELS[new_kind]}。")
            kind = new_kind
        got_order = await self.read_order(asked=requested == "order_id")
        names_free_text = bool(REASON_RE.search(self.text) or DETAIL_RE.search(self.text))
        if self.slot("order_id") and (requested == "item_sku" or (correcting and not names_free_text) or got_order):
            await self.read_item(asked=requested == "item_sku")
        asked_variant = requested in ("exchange_detail", "aftersale_kind")  # "换L码" answers 退货还是换货 too
        if kind == "exchange" and self.slot("item_sku") and (asked_variant or correcting) \
                and "exchange_detail" not in self.changes and "item_sku" not in self.changes:
            await self.read_variant(asked=False)
        self.read_named_free_text(requested)
        if "reason" in KIND_SLOTS[kind] and requested not in ("reason", "confirm") and not self.slot("reason"):
            why = reason_said(self.words)  # "买大了，换个S码" at the size question: the reason too
            if why:
                self.changes["reason"] = why
        if self.changes:
            return self.changes  # the form asks what is still missing, or shows the confirmation again
        # 2. nothing named: an answer to the open question, or something else
        aside = await self.aside()
        if aside == "reject":
            return None
        if aside == "answered":
            self.changes[requested] = None
            return self.changes
        if requested == "order_id":
            self.say("请发送订单号（SC 开头），或者点选下面的订单；也可以说“最新的订单”。")
        elif requested == "item_sku":
            self.say("请点选下面的商品，或者告诉我商品名称。")
        elif requested == "exchange_detail":
            await self.read_variant(asked=True)
        elif requested in ("reason", "photo_description"):
            self.read_free_text(requested)
        elif requested == "photo_ids":
            self.read_no_photo()
        elif requested == "confirm":
            self.read_confirm()
        elif requested == "aftersale_kind":
            self.say("抱歉，我还不确定您要办哪一种。")
        self.changes.setdefault(requested, None)  # not an answer: ask again, without leaving the form
        return self.changes

    def kind_named(self) -> Optional[str]:
        """A change of mind about the kind of request ("还是换货吧", "换黑色L码" in a return); a question that
        names a kind ("退货运费谁出？") changes nothing."""
        if self.button in INTENT_KIND and self.text.strip() == f"/{self.button}":
            return INTENT_KIND[self.button]  # a kind's own button (我要退换货 → /return_request) pressed in the form
        if QUESTION_RE.search(self.text):
            return None
        if self.intent not in INTENT_KIND and not u.is_correction(self.text):
            return None
        if BOTH_KINDS_RE.search(self.text):  # "我要退换货" names both: only words beside it decide
            return words_decide(self.text)
        for kind, pattern in KIND_WORDS:
            if pattern.search(self.text):
                return kind
        if re.search(r"换", self.text) and (u.sizes(self.text) or u.colors(self.text)):
            return "exchange"
        return None

    def kind_chosen(self) -> Optional[str]:
        """The answer to 退货还是换货, in the customer's own short words: 退 / 退吧 / 换 / 换一下 / 换大一码."""
        if self.button or QUESTION_RE.search(self.text) or BOTH_KINDS_RE.search(self.text) or "不" in self.text:
            return None
        if u.is_yes(self.text) or u.is_plain_no(self.text):
            return None
        returns, exchanges = "退" in self.text, "换" in self.text
        if returns != exchanges:
            return "return" if returns else "exchange"
        return None

    def read_named_free_text(self, requested: Optional[str]) -> None:
        """ "原因是…" / "情况是…" said at another step corrects that answer."""
        for slot, pattern in (("reason", REASON_RE), ("photo_description", DETAIL_RE)):
            match = pattern.search(self.text)
            if slot == "photo_description" and requested == "photo_ids":
                continue  # the answer to the photo question: read_no_photo takes it
            if match and slot != requested and slot in kind_fields(self.slot("aftersale_kind")):
                self.changes[slot] = match.group(3)[:MAX_FREE_TEXT]

    def read_free_text(self, requested: str) -> None:
        text = self.text
        match = (REASON_RE if requested == "reason" else DETAIL_RE).search(text)
        if match:
            text = match.group(3)
        elif u.is_yes(text):  # 确认 / 可以的 提交吧 is no reason: the confirmation comes after this answer
            self.say("还差一项：" + ("请简单说一下原因" if requested == "reason" else "请描述一下破损的情况")
                     + "，说完我再给您确认。")
            return
        if len(text) > MAX_FREE_TEXT:
            self.say(f"内容有点长，已保留前 {MAX_FREE_TEXT} 个字。")
        if text:
            self.changes[requested] = text[:MAX_FREE_TEXT]

    def read_photos(self, requested: Optional[str]) -> Dict[str, Any]:
        """A picture at any step: kept for the request (the damage photo it asks for, or one a return carries);
        the words sent beside it answer an open question for words. Words about sending one, without a picture,
        say how to send it."""
        ids = photos_sent(self.tracker)
        if ids is None:
            self.say("请点输入框旁边的图片按钮，选择照片发给我就可以了；没有照片的话回复“没有照片”。"
                     if requested == "photo_ids" else "好的，照片可以点输入框旁边的图片按钮发给我。")
            if requested:
                self.changes.setdefault(requested, self.slot(requested) if requested == "photo_ids" else None)
            return self.changes
        self.changes["photo_ids"] = with_photos(self.slot("photo_ids"), ids)
        caption = u.normalize(latest_entity(self.tracker, "photo_caption") or "")[:MAX_FREE_TEXT]
        kind = self.slot("aftersale_kind")
        if caption and requested == "photo_ids" and kind == "damaged":
            self.changes["photo_description"] = caption
        elif caption and requested == "reason" and "reason" in KIND_SLOTS[kind or "return"]:
            self.changes["reason"] = caption  # a return's photo with "袖口开线了": the reason too
        if requested != "photo_ids":
            self.say(f"收到照片（共 {len(self.changes['photo_ids'])} 张），会一起附在申请里。")
        return self.changes

    def read_no_photo(self) -> None:
        """The answer to the photo question in words: no photo ("没有照片", "拍不了"), or the damage described
        instead (the fallback); either way the request goes on without a picture."""
        text = self.text
        match = DETAIL_RE.search(text)
        if match:
            text = match.group(3)
        if not text:
            return
        held = self.slot("photo_ids")
        self.changes["photo_ids"] = list(held) if held else []
        if not match and u.is_yes(text):
            return  # 确认 / 提交吧 / 好的: no photo, go on to the confirmation; a yes describes nothing
        rest = NO_PHOTO_RE.sub("", text).strip(u.PUNCT + " ")
        if NO_PHOTO_RE.search(text) and len(rest) < 4:
            return  # only "no photo": nothing to describe
        if len(text) > MAX_FREE_TEXT:
            self.say(f"内容有点长，已保留前 {MAX_FREE_TEXT} 个字。")
        self.changes["photo_description"] = text[:MAX_FREE_TEXT]

    def read_confirm(self) -> None:
        if u.is_yes(self.text):
            self.changes["confirm"] = True
        elif u.is_plain_no(self.text) or self.intent == "deny":
            self.say("好的，还没有提交。请直接告诉我要改哪一项，例如“换成 L 码”“订单号是 SC…”“原因是…”；"
                     "不办了就回复“算了”。")
        else:
            self.say("还没有提交哦。信息无误请点“确认提交”或回复“确认”；要修改请直接说改成什么，不办了回复“算了”。")

    def stop(self) -> Dict[str, Any]:
        return {"confirm": False, "requested_slot": None}


RELATIVE_SIZE_RE = re.compile(r"[大小](一|1|半)?(号|码|个码)")


def reason_said(words: str) -> Optional[str]:
    """The clauses of a message that say why ("耳机有杂音 想退" → 耳机有杂音), else None; a question is no reason."""
    said_why = [c for c in re.split(r"[，,。.!！;；\s]+", words or "") if REASON_CUE_RE.search(c) and not QUESTION_RE.search(c)]
    return "，".join(said_why)[:MAX_FREE_TEXT] if said_why else None


def said_before(tracker: Tracker, messages: int = 3) -> list[str]:
    """The customer's few messages before the latest one, newest first, back to the last request started or filed
    (what was said about an earlier request is not this one's); a pressed button says nothing."""
    said, seen_latest = [], False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                text = u.normalize(event.get("text"))
                if text and not u.button_intent(text):
                    said.append(text)
                if len(said) >= messages:
                    break
            seen_latest = True
        elif seen_latest and event.get("event") == "action" and event.get("name") in ("action_start_aftersale",
                                                                                      "action_submit_aftersale"):
            break
    return said


def in_stock_list(variants: list[dict]) -> str:
    available = [fmt.variant_label(v) for v in variants if v.get("stock", 0) > 0]
    return "、".join(available) if available else "暂时都缺货"


def moment(tracker: Tracker) -> str:
    """Why the form runs now: "start" (just activated), "answer" (right after the customer wrote: the
    latest message is for the form) or "resume" (after a rule answered something in between).
    Rasa appends the form's own ActionExecuted to the tracker it sends the validation action."""
    since_user = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name"):
            since_user.append(event["name"])
    if "action_start_aftersale" in since_user or (tracker.active_loop or {}).get("name") != FORM:
        return "start"
    if set(since_user) <= {"action_extract_slots", "action_listen", FORM}:
        return "answer"
    return "resume"


class ValidateAftersaleForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_aftersale_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        asked = [] if tracker.get_slot("aftersale_kind") else ["aftersale_kind"]
        return asked + list(KIND_SLOTS[kind_of(tracker)])

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """Reads the turn itself (rasa_sdk would drop the slots this form sets beside the required ones)."""
        customer = customer_of(tracker)
        if customer is None:  # the form ends; action_submit_aftersale says why and hands off
            return [SlotSet("confirm", None), SlotSet("requested_slot", None)]
        turn = Turn(tracker, dispatcher, customer)
        try:
            now = moment(tracker)
            if now == "answer":
                changes = await turn.read()
                if changes is None:
                    return []  # nothing for the form: the rules answer, then the form asks again
            elif now == "start":
                changes = await self.activate(turn)
            else:
                changes = {}
            if "requested_slot" not in changes and (now == "start" or "order_id" in changes or "item_sku" in changes):
                changes = await self.already_open(turn) or changes
        except PlatformError:
            log.exception("validate_aftersale_form: the platform did not answer")
            dispatcher.utter_message(text=base.SYSTEM_DOWN,
                                     json_message=handoff_payload("platform_error", tracker))
            return [SlotSet("confirm", None), SlotSet("requested_slot", None)]
        events = [SlotSet(k, v) for k, v in changes.items() if k != "requested_slot"]
        if "requested_slot" in changes:  # the form ends here
            return events + [SlotSet("requested_slot", changes["requested_slot"])]
        kind = turn.slot("aftersale_kind")  # None: 退货还是换货 is asked first
        missing = "aftersale_kind" if kind is None else \
            next((s for s in KIND_SLOTS[kind] if turn.slot(s) is None), None)
        if not events:
            events.append(SlotSet("aftersale_kind", kind))  # a slot event: Rasa must not reject nor validate twice
        return events + [SlotSet("requested_slot", missing)]

    @staticmethod
    async def already_open(turn: Turn) -> Optional[Dict[str, Any]]:
        """The item just named already has a request being handled: the customer is told at once (not after
        answering every question) and the form ends; the platform would refuse a second one anyway."""
        order_id, sku = turn.slot("order_id"), turn.slot("item_sku")
        if not order_id or not sku:
            return None
        for open_ in await base.client.aftersales(turn.customer):
            if (open_.get("order_id"), open_.get("sku")) == (order_id, sku) and open_.get("kind") != "cancel" \
                    and open_.get("status") in base.OPEN_STATUSES:
                turn.say(f"这件商品已经有一个{open_['kind_label']}申请在处理中（售后单 #{open_['number']}，"
                         f"{open_['status_label']}），不用重复提交。",
                         buttons=[{"title": "查看售后进度", "payload": "/refund_status"}])
                return {"confirm": None, "requested_slot": None}
        return None

    async def activate(self, turn: Turn) -> Dict[str, Any]:
        """At the start: a customer with nothing to ask after-sales for is told so, and the form ends;
        "my latest order" or an item named in the opening message picks the order."""
        if u.asks_if_filed(turn.text):  # "提交成功了吗？没成功的话再提交一次": said filed when it is, not filed twice
            requests = await base.client.aftersales(turn.customer)
            if requests:
                turn.say(base.filed_already(requests), buttons=[{"title": "查看售后进度", "payload": "/refund_status"}])
                return {"confirm": None, "requested_slot": None}
        if u.asks_refund_timing(turn.text) and QUESTION_RE.search(turn.text):
            # "退货的话退款要多久？": a question about the money, not a request yet; with the request asked for
            # beside it ("我要退货，退款多久到账？") the answer comes first and the form goes on
            turn.say(base.REFUND_TIMING)
            if not WANTS_REQUEST_RE.search(turn.text):
                return {"confirm": None, "requested_slot": None}
        if u.says_refund_slow(turn.text) and not WANTS_REQUEST_RE.search(turn.text):
            # "钱怎么还不退 太慢了": the refund's status and a follow-up, not a new request
            await base.ActionRefundStatus().act(turn.dispatcher, turn.tracker, turn.customer)
            return {"confirm": None, "requested_slot": None}
        if u.asks_return_before_delivery(turn.text):  # "是不是要等收到了再退": explained, nothing started
            base.explain_return_before_delivery(turn.dispatcher)
            return {"confirm": None, "requested_slot": None}
        if (turn.slot("aftersale_kind") == "repair" and WARRANTY_QUESTION_RE.search(turn.text)
                and not REASON_CUE_RE.search(turn.text)) or u.asks_warranty_terms(turn.text):
            # "耳机是正品吗，保修多久": the warranty's terms (and the other questions), not a repair yet
            policies = await base.client.policies()
            turn.say(policies.get("warranty") or "电子产品 1 年保修。",
                     buttons=[{"title": "申请维修", "payload": "/warranty_repair"}])
            answers = [policies[base.TOPIC_POLICY[t]] for t in u.topics(turn.text)
                       if t in base.TOPIC_POLICY and t != "warranty" and policies.get(base.TOPIC_POLICY[t])]
            for answer in dict.fromkeys(answers):
                turn.say(answer)
            return {"confirm": None, "requested_slot": None}
        orders = await turn.orders()
        if not eligible(orders):
            if not orders:
                turn.say("您在本店还没有订单，所以暂时没有可以申请售后的商品。有其他问题可以随时问我～")
            else:
                turn.say("您的订单都还没有发货，暂时不能申请退换货；未发货的订单可以直接取消。",
                         buttons=[{"title": "取消订单", "payload": "/cancel_order"}])
            return {"confirm": None, "requested_slot": None}
        if not turn.slot("order_id") and not said_order_id(turn.tracker):
            await turn.read_order(asked=True)
            if turn.changes.get("order_id") is None:
                turn.changes.pop("order_id", None)
        elif turn.slot("order_id") and not turn.slot("item_sku"):
            await turn.read_item(asked=False)  # "SC20261115002 的耳机我要退货": the item named beside the number
        kind = kind_of(turn.tracker)
        if "reason" in KIND_SLOTS[kind] and not turn.slot("reason"):
            # why, said in this message or in the customer's messages just before it ("卫衣小了" then "我要换货")
            for words in [turn.words, *said_before(turn.tracker)]:
                why = reason_said(words)
                if why:
                    turn.changes["reason"] = why
                    break
        if turn.slot("item_sku") and kind == "exchange" and (u.sizes(turn.text) or u.colors(turn.text)
                                                            or RELATIVE_SIZE_RE.search(turn.text)):
            await turn.read_variant(asked=False)
            if turn.changes.get("exchange_detail") is None:
                turn.changes.pop("exchange_detail", None)
        return turn.changes


class ActionStartAftersale(Action):
    """Starts a fresh return/exchange/damage/repair request. An order number in this very
    message is checked at once; one talked about earlier is not assumed."""

    def name(self) -> Text:
        return "action_start_aftersale"

    async def run(self, dispatcher, tracker, domain):
        kind = INTENT_KIND.get(latest_intent(tracker), "return")
        text = u.normalize(latest_text(tracker))
        if kind in ("return", "exchange") and either_asked(tracker, text):
            kind = None  # the form asks 退货还是换货 first
        elif kind in ("return", "exchange") and BOTH_KINDS_RE.search(text):
            kind = words_decide(text) or kind  # "退换货，换个 L 码": the words beside it decide
        events = [SlotSet("aftersale_kind", kind), SlotSet("order_id", None)]
        keep_photos = photo_sent_before(tracker) and tracker.get_slot("photo_ids")  # "申请售后" right after a picture
        events += [SlotSet(s, None) for s in AFTERSALE_SLOTS if not (s == "photo_ids" and keep_photos)]
        order_id = said_order_id(tracker)
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
        dispatcher.utter_message(text=base.NO_IDENTITY, json_message=handoff_payload("no_identity", tracker))
        return {"order_id": None, "requested_slot": None}
    order_id = u.normalize_order_id(str(value))
    try:
        order = await base.client.order(customer, order_id)
    except PlatformError:
        dispatcher.utter_message(text=base.SYSTEM_DOWN, json_message=handoff_payload("platform_error", tracker))
        return {"order_id": None, "requested_slot": None}
    if order is None:
        dispatcher.utter_message(text=base.NOT_FOUND.format(order_id))
        return {"order_id": None}
    if order["status"] not in fmt.SHIPPED:
        dispatcher.utter_message(text=f"订单 {order_id} {order['status_label']}，还不能申请售后"
                                      "（未发货的订单可以直接取消）。请换一个订单号，或者回复“算了”。")
        return {"order_id": None}
    slots = {"order_id": order_id}
    if len(order["items"]) == 1:
        slots["item_sku"] = order["items"][0]["sku"]
    return slots


class ActionAskAftersaleKind(Action):
    """退换货 without saying which: a return or an exchange, with a button for each."""

    def name(self) -> Text:
        return "action_ask_aftersale_kind"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=KIND_QUESTION, buttons=[dict(b) for b in KIND_BUTTONS])
        return []


class ActionAskOrderId(base.ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_ask_order_id"

    async def act(self, dispatcher, tracker, customer):
        orders = eligible(await base.client.orders(customer))
        if not orders:
            dispatcher.utter_message(text="请发送需要售后的订单号（SC 开头）。")
        else:
            dispatcher.utter_message(text="请问是哪个订单？", buttons=base.order_buttons(orders, "track_order"))
        return []


class ActionAskItemSku(base.ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_ask_item_sku"

    async def act(self, dispatcher, tracker, customer):
        order = await base.client.order(customer, tracker.get_slot("order_id") or "")
        items = order["items"] if order else []
        intent = {v: k for k, v in INTENT_KIND.items()}[kind_of(tracker)]
        dispatcher.utter_message(text="是订单里的哪件商品？",
                                 buttons=[{"title": fmt.item_label(i), "payload": f'/{intent}{{"item_sku":"{i["sku"]}"}}'}
                                          for i in items])
        return []


FREE_TEXT_QUESTIONS = {
    "reason": "请简单说一下原因（例如：尺码不合适、不喜欢、质量问题）。",
    "photo_description": "请描述一下破损的情况（哪里坏了、外包装是否完好）。",
    "photo_ids": "很抱歉商品有损坏 😢 请拍一张商品破损处的照片发给我（点输入框旁边的图片按钮）。"
                 "不方便拍照的话，直接描述一下破损的情况也可以，或者回复“没有照片”。",
    "exchange_detail": "想换成什么尺码或颜色呢？",
}


class ActionAskReason(Action):
    slot = "reason"

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=FREE_TEXT_QUESTIONS[self.slot])
        return []


class ActionAskPhotoIds(ActionAskReason):
    """The damaged-item question: a photo of the damage (words describing it, or "no photo", also answer)."""
    slot = "photo_ids"


class ActionPhotoReceived(Action):
    """A picture outside a request: kept (a damaged-item or return request started next carries it), and the
    customer is asked what it is about."""

    def name(self) -> Text:
        return "action_photo_received"

    async def run(self, dispatcher, tracker, domain):
        ids = photos_sent(tracker)
        if ids is None:  # words about a picture, without one
            dispatcher.utter_message(text="好的，照片可以点输入框旁边的图片按钮发给我。请问是商品有什么问题吗？")
            return []
        dispatcher.utter_message(text="收到您的照片了 📷 如果是商品有破损或质量问题，点下面的按钮申请售后，照片会一起附在"
                                      "申请里；也可以转人工客服看一下。",
                                 buttons=[{"title": "商品破损，申请售后", "payload": "/damaged_item"},
                                          {"title": "申请退货", "payload": "/return_request"},
                                          {"title": "转人工客服", "payload": "/human_handoff"}])
        return [SlotSet("photo_ids", ids[:MAX_PHOTOS])]


class ActionAskExchangeDetail(base.ShopAction):
    """Asks what to exchange for, with the sizes and colours in stock now."""
    needs_customer = True

    def name(self) -> Text:
        return "action_ask_exchange_detail"

    async def act(self, dispatcher, tracker, customer):
        product = await base.client.product(tracker.get_slot("item_sku") or "") if tracker.get_slot("item_sku") else None
        variants = (product or {}).get("variants") or []
        text = FREE_TEXT_QUESTIONS["exchange_detail"]
        if len(variants) > 1:
            text += f"目前有货：{in_stock_list(variants)}。"
        dispatcher.utter_message(text=text)
        return []


class ActionAskConfirm(base.ShopAction):
    needs_customer = True

    def name(self) -> Text:
        return "action_ask_confirm"

    async def act(self, dispatcher, tracker, customer):
        kind = kind_of(tracker)
        order = await base.client.order(customer, tracker.get_slot("order_id") or "")
        item = next((i for i in (order or {}).get("items", []) if i["sku"] == tracker.get_slot("item_sku")), None)
        details = [f"类型：{fmt.KIND_LABELS[kind]}", f"订单：{tracker.get_slot('order_id')}",
                   f"商品：{fmt.item_label(item) if item else tracker.get_slot('item_sku')}"]
        for slot, label in SHOW_ON_CONFIRM:
            if tracker.get_slot(slot) and slot in kind_fields(kind):
                value = str(tracker.get_slot(slot))
                details.append(f"{label}：{value.removeprefix(label).strip() or value}")  # not "换成：换成 黑色 L"
        photos = tracker.get_slot("photo_ids") or []
        if photos or kind == "damaged":
            details.append(f"照片：{len(photos)} 张" if photos else "照片：没有")
        example = "“换成 L 码”" if kind == "exchange" else "“原因是…”“订单号是 SC…”"
        dispatcher.utter_message(text="请确认以下信息：\n" + "\n".join(details) +
                                      f"\n（要修改直接告诉我，例如{example}）",
                                 buttons=[{"title": "确认提交", "payload": "/affirm"},
                                          {"title": "取消", "payload": "/deny"}])
        return []


class ActionSubmitAftersale(base.ShopAction):
    """Files the request the customer confirmed, and nothing when they did not."""
    needs_customer = True

    def name(self) -> Text:
        return "action_submit_aftersale"

    async def act(self, dispatcher, tracker, customer):
        reset = [SlotSet(s, None) for s in AFTERSALE_SLOTS]
        confirm = tracker.get_slot("confirm")
        if confirm is False:
            dispatcher.utter_message(response="utter_aftersale_cancelled")
            return reset
        if confirm is not True or not tracker.get_slot("order_id") or not tracker.get_slot("item_sku"):
            return reset  # the form ended without a confirmation (already explained): nothing is filed
        kind = kind_of(tracker)
        fields = {name: tracker.get_slot(name) or "" for name in ("reason", "photo_description", "exchange_detail")
                  if name in kind_fields(kind)}
        photos = [str(p) for p in tracker.get_slot("photo_ids") or []][:MAX_PHOTOS]
        # a damaged item always says which photos it has (none: []); another kind only when it has some
        extra = {"photo_ids": photos} if photos or kind == "damaged" else {}
        try:
            request = await base.client.create_aftersale(
                customer, kind=kind, order_id=tracker.get_slot("order_id"), sku=tracker.get_slot("item_sku"),
                reason=fields.get("reason", ""), description=fields.get("photo_description", ""),
                exchange_detail=fields.get("exchange_detail", ""), **extra)
        except PlatformError as exc:
            if "out_of_stock" in str(exc):
                dispatcher.utter_message(text="抱歉，刚刚这个规格被抢光了，换货申请没有提交 😢 可以重新申请换成其他有货的规格，"
                                              "或者申请退货。",
                                         buttons=[{"title": "重新申请换货", "payload": "/exchange_request"},
                                                  {"title": "申请退货", "payload": "/return_request"}])
                return reset
            if "HTTP 400" in str(exc) or "HTTP 409" in str(exc):
                dispatcher.utter_message(text="这个申请现在不能提交（订单状态或商品不符合售后条件），我帮您转接人工客服看一下。",
                                         json_message=handoff_payload("aftersale_refused", tracker,
                                                                      order_id=tracker.get_slot("order_id")))
                return reset
            raise
        follow_up = {"return": "审核通过后客服会把退货地址发给您，寄回后我们收到商品 1-3 个工作日内退款。",
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
