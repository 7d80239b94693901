"""Multi-turn after-sales conversations through the form, as shoppers type them, against the fake
platform: what gets filed is exactly what the customer confirmed, and nothing otherwise."""
from __future__ import annotations

from actions import actions, understand
from conftest import FormTalk, custom, run, texts, tracker


def filed(platform) -> list[dict]:
    return [made for kind, made in platform.created if kind == "aftersale"]


def hoodie_return(*answers: str) -> FormTalk:
    """A return of xiaomei's hoodie order (SC20261101001) under way: the form started, the order given, then
    each of `answers` said."""
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261101001")
    for answer in answers:
        talk.say(answer)
    return talk


def test_only_the_button_or_a_plain_yes_confirms(platform):
    talk = hoodie_return("尺码太大了")
    assert talk.asking == "confirm"
    for not_a_yes in ("谢谢", "嗯……我再想想", "L码", "你们几点下班", "是不是要寄回去"):
        said = talk.say(not_a_yes)
        assert filed(platform) == [] and (talk.rejected or talk.asking == "confirm"), not_a_yes
    said = talk.say("/affirm", "affirm")
    assert "已为您提交退货申请" in texts(said)
    assert filed(platform) == [{"customer": "xiaomei", "kind": "return", "order_id": "SC20261101001",
                                "sku": "SC-HOODIE-01", "reason": "尺码太大了", "description": "", "exchange_detail": ""}]


def test_small_talk_at_the_confirm_step_asks_again_and_files_nothing(platform):
    talk = hoodie_return("不喜欢")
    said = talk.say("哈哈好吧我看看", "greet")
    assert "还没有提交" in texts(said) and "请确认以下信息" in texts(said) and filed(platform) == []
    said = talk.say("确认")
    assert "已为您提交退货申请" in texts(said) and len(filed(platform)) == 1


def test_a_typed_slash_affirm_is_not_the_button(platform):
    talk = hoodie_return("不喜欢")
    talk.say("\u200b/affirm")  # how the platform sends typed "/" text: words, not the payload
    assert filed(platform) == [] and talk.asking == "confirm"


def test_a_correction_at_the_confirm_step_changes_that_slot_and_shows_the_confirmation_again(platform):
    talk = FormTalk()
    talk.start("我要换货", "exchange_request")
    talk.say("SC20261101001")
    assert talk.asking == "exchange_detail"
    talk.say("换L码")
    assert talk.slots["exchange_detail"] == "换成 黑色 L"
    talk.say("小了")
    assert talk.asking == "confirm"
    said = talk.say("不对，还是换白色L吧")
    assert talk.slots["exchange_detail"] == "换成 白色 L" and talk.asking == "confirm"
    assert "换成：白色 L" in texts(said) and "换成：换成" not in texts(said) and filed(platform) == []
    said = talk.say("原因写错了，原因是想要浅一点的颜色")
    assert talk.slots["reason"] == "想要浅一点的颜色" and talk.asking == "confirm"
    talk.say("确认提交")
    [made] = filed(platform)
    assert (made["kind"], made["exchange_detail"], made["reason"]) == ("exchange", "换成 白色 L", "想要浅一点的颜色")


def test_a_new_order_number_at_a_later_step_replaces_the_order_and_its_item(platform):
    talk = hoodie_return()
    assert talk.slots["item_sku"] == "SC-HOODIE-01" and talk.asking == "reason"
    said = talk.say("不对，订单号是 sc2026 1115 002")
    assert talk.slots["order_id"] == "SC20261115002" and talk.slots["item_sku"] is None
    assert talk.asking == "item_sku" and "是订单里的哪件商品" in texts(said)
    talk.say("精华液")
    assert talk.slots["item_sku"] == "SC-SERUM-04" and talk.asking == "reason"
    talk.say("过敏")
    said = talk.say("不是精华液，是耳机")
    assert talk.slots["item_sku"] == "SC-EARBUDS-02" and talk.slots["reason"] == "过敏" and talk.asking == "confirm"
    talk.say("好的")
    assert [(m["order_id"], m["sku"]) for m in filed(platform)] == [("SC20261115002", "SC-EARBUDS-02")]


def test_another_order_named_by_its_item_at_a_later_step_replaces_the_order(platform):
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("卫衣那个订单")
    assert talk.slots["order_id"] == "SC20261101001" and talk.asking == "reason"
    talk.say("不是这单，是耳机那单")
    assert talk.slots["order_id"] == "SC20261115002" and talk.slots["item_sku"] == "SC-EARBUDS-02"
    assert talk.asking == "reason" and filed(platform) == []
    talk.say("不对")  # a correction naming nothing keeps the order
    assert talk.slots["order_id"] == "SC20261115002"


def test_a_yes_where_a_reason_is_asked_is_no_reason(platform):
    talk = hoodie_return()
    assert talk.asking == "reason"
    said = talk.say("确认提交")
    assert talk.slots.get("reason") is None and talk.asking == "reason" and "请简单说一下原因" in texts(said)
    talk.say("洗了一次就起球")
    assert talk.slots["reason"] == "洗了一次就起球" and talk.asking == "confirm" and filed(platform) == []


def test_order_numbers_written_every_way_are_read(platform):
    for written in ("ＳＣ２０２６１１０１００１", "sc20261101001", "SC 2026 1101 001", "SC-20261101-001"):
        talk = FormTalk()
        talk.start("我要退货")
        talk.say(f"订单号{written}")
        assert talk.slots["order_id"] == "SC20261101001", written
    said, _ = run(actions.ActionOrderStatus(), tracker("ｓｃ２０２６１１０１００１到哪了", "track_order"))
    assert "订单 SC20261101001：已发货" in texts(said)
    assert understand.order_ids("不是SC20261101001，是SC 20261115002") == ["SC20261101001", "SC20261115002"]


def test_the_latest_order_and_an_items_name_pick_the_order(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("我最新的订单到哪了", "track_order"))
    assert "订单 SC20261120003" in texts(said)  # the newest of all
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("最新的那个订单")  # the newest one that can be returned
    assert talk.slots["order_id"] == "SC20261101001"
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("买耳机的那个订单")
    assert (talk.slots["order_id"], talk.slots["item_sku"]) == ("SC20261115002", "SC-EARBUDS-02")
    said, _ = run(actions.ActionOrderStatus(), tracker("那件T恤的订单到哪了", "track_order"))
    assert "订单 SC20261120003" in texts(said)


def test_an_out_of_stock_exchange_is_refused_with_what_is_in_stock(platform):
    talk = FormTalk()
    talk.start("卫衣想换货", "exchange_request")
    talk.say("SC20261101001")
    said = talk.say("换XL")  # black XL: 0 in stock
    assert "黑色 XL 暂时缺货" in texts(said) and "黑色 L" in texts(said) and talk.asking == "exchange_detail"
    said = talk.say("那换灰色L")  # grey L: 0 too
    assert "灰色 L 暂时缺货" in texts(said) and talk.slots["exchange_detail"] is None
    talk.say("黑色L码")
    assert talk.slots["exchange_detail"] == "换成 黑色 L"
    talk.say("大了")
    talk.say("确认")
    assert filed(platform)[0]["exchange_detail"] == "换成 黑色 L"


def test_the_platform_refusing_an_out_of_stock_exchange_is_said_plainly(platform):
    talk = FormTalk()
    talk.start("我要换货", "exchange_request")
    talk.say("SC20261101001")
    talk.say("换大一号")  # M -> L
    assert talk.slots["exchange_detail"] == "换成 黑色 L"
    talk.say("小了")
    platform.refuse = '{"error": {"code": "out_of_stock"}}'
    said = talk.say("确认")
    assert "被抢光了" in texts(said) and filed(platform) == [] and not talk.active


def test_stopping_cancels_at_any_step_and_files_nothing(platform):
    for steps in ([], ["SC20261101001"], ["SC20261101001", "不喜欢"]):
        talk = FormTalk()
        talk.start("我要退货")
        for step in steps:
            talk.say(step)
        said = talk.say("算了不要了")
        assert [m.get("response") for m in said] == ["utter_aftersale_cancelled"]
        assert not talk.active and filed(platform) == []


def test_a_customer_without_shipped_orders_is_told_so_and_not_kept_in_the_form(platform):
    talk = FormTalk(customer="nobody")
    said = talk.start("我要退货")
    assert "还没有订单" in texts(said) and not talk.active and "哪个订单" not in texts(said)
    platform.orders.append({**platform.orders[2], "id": "SC20261125009", "customer_id": "newbie"})  # paid only
    talk = FormTalk(customer="newbie")
    said = talk.start("我要退货")
    assert "都还没有发货" in texts(said) and not talk.active and filed(platform) == []


def test_a_question_in_the_middle_of_the_form_is_left_to_the_rules(platform):
    talk = hoodie_return()
    talk.say("卫衣退货运费谁出？", "shipping_info")
    assert talk.rejected and talk.asking == "reason"
    talk.say("转人工", "human_handoff")
    assert talk.rejected
    said = talk.say("退货运费谁出", "return_request")  # a question the NLU took for a new return
    assert "签收后 7 天无理由退货" in texts(said) and talk.slots["reason"] is None and talk.asking == "reason"
    talk.say("尺码偏大", "size_advice")  # an answer to "why", even if the NLU heard a size question
    assert talk.slots["reason"] == "尺码偏大" and talk.asking == "confirm"
    talk.say("我的快递到哪了？", "track_order")
    assert talk.rejected and talk.asking == "confirm"
    said = talk.say("哈哈好吧我看看", "track_order")  # not a question, not a yes
    assert not talk.rejected and "还没有提交" in texts(said) and filed(platform) == []


def test_switching_from_return_to_exchange_keeps_the_order(platform):
    talk = hoodie_return()
    said = talk.say("还是换货吧", "exchange_request")
    assert "改为申请换货" in texts(said) and talk.slots["aftersale_kind"] == "exchange"
    assert talk.slots["order_id"] == "SC20261101001" and talk.asking == "exchange_detail"


def test_asking_twice_through_the_form_files_once(platform):
    for _ in range(2):
        talk = hoodie_return("不喜欢")
        said = talk.say("确认")
    assert "已经提交过了" in texts(said) and len(filed(platform)) == 1


def test_a_hand_off_in_the_form_tells_the_agent_what_was_understood(platform):
    slots = {"aftersale_kind": "exchange", "order_id": "SC20261101001", "item_sku": "SC-HOODIE-01",
             "requested_slot": "exchange_detail", "reason": None}
    said, _ = run(actions.ActionHandoff(), tracker("转人工", "human_handoff", slots=slots, active_loop="aftersale_form"))
    understood = custom(said)[0]["handoff"]["understood"]
    assert understood == {"intent": "human_handoff", "form": "aftersale_form", "requested_slot": "exchange_detail",
                          "slots": {"aftersale_kind": "exchange", "order_id": "SC20261101001",
                                    "item_sku": "SC-HOODIE-01"}}


def test_a_hand_off_after_the_rule_ended_the_form_still_says_where_it_was(platform):
    from rasa_sdk import Tracker
    metadata = {"customer_id": "xiaomei", "conversation_id": "c1", "signature": "sig"}
    events = [{"event": "active_loop", "name": "aftersale_form"},
              {"event": "slot", "name": "requested_slot", "value": "reason"},
              {"event": "user", "text": "转人工", "metadata": metadata},
              {"event": "active_loop", "name": None}, {"event": "slot", "name": "requested_slot", "value": None}]
    latest = {"text": "转人工", "intent": {"name": "human_handoff"}, "entities": [], "metadata": metadata}
    track = Tracker("c1", {"aftersale_kind": "return", "order_id": "SC20261101001", "item_sku": "SC-HOODIE-01"},
                    latest, events, False, None, {}, "action_deactivate_loop")
    said, _ = run(actions.ActionHandoff(), track)
    understood = custom(said)[0]["handoff"]["understood"]
    assert (understood["form"], understood["requested_slot"]) == ("aftersale_form", "reason")
    assert understood["slots"]["order_id"] == "SC20261101001"


def test_a_reason_that_mentions_a_recent_purchase_does_not_switch_the_order(platform):
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261115002")
    talk.say("耳机")
    talk.say("最近买的这个音质不好")
    assert (talk.slots["order_id"], talk.slots["item_sku"]) == ("SC20261115002", "SC-EARBUDS-02")
    assert talk.slots["reason"] == "最近买的这个音质不好" and talk.asking == "confirm"


def test_after_a_rule_answered_a_question_the_form_only_asks_again(platform):
    import asyncio

    from actions import aftersale
    from conftest import form_tracker
    from rasa_sdk.executor import CollectingDispatcher
    slots = {"aftersale_kind": "return", "requested_slot": "order_id"}
    track = form_tracker("SC20261101001的运费谁出？", "shipping_info", slots=slots, after="action_policy")
    assert aftersale.moment(track) == "resume"
    events = asyncio.run(aftersale.ValidateAftersaleForm().run(CollectingDispatcher(), track, {}))
    assert {e["name"]: e["value"] for e in events} == {"aftersale_kind": "return", "requested_slot": "order_id"}
    assert aftersale.moment(form_tracker("SC20261101001", slots=slots)) == "answer"
    assert aftersale.moment(form_tracker("我要退货", slots={}, after="action_start_aftersale")) == "start"


def test_a_question_naming_a_kind_does_not_switch_and_a_wanted_size_turns_a_return_into_an_exchange(platform):
    talk = FormTalk()
    talk.start("我要换货", "exchange_request")
    talk.say("sc 2026 1101 001")
    said = talk.say("退货运费谁出？", "return_request")
    assert talk.slots["aftersale_kind"] == "exchange" and "签收后 7 天无理由退货" in texts(said)
    assert talk.asking == "exchange_detail"
    talk = hoodie_return("大了")
    assert talk.asking == "confirm"
    said = talk.say("不对，还是换白色L吧", "exchange_request")
    assert talk.slots["aftersale_kind"] == "exchange" and talk.slots["exchange_detail"] == "换成 白色 L"
    assert talk.slots["reason"] == "大了" and talk.asking == "confirm" and "类型：换货" in texts(said)
    talk.say("确认")
    assert [(m["kind"], m["exchange_detail"]) for m in filed(platform)] == [("exchange", "换成 白色 L")]


def test_a_pressed_order_button_of_a_two_item_order_asks_which_item(platform, monkeypatch):
    """A button's text is its payload: its pieces ('order', 'id' …) are not words the catalogue is searched
    for. The real search is fuzzier than the fake's, so here it answers the earbuds to any query."""
    every_query = actions.client.products

    async def fuzzy(query, limit=5):
        return (await every_query("耳机", limit)) if query.strip() else []
    monkeypatch.setattr(actions.client, "products", fuzzy)
    talk = FormTalk()
    talk.start("我要退货")
    said = talk.say('/track_order{"order_id":"SC20261115002"}', "track_order", {"order_id": "SC20261115002"})
    assert talk.slots["order_id"] == "SC20261115002" and talk.slots["item_sku"] is None
    assert talk.asking == "item_sku" and "是订单里的哪件商品" in texts(said)
    said = talk.say('/return_request{"item_sku":"SC-EARBUDS-02"}', "return_request", {"item_sku": "SC-EARBUDS-02"})
    assert talk.slots["item_sku"] == "SC-EARBUDS-02" and talk.asking == "reason"


def test_an_item_named_beside_the_order_number_in_the_first_message_is_taken(platform):
    talk = FormTalk()
    said = talk.start("SC20261115002 的耳机我要退货", entities={"order_id": "SC20261115002", "product": "耳机"})
    assert (talk.slots["order_id"], talk.slots["item_sku"]) == ("SC20261115002", "SC-EARBUDS-02")
    assert talk.asking == "reason" and "哪件商品" not in texts(said)
    talk = FormTalk()
    talk.start("SC20261115002 我要退货", entities={"order_id": "SC20261115002"})
    assert talk.slots["item_sku"] is None and talk.asking == "item_sku"


def test_an_item_with_a_request_being_handled_is_said_at_once_and_nothing_more_is_asked(platform):
    for opening, entities in (("鞋子要退 单号SC-20261110004", {"order_id": "SC20261110004"}), ("那双鞋我要退货", {"product": "鞋"})):
        talk = FormTalk("aqiang")
        said = talk.start(opening, entities=entities)
        assert "已经有一个退货申请在处理中（售后单 #A1，退款中）" in texts(said), opening
        assert talk.asking is None and "原因" not in texts(said) and platform.created == []
    talk = FormTalk("aqiang")
    talk.start("我想换货", "exchange_request")  # an exchange of the same item: the same answer, the form ends
    said = talk.say("SC20261110004")
    assert "处理中" in texts(said) and talk.asking is None and platform.created == []


def test_a_reason_given_with_the_request_is_not_asked_again(platform):
    talk = FormTalk()
    said = talk.start("耳机有杂音 想退", entities={"product": "耳机"})
    assert (talk.slots["order_id"], talk.slots["item_sku"]) == ("SC20261115002", "SC-EARBUDS-02")
    assert talk.slots["reason"] == "耳机有杂音" and talk.asking == "confirm" and "原因" not in texts(said).split("请确认")[0]
    talk.say("确认")
    assert [(m["sku"], m["reason"]) for m in filed(platform)] == [("SC-EARBUDS-02", "耳机有杂音")]
    # no reason in it (or only a question): asked as before
    for opening in ("我要退货", "耳机坏了能退吗"):
        talk = FormTalk()
        talk.start(opening)
        assert talk.slots.get("reason") is None, opening


def test_a_kinds_own_button_pressed_in_the_form_switches_to_that_kind(platform):
    talk = FormTalk()
    talk.start("我想换货", "exchange_request")
    talk.say("SC20261101001")
    said = talk.say("/return_request", "return_request")  # a 申请退货 button (or 退货 of 退货还是换货)
    assert "改为申请退货" in texts(said) and talk.slots["aftersale_kind"] == "return" and talk.asking == "reason"
    # an item button carries the form's own kind: nothing switches
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261115002")
    talk.say('/return_request{"item_sku":"SC-SERUM-04"}', "return_request", {"item_sku": "SC-SERUM-04"})
    assert talk.slots["aftersale_kind"] == "return" and talk.slots["item_sku"] == "SC-SERUM-04"


EITHER = '/return_request{"aftersale_kind":"return_or_exchange"}'  # the greeting's and the fallback's 退换货


def buttons(said) -> list[tuple[str, str]]:
    return [(b["title"], b["payload"]) for m in said for b in m.get("buttons") or []]


def test_the_returns_and_exchanges_button_asks_which_first(platform):
    talk = FormTalk()
    said = talk.start(EITHER, entities={"aftersale_kind": "return_or_exchange"})
    assert talk.asking == "aftersale_kind" and talk.slots["aftersale_kind"] is None
    assert "退货" in texts(said) and "换货" in texts(said) and "还是" in texts(said)
    assert buttons(said) == [("退货", "/return_request"), ("换货", "/exchange_request")]
    said = talk.say("/exchange_request", "exchange_request")  # 换货 pressed
    assert talk.slots["aftersale_kind"] == "exchange" and talk.asking == "order_id"
    assert "改为" not in texts(said) and "哪个订单" in texts(said)
    talk.say("SC20261101001")
    talk.say("换L码")
    talk.say("小了")
    said = talk.say("/affirm", "affirm")
    assert "已为您提交换货申请" in texts(said)
    [made] = filed(platform)
    assert (made["kind"], made["order_id"], made["exchange_detail"]) == ("exchange", "SC20261101001", "换成 黑色 L")
    # 退货 pressed instead: a return, asked its own questions
    talk = FormTalk()
    talk.start(EITHER, entities={"aftersale_kind": "return_or_exchange"})
    talk.say("/return_request", "return_request")
    assert talk.slots["aftersale_kind"] == "return" and talk.asking == "order_id"
    talk.say("SC20261101001")
    assert talk.asking == "reason"


def test_the_kind_is_asked_only_when_the_customer_did_not_say_it(platform):
    for opening, intent in (("我要退换货", "return_request"), ("想退换货", "exchange_request"), ("退换", "return_request")):
        talk = FormTalk()
        said = talk.start(opening, intent)
        assert talk.asking == "aftersale_kind" and buttons(said)[-2:] == [("退货", "/return_request"),
                                                                          ("换货", "/exchange_request")], opening
    for opening, intent, kind in (("我要退货", "return_request", "return"), ("我想换货", "exchange_request", "exchange"),
                                  ("退换货，换个L码", "return_request", "exchange"), ("/return_request", "return_request", "return"),
                                  ("退换货，我要退货", "exchange_request", "return")):
        talk = FormTalk()
        said = talk.start(opening, intent)
        assert talk.slots["aftersale_kind"] == kind and talk.asking == "order_id", opening
        assert "还是换货" not in texts(said), opening


def test_the_kind_answered_in_words(platform):
    for answer, intent, kind in (("退货", "return_request", "return"), ("换货", "exchange_request", "exchange"),
                                 ("退吧", "", "return"), ("换一下", "", "exchange")):
        talk = FormTalk()
        talk.start("我要退换货")
        said = talk.say(answer, intent)
        assert talk.slots["aftersale_kind"] == kind and talk.asking == "order_id", answer
        assert "改为" not in texts(said), answer
    # not an answer: asked again, without leaving the form
    for unclear in ("嗯", "都行", "随便吧"):
        talk = FormTalk()
        talk.start("我要退换货")
        said = talk.say(unclear)
        assert talk.asking == "aftersale_kind" and talk.slots["aftersale_kind"] is None, unclear
        assert "还不确定" in texts(said) and buttons(said)[-2:] == [("退货", "/return_request"),
                                                                      ("换货", "/exchange_request")], unclear
    # a question is answered, and 退货还是换货 asked again
    talk = FormTalk()
    talk.start("我要退换货")
    said = talk.say("退货运费谁出？", "return_request")
    assert "7 天无理由退货" in texts(said) and talk.asking == "aftersale_kind" and filed(platform) == []


def test_an_order_named_with_the_returns_and_exchanges_request_is_kept(platform):
    talk = FormTalk()
    said = talk.start("SC20261115002 退换货", entities={"order_id": "SC20261115002"})
    assert talk.asking == "aftersale_kind" and talk.slots["order_id"] == "SC20261115002"
    talk.say("换货", "exchange_request")
    assert talk.slots["aftersale_kind"] == "exchange" and talk.asking == "item_sku"


def test_the_returns_and_exchanges_button_pressed_in_a_running_form_asks_which_again(platform):
    talk = hoodie_return()
    assert talk.asking == "reason"
    said = talk.say(EITHER, "return_request", {"aftersale_kind": "return_or_exchange"})
    assert talk.asking == "aftersale_kind" and talk.slots["order_id"] == "SC20261101001"
    assert talk.slots.get("reason") is None  # the payload is not taken for the reason
    assert buttons(said)[-2:] == [("退货", "/return_request"), ("换货", "/exchange_request")]
    talk.say("/exchange_request", "exchange_request")
    assert talk.slots["aftersale_kind"] == "exchange" and talk.asking == "exchange_detail"


def test_the_fallbacks_returns_and_exchanges_button_is_the_undecided_one(platform):
    said, _ = run(actions.ActionFallback(), tracker("啊啊啊", "nlu_fallback"))
    assert ("退换货", EITHER) in buttons(said)


def test_a_casual_yes_or_a_yes_with_thanks_confirms(platform):
    for yes in ("好嘞", "好的 麻烦了", "嗯呢 没问题的"):
        platform.created.clear()
        talk = hoodie_return("买大了")
        said = talk.say("谢谢")  # thanks alone is no yes
        assert filed(platform) == [] and talk.asking == "confirm", yes
        said = talk.say(yes, "affirm")
        assert "已为您提交退货申请" in texts(said) and len(filed(platform)) == 1, yes


def test_how_long_the_refund_takes_asked_at_the_confirm_step_is_answered_and_nothing_filed(platform):
    talk = hoodie_return("买大了")
    said = talk.say("好的，那退款多久能到账呀", "return_request")
    assert "1-3 个工作日" in texts(said) and "请确认以下信息" in texts(said)
    assert talk.asking == "confirm" and filed(platform) == []
    said = talk.say("/affirm", "affirm")
    assert len(filed(platform)) == 1


def test_a_question_about_the_refund_or_the_warranty_starts_no_request(platform):
    talk = FormTalk()
    said = talk.start("退货的话退款要多久？")
    assert "1-3 个工作日" in texts(said) and not talk.active and filed(platform) == []
    talk = FormTalk()
    said = talk.start("我要退货，退款多久到账？")  # the request asked for beside the question: both
    assert "1-3 个工作日" in texts(said) and talk.active and talk.asking == "order_id"
    talk = FormTalk()
    said = talk.start("耳机是正品吗，保修多久", "warranty_repair")
    assert "1 年保修" in texts(said) and "正品保证" in texts(said) and not talk.active
    talk = FormTalk()
    said = talk.start("耳机坏了，保修期内能修吗", "warranty_repair")  # a repair asked for: the form goes on
    assert talk.active and talk.slots["aftersale_kind"] == "repair" and "1 年保修" not in texts(said)


def test_did_it_go_through_at_the_start_of_a_request_is_answered_not_filed_twice(platform):
    talk = FormTalk("aqiang")
    said = talk.start("刚才的申请提交成功了吗？没成功的话再提交一次")
    assert "已经提交成功" in texts(said) and not talk.active and filed(platform) == []
    talk = FormTalk()  # nothing filed yet: it is the request it says
    talk.start("申请提交了吗？没有的话帮我退货")
    assert talk.active and talk.asking == "order_id"


def test_cancelling_an_order_in_the_middle_of_a_form_is_left_to_the_rule(platform):
    talk = hoodie_return()
    talk.say("先不退了，把买T恤的那个订单取消掉", "cancel_order")
    assert talk.rejected and filed(platform) == []
    said = talk.say("不想要了", "cancel_order")  # a reason the NLU heard as a cancel: still the reason
    assert not talk.rejected and talk.slots["reason"] == "不想要了" and talk.asking == "confirm"
