"""Kinds of turns the assistant used to get wrong in real conversations: a yes at the damaged-item form's photo
question, an exchange's reason said before it was asked, who signed for a parcel, a refund said to be late,
cancelling by name without a yes, returning before delivery, stock by colour in an exchange, and the warranty's
terms asked in two parts. Each with the turn it must not be confused with."""
from __future__ import annotations

import pytest
from actions import actions, aftersale, understand
from actions import format as fmt
from conftest import FormTalk, run, texts, tracker

CONFIRM_CANCEL = '/cancel_order{"order_id":"SC20261120003"}'


def filed(platform) -> list[dict]:
    return [made for kind, made in platform.created if kind == "aftersale"]


def tickets(platform) -> list[dict]:
    return [made for kind, made in platform.created if kind == "ticket"]


# ---- 1. a yes at the photo question -----------------------------------------------------------------

@pytest.mark.parametrize("yes", ["确认", "提交吧", "好的", "嗯嗯 确认提交"])
def test_a_yes_at_the_photo_question_is_no_photo_and_no_description(platform, yes):
    talk = FormTalk()
    talk.start("耳机到手就坏了", "damaged_item")
    talk.say("SC20261115002")
    assert talk.asking == "photo_ids" and talk.slots["item_sku"] == "SC-EARBUDS-02"
    said = talk.say(yes)
    assert talk.asking == "confirm" and talk.slots["photo_ids"] == [] and talk.slots.get("photo_description") is None
    assert "照片：没有" in texts(said) and "情况：" not in texts(said) and filed(platform) == []
    talk.say("确认")
    [made] = filed(platform)
    assert (made["kind"], made["description"], made["photo_ids"]) == ("damaged", "", [])


def test_words_at_the_photo_question_are_still_the_description(platform):
    talk = FormTalk()
    talk.start("耳机到手就坏了", "damaged_item")
    talk.say("SC20261115002")
    said = talk.say("好的，充电盒外壳裂了一道缝")  # a yes word with a description is a description
    assert talk.slots["photo_description"] == "好的,充电盒外壳裂了一道缝" and "情况：" in texts(said)


# ---- 2. the exchange's reason said before it is asked -------------------------------------------------

def test_the_reason_in_the_opening_message_of_an_exchange_is_taken(platform):
    talk = FormTalk()
    said = talk.start("卫衣穿着小了想换大一码", "exchange_request")
    assert talk.slots["reason"] == "卫衣穿着小了想换大一码" and talk.slots["exchange_detail"] == "换成 黑色 L"
    assert talk.asking == "confirm" and "请简单说一下原因" not in texts(said)
    talk = FormTalk(customer="lily")
    talk.start("连衣裙有点紧，想换M码", "exchange_request")
    assert talk.slots["reason"] == "连衣裙有点紧" and talk.slots["exchange_detail"] == "换成 粉色 M"


def test_the_reason_beside_the_size_is_taken_but_not_a_question(platform):
    talk = FormTalk()
    talk.start("我要换货", "exchange_request")
    talk.say("SC20261101001")
    talk.say("买大了，换个S码")
    assert talk.slots["reason"] == "买大了" and talk.slots["exchange_detail"] == "换成 黑色 S" and talk.asking == "confirm"
    talk = FormTalk()
    talk.start("我要换货", "exchange_request")
    talk.say("SC20261101001")
    talk.say("是不是偏小？换S码")  # a question is no reason
    assert talk.slots.get("reason") is None and talk.asking == "reason"


def test_the_reason_said_in_the_messages_before_the_request(platform):
    earlier = [{"event": "user", "text": "上次退货太麻烦了"}, {"event": "action", "name": "action_submit_aftersale"},
               {"event": "user", "text": "卫衣买小了"}, {"event": "action", "name": "action_fallback"},
               {"event": "user", "text": '/exchange_request{"order_id":"SC20261101001"}'}]
    said = aftersale.said_before(tracker("我要换货", "exchange_request", before=earlier))
    assert said == ["卫衣买小了"]  # a button says nothing; an earlier request's words are not this one's
    assert aftersale.reason_said(said[0]) == "卫衣买小了" and aftersale.reason_said("会不会小了?") is None


# ---- 3. who signed -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,yes", [("是谁签收了我的包裹", True), ("签收人写的是谁", True), ("谁给我签的 我没拿到", True),
                                      ("签收记录显示的啥", True), ("签收了吗", False), ("我的快递到哪了", False),
                                      ("怎么签收", False)])
def test_what_asks_who_signed(text, yes):
    assert understand.asks_who_signed(text) is yes


def test_who_signed_is_answered_from_the_logistics(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("是谁签收了我的包裹", "track_order", customer="aqiang"))
    assert "放在门卫" in texts(said) and "SC20261110004" in texts(said)
    said, _ = run(actions.ActionFallback(), tracker("签收记录显示的啥", "nlu_fallback"))  # the delivered order
    assert "签收人：本人" in texts(said) and "SC20261115002" in texts(said) and "没太明白" not in texts(said)
    said, _ = run(actions.ActionProductInfo(), tracker("裙子是谁签收的", "product_inquiry", customer="lily"))
    assert "还没有签收" in texts(said) and "广州白云" in texts(said) and "¥239" not in texts(said)
    said, _ = run(actions.ActionOrderStatus(), tracker("是谁签收的", "track_order", customer="new"))
    assert "没有订单" in texts(said) and platform.created == []


# ---- 4. a refund said to be late -----------------------------------------------------------------------

def test_a_late_refund_gets_its_status_and_one_follow_up(platform):
    said, _ = run(actions.ActionRefundStatus(), tracker("退款到现在还没到账 都五天了", "refund_status", customer="aqiang"))
    assert "退款中" in texts(said) and "登记催办" in texts(said)
    [ticket] = tickets(platform)
    assert ticket["kind"] == "follow_up" and ticket["order_id"] == "SC20261110004"
    said, _ = run(actions.ActionComplaint(), tracker("这钱怎么还不退 也太慢了吧", "complaint", customer="aqiang"))
    assert "已经登记催办" in texts(said) and len(tickets(platform)) == 1 and "投诉" not in texts(said)


def test_a_late_refund_asked_as_a_return_is_no_request(platform):
    talk = FormTalk(customer="aqiang")
    said = talk.start("我的钱一直不退回来 好慢啊", "return_request")
    assert not talk.active and "退款中" in texts(said) and tickets(platform)[0]["kind"] == "follow_up"
    assert filed(platform) == []


def test_how_long_a_refund_takes_or_no_refund_opens_nothing(platform):
    said, _ = run(actions.ActionRefundStatus(), tracker("退款一般多久到账", "refund_status", customer="aqiang"))
    assert "退款中" in texts(said) and tickets(platform) == []
    said, _ = run(actions.ActionRefundStatus(), tracker("退款太慢了怎么还没到账", "refund_status", customer="lily"))
    assert "没有退款" in texts(said) and platform.created == []
    assert not understand.says_refund_slow("运费怎么还没退") and not understand.says_refund_slow("快递太慢了")


# ---- 5. cancelling by name: shown, then a yes ------------------------------------------------------------

def offered_cancel(text: str, intent: str):
    """The tracker for `text` right after the assistant asked 要取消这个订单吗 with its 确认取消 button."""
    before = [{"event": "user", "text": "T恤那个订单帮我取消一下"}, {"event": "action", "name": "action_cancel_order"},
              {"event": "bot", "text": "要取消这个订单吗？", "data": {"buttons": [
                  {"title": "确认取消", "payload": CONFIRM_CANCEL}, {"title": "不取消了", "payload": "/deny"}]}},
              {"event": "action", "name": "action_listen"}]
    return tracker(text, intent, before=before)


def test_cancelling_by_item_shows_the_order_and_files_on_a_yes(platform):
    said, events = run(actions.ActionCancelOrder(), tracker("T恤那个订单帮我取消一下", "cancel_order"))
    assert "要取消这个订单吗" in texts(said) and "纯棉短袖T恤" in texts(said) and platform.created == []
    for no in ("算了不取消了", "先不取消"):
        said, _ = run(actions.ActionCancelOrder(), offered_cancel(no, "cancel_order"))
        assert "不取消" in texts(said) and platform.created == [], no
    said, _ = run(actions.ActionCancelOrder(), offered_cancel("确认取消", "cancel_order"))
    assert "已为您提交订单 SC20261120003 的取消申请" in texts(said) and len(filed(platform)) == 1


def test_a_typed_yes_to_the_cancel_question_files_it(platform):
    said, _ = run(actions.ActionAffirm(), offered_cancel("好的", "affirm"))
    assert "取消申请" in texts(said) and filed(platform)[0]["order_id"] == "SC20261120003"


def test_a_yes_without_the_question_files_nothing(platform):
    said, _ = run(actions.ActionAffirm(), tracker("确认取消", "affirm"))
    assert platform.created == []


# ---- 6. returning before the parcel arrives ---------------------------------------------------------------

@pytest.mark.parametrize("text,yes", [("一定要收到货才能退吗", True), ("裙子还在路上 能退吗", True), ("东西还没到 可以退吗", True),
                                      ("是不是得等到货了再退", True), ("我要退货", False), ("签收后7天能退吗", False),
                                      ("还没收到", False)])
def test_what_asks_about_returning_before_delivery(text, yes):
    assert understand.asks_return_before_delivery(text) is yes


def test_returning_before_delivery_is_explained_not_started(platform):
    talk = FormTalk(customer="lily")
    said = talk.start("裙子还在路上 能退吗", "return_request")
    assert not talk.active and "拒收" in texts(said) and "取消" in texts(said) and platform.created == []
    said, _ = run(actions.ActionCancelOrder(), tracker("东西还没到 可以退吗", "cancel_order"))
    assert "拒收" in texts(said) and platform.created == []


# ---- 7. stock by colour -----------------------------------------------------------------------------------

def test_a_colour_asked_about_at_the_exchange_size_question_lists_its_sizes(platform):
    talk = FormTalk()
    talk.start("我要换货", "exchange_request")
    talk.say("SC20261101001")
    said = talk.say("黑色还有吗", "stock_check")
    assert talk.asking == "exchange_detail" and talk.slots.get("exchange_detail") is None
    assert "黑色 S 有货" in texts(said) and "黑色 L 有货" in texts(said) and "黑色 XL 缺货" in texts(said)
    talk.say("那换黑色L")
    assert talk.slots["exchange_detail"] == "换成 黑色 L"


def test_the_stock_of_a_colour_is_every_size_of_it(platform):
    hoodie = next(p for p in platform.catalogue if p["sku"] == "SC-HOODIE-01")
    answer = fmt.stock_answer(hoodie, None, "黑色")
    assert all(f"黑色 {s} 有货" in answer for s in ("S", "M", "L")) and "黑色 XL 缺货" in answer


# ---- 8. the warranty's terms --------------------------------------------------------------------------------

@pytest.mark.parametrize("intent", ["warranty_repair", "damaged_item"])
def test_the_warranty_asked_in_two_parts_is_the_policy_not_a_request(platform, intent):
    talk = FormTalk()
    said = talk.start("保修期是多久？不小心摔坏了给修吗", intent)
    assert not talk.active and "1 年保修" in texts(said) and "哪个订单" not in texts(said) and platform.created == []


def test_the_warranty_asked_outside_the_form_and_a_repair_asked_for(platform):
    said, _ = run(actions.ActionFallback(), tracker("耳机保修期多长？自己摔坏的能保修吗", "nlu_fallback"))
    assert "1 年保修" in texts(said) and "没太明白" not in texts(said)
    talk = FormTalk()
    talk.start("耳机坏了，我要申请保修", "warranty_repair")
    assert talk.active and talk.slots["aftersale_kind"] == "repair"


def test_who_signed_for_a_named_item_is_about_its_order(platform):
    said, _ = run(actions.ActionOrderStatus(), tracker("卫衣是谁签收的", "track_order"))
    assert "SC20261101001" in texts(said) and "还没有签收" in texts(said) and "本人" not in texts(said)


def test_words_naming_a_picture_at_the_reason_question_are_the_reason(platform):
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261101001")
    talk.say("颜色和图片不一样", "send_photo")  # the NLU may hear a picture in 图片
    assert talk.slots["reason"] == "颜色和图片不一样" and talk.asking == "confirm"
    said = talk.say("照片发你了", "send_photo")  # words about sending one, without it: how to send it
    assert "图片按钮" in texts(said) and talk.slots["reason"] == "颜色和图片不一样"
