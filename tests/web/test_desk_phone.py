"""The desk's conversation header at phone width (390×844), in real Chromium: the customer's name, the case's
tools (转接, 结束会话, 客户资料) stay on one short row, a long name ends in an ellipsis, nothing pushes the
page sideways (also with the transfer picker open, and in English); the desktop header is as it was, and the
queue previews what the customer said, not the assistant's line after it."""
from __future__ import annotations

from tests.web.browser import log_in, say

PHONE = {"width": 390, "height": 844}
LONG_NAME = "小美（VIP 会员 · 上海浦东新区张江店常客）"


async def waiting_with_a_long_name(browser, site, services, text="快递三天没动了"):
    me = await services.storage.users.get_by_username(username="xiaomei")
    await services.storage.users.update_profile(user_id=me.id, display_name=LONG_NAME)
    customer = await log_in(browser, site, "xiaomei", **PHONE)
    await customer.click("#contact-support")
    await customer.wait_for_selector("#composer")
    await say(customer, text)
    await customer.wait_for_selector("#support-status[data-state=queued]", timeout=5000)
    return customer


async def open_case(kefu):
    await kefu.click("#switch-desk")
    await kefu.click("#desk-queue .case:has-text('小美')")
    await kefu.wait_for_selector("#chat-header #resolve")


async def header_row(page) -> dict:
    """The header row and the boxes in it, as laid out."""
    return await page.evaluate("""() => {
      const box = (sel) => { const n = document.querySelector(sel); if (!n) return null;
                             const r = n.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
      const title = document.querySelector("#chat-header .chat-title .title");
      return {row: box("#chat-header .chat-title"), title: box("#chat-header .chat-title .title"),
              back: box("#chat-header .back"), transfer: box("#transfer"), resolve: box("#resolve"),
              info: box("#desk-info"), picker: box("#chat-header .transfer-form"),
              clipped: title.scrollWidth > title.clientWidth, ellipsis: getComputedStyle(title).textOverflow,
              pageWidth: document.scrollingElement.scrollWidth, viewport: window.innerWidth};
    }""")


def one_short_row(h: dict) -> None:
    assert h["pageWidth"] <= h["viewport"], h  # no sideways scrolling
    assert h["row"]["x"] + h["row"]["w"] <= h["viewport"] + 0.5, h
    button = h["resolve"]["h"]
    assert h["row"]["h"] <= 1.5 * button, h  # one row: not pushed down onto two or three lines
    middle = lambda b: b["y"] + b["h"] / 2  # noqa: E731
    for part in ("title", "back", "transfer", "resolve", "info"):
        assert abs(middle(h[part]) - middle(h["resolve"])) < 4, (part, h)
        assert h[part]["x"] + h[part]["w"] <= h["viewport"] + 0.5, (part, h)


async def test_the_desk_header_is_one_short_row_at_phone_width(browser, site, services):
    customer = await waiting_with_a_long_name(browser, site, services)
    kefu = await log_in(browser, site, "kefu", **PHONE)
    await open_case(kefu)
    h = await header_row(kefu)
    one_short_row(h)
    assert h["clipped"] and h["ellipsis"] == "ellipsis", h  # the long name is cut with …, the buttons stay whole
    assert h["title"]["w"] >= 60, h  # and still shows the start of the name
    messages = await kefu.locator("#scroller").bounding_box()
    assert messages["y"] <= h["row"]["y"] + h["row"]["h"] + 1  # the conversation starts right under it

    # 转接 opens the picker: it may take a second row of the header, never the page's width
    await kefu.click("#transfer")
    await kefu.wait_for_selector("#chat-header .transfer-form select")
    h = await header_row(kefu)
    assert h["pageWidth"] <= h["viewport"], h
    assert h["picker"]["x"] + h["picker"]["w"] <= h["viewport"] + 0.5, h
    assert h["row"]["h"] <= 3 * h["resolve"]["h"], h
    assert kefu.errors == [] and customer.errors == []


async def test_the_desk_header_in_english_at_phone_width(browser, site, services):
    customer = await waiting_with_a_long_name(browser, site, services)
    kefu = await log_in(browser, site, "kefu", **PHONE)
    await kefu.evaluate("localStorage.setItem('lang', 'en')")
    await kefu.reload()
    await kefu.wait_for_selector("#group-list .group")
    await open_case(kefu)
    assert (await kefu.locator("#resolve").inner_text()).strip() == "Resolve"
    one_short_row(await header_row(kefu))
    assert kefu.errors == [] and customer.errors == []


async def test_the_desk_header_on_a_desktop_is_as_before(browser, site, services):
    customer = await waiting_with_a_long_name(browser, site, services)
    kefu = await log_in(browser, site, "kefu")  # 1200×800
    await open_case(kefu)
    h = await header_row(kefu)
    assert not h["clipped"], h  # room for the whole name
    assert await kefu.locator("#desk-info").is_hidden()  # the panel is beside the conversation
    style = await kefu.evaluate("""() => {
      const s = getComputedStyle(document.querySelector("#chat-header .chat-title"));
      return [s.paddingTop, s.paddingLeft, s.fontSize, s.flexWrap]; }""")
    assert style == ["10px", "14px", "16px", "wrap"]
    assert kefu.errors == [] and customer.errors == []


async def test_the_queue_previews_what_the_customer_said(browser, site, services):
    customer = await waiting_with_a_long_name(browser, site, services, text="我要退货，衣服破了")
    me = await services.storage.users.get_by_username(username="xiaomei")
    case = await services.storage.support.for_customer(customer_id=me.id)
    [last] = await services.storage.messages.history(conversation_id=case.conversation_id, limit=1)
    assert last.author_id == services.bot_user.id  # the assistant's hand-off line came after hers
    kefu = await log_in(browser, site, "kefu", **PHONE)
    await kefu.click("#switch-desk")
    entry = kefu.locator("#desk-queue .case", has_text="小美")
    await entry.wait_for()
    assert (await entry.locator(".last").inner_text()) == "我要退货，衣服破了"
    assert "转接" not in await entry.inner_text()
    # an order card she sends next, without words, previews as that order
    await customer.click("#share-order")
    await customer.locator("#product-picker button[data-order='SC20261115002']").click()
    await customer.locator("#messages .order-card[data-order='SC20261115002']").wait_for(timeout=5000)
    await kefu.reload()
    await kefu.click("#switch-desk")
    entry = kefu.locator("#desk-queue .case", has_text="小美")
    await entry.wait_for()
    assert (await entry.locator(".last").inner_text()) == "订单 SC20261115002"
    assert kefu.errors == [] and customer.errors == []
