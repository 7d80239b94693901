"""Damage photos in the after-sales form (issue 15): the damaged-item request asks for a photo; a picture (the
platform's /send_photo{"photo_ids": [...]} payload) fills it with the upload ids, "没有照片" goes on without one,
a description in words is still taken; a return takes a photo sent at any step; a picture sent before the
request is started is kept for it."""
from __future__ import annotations

from actions import aftersale
from actions.context import handoff_payload
from conftest import FormTalk, run, texts, tracker

PHOTO_ASK = "请拍一张商品破损处的照片发给我"


def filed(platform) -> list[dict]:
    return [made for kind, made in platform.created if kind == "aftersale"]


def photo(*ids: str, caption: str | None = None) -> tuple:
    """What Rasa makes of the platform's picture payload: the send_photo intent, one photo_ids entity per id."""
    text = '/send_photo{"photo_ids":[%s]}' % ",".join(f'"{i}"' for i in ids)
    entities = [{"entity": "photo_ids", "value": i} for i in ids]
    if caption:
        entities.append({"entity": "photo_caption", "value": caption})
    return text, entities


def say_photo(talk: FormTalk, *ids: str, caption: str | None = None) -> list:
    text, entities = photo(*ids, caption=caption)
    return talk.say_entities(text, "send_photo", entities)


def damaged_at_the_photo_question(platform) -> tuple[FormTalk, list]:
    talk = FormTalk()
    talk.start("耳机收到就坏了", "damaged_item")
    said = talk.say("SC20261115002")
    if talk.asking == "item_sku":
        said = talk.say("耳机")
    assert talk.asking == "photo_ids"
    return talk, said


def test_a_damaged_item_asks_for_a_photo_and_a_picture_answers_it(platform):
    talk, said = damaged_at_the_photo_question(platform)
    assert PHOTO_ASK in texts(said) and "描述" in texts(said)  # words remain a way to answer
    said = say_photo(talk, "up-1")
    assert talk.asking == "confirm" and "照片：1 张" in texts(said)
    said = talk.say("/affirm", "affirm")
    assert "已为您提交破损售后申请" in texts(said)
    [request] = filed(platform)
    assert request["kind"] == "damaged" and request["sku"] == "SC-EARBUDS-02" and request["photo_ids"] == ["up-1"]


def test_the_words_beside_the_picture_describe_the_damage(platform):
    talk, _ = damaged_at_the_photo_question(platform)
    said = say_photo(talk, "up-1", "up-2", caption="充电盒裂了")
    assert talk.asking == "confirm" and "照片：2 张" in texts(said) and "情况：充电盒裂了" in texts(said)
    talk.say("确认")
    [request] = filed(platform)
    assert request["photo_ids"] == ["up-1", "up-2"] and request["description"] == "充电盒裂了"


def test_no_photo_goes_on_and_the_request_says_so(platform):
    talk, _ = damaged_at_the_photo_question(platform)
    said = talk.say("没有照片")
    assert talk.asking == "confirm" and "照片：没有" in texts(said)
    talk.say("确认")
    [request] = filed(platform)
    assert request["photo_ids"] == [] and request["description"] == ""


def test_a_description_in_words_is_still_taken(platform):
    talk, _ = damaged_at_the_photo_question(platform)
    said = talk.say("充电盒外壳裂开了，外包装是好的")
    assert talk.asking == "confirm" and "情况：充电盒外壳裂开了" in texts(said) and "照片：没有" in texts(said)
    talk.say("确认")
    [request] = filed(platform)
    assert request["photo_ids"] == [] and request["description"].startswith("充电盒外壳裂开了")


def test_saying_a_photo_is_coming_without_one_asks_again(platform):
    talk, _ = damaged_at_the_photo_question(platform)
    said = talk.say("照片发你了", "send_photo")
    assert talk.asking == "photo_ids" and "图片按钮" in texts(said) and filed(platform) == []
    said = say_photo(talk, "up-9")
    assert talk.asking == "confirm"


def test_pictures_sent_one_by_one_add_up(platform):
    talk, _ = damaged_at_the_photo_question(platform)
    say_photo(talk, "up-1")
    said = say_photo(talk, "up-2")  # at the confirmation: one more picture, shown again
    assert talk.asking == "confirm" and "照片：2 张" in texts(said) and "收到照片" in texts(said)
    talk.say("确认")
    assert filed(platform)[0]["photo_ids"] == ["up-1", "up-2"]


def test_a_return_takes_an_optional_photo(platform):
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261101001")
    assert talk.asking == "reason"
    said = say_photo(talk, "up-7", caption="袖口开线了")
    assert talk.asking == "confirm" and "原因：袖口开线了" in texts(said) and "照片：1 张" in texts(said)
    talk.say("确认")
    [request] = filed(platform)
    assert request["kind"] == "return" and request["photo_ids"] == ["up-7"] and request["reason"] == "袖口开线了"


def test_a_return_without_a_photo_files_no_photo_field(platform):
    talk = FormTalk()
    talk.start("我要退货")
    talk.say("SC20261101001")
    said = talk.say("尺码太大了")
    assert "照片" not in texts(said)
    talk.say("确认")
    assert "photo_ids" not in filed(platform)[0]


def test_a_picture_before_the_request_is_kept_for_it(platform):
    text, entities = photo("up-3")
    said, events = run(aftersale.ActionPhotoReceived(), tracker(text, "send_photo", entities=entities))
    assert "收到您的照片" in texts(said) and {"title": "商品破损，申请售后", "payload": "/damaged_item"} in said[0]["buttons"]
    assert {"event": "slot", "name": "photo_ids", "value": ["up-3"], "timestamp": None} in events
    before = [{"event": "user", "text": text, "parse_data": {"intent": {"name": "send_photo"}}}]
    _, start = run(aftersale.ActionStartAftersale(), tracker("/damaged_item", "damaged_item",
                                                             slots={"photo_ids": ["up-3"]}, before=before))
    assert not any(e.get("name") == "photo_ids" for e in start)  # kept: the form won't ask for it
    # a request started later (something else said in between) starts without it
    later = before + [{"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet"}}}]
    _, start = run(aftersale.ActionStartAftersale(), tracker("商品破损", "damaged_item",
                                                             slots={"photo_ids": ["up-3"]}, before=later))
    assert {"event": "slot", "name": "photo_ids", "value": None, "timestamp": None} in start



def test_an_agent_taking_over_learns_what_the_form_holds(platform):
    talk, _ = damaged_at_the_photo_question(platform)
    say_photo(talk, "up-1")
    handoff = handoff_payload("human_handoff", tracker("转人工", "human_handoff", slots=talk.slots,
                                                       active_loop="aftersale_form"))
    assert handoff["handoff"]["understood"]["slots"]["photo_ids"] == ["up-1"]  # the platform shows it as 1 张
