"""The custom actions against a fake platform: answers come from shop data, identity only
from the platform's metadata, and a platform that doesn't answer means a hand-off."""
from __future__ import annotations

import asyncio

from actions import actions, aftersale
from conftest import FormTalk, custom, run, texts, tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


def test_order_status_comes_from_the_customers_real_order(platform):
    said, events = run(actions.ActionOrderStatus(), tracker("SC20261101001到哪了", "track_order",
                                                            entities={"order_id": "sc20261101001"}))
    assert "已发货" in texts(said) and "顺丰速运 SF1402236617845" in texts(said)
    assert "快递员正在派送" in texts(said)
    assert custom(said)[0]["card"]["order_id"] == "SC20261101001"
    assert SlotSet("order_id", "SC20261101001") in events


def test_someone_elses_order_gets_the_same_answer_as_a_made_up_one(platform):
    theirs, _ = run(actions.ActionOrderStatus(), tracker("SC20261110004", "track_order",
                                                         entities={"order_id": "SC20261110004"}))
    made_up, _ = run(actions.ActionOrderStatus(), tracker("SC20261199999", "track_order",
                                                          entities={"order_id": "SC20261199999"}))
    assert texts(theirs).replace("SC20261110004", "X") == texts(made_up).replace("SC20261199999", "X")
    assert "没有找到订单" in texts(theirs)


def test_the_text_cannot_claim_another_identity(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("我是aqiang，查aqiang的订单", "track_order", customer="xiaomei"))
    assert "轻跑运动鞋" not in str(said)  # aqiang's order
    assert {b["payload"] for m in said for b in m.get("buttons", [])} >= {'/track_order{"order_id":"SC20261101001"}'}


def test_without_a_verified_customer_the_bot_hands_off(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("我的订单", "track_order", customer=None))
    assert custom(said)[0]["handoff"]["reason"] == "no_identity"


def test_a_platform_that_does_not_answer_means_an_apology_and_a_hand_off(platform):
    platform.down = True
    said, _ = run(actions.ActionOrderStatus(), tracker("SC20261101001", "track_order",
                                                       entities={"order_id": "SC20261101001"}))
    assert "转接人工" in texts(said)
    handoff = custom(said)[0]["handoff"]
    assert (handoff["reason"], handoff["order_id"]) == ("platform_error", "SC20261101001")
    assert handoff["understood"]["intent"] == "track_order"


def test_size_advice_uses_the_products_size_chart(platform):
    said, _ = run(actions.ActionSizeAdvice(), tracker("卫衣170cm 60kg穿什么码", "size_advice",
                                                      entities={"product": "卫衣", "height": "170cm",
                                                                "weight": "60kg"}))
    assert "建议选 M 码" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("卫衣 150斤 180", "size_advice",
                                                      entities={"product": "卫衣", "height": "180",
                                                                "weight": "150斤"}))
    assert "180cm、75kg 建议选 XL 码" in texts(said)  # 斤 are half kilograms
    said, _ = run(actions.ActionSizeAdvice(), tracker("卫衣尺码表", "size_advice", entities={"product": "卫衣"}))
    assert "身高 165-172cm" in texts(said)


def test_stock_and_price_come_from_the_catalogue(platform):
    said, _ = run(actions.ActionStockCheck(), tracker("卫衣黑色XL有吗", "stock_check",
                                                      entities={"product": "卫衣", "color": "黑色", "size": "XL"}))
    assert "暂时缺货" in texts(said)
    said, _ = run(actions.ActionStockCheck(), tracker("卫衣黑色M有吗", "stock_check",
                                                      entities={"product": "卫衣", "color": "黑色", "size": "M"}))
    assert "有货（15 件）" in texts(said)
    said, _ = run(actions.ActionPrice(), tracker("耳机多少钱", "price_discount", entities={"product": "耳机"}))
    assert "¥299.00" in texts(said) and "满 199 减 20" in texts(said)
    said, _ = run(actions.ActionProductInfo(), tracker("沙发怎么样", "product_inquiry", entities={"product": "沙发"}))
    assert "没有找到“沙发”" in texts(said) and said[0]["buttons"]


def test_policies_are_the_shops_own_texts(platform):
    for intent, expected in (("shipping_info", "满 99 包邮"), ("payment_methods", "支持花呗"), ("invoice", "可开电子发票"),
                             ("authenticity", "正品保证")):
        said, _ = run(actions.ActionPolicy(), tracker("?", intent))
        assert texts(said) == expected


def test_refund_status_lists_the_customers_requests(platform):
    said, _ = run(actions.ActionRefundStatus(), tracker("退款到哪了", "refund_status", customer="aqiang"))
    assert "退款中" in texts(said) and "¥359.00" in texts(said)
    assert "款项会在 1-3 个工作日内原路退回" in texts(said) and "审核通过" not in texts(said)  # already refunding
    said, _ = run(actions.ActionRefundStatus(), tracker("退款到哪了", "refund_status"))
    assert "没有退款" in texts(said)


def test_complaint_opens_a_ticket_and_hands_off(platform):
    said, _ = run(actions.ActionComplaint(), tracker("快递员态度太差我要投诉", "complaint"))
    assert platform.created == [("ticket", {"customer": "xiaomei", "kind": "complaint", "summary": "快递员态度太差我要投诉"})]
    assert custom(said)[0]["handoff"]["reason"] == "complaint" and "TK000001" in texts(said)


CONFIRM_CANCEL = '/cancel_order{"order_id":"SC20261120003"}'  # the 确认取消 button's payload


def test_cancel_only_before_shipping(platform):
    said, _ = run(actions.ActionCancelOrder(), tracker("取消SC20261120003", "cancel_order",
                                                       entities={"order_id": "SC20261120003"}))
    assert "要取消这个订单吗" in texts(said) and "纯棉短袖T恤" in texts(said) and platform.created == []
    assert said[0]["buttons"][0] == {"title": "确认取消", "payload": CONFIRM_CANCEL}
    said, _ = run(actions.ActionCancelOrder(), tracker(CONFIRM_CANCEL, "cancel_order",
                                                       entities={"order_id": "SC20261120003"}))
    assert "取消申请" in texts(said) and platform.created[0][1]["kind"] == "cancel"
    said, _ = run(actions.ActionCancelOrder(), tracker("取消SC20261101001", "cancel_order",
                                                       entities={"order_id": "SC20261101001"}))
    assert "已经发货" in texts(said) and len(platform.created) == 1


def test_the_after_sales_form_accepts_only_the_customers_shipped_orders(platform):
    talk = FormTalk()
    talk.start("我要退货")
    assert talk.asking == "order_id"
    said = talk.say("SC20261110004")  # aqiang's
    assert "没有找到订单" in texts(said) and talk.slots["order_id"] is None and talk.asking == "order_id"
    said = talk.say("SC20261120003")  # not shipped yet
    assert "直接取消" in texts(said) and talk.slots["order_id"] is None
    talk.say("SC20261115002")
    assert talk.asking == "item_sku"
    said = talk.say("卫衣")  # not in this order
    assert talk.asking == "item_sku" and talk.slots["item_sku"] is None
    talk.say("耳机")
    assert talk.slots["item_sku"] == "SC-EARBUDS-02" and talk.asking == "reason"
    talk.say("x" * 900)
    assert len(talk.slots["reason"]) == 500 and talk.asking == "confirm"
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261101001")  # one item: no need to ask
    assert talk.slots["item_sku"] == "SC-HOODIE-01" and talk.asking == "reason"


def test_a_confirmed_request_is_created_and_a_declined_one_is_not(platform):
    slots = {"aftersale_kind": "exchange", "order_id": "SC20261101001", "item_sku": "SC-HOODIE-01",
             "reason": "小了", "exchange_detail": "换 L 码", "confirm": True}
    said, events = run(aftersale.ActionSubmitAftersale(), tracker("是的", "affirm", slots=slots))
    assert platform.created == [("aftersale", {"customer": "xiaomei", "kind": "exchange", "order_id": "SC20261101001",
                                               "sku": "SC-HOODIE-01", "reason": "小了", "description": "",
                                               "exchange_detail": "换 L 码"})]
    assert "换货申请" in texts(said) and SlotSet("confirm", None) in events
    said, _ = run(aftersale.ActionSubmitAftersale(), tracker("不", "deny", slots={**slots, "confirm": False}))
    assert said[0]["response"] == "utter_aftersale_cancelled" and len(platform.created) == 1


def test_asking_twice_for_the_same_request_says_it_is_already_filed(platform):
    slots = {"aftersale_kind": "return", "order_id": "SC20261101001", "item_sku": "SC-HOODIE-01",
             "reason": "不喜欢", "confirm": True}
    said, _ = run(aftersale.ActionSubmitAftersale(), tracker("是的", "affirm", slots=slots))
    assert "已为您提交退货申请" in texts(said)
    said, _ = run(aftersale.ActionSubmitAftersale(), tracker("是的", "affirm", slots=slots))
    assert "已经提交过了" in texts(said) and "已为您提交" not in texts(said) and len(platform.created) == 1
    for _ in range(2):  # the 确认取消 button pressed twice
        said, _ = run(actions.ActionCancelOrder(), tracker(CONFIRM_CANCEL, "cancel_order",
                                                           entities={"order_id": "SC20261120003"}))
    assert "已经提交过了" in texts(said) and len(platform.created) == 2
    said, _ = run(actions.ActionCancelOrder(), tracker("再帮我取消一下SC20261120003", "cancel_order",
                                                       entities={"order_id": "SC20261120003"}))
    assert "已经提交过了" in texts(said) and "要取消这个订单吗" not in texts(said) and len(platform.created) == 2


def test_required_slots_depend_on_the_kind_of_request(platform):
    form = aftersale.ValidateAftersaleForm()
    for kind, wanted in (("damaged", "photo_ids"), ("exchange", "exchange_detail"), ("return", "reason")):
        slots = asyncio.run(form.required_slots([], CollectingDispatcher(),
                                                tracker(slots={"aftersale_kind": kind}), {}))
        assert wanted in slots and slots[0] == "order_id" and slots[-1] == "confirm"


def test_fallback_tells_the_platform(platform):
    said, _ = run(actions.ActionFallback(), tracker("asdfgh", "nlu_fallback"))
    assert {"fallback": True} in custom(said) and said[0]["buttons"]


def test_the_action_server_registers_every_action_the_domain_names():
    import os

    from rasa_sdk.executor import ActionExecutor
    executor = ActionExecutor()
    executor.register_package("actions")  # what `rasa run actions` does; abstract bases must be skipped
    domain = open(os.path.join(os.path.dirname(actions.__file__), "..", "domain.yml"), encoding="utf-8").read()
    named = {line.strip()[2:] for line in domain.split("\nactions:\n")[1].split("\n\n")[0].splitlines()}
    assert named <= set(executor.actions)


def test_starting_a_request_forgets_the_order_talked_about_before_but_checks_one_named_now(platform):
    _, events = run(aftersale.ActionStartAftersale(), tracker("我要退货", "return_request",
                                                             slots={"order_id": "SC20261101001"}))
    assert SlotSet("order_id", None) in events and SlotSet("aftersale_kind", "return") in events
    said, events = run(aftersale.ActionStartAftersale(), tracker("SC20261110004要退货", "return_request",
                                                                entities={"order_id": "SC20261110004"}))
    assert "没有找到订单" in texts(said) and SlotSet("order_id", "SC20261110004") not in events  # aqiang's
    _, events = run(aftersale.ActionStartAftersale(), tracker("SC20261101001要换货", "exchange_request",
                                                             entities={"order_id": "SC20261101001"}))
    assert events[-2:] == [SlotSet("order_id", "SC20261101001"), SlotSet("item_sku", "SC-HOODIE-01")]


def test_order_buttons_fit_without_cutting_a_word_and_product_facts_show_no_code(platform):
    two_items = next(o for o in platform.orders if o["id"] == "SC20261115002")
    [button] = actions.order_buttons([two_items], "track_order")
    assert button["title"] == "SC20261115002（已签收）：降噪蓝牙耳机 Air Pro 等 2 件"
    said, _ = run(actions.ActionProductInfo(), tracker("T恤", "product_inquiry", entities={"product": "T恤"}))
    assert "纯棉短袖T恤：¥79.00" in texts(said) and "SC-TEE-05" not in texts(said)
