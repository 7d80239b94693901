"""Single turns people get wrong answers to today: nicknames, a colour and a size together, 斤 and
foot length, two questions at once, the courier's phone, when the money arrives, a parcel that
stopped moving, a return written with a typo, cancelling only what can be cancelled."""
from __future__ import annotations

import pytest
from actions import actions, understand
from conftest import custom, run, texts, tracker
from rasa_sdk.events import SlotSet


def test_products_are_found_by_nickname_feature_and_category(platform):
    said, events = run(actions.ActionProductInfo(), tracker("小白鞋怎么样", "product_inquiry"))  # a shop alias
    assert "轻跑运动鞋" in texts(said) and SlotSet("product", "SC-SNEAKER-03") in events
    said, _ = run(actions.ActionProductInfo(), tracker("降噪的那款耳机怎么样", "product_inquiry"))
    assert "降噪蓝牙耳机" in texts(said)
    said, _ = run(actions.ActionProductInfo(), tracker("有连衣裙吗", "product_inquiry"))
    assert "碎花连衣裙" in texts(said)
    said, _ = run(actions.ActionProductInfo(), tracker("服装有哪些", "product_inquiry"))  # a category: asks which
    assert {b["title"] for b in said[0]["buttons"]} == {"加绒连帽卫衣", "纯棉短袖T恤", "碎花连衣裙"}


def test_an_unfound_name_never_stays_in_the_product_slot(platform):
    said, events = run(actions.ActionProductInfo(), tracker("沙发怎么样", "product_inquiry", entities={"product": "沙发"},
                                                            slots={"product": "SC-HOODIE-01"}))
    assert "没有找到“沙发”" in texts(said) and SlotSet("product", None) in events
    said, _ = run(actions.ActionPrice(), tracker("多少钱", "price_discount", slots={"product": None}))
    assert "没有找到" not in texts(said)
    said, _ = run(actions.ActionPrice(), tracker("多少钱", "price_discount", slots={"product": "SC-HOODIE-01"}))
    assert "加绒连帽卫衣：¥199.00" in texts(said)  # the product talked about before, found then


def test_stock_reads_the_colour_and_size_asked_not_the_sum(platform):
    said, _ = run(actions.ActionStockCheck(), tracker("卫衣灰的L码还有吗", "stock_check"))
    assert "灰色 L：暂时缺货" in texts(said)  # black L has 12: not added in
    said, _ = run(actions.ActionStockCheck(), tracker("卫衣M码有货吗", "stock_check"))
    assert "黑色 M 有货（15 件）" in texts(said) and "灰色 M 有货（6 件）" in texts(said)
    said, _ = run(actions.ActionStockCheck(), tracker("黑色的耳机有吗", "stock_check"))
    assert "黑色：暂时缺货" in texts(said)


@pytest.mark.parametrize("text,expected", [
    ("卫衣 1米7 120斤穿什么码", "170cm、60kg 建议选 M 码"),
    ("卫衣身高180 150斤", "180cm、75kg 建议选 XL 码"),
    ("卫衣 150斤", "75kg 建议选 L 码"),  # a weight in 斤 is never the height
    ("卫衣 175 65", "175cm、65kg 建议选 L 码"),
    ("卫衣 1.6米 50公斤", "160cm、50kg 建议选 S 码"),
])
def test_height_and_weight_every_way(platform, text, expected):
    said, _ = run(actions.ActionSizeAdvice(), tracker(text, "size_advice"))
    assert expected in texts(said)


def test_foot_length_picks_the_shoe_size(platform):
    said, _ = run(actions.ActionSizeAdvice(), tracker("运动鞋脚长25cm穿多大", "size_advice"))
    assert "脚长 250mm 建议选 40 码" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("跑步鞋 脚长 258mm", "size_advice"))
    assert "建议选 42 码" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("运动鞋穿多大", "size_advice"))
    assert "告诉我您的脚长" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("卫衣 脚长25cm", "size_advice"))
    assert "按身高体重选码" in texts(said)


@pytest.mark.parametrize("action,text,intent,answers", [
    (actions.ActionPrice, "卫衣多少钱，包邮吗", "price_discount", ("¥199.00", "满 99 包邮")),
    (actions.ActionPolicy, "包邮吗？卫衣黑色M有货吗", "shipping_info", ("满 99 包邮", "黑色 M：有货")),
    (actions.ActionStockCheck, "耳机有货吗，能开发票吗", "stock_check", ("白色（25件）", "可开电子发票")),
    (actions.ActionPolicy, "你们家是正品吗？能货到付款吗", "authenticity", ("正品保证", "支持花呗")),
    (actions.ActionPolicy, "支持花呗吗，几天能到", "payment_methods", ("支持花呗", "满 99 包邮")),
    (actions.ActionPolicy, "耳机是正品吗，保修多久", "authenticity", ("正品保证", "1 年保修")),
])
def test_two_questions_in_one_message_are_both_answered(platform, action, text, intent, answers):
    said, _ = run(action(), tracker(text, intent))
    assert all(answer in texts(said) for answer in answers), (text, texts(said))


def test_the_couriers_phone_is_the_orders_carrier_not_a_complaint(platform):
    said, _ = run(actions.ActionComplaint(), tracker("快递员电话多少", "complaint"))
    assert platform.created == [] and not any("handoff" in c for c in custom(said))
    assert "顺丰速运客服电话：95338" in texts(said) and "SF1402236617845" in texts(said)
    assert "138****5521" in texts(said)
    assert "最新物流" not in texts(said) and len(said) == 2  # the answer and the order's card, not the status again
    said, _ = run(actions.ActionComplaint(), tracker("快递员态度太差我要投诉", "complaint"))
    assert platform.created[0][1]["kind"] == "complaint"


def test_when_the_money_arrives_is_the_refund_not_shipping(platform):
    said, _ = run(actions.ActionPolicy(), tracker("钱什么时候到账", "shipping_info", customer="aqiang"))
    assert "退款中" in texts(said) and "满 99 包邮" not in texts(said)
    said, _ = run(actions.ActionPolicy(), tracker("运费多久到账", "shipping_info"))
    assert "满 99 包邮" in texts(said)


def test_a_parcel_that_stopped_moving_opens_a_follow_up(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("快递好几天没动了", "track_order"))
    [(kind, ticket)] = platform.created
    assert ticket["kind"] == "follow_up" and "SC20261101001" in ticket["summary"] and "SF1402236617845" in ticket["summary"]
    assert "已为您登记催件（工单 #TK000001）" in texts(said) and "顺丰速运 SF1402236617845" in texts(said)
    said, _ = run(actions.ActionFallback(), tracker("物流一直不更新怎么回事", "nlu_fallback"))
    assert "催件" in texts(said) and {"fallback": True} not in custom(said)
    said, _ = run(actions.ActionOrderStatus(), tracker("SC20261115002到哪了", "track_order"))
    assert len(platform.created) == 1  # the same parcel again is its open follow-up; a plain question opens nothing


def test_the_same_stuck_parcel_told_twice_is_one_follow_up(platform):
    run(actions.ActionOrderStatus(), tracker("快递好几天没动了", "track_order"))
    said, _ = run(actions.ActionOrderStatus(), tracker("物流一直停在广州，是不是丢件了", "track_order"))
    assert len(platform.created) == 1 and platform.created[0][1]["order_id"] == "SC20261101001"
    assert "已经登记催件了（工单 #TK000001）" in texts(said) and "已为您登记催件" not in texts(said)


def test_a_return_with_a_typo_does_not_run_as_a_cancel(platform):
    for typo in ("我要推货", "怎么退或", "想退贷"):
        said, _ = run(actions.ActionCancelOrder(), tracker(typo, "cancel_order"))
        assert "您是想退货吗" in texts(said) and platform.created == []
    assert understand.looks_like_return("推货") and not understand.looks_like_return("取消订单")


def test_cancel_offers_only_cancellable_orders_and_files_only_a_named_one(platform):
    said, _ = run(actions.ActionCancelOrder(), tracker("取消订单", "cancel_order"))
    assert platform.created == [] and "SC20261120003" in texts(said)  # the only unshipped one: asked, not filed
    assert [b["payload"] for b in said[0]["buttons"]][0] == '/cancel_order{"order_id":"SC20261120003"}'
    said, _ = run(actions.ActionCancelOrder(), tracker("那件T恤的订单不要了", "cancel_order"))
    assert platform.created == [] and "要取消这个订单吗" in texts(said) and "SC20261120003" in texts(said)
    said, _ = run(actions.ActionCancelOrder(), tracker('/cancel_order{"order_id":"SC20261120003"}', "cancel_order",
                                                       entities={"order_id": "SC20261120003"}))
    assert platform.created[0][1]["order_id"] == "SC20261120003"
    said, _ = run(actions.ActionCancelOrder(), tracker("取消订单", "cancel_order", customer="aqiang"))
    assert "没有可以取消的订单" in texts(said) and len(platform.created) == 1


@pytest.mark.parametrize("text,yes", [("确认", True), ("好的", True), ("对的", True), ("没问题", True), ("提交", True),
                                      ("确认提交", True), ("嗯嗯", True), ("L码", False), ("好的吧我再想想", False),
                                      ("不对", False), ("谢谢", False), ("是L码", False), ("可以换吗", False),
                                      ("嗯嗯 确认提交", True), ("好的，没问题，提交吧", True), ("对的 确认", True),
                                      ("不确认", False), ("确认吗", False), ("提交了吗", False), ("好的 等一下", False),
                                      ("吧", False), ("了", False), ("确认，不过颜色要白色", False), ("对 是M码", False),
                                      # the casual yes and a courtesy beside one; a courtesy alone is none
                                      ("好嘞", True), ("嗯呢 没问题的", True), ("确认的", True), ("好的 麻烦了", True),
                                      ("确认，谢谢", True), ("对头", True), ("没毛病", True), ("ok的", True),
                                      ("谢谢", False), ("麻烦了", False), ("好的，那运费谁出呀", False),
                                      ("不要的", False), ("好嘞 我再看看", False), ("你好", False),
                                      ("那就提交吧", True), ("行，就按这个来", True), ("确认，麻烦尽快处理", True),
                                      ("就这样吧 谢谢", True), ("那就不提交了", False), ("就这样算了", False),
                                      ("确认下", True), ("好的下次", False)])
def test_what_counts_as_a_yes(text, yes):
    assert understand.is_yes(text) is yes


def test_naming_the_latest_order_without_asking_to_cancel_files_nothing(platform):
    said, _ = run(actions.ActionCancelOrder(), tracker("最新的订单", "cancel_order"))  # the NLU may hear a cancel
    assert platform.created == [] and "要取消这个订单吗" in texts(said)
    said, _ = run(actions.ActionCancelOrder(), tracker("把最新的订单取消", "cancel_order"))
    assert platform.created == [] and "要取消这个订单吗" in texts(said) and "SC20261120003" in texts(said)


def asked(text: str, intent: str, before_action: str, before_text: str, **kw):
    """The tracker for `text` when the previous message was answered by `before_action`."""
    earlier = [{"event": "user", "text": before_text}, {"event": "action", "name": before_action},
               {"event": "bot", "text": "…"}, {"event": "action", "name": "action_listen"}]
    return tracker(text, intent, before=earlier, **kw)


def test_a_follow_up_about_another_product_is_the_same_question_for_it(platform):
    body = {"height": "170cm", "weight": "60kg"}
    track = asked("那T恤呢", "track_order", "action_size_advice", "我身高170，体重120斤，卫衣穿什么码", slots=body)
    said, events = run(actions.ActionOrderStatus(), track)
    assert "建议选" in texts(said) and "订单" not in texts(said)
    assert {"event": "slot", "timestamp": None, "name": "product", "value": "SC-TEE-05"} in events
    # not after a product answer, or not a product: the action answers as it would
    said, _ = run(actions.ActionOrderStatus(), asked("那T恤呢", "track_order", "action_order_status", "我的订单呢"))
    assert "订单" in texts(said)
    said, _ = run(actions.ActionOrderStatus(), asked("那快递呢", "track_order", "action_size_advice", "卫衣穿什么码"))
    assert "建议选" not in texts(said)


def test_size_advice_for_someone_else_keeps_the_product_talked_about(platform):
    said, _ = run(actions.ActionSizeAdvice(), tracker("我老婆脚长26.3厘米呢", "size_advice",
                                                      slots={"product": "SC-SNEAKER-03"}))
    assert "没有找到" not in texts(said) and "建议选" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("我老婆穿什么码", "size_advice"))  # nothing talked about
    assert "请问您想了解哪一件" in texts(said)


@pytest.mark.parametrize("text,sold", [("你们有保温杯吗", "保温杯"), ("有没有卖雨伞的", "雨伞"), ("卖不卖充电宝", "充电宝"),
                                       ("你们有没有良心", None), ("有人吗", None), ("我要投诉 你们有客服吗", None),
                                       ("东西坏了", None)])
def test_asking_whether_the_shop_sells_a_thing(text, sold):
    assert understand.asks_if_sold(text) == sold


def test_asking_whether_the_shop_sells_a_thing_is_no_complaint(platform):
    said, _ = run(actions.ActionComplaint(), tracker("你们有保温杯吗", "complaint"))
    assert platform.created == [] and "本店暂时没有“保温杯”" in texts(said) and not custom(said)
    said, _ = run(actions.ActionComplaint(), tracker("你们有没有良心", "complaint"))
    assert platform.created[0][0] == "ticket" and custom(said)[0]["handoff"]["reason"] == "complaint"


@pytest.mark.parametrize("text,stalled", [("物流一直停在广州，是不是丢件了", True), ("包裹一直停留在转运中心", True), ("快递一直在派送中吗", False),
                                          ("快递是不是寄丢了", True), ("催一下", True), ("麻烦催下", True), ("帮我催催快递", True),
                                          ("快递到哪了", False), ("我不催你", False), ("停在门口就行", False),
                                          ("我在广州", False)])
def test_what_counts_as_a_parcel_that_stopped_moving(text, stalled):
    assert understand.says_logistics_stalled(text) is stalled


@pytest.mark.parametrize("text,rank", [("上上个订单呢", 1), ("上上一单到哪了", 1), ("上上上个订单", 2), ("倒数第二个订单", 1),
                                       ("上个订单", None), ("最新的订单", None), ("上上周买的", None)])
def test_counting_back_from_the_newest_order(text, rank):
    assert understand.earlier_order_rank(text) == rank


def test_the_order_before_the_newest_is_picked_by_counting_back(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("上上个订单呢", "track_order"))
    assert "订单 SC20261101001" in texts(said) and "SC20261120003" not in texts(said)
    said, _ = run(actions.ActionOrderStatus(), tracker("上上上上个订单呢", "track_order"))  # there are only three
    assert "您想查哪个订单" in texts(said)


def test_a_message_not_understood_whose_questions_are_plain_gets_them_answered(platform):
    said, events = run(actions.ActionFallback(), tracker("耳机是正品吗，保修多久", "nlu_fallback"))
    assert "正品" in texts(said) and "1 年保修" in texts(said) and {"fallback": True} not in custom(said)
    said, events = run(actions.ActionFallback(), tracker("卫衣多少钱 包邮吗", "nlu_fallback"))
    assert "199" in texts(said) and "满 99 包邮" in texts(said)
    assert {"event": "slot", "timestamp": None, "name": "product", "value": "SC-HOODIE-01"} in events
    # a product question about nothing that is found, or no known question at all: not understood
    for text in ("保温杯多少钱", "今天天气怎么样"):
        said, _ = run(actions.ActionFallback(), tracker(text, "nlu_fallback"))
        assert {"fallback": True} in custom(said) and "没太明白" in texts(said), text


def test_the_agent_is_told_the_forms_answers_only_while_it_runs(platform):
    from actions.context import understood
    slots = {"aftersale_kind": "return", "order_id": "SC20261115002", "item_sku": None, "product": "SC-TEE-05",
             "size": "L", "reason": None}
    assert understood(tracker("转人工", "human_handoff", slots=slots))["slots"] == {
        "order_id": "SC20261115002", "product": "SC-TEE-05", "size": "L"}  # no finished request's kind
    inside = understood(tracker("转人工", "human_handoff", slots={**slots, "requested_slot": "item_sku"},
                                active_loop="aftersale_form"))
    assert inside["slots"] == {"aftersale_kind": "return", "order_id": "SC20261115002"}
    assert (inside["form"], inside["requested_slot"]) == ("aftersale_form", "item_sku")


@pytest.mark.parametrize("text,timing", [("退款要多久", True), ("退款大概多久能到账啊", True), ("退货的话退款要几天", True),
                                         ("钱什么时候退", True), ("退款进度", False), ("运费多久退", False),
                                         ("多久发货", False)])
def test_how_long_a_refund_takes_is_read_every_way(text, timing):
    assert understand.asks_refund_timing(text) is timing


@pytest.mark.parametrize("text,asks", [("刚才那个提交成功了吗？没成功的话帮我再提交一次", True), ("申请上了没", True),
                                       ("退货申请成功了吗", True), ("提交了吗", True), ("我要申请退货", False),
                                       ("确认提交", False), ("提交吧", False), ("提交上了吧？没有的话再帮我提交", True),
                                       ("好的提交吧", False)])
def test_whether_a_request_went_through(text, asks):
    assert understand.asks_if_filed(text) is asks


def test_when_a_refund_comes_back_is_said_with_or_without_a_request(platform):
    said, _ = run(actions.ActionRefundStatus(), tracker("退款一般多久到账", "refund_status", customer="lily"))
    assert "没有退款" in texts(said) and "1-3 个工作日" in texts(said)
    said, _ = run(actions.ActionRefundStatus(), tracker("退款进度", "refund_status", customer="lily"))
    assert "工作日" not in texts(said)  # not asked how long: only that there is none


def test_did_it_go_through_says_the_request_is_filed_and_files_nothing(platform):
    said, _ = run(actions.ActionRefundStatus(), tracker("提交成功了吗？没成功再帮我提交一次", "refund_status",
                                                        customer="aqiang"))
    assert "已经提交成功" in texts(said) and "A1" in texts(said) and platform.created == []
    said, _ = run(actions.ActionFallback(), tracker("申请上了没", "nlu_fallback", customer="aqiang"))  # not understood
    assert "已经提交成功" in texts(said) and not custom(said) and platform.created == []


@pytest.mark.parametrize("text", ["轻跑运动鞋脚长252mm，脚比较宽，穿几码", "轻跑运动鞋我脚背高，脚长25.2cm"])
def test_wide_feet_or_a_high_instep_go_a_size_up(platform, text):
    said, _ = run(actions.ActionSizeAdvice(), tracker(text, "size_advice"))
    assert "建议选大一码 42 码" in texts(said) and "41 码" in texts(said)


def test_wide_feet_said_before_the_foot_length_and_at_the_largest_size(platform):
    before = [{"event": "user", "text": "运动鞋我脚比较宽"}, {"event": "action", "name": "action_size_advice"}]
    said, _ = run(actions.ActionSizeAdvice(), tracker("脚长252mm", "size_advice", slots={"product": "SC-SNEAKER-03"},
                                                      before=before))
    assert "建议选大一码 42 码" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("运动鞋脚长264mm，脚宽", "size_advice"))
    assert "建议选 43 码" in texts(said) and "最大" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("运动鞋脚长252mm穿几码", "size_advice"))  # not wide: the chart
    assert "建议选 41 码" in texts(said) and "大一码" not in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("卫衣 170 60kg，我脚宽", "size_advice"))  # clothes: no foot
    assert "建议选 M 码" in texts(said)


def test_a_question_without_a_name_is_about_the_product_talked_about(platform):
    serum = {"product": "SC-SERUM-04"}
    said, _ = run(actions.ActionProductInfo(), tracker("开封了能放多久", "product_inquiry", slots=serum))
    assert "6 个月" in texts(said) and "没有找到" not in texts(said)
    said, _ = run(actions.ActionPrice(), tracker("现在买多少钱", "price_discount", slots=serum))
    assert "129" in texts(said) and "没有找到" not in texts(said)
    # a thing the shop does not sell, asked with a product talked about: not that product's answer
    said, _ = run(actions.ActionPrice(), tracker("袜子多少钱", "price_discount", slots=serum))
    assert "129" not in texts(said) and "没有找到“袜子”" in texts(said)
    said, _ = run(actions.ActionProductInfo(), tracker("你们有保温杯吗", "product_inquiry", slots=serum))
    assert "保温杯" in texts(said) and "6 个月" not in texts(said)
    said, _ = run(actions.ActionProductInfo(), tracker("开封了能放多久", "product_inquiry"))  # nothing talked about
    assert "6 个月" not in texts(said)


def test_another_colour_and_size_of_the_product_talked_about(platform):
    shoes = {"product": "SC-SNEAKER-03"}
    track = asked("那白色40呢", "track_order", "action_stock_check", "黑色43还有吗", slots=shoes)
    said, _ = run(actions.ActionOrderStatus(), track)
    assert "有货" in texts(said) and "订单" not in texts(said)
    track = asked("白色呢", "nlu_fallback", "action_stock_check", "运动鞋黑色42有吗", slots=shoes)
    said, _ = run(actions.ActionFallback(), track)
    assert "白色" in texts(said) and not custom(said)  # answered, not "没太明白"
    said, _ = run(actions.ActionFallback(), tracker("白色呢", "nlu_fallback", slots=shoes))  # nothing asked before
    assert custom(said) == [{"fallback": True}]


def test_promotions_are_not_a_product_name(platform):
    for text in ("有新人优惠吗", "有没有coupon", "新人券怎么用"):
        said, _ = run(actions.ActionPrice(), tracker(text, "price_discount"))
        assert "满 199 减 20" in texts(said) and "没有找到" not in texts(said), text
    said, _ = run(actions.ActionPrice(), tracker("卫衣有新人优惠吗", "price_discount"))  # a product named beside it
    assert "199" in texts(said) and "加绒连帽卫衣" in texts(said)
    said, _ = run(actions.ActionPrice(), tracker("有新人优惠吗", "price_discount", slots={"product": "SC-SERUM-04"}))
    assert "129" in texts(said) and "满 199 减 20" in texts(said)  # the product talked about, with the promotions


def test_a_latin_name_written_without_its_spaces(platform):
    said, _ = run(actions.ActionProductInfo(), tracker("airpro续航多久", "product_inquiry"))
    assert "8 小时" in texts(said) and "没有找到" not in texts(said)


def test_a_question_about_postage_back_is_the_returns_policy(platform):
    said, _ = run(actions.ActionPolicy(), tracker("好的，那寄回的运费谁出呀", "shipping_info"))
    assert "7 天无理由退货" in texts(said) and "满 99 包邮" not in texts(said)
    said, _ = run(actions.ActionPolicy(), tracker("运费多少", "shipping_info"))
    assert "满 99 包邮" in texts(said)


def test_a_shoe_size_before_a_question_word_is_read(platform):
    assert understand.sizes("那白色40呢") == ["40"] and understand.sizes("黑色43还有吗") == ["43"]
    assert understand.sizes("SC20261101001呢") == []


def test_whether_the_shop_sells_a_thing_is_answered_when_the_nlu_is_not_sure(platform):
    said, _ = run(actions.ActionFallback(), tracker("你们有保温杯吗", "nlu_fallback"))
    assert "本店暂时没有“保温杯”" in texts(said) and not custom(said)


def after_cancel_question(text: str, order_id: str = "SC20261120003"):
    """The tracker for `text` typed right after the cancel question (确认取消 / 不取消了 buttons)."""
    buttons = [{"title": "确认取消", "payload": f'/cancel_order{{"order_id":"{order_id}"}}'},
               {"title": "不取消了", "payload": "/deny"}]
    earlier = [{"event": "user", "text": "我想取消订单"}, {"event": "action", "name": "action_cancel_order"},
               {"event": "bot", "text": "要取消这个订单吗？", "data": {"buttons": buttons}},
               {"event": "action", "name": "action_listen"}]
    return tracker(text, "affirm", before=earlier)


def test_a_typed_yes_to_the_cancel_question_is_its_button(platform):
    said, _ = run(actions.ActionAffirm(), after_cancel_question("是的"))
    assert "已为您提交订单 SC20261120003 的取消申请" in texts(said)
    assert [made["order_id"] for kind, made in platform.created] == ["SC20261120003"]


@pytest.mark.parametrize("text", ["好的我再想想", "谢谢", "嗯……等下"])
def test_anything_but_a_plain_yes_to_the_cancel_question_cancels_nothing(platform, text):
    said, _ = run(actions.ActionAffirm(), after_cancel_question(text))
    assert platform.created == [] and said[0].get("response") == "utter_anything_else"


def test_a_yes_with_no_question_before_it_files_nothing(platform):
    said, _ = run(actions.ActionAffirm(), tracker("好的", "affirm"))
    assert platform.created == [] and said[0].get("response") == "utter_anything_else"
    # someone else's order in a button payload is refused as a made-up one
    said, _ = run(actions.ActionAffirm(), after_cancel_question("确认", "SC20261110004"))
    assert platform.created == [] and "没有找到订单" in texts(said)


@pytest.mark.parametrize("text,size", [("平时穿42，脚宽", "42"), ("我一般穿41码", "41"), ("我穿42码的", "42"),
                                       ("平时穿140斤", None), ("脚长252", None)])
def test_the_shoe_size_usually_worn(text, size):
    assert understand.usual_shoe_size(text) == size


def test_wide_feet_with_the_size_usually_worn(platform):
    shoes = {"product": "SC-SNEAKER-03"}
    said, _ = run(actions.ActionSizeAdvice(), tracker("平时穿42码，脚比较宽", "size_advice", slots=shoes))
    assert "建议选大一码 43 码" in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("我平时穿41", "size_advice", slots=shoes))
    assert "建议选 41 码" in texts(said) and "大一码" not in texts(said)
    said, _ = run(actions.ActionSizeAdvice(), tracker("脚宽穿几码", "size_advice", slots=shoes))  # no length, no size
    assert "大半码到一码" in texts(said) and "脚长" in texts(said)


def greeted_naming(product: str):
    """The events of a message that named a product and was only greeted ("你好 想看看跑鞋")."""
    return [{"event": "user", "text": f"你好 想看看{product}",
             "parse_data": {"intent": {"name": "greet"}, "entities": [{"entity": "product", "value": product}]}},
            {"event": "action", "name": "utter_greet"}, {"event": "action", "name": "action_listen"}]


def test_a_product_named_in_a_message_nothing_answered_is_the_one_talked_about(platform):
    said, _ = run(actions.ActionPrice(), tracker("多少钱", "price_discount", before=greeted_naming("运动鞋")))
    assert "359" in texts(said)
    said, events = run(actions.ActionStockCheck(), tracker("黑色43还有吗", "stock_check", before=greeted_naming("运动鞋")))
    assert "有货" in texts(said) and {"event": "slot", "timestamp": None, "name": "product",
                                      "value": "SC-SNEAKER-03"} in events
    # a name the catalogue does not know as one product is not taken for one
    said, _ = run(actions.ActionPrice(), tracker("多少钱", "price_discount", before=greeted_naming("保温杯")))
    assert "¥" not in texts(said)
