"""Reading pictures (codes, text, hash) and judging what was read: the pure half of picture moderation."""
from __future__ import annotations

import pytest

from moderation import MessageContext, Verdict
from moderation.engine import Engine
from moderation.pictures import (PHASH_DISTANCE, PictureReading, code_verdict, judge_picture, phash_distance,
                                 read_picture, worse)
from tests.fixtures.pictures import fixture, qr_photo, recompressed

SHOP = ("shopchat.com",)
CTX = MessageContext(text="", author_id="u1", conversation_id="c1", conversation_kind="group")


@pytest.mark.parametrize("code, rule", [
    ("https://u.wechat.com/EHx3kq9", "picture:qr_contact"),
    ("https://weixin.qq.com/r/abcDEF123", "picture:qr_contact"),
    ("wxp://f2f0Zs1yGQ", "picture:qr_contact"),
    ("https://qm.qq.com/cgi-bin/qm/qr?k=abc", "picture:qr_contact"),
    ("http://cheap-bags.example.net/item/1", "picture:qr_link"),
    ("www.taobao.com/shop/123", "picture:qr_link"),
])
def test_a_code_leading_off_the_platform_is_diversion(code, rule):
    v = code_verdict(code, SHOP)
    assert (v.action, v.rule, v.categories) == ("block", rule, ("diversion",))
    assert v.matches == (f"qr:{code}",)


@pytest.mark.parametrize("code", ["https://shopchat.com/p/123", "https://m.shopchat.com/coupon?id=9"])
def test_a_code_to_the_shops_own_pages_is_allowed(code):
    assert code_verdict(code, SHOP).action == "allow"
    assert code_verdict(code, ("other.example",)).action == "block"


def test_a_code_of_plain_words_is_left_to_the_engine():
    assert code_verdict("尺码表：S M L", SHOP) is None
    engine = Engine(allowed_domains=SHOP)
    v = judge_picture(PictureReading(codes=("加我微信 abc12345 更便宜",)), engine.check, CTX, SHOP)
    assert v.action == "block" and v.rule.startswith("picture:qr_text:diversion")
    assert judge_picture(PictureReading(codes=("尺码表：S M L",)), engine.check, CTX, SHOP).action == "allow"


def test_text_read_from_a_picture_is_judged_like_typed_text():
    engine = Engine(allowed_domains=SHOP)
    v = judge_picture(PictureReading(text="加我微信abc12345\n领50元优惠券"), engine.check, CTX, SHOP)
    assert v.action == "block" and v.categories == ("diversion",) and v.rule.startswith("picture:text:")
    assert v.matches[0].startswith("text:加我微信abc12345")
    clean = PictureReading(text="宝贝收到了，质量很好")
    assert judge_picture(clean, engine.check, CTX, SHOP).action == "allow"


def test_a_mask_cant_cover_a_picture_so_it_waits_for_a_moderator():
    masked = Verdict(action="mask", categories=("profanity",), rule="profanity:x", text="＊")
    v = judge_picture(PictureReading(text="x"), lambda ctx: masked, CTX, SHOP)
    assert (v.action, v.hold) == ("flag", True)


def test_the_weightier_verdict_wins():
    block, hold, flag = (Verdict(action="block"), Verdict(action="flag", hold=True), Verdict(action="flag"))
    assert worse(flag, hold) is hold and worse(hold, block) is block and worse(block, flag) is block
    assert worse(Verdict(), Verdict()).action == "allow"


def test_reading_a_qr_code_in_a_photo():
    reading = read_picture(qr_photo("https://u.wechat.com/EHx3kq9"), ocr=False)
    assert reading.codes == ("https://u.wechat.com/EHx3kq9",) and reading.error is None
    small = read_picture(qr_photo("wxp://f2f0Zs1yGQ", size=(640, 480), at=(420, 300), side=160, quality=60),
                         ocr=False)
    assert small.codes == ("wxp://f2f0Zs1yGQ",)
    assert read_picture(fixture("plain_photo.jpg"), ocr=False).codes == ()


def test_reading_the_words_in_a_photo():
    assert "加我微信abc12345" in read_picture(fixture("contact_wechat.jpg")).text.replace(" ", "")
    assert "13812345678" in read_picture(fixture("contact_phone.jpg")).text
    clean = read_picture(fixture("clean_review.jpg")).text
    assert "质量很好" in clean
    assert read_picture(fixture("plain_photo.jpg")).text == ""


def test_the_same_picture_resized_and_recompressed_keeps_its_hash():
    original = read_picture(fixture("clean_review.jpg"), ocr=False).phash
    again = read_picture(recompressed(fixture("clean_review.jpg")), ocr=False).phash
    other = read_picture(fixture("contact_phone.jpg"), ocr=False).phash
    assert phash_distance(original, again) <= PHASH_DISTANCE
    assert phash_distance(original, other) > PHASH_DISTANCE
    assert phash_distance(original, "") == 64


def test_a_picture_that_cant_be_read_says_so():
    reading = read_picture(b"\xff\xd8\xff\xe0 not really a jpeg")
    assert reading.error and reading.codes == () and reading.phash == ""
    assert PictureReading.from_doc(reading.to_doc()) == PictureReading(error=reading.error, ms=round(reading.ms, 1))
