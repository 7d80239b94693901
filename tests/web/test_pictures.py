"""Pictures in real Chromium (issue 15, the browser part): a 晒单 with two photos chosen with 📷, uploaded with their
progress and seen live by another shopper as thumbnails (addresses asked once per render, not per picture), the
lightbox moving to the second photo; a refused upload said in words, removable, what was typed kept; at most nine;
paste and drag & drop in a topic and a private conversation; the thumbnails' boxes sized before the pictures arrive
(the list doesn't move) and an expired address asked again; the lightbox at phone width with swipes; a customer's
damage photo in 联系客服 reaching the agent's desk."""
from __future__ import annotations

import base64
import io
import json

from aiohttp import FormData
from PIL import Image

from tests.web.browser import PASSWORD, log_in, loaded, open_group, say, shot, two_in_group

ADDRESSES = "/api/uploads/addresses"


def picture(color=(200, 60, 40), size=(800, 600), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def as_file(name: str, data: bytes, mime: str = "image/png") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def message(page, text):
    return page.locator("#messages .message", has_text=text)


def address_requests(page) -> list[list[str]]:
    """Every POST /api/uploads/addresses the page makes, as the ids it asks for."""
    asked: list[list[str]] = []
    page.on("request", lambda r: asked.append(json.loads(r.post_data or "{}").get("upload_ids", []))
            if r.url.endswith(ADDRESSES) and r.method == "POST" else None)
    return asked


async def choose(page, *files):
    """Pictures chosen with 📷 (the file picker's input), each uploaded before the send."""
    before = await page.locator("#attachments .attachment").count()
    await page.set_input_files("#picture-input", list(files))
    await page.locator("#attachments .attachment.uploaded").nth(before + len(files) - 1).wait_for(timeout=10000)


async def api_as(web, username):
    resp = await web.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def post_pictures(web, username, group_name, text, pictures):
    """A picture message sent through the API, as another client would."""
    headers = await api_as(web, username)
    groups = (await (await web.get("/api/me/groups", headers=headers)).json())["groups"]
    conversation = next(g["conversation_id"] for g in groups if g["name"] == group_name)
    ids = []
    for data in pictures:
        form = FormData()
        form.add_field("file", io.BytesIO(data), filename="photo.png", content_type="image/png")
        resp = await web.post("/api/uploads", data=form, headers=headers)
        assert resp.status == 200, await resp.text()
        ids.append((await resp.json())["upload"]["id"])
    resp = await web.post(f"/api/conversations/{conversation}/messages", headers=headers,
                          json={"type": "image", "images": [{"upload_id": i} for i in ids], "text": text})
    assert resp.status == 200, await resp.text()
    return ids


async def test_a_shopper_posts_a_review_with_two_photos_seen_live_and_in_the_lightbox(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群")
    asked = address_requests(aqiang)
    mine_asked = address_requests(xiaomei)
    await xiaomei.fill("#composer", "晒单：新买的保温杯，颜色很正")
    await choose(xiaomei, as_file("cup.png", picture((210, 80, 40))), as_file("box.jpg", picture((40, 90, 200), (600, 800), "JPEG"), "image/jpeg"))
    strip = xiaomei.locator("#attachments .attachment")
    assert await strip.count() == 2
    assert await strip.locator("img.preview[src^='blob:']").count() == 2  # this browser's own copies
    assert await xiaomei.input_value("#composer") == "晒单：新买的保温杯，颜色很正"  # what was typed stays
    await xiaomei.press("#composer", "Enter")

    mine = message(xiaomei, "晒单")
    await mine.locator(".pictures.grid .pic.loaded").nth(1).wait_for(timeout=5000)
    assert await xiaomei.locator("#attachments").is_hidden() and await xiaomei.input_value("#composer") == ""
    theirs = message(aqiang, "晒单：新买的保温杯")
    await theirs.locator(".pictures.grid .pic.loaded").nth(1).wait_for(timeout=5000)
    assert await theirs.locator(".pictures .pic").count() == 2
    box = await theirs.locator(".pictures .pic").nth(0).bounding_box()
    assert (round(box["width"]), round(box["height"])) == (96, 96)
    assert [len(ids) for ids in asked] == [2]  # both pictures in one request
    assert mine_asked == []  # the sender's own addresses came with the uploads

    await theirs.locator(".pictures .pic").nth(0).click()
    viewer = aqiang.locator("#lightbox")
    await aqiang.wait_for_selector("#lightbox[data-index='0'] .lightbox-picture.loaded")
    assert await viewer.locator(".lightbox-count").inner_text() == "1 / 2"
    assert await aqiang.evaluate("document.querySelector('#lightbox .lightbox-picture').naturalWidth") == 800  # full size
    await aqiang.keyboard.press("ArrowRight")
    await aqiang.wait_for_selector("#lightbox[data-index='1'] .lightbox-picture.loaded")
    assert await viewer.locator(".lightbox-count").inner_text() == "2 / 2"
    assert await aqiang.evaluate("document.querySelector('#lightbox .lightbox-picture').naturalHeight") == 800
    assert await viewer.locator(".lightbox-next").is_disabled()
    await viewer.locator(".lightbox-prev").click()
    await aqiang.wait_for_selector("#lightbox[data-index='0']")
    await viewer.locator(".lightbox-next").click()
    await aqiang.wait_for_selector("#lightbox[data-index='1'] .lightbox-picture.loaded")
    await aqiang.keyboard.press("Escape")
    await viewer.wait_for(state="detached")

    # opened again later: every picture on screen asked for in one request
    asked.clear()
    await aqiang.reload()
    await aqiang.wait_for_selector("#group-list .group")
    await open_group(aqiang, "好物分享群")
    await message(aqiang, "晒单").locator(".pic.loaded").nth(1).wait_for(timeout=5000)
    assert len(asked) == 1 and len(asked[0]) == 2
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_a_refused_file_says_why_keeps_the_words_and_at_most_nine_go_in_one_message(browser, site):
    page = await log_in(browser, site, "xiaomei")
    await open_group(page, "好物分享群")
    await page.fill("#composer", "看看这个")
    await page.set_input_files("#picture-input", [as_file("notes.jpg", b"this is a shopping list, not a photo", "image/jpeg")])
    failed = page.locator("#attachments .attachment.failed")
    await failed.wait_for(timeout=10000)
    assert await failed.locator(".error").inner_text() == "不支持这种文件，请发送常见格式的照片或动图"
    await page.press("#composer", "Enter")
    await page.wait_for_selector("#send-error:text-is('有图片没能上传，移除后再发送')")
    assert await page.input_value("#composer") == "看看这个"
    assert await message(page, "看看这个").count() == 0
    await failed.locator("button.remove").click()
    assert await page.locator("#attachments").is_hidden()

    ten = [as_file(f"p{i}.png", picture((20 * i, 100, 150), (64, 48))) for i in range(10)]
    await page.set_input_files("#picture-input", ten)
    await page.wait_for_selector("#send-error:text-is('一条消息最多 9 张图片')")
    assert await page.locator("#attachments .attachment").count() == 9
    await page.press("#composer", "Enter")  # sent once the nine are up
    sent = message(page, "看看这个")
    await sent.locator(".pictures.grid .pic").nth(8).wait_for(timeout=15000)
    assert await sent.locator(".pictures .pic").count() == 9
    assert page.errors == []


async def test_pasted_and_dropped_pictures_in_a_topic_and_a_private_conversation(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群")
    png = base64.b64encode(picture((30, 160, 90), (320, 240))).decode()
    make_transfer = """(b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "shot.png", { type: "image/png" }));
      return dt;
    }"""
    # a topic: one picture pasted (a screenshot), one dropped onto the conversation
    await xiaomei.click("#open-threads")
    await xiaomei.locator("#thread-list .thread").first.click()
    await loaded(xiaomei)
    transfer = await xiaomei.evaluate_handle(make_transfer, png)
    await xiaomei.dispatch_event("#scroller", "dragover", {"dataTransfer": transfer})
    assert await xiaomei.locator("section.chat.drop-here").count() == 1  # it says where to let go
    await xiaomei.dispatch_event("#scroller", "drop", {"dataTransfer": transfer})
    assert await xiaomei.locator("section.chat.drop-here").count() == 0
    await xiaomei.evaluate("""(dt) => document.getElementById("composer").dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }))""",
                           await xiaomei.evaluate_handle(make_transfer, png))
    await xiaomei.locator("#attachments .attachment.uploaded").nth(1).wait_for(timeout=10000)
    await xiaomei.fill("#composer", "话题里也能发图")
    await xiaomei.press("#composer", "Enter")
    await message(xiaomei, "话题里也能发图").locator(".pic.loaded").nth(1).wait_for(timeout=5000)

    # a private conversation: the same composer, seen by the other one
    await open_group(xiaomei, "好物分享群")
    await say(aqiang, "小美，发个实拍看看？")
    await message(xiaomei, "发个实拍看看").locator("button.author").click()
    await xiaomei.click("#user-card button.dm")
    await xiaomei.wait_for_selector("#private-list .group.active:has-text('阿强')")
    await loaded(xiaomei)
    await choose(xiaomei, as_file("real.png", picture((90, 90, 90), (300, 600))))
    await xiaomei.press("#composer", "Enter")  # a picture alone, no words
    await xiaomei.wait_for_selector("#messages .message.mine .pictures.single .pic.loaded", timeout=5000)
    entry = aqiang.locator("#private-list .group", has_text="小美")
    await entry.locator(".badge").wait_for(timeout=5000)
    await entry.click()
    single = aqiang.locator("#messages .message .pictures.single .pic.loaded")
    await single.wait_for(timeout=5000)
    box = await single.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (120, 240)  # its own shape, 300 × 600 within 240
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_thumbnails_keep_their_place_while_loading_and_an_expired_address_is_asked_again(browser, site, web):
    page = await log_in(browser, site, "aqiang")
    held, holding = [], [True]

    async def pictures_wait(route):  # until let through
        if holding[0]:
            held.append(route)
        else:
            await route.continue_()

    await page.route("**/media/**", pictures_wait)
    asked = address_requests(page)
    await open_group(page, "好物分享群")
    await post_pictures(web, "xiaomei", "好物分享群", "开箱图", [picture((250, 200, 0), (1200, 900))])
    pic = message(page, "开箱图").locator(".pictures.single .pic")
    await pic.wait_for(timeout=5000)
    await pic.locator("img[src]").wait_for(state="attached")  # its address is there; the picture is held
    box = await pic.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (240, 180)  # sized from the card, before the picture came
    scroller = page.locator("#scroller")
    at_end = "(s) => s.scrollHeight - s.scrollTop - s.clientHeight"
    before = await scroller.evaluate("(s) => s.scrollTop")
    assert await scroller.evaluate(at_end) < 2
    assert held and await pic.evaluate("(b) => !b.classList.contains('loaded')")

    # the first address has expired (403 media_expired): the client asks for new ones and loads again
    holding[0] = False
    await held[0].fulfill(status=403, content_type="application/json",
                          body='{"ok": false, "error": {"code": "media_expired", "message": "expired"}}')
    for route in held[1:]:
        await route.continue_()
    await message(page, "开箱图").locator(".pictures.single .pic.loaded").wait_for(timeout=5000)
    assert len(asked) == 2  # the first when drawn, one more after the failure
    assert await scroller.evaluate("(s) => s.scrollTop") == before and await scroller.evaluate(at_end) < 2
    assert await pic.bounding_box() == box
    assert page.errors == []


async def test_the_lightbox_at_phone_width_with_swipes(browser, site, web):
    page = await log_in(browser, site, "aqiang", width=390, height=844)
    await post_pictures(web, "xiaomei", "好物分享群", "三张细节图",
                        [picture((200, 0, 0), (900, 1200)), picture((0, 200, 0)), picture((0, 0, 200), (500, 500))])
    await open_group(page, "好物分享群")
    thumbs = message(page, "三张细节图").locator(".pictures.grid .pic")
    await message(page, "三张细节图").locator(".pictures.grid .pic.loaded").nth(2).wait_for(timeout=5000)
    assert await page.evaluate("document.scrollingElement.scrollWidth") <= 390  # nothing wider than the phone
    await thumbs.nth(0).click()
    viewer = page.locator("#lightbox")
    await page.wait_for_selector("#lightbox[data-index='0'] .lightbox-picture.loaded")
    assert await viewer.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    shown = await viewer.locator(".lightbox-picture").bounding_box()
    assert shown["width"] <= 390 and shown["height"] <= 844
    for button in ("lightbox-prev", "lightbox-next", "lightbox-close"):  # big enough for a thumb, on the screen
        b = await viewer.locator(f".{button}").bounding_box()
        assert b["width"] >= 44 and b["height"] >= 44 and 0 <= b["x"] and b["x"] + b["width"] <= 390

    async def swipe(dx):
        await page.mouse.move(195, 420)
        await page.mouse.down()
        await page.mouse.move(195 + dx / 2, 425, steps=4)
        await page.mouse.move(195 + dx, 430, steps=4)
        await page.mouse.up()

    await swipe(-160)
    await page.wait_for_selector("#lightbox[data-index='1'] .lightbox-picture.loaded")
    await swipe(-160)
    await page.wait_for_selector("#lightbox[data-index='2'] .lightbox-picture.loaded")
    assert await viewer.locator(".lightbox-count").inner_text() == "3 / 3"
    await swipe(-160)  # the last one: nowhere further
    assert await viewer.get_attribute("data-index") == "2"
    await swipe(160)
    await page.wait_for_selector("#lightbox[data-index='1']")
    await shot(page, "shopper-pictures-phone")
    await viewer.locator(".lightbox-close").click()
    await viewer.wait_for(state="detached")
    assert page.errors == []


async def test_a_customer_sends_a_damage_photo_and_the_agent_sees_it_at_the_desk(browser, site):
    customer = await log_in(browser, site, "xiaomei")
    await customer.click("#contact-support")
    await customer.wait_for_selector("#composer")
    await say(customer, "收到的杯子碎了，要转人工")
    await customer.wait_for_selector("#support-status[data-state=queued]", timeout=5000)
    await choose(customer, as_file("broken.jpg", picture((120, 120, 120), (1000, 750), "JPEG"), "image/jpeg"))
    await customer.press("#composer", "Enter")
    await customer.wait_for_selector("#messages .message.mine .pictures .pic.loaded", timeout=5000)

    kefu = await log_in(browser, site, "kefu")
    await kefu.click("#switch-desk")
    entry = kefu.locator("#desk-queue .case", has_text="小美")
    await entry.locator(".last:text-is('[图片]')").wait_for(timeout=5000)  # her last message, in words
    await entry.click()
    photo = kefu.locator("#messages .message .pictures.single .pic.loaded")
    await photo.wait_for(timeout=5000)
    await photo.click()
    await kefu.wait_for_selector("#lightbox[data-index='0'] .lightbox-picture.loaded")
    assert await kefu.evaluate("document.querySelector('#lightbox .lightbox-picture').naturalWidth") == 1000
    assert await kefu.locator("#lightbox .lightbox-next").is_hidden()  # one picture: nothing to move to
    await kefu.keyboard.press("Escape")
    await kefu.locator("#lightbox").wait_for(state="detached")

    # another one while the agent is serving her arrives live, with her words
    await choose(customer, as_file("label.png", picture((250, 250, 250), (640, 480))))
    await customer.fill("#composer", "快递单也拍了")
    await customer.press("#composer", "Enter")
    await message(kefu, "快递单也拍了").locator(".pic.loaded").wait_for(timeout=5000)

    # the agent answers with a picture of their own (the right part), which she sees
    await choose(kefu, as_file("part.png", picture((30, 160, 90), (500, 500))))
    await kefu.fill("#composer", "是这个配件吗")
    await kefu.press("#composer", "Enter")
    await message(customer, "是这个配件吗").locator(".pic.loaded").wait_for(timeout=10000)
    assert kefu.errors == [] and customer.errors == []
