"""A hidden message's placeholder says why, in both languages (a picture a moderator removed read 该消息已被隐藏, as if
reports had hidden it): removed by a moderator → 该消息已被管理员删除 / Removed by a moderator, hidden after reports →
该消息因被举报已隐藏 / Hidden after reports, and one held for review keeps 该消息已被隐藏 (members get `hidden_reason` only
for `reports` and `removed`, docs/api.md). A member sees why, never what; the moderator sees the message whole with
已被管理员移除 beside it."""
from __future__ import annotations

import io

from aiohttp import FormData
from PIL import Image

from server.actions.messages import do_set_hidden
from tests.web.browser import PASSWORD, log_in, open_group

GROUP = "好物分享群"
LIVE = 5000


async def headers_of(web, username):
    resp = await web.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def post(web, headers, conversation_id, body):
    resp = await web.post(f"/api/conversations/{conversation_id}/messages", headers=headers, json=body)
    assert resp.status == 200, await resp.text()
    return (await resp.json())["message"]


async def picture_message(web, headers, conversation_id, text):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 200)).save(out, "PNG")
    form = FormData()
    form.add_field("file", io.BytesIO(out.getvalue()), filename="cup.png", content_type="image/png")
    resp = await web.post("/api/uploads", data=form, headers=headers)
    assert resp.status == 200, await resp.text()
    upload = (await resp.json())["upload"]["id"]
    return await post(web, headers, conversation_id, {"type": "image", "images": [{"upload_id": upload}], "text": text})


async def test_each_hidden_reason_is_said_in_words_and_a_removed_picture_says_a_moderator_removed_it(browser, site, web, services):
    xiaomei = await headers_of(web, "xiaomei")
    groups = (await (await web.get("/api/me/groups", headers=xiaomei)).json())["groups"]
    conv = next(g for g in groups if g["name"] == GROUP)["conversation_id"]
    removed = await post(web, xiaomei, conv, {"text": "这条会被版主删除"})
    reported = await post(web, xiaomei, conv, {"text": "这条会因举报隐藏"})
    held = await post(web, xiaomei, conv, {"text": "这条等待审核"})
    picture = await picture_message(web, xiaomei, conv, "晒一下新杯子")
    for message, why in ((removed, "removed"), (reported, "reports"), (held, "held")):
        await do_set_hidden(services, message["id"], why)

    aqiang = await log_in(browser, site, "aqiang", width=390, height=844)
    await open_group(aqiang, GROUP)
    item = lambda m: aqiang.locator(f"#messages .message[data-id='{m['id']}']")  # noqa: E731
    placeholder = lambda m: item(m).locator("em.gone")  # noqa: E731
    assert await placeholder(removed).inner_text() == "该消息已被管理员删除"
    assert await placeholder(reported).inner_text() == "该消息因被举报已隐藏"
    assert await placeholder(held).inner_text() == "该消息已被隐藏"  # held for review: as before
    for m in (removed, reported, held):
        assert await item(m).locator(".held, .acts, .text").count() == 0  # nothing of it, no second label, no actions

    # the picture, seen, then removed by a moderator: live, without a reload
    await item(picture).locator(".pictures .pic.loaded").wait_for(timeout=LIVE)
    await do_set_hidden(services, picture["id"], "removed")
    await placeholder(picture).locator("text=该消息已被管理员删除").wait_for(timeout=LIVE)
    assert await item(picture).locator(".pictures").count() == 0

    await aqiang.click("button.lang")
    await aqiang.wait_for_selector("button.lang:text-is('中文')")
    assert await placeholder(removed).inner_text() == "Removed by a moderator"
    assert await placeholder(picture).inner_text() == "Removed by a moderator"
    assert await placeholder(reported).inner_text() == "Hidden after reports"
    assert await placeholder(held).inner_text() == "This message was hidden"

    # the group's moderator, from the server as it is: the removed picture whole, with why beside it
    banzhu = await log_in(browser, site, "banzhu")
    await open_group(banzhu, GROUP)
    theirs = banzhu.locator(f"#messages .message[data-id='{picture['id']}']")
    await theirs.locator(".held[data-reason=removed]:text-is('已被管理员移除')").wait_for(timeout=LIVE)
    assert await theirs.locator(".pictures .pic").count() == 1 and await theirs.locator("em.gone").count() == 0
    assert aqiang.errors == [] and banzhu.errors == []
