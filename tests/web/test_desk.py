"""The agents' desk in real Chromium: at phone width (390×844) the list and the conversation take turns and
the customer's panel opens from the header, in plain zh-CN (no "0 min", no "resolved", no customer-facing
queue text); an agent approves a return in the 售后 tab and the customer sees it in their conversation; an
internal note stays at the desk."""
from __future__ import annotations

import re

from server.actions import shop
from tests.web.browser import log_in, say, shot

PHONE = {"width": 390, "height": 844}


async def customer_waiting(browser, site, text, **size):
    customer = await log_in(browser, site, "xiaomei", **size)
    await customer.click("#contact-support")
    await customer.wait_for_selector("#composer")
    await say(customer, text)
    await customer.wait_for_selector("#support-status[data-state=queued]", timeout=5000)
    return customer


async def test_the_desk_at_phone_width_list_conversation_panel_and_back(browser, site):
    customer = await customer_waiting(browser, site, "快递三天没动了", **PHONE)
    kefu = await log_in(browser, site, "kefu", **PHONE)
    await kefu.click("#switch-desk")
    entry = kefu.locator("#desk-queue .case", has_text="小美")
    await entry.wait_for()
    assert await kefu.locator("main.desk .chat").is_hidden()  # the list first, the whole width
    listed = await entry.inner_text()
    assert "刚刚" in listed and "排第 1 位" in listed and "智能客服不在线" in listed
    assert "min" not in listed and "你是第" not in listed
    await entry.click()
    await kefu.wait_for_selector("main.desk.chatting #messages .message:has-text('快递三天没动了')")
    assert await kefu.locator("main.desk .queue").is_hidden()
    assert await kefu.locator("#chat-header .back").is_visible()
    box = await kefu.locator("main.desk .chat").bounding_box()
    assert box["width"] >= 380 and box["height"] > 500  # the conversation has the screen, not a sliver of it
    await say(kefu, "您好，我来帮您查一下物流")
    await customer.wait_for_selector("#messages .message:has-text('我来帮您查一下物流')", timeout=5000)
    for n in range(16):  # a long conversation scrolls inside the chat: the composer stays on the phone's screen
        await say(kefu, f"第 {n} 条：顺丰单号已经帮您登记催件了，请再耐心等一下")
    await kefu.wait_for_selector("#messages .message:has-text('第 15 条')")
    composer = await kefu.locator("#composer").bounding_box()
    assert composer["y"] + composer["height"] <= PHONE["height"], composer
    assert await kefu.evaluate("document.scrollingElement.scrollHeight") <= PHONE["height"] + 1
    status = await customer.locator("#support-status").inner_text()
    assert "客服小林 为你服务" in status and "客服 客服小林" not in status

    await kefu.click("#desk-info")  # the customer's panel, then back to the conversation
    await kefu.wait_for_selector("#customer-panel #customer-orders li:has-text('SC20261101001')")
    assert await kefu.locator("main.desk .chat").is_hidden()
    await kefu.fill("#case-notes textarea", "顾客着急，优先跟进顺丰")
    await kefu.click("#add-note")
    await kefu.wait_for_selector("#case-note-list .case-note:has-text('优先跟进顺丰')")
    await shot(kefu, "desk-phone-customer")
    await kefu.click("#customer-panel .back")
    await kefu.wait_for_selector("main.desk .chat #composer")
    await kefu.click("#chat-header .back")
    await kefu.wait_for_selector("#desk-mine .case:has-text('小美')")
    assert await kefu.locator("main.desk .chat").is_hidden()
    page_text = await kefu.locator("main.desk").inner_text()
    assert not re.search(r"\bresolved\b|\bmin\b|#[0-9A-F]{8}", page_text)
    await customer.wait_for_timeout(300)
    assert "优先跟进顺丰" not in await customer.locator("#messages").inner_text()  # the note stays at the desk
    assert kefu.errors == [] and customer.errors == []


async def test_an_agent_approves_a_return_and_the_customer_sees_it(browser, site, services):
    customer = await log_in(browser, site, "xiaomei")
    await customer.click("#contact-support")
    await customer.wait_for_selector("#composer")
    me = await services.storage.users.get_by_username(username="xiaomei")
    case = await services.storage.support.for_customer(customer_id=me.id)
    request, _ = await shop.check_create_aftersale(services, customer_id=me.id, conversation_id=case.conversation_id,
                                                   kind="return", order_id="SC20261101001", reason="尺码偏大")
    kefu = await log_in(browser, site, "kefu")
    await kefu.click("#switch-desk")
    await kefu.click(".desk-tabs [data-tab=aftersales]")
    item = kefu.locator(f"#aftersale-list .record[data-id='{request.id}']")
    await item.wait_for()
    text = await item.inner_text()
    assert "退货" in text and "小美" in text and "尺码偏大" in text and "待审核" in text
    await item.locator("button[data-action=rejected]").click()
    await item.locator(".error:has-text('拒绝时请填写原因')").wait_for()  # a rejection needs its reason
    await item.locator("input[name=note]").fill("请在 7 天内寄回，运费我们承担")
    await item.locator("button[data-action=approved]").click()
    await kefu.wait_for_selector(".toast:has-text('已同意')", timeout=5000)
    await kefu.click(".filters [data-filter=approved]")
    await kefu.wait_for_selector(f"#aftersale-list .record[data-id='{request.id}'][data-status=approved]")
    await customer.wait_for_selector("#messages .message:has-text('已同意'):has-text('运费我们承担')", timeout=5000)
    await shot(kefu, "desk-aftersales")
    assert kefu.errors == [] and customer.errors == []


async def test_a_ticket_resolved_at_the_desk_reaches_the_customer_and_the_figures_show(browser, site, services):
    customer = await customer_waiting(browser, site, "包裹显示签收了但我没收到")
    me = await services.storage.users.get_by_username(username="xiaomei")
    case = await services.storage.support.for_customer(customer_id=me.id)
    ticket = await shop.check_create_ticket(services, customer_id=me.id, conversation_id=case.conversation_id,
                                            kind="complaint", summary="快递员把包裹放在门口丢了")
    kefu = await log_in(browser, site, "kefu")
    await kefu.click("#switch-desk")
    await kefu.click(".desk-tabs [data-tab=tickets]")
    item = kefu.locator(f"#ticket-list .record[data-id='{ticket.id}']")
    await item.wait_for()
    assert "投诉" in await item.inner_text() and "待处理" in await item.inner_text()
    await item.locator("textarea[name=resolution]").fill("已联系快递公司赔付，并补发一件")
    await item.locator("button[data-action=resolve]").click()
    await kefu.wait_for_selector(".toast:has-text('工单已处理')", timeout=5000)
    await customer.wait_for_selector("#messages .message:has-text('补发一件') .rating .stars", timeout=5000)
    await customer.click("#messages .rating .stars button[data-score='5']")
    await customer.wait_for_selector("#messages .rated", timeout=5000)
    rated = (await services.storage.support.get(conversation_id=case.conversation_id)).ratings
    assert [(r.score, r.ticket_id) for r in rated] == [(5, ticket.id)]

    await kefu.click(".desk-tabs [data-tab=stats]")
    await kefu.wait_for_selector("#stats-chart g[data-date]")
    assert await kefu.locator("#stats-chart rect").count() >= 14  # two bars for each of the 7 days
    assert "满意率" in await kefu.locator("#stat-csat").inner_text()
    assert (await kefu.locator("#stat-handed strong").inner_text()) == "1"  # her hand-off, in today's bars
    assert await kefu.locator("#stats-chart rect.bar-human[height]:not([height='0'])").count() == 1
    async with kefu.expect_download() as download:
        await kefu.click("#export-csv")
    path = await (await download.value).path()
    with open(path, encoding="utf-8-sig") as f:
        assert "会话数" in f.read()
    await shot(kefu, "desk-figures")
    assert kefu.errors == [] and customer.errors == []


async def test_an_earlier_conversation_opens_at_the_desk_with_what_was_said_then(browser, site):
    customer = await customer_waiting(browser, site, "上周的卫衣起球了")
    kefu = await log_in(browser, site, "kefu")
    await kefu.click("#switch-desk")
    await kefu.click("#desk-queue .case:has-text('小美')")
    await say(kefu, "可以寄回来检测")
    await kefu.click("#resolve")
    await customer.wait_for_selector("#messages .rating")
    await customer.click("#messages .rating .skip")
    await say(customer, "我又想问下发票")  # a new round: handed off again (the assistant is off here)
    await kefu.wait_for_selector("#desk-queue .case:has-text('小美')", timeout=5000)
    await kefu.click("#desk-queue .case:has-text('小美')")
    await kefu.wait_for_selector("#resolve")  # claimed and drawn anew: the panel of the resolved round is gone
    earlier = kefu.locator("#customer-earlier details.earlier")
    await earlier.wait_for()
    assert await earlier.count() == 1
    await earlier.locator("summary").click()
    transcript = earlier.locator(".earlier-transcript")
    await transcript.locator("li:has-text('起球了')").wait_for(timeout=5000)
    said = await transcript.inner_text()
    assert "可以寄回来检测" in said and "发票" not in said  # that round only
    assert kefu.errors == [] and customer.errors == []
