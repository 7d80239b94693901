"""The web client against TWO server processes sharing one SQLite file and a real redis-server: each
person's page is served by, and its socket connected to, a different process, and they see each other as
on one platform: group messages and typing both ways, presence in the member list and on a person's card
(offline once the page is closed), a private message with its unread badge, a moderator's mute made on
one process refusing the next send on the other with the reason, and 联系客服 queued on one process,
claimed and answered at the desk on the other.

Skips without Chromium (tests/web/browser.py) or redis-server (tests/cluster/conftest.py); fails instead
under SHOPCHAT_BROWSER_E2E=1 / SHOPCHAT_REDIS_E2E=1."""
from __future__ import annotations

import pytest

from tests.cluster.conftest import own_cluster
from tests.web.browser import dashboard, launched, log_in, open_group, say, shot

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIVE = 5000  # ms: what another process sends reaches this page within it
# each test starts its own redis-server and two processes (about 10-15 s of setup, the first seeding the demo):
# more room than the suite's 60 s default
pytestmark = pytest.mark.timeout(150)


# Process A seeds the demo community; B starts once A is healthy, on the same data dir and Redis.
# Support hours are all day so 联系客服 reaches a person whatever the time.
pair = own_cluster({"CHAT_SUPPORT_HOURS": "00:00-24:00"}, first={"CHAT_SEED_DEMO": "1"})


@pytest.fixture
async def chromium(pair):
    """Depends on `pair` so it closes first: a process's shutdown waits for open connections."""
    async with launched() as b:
        yield b


def site(node) -> str:
    return node.url + "/"


async def on(chromium, node, username, size):
    """Logged in on that process's own page (so its socket is on that process too)."""
    page = await log_in(chromium, site(node), username, **size)
    assert page.url.startswith(node.url)
    return page


def theirs(page, text):
    """Someone else's message with that text in the open conversation."""
    return page.locator("#messages .message:not(.mine)", has_text=text)


async def test_group_messages_and_typing_cross_both_ways(chromium, pair):
    a, b = pair.nodes
    xiaomei = await on(chromium, a, "xiaomei", DESKTOP)
    aqiang = await on(chromium, b, "aqiang", PHONE)
    await open_group(xiaomei, "好物分享群")
    await open_group(aqiang, "好物分享群")

    await say(xiaomei, "阿强，另一个进程上看得到我吗？")
    await theirs(aqiang, "另一个进程上看得到我吗").wait_for(timeout=LIVE)
    await say(aqiang, "看得到！我连的是 B 进程 👋")
    await theirs(xiaomei, "我连的是 B 进程").wait_for(timeout=LIVE)
    await xiaomei.wait_for_selector("#messages .message.mine:has-text('另一个进程上看得到我吗')")

    await aqiang.type("#composer", "我在")  # typing on B shows on A ...
    await xiaomei.wait_for_selector("#typing:has-text('阿强 正在输入')", timeout=LIVE)
    await aqiang.press("#composer", "Enter")
    await xiaomei.wait_for_selector("#typing:text-is('')", timeout=LIVE)  # their message ends the typing line
    await theirs(xiaomei, "我在").wait_for(timeout=LIVE)
    await xiaomei.type("#composer", "那我把链接发群里")  # ... and on A shows on B
    await aqiang.wait_for_selector("#typing:has-text('小美 正在输入')", timeout=LIVE)
    await xiaomei.press("#composer", "Enter")
    await theirs(aqiang, "那我把链接发群里").wait_for(timeout=LIVE)
    await aqiang.wait_for_selector("#typing:text-is('')", timeout=LIVE)

    # each message once on each page, in the same order on both
    said = ["阿强，另一个进程上看得到我吗？", "看得到！我连的是 B 进程 👋", "我在", "那我把链接发群里"]
    for page in (xiaomei, aqiang):
        texts = await page.locator("#messages .message .text").all_inner_texts()
        assert [t for t in texts if t in said] == said, texts
    await shot(xiaomei, "scaleout-desktop")
    await shot(aqiang, "scaleout-phone")
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_presence_in_the_member_list_and_on_the_card_then_offline_once_the_page_closes(chromium, pair):
    a, b = pair.nodes
    xiaomei = await on(chromium, a, "xiaomei", DESKTOP)
    aqiang = await on(chromium, b, "aqiang", PHONE)
    await open_group(xiaomei, "好物分享群")
    await open_group(aqiang, "好物分享群")

    await xiaomei.click("#open-members")
    await xiaomei.wait_for_selector("#members li:has-text('阿强') .dot.online")
    await xiaomei.wait_for_selector("#members li:has-text('Lily') .dot.offline")  # nobody's page: offline
    await xiaomei.locator("#members li", has_text="阿强").locator("button.author").click()
    card = xiaomei.locator("#user-card")
    await card.locator(".meta:has-text('@aqiang')").wait_for()
    await card.locator(".meta:has-text('在线') .dot.online").wait_for()

    await aqiang.click("#open-members")  # and the other way round, on the phone
    await aqiang.wait_for_selector("#members li:has-text('小美') .dot.online")

    await aqiang.context.close()  # his page is gone: process B tells process A
    await xiaomei.wait_for_selector("#members li:has-text('阿强') > .dot.offline", timeout=LIVE)
    await card.locator(".dot.offline").wait_for(timeout=LIVE)  # the open card's dot follows too
    await card.locator("button.close").click()
    await xiaomei.locator("#members li", has_text="阿强").locator("button.author").click()  # the card, asked again
    await card.locator(".meta:has-text('离线') .dot.offline").wait_for()
    assert xiaomei.errors == []


async def test_an_open_card_says_offline_once_they_close_their_page(chromium, pair):
    a, b = pair.nodes
    xiaomei = await on(chromium, a, "xiaomei", DESKTOP)
    aqiang = await on(chromium, b, "aqiang", PHONE)
    await open_group(xiaomei, "好物分享群")
    await xiaomei.click("#open-members")
    await xiaomei.locator("#members li", has_text="阿强").locator("button.author").click()
    card = xiaomei.locator("#user-card")
    await card.locator(".meta:has-text('在线') .dot.online").wait_for()
    await aqiang.context.close()
    await card.locator(".dot.offline").wait_for(timeout=LIVE)  # this much holds: the dot turns grey
    await card.locator(".meta:has-text('离线')").wait_for(timeout=2000)  # the label next to it stays 在线


async def test_a_private_message_arrives_live_with_the_unread_badge(chromium, pair):
    a, b = pair.nodes
    xiaomei = await on(chromium, a, "xiaomei", DESKTOP)
    aqiang = await on(chromium, b, "aqiang", PHONE)  # on the phone's list of chats
    await open_group(xiaomei, "好物分享群")
    await theirs(xiaomei, "请问耳机有白色的吗").locator("button.author").click()
    await xiaomei.click("#user-card button.dm")
    await xiaomei.wait_for_selector("#private-list .group.active:has-text('阿强')")
    await say(xiaomei, "白色的在 VIP 群里有团购价哦")
    await xiaomei.wait_for_selector("#messages .message.mine:has-text('团购价')")

    entry = aqiang.locator("#private-list .group", has_text="小美")
    await entry.locator(".badge:text-is('1')").wait_for(timeout=LIVE)
    await entry.click()
    await theirs(aqiang, "白色的在 VIP 群里有团购价哦").wait_for()
    await entry.locator(".badge").wait_for(state="detached", timeout=LIVE)  # read: the badge goes

    await open_group(xiaomei, "好物分享群")  # she looks elsewhere: his answer is a badge on her side
    await say(aqiang, "好的，谢谢！")
    await aqiang.wait_for_selector("#messages .message.mine:has-text('好的，谢谢')")
    back = xiaomei.locator("#private-list .group", has_text="阿强")
    await back.locator(".badge:text-is('1')").wait_for(timeout=LIVE)
    await back.click()
    await theirs(xiaomei, "好的，谢谢！").wait_for()
    await say(aqiang, "我现在就去看")  # with the conversation open, it lands in place, live
    await theirs(xiaomei, "我现在就去看").wait_for(timeout=LIVE)
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_a_mute_on_process_a_refuses_aqiangs_next_send_on_process_b_with_the_reason(chromium, pair):
    a, b = pair.nodes
    aqiang = await on(chromium, b, "aqiang", PHONE)
    xiaomei = await on(chromium, a, "xiaomei", DESKTOP)
    await open_group(aqiang, "好物分享群")
    await open_group(xiaomei, "好物分享群")
    await say(aqiang, "这群人买东西都是冤大头")
    reported = theirs(xiaomei, "冤大头")
    await reported.wait_for(timeout=LIVE)
    await reported.locator("button.report").click()
    await reported.locator("select[name=category]").select_option("abuse")
    await reported.locator("input[name=note]").fill("人身攻击")
    await reported.locator(".report-form button[type=submit]").click()
    await reported.locator(".status", has_text="已举报").wait_for(timeout=LIVE)

    banzhu = await dashboard(chromium, site(a))  # the moderator, on process A
    await banzhu.click("#case-list .case:has-text('冤大头')")
    await banzhu.wait_for_selector(".case-detail .reports li:has-text('人身攻击')")
    await banzhu.fill("#action-reason", "请文明交流")
    await banzhu.click("button[data-action=mute-1h]")
    await banzhu.wait_for_selector(".queue .empty", timeout=LIVE)

    await aqiang.wait_for_selector(".toast.alert:has-text('请文明交流')", timeout=LIVE)  # told live, on B
    notice = aqiang.locator("#silenced")  # and the composer says so, and doesn't send
    await notice.filter(has_text="你已被禁言").wait_for(timeout=LIVE)
    text = await notice.inner_text()
    assert "请文明交流" in text and "还剩" in text, text
    assert await aqiang.is_disabled("#composer")
    await say(xiaomei, "大家文明交流哦")  # the group goes on; his refused message reached nobody
    await theirs(aqiang, "大家文明交流哦").wait_for(timeout=LIVE)
    assert await xiaomei.locator("#messages .message", has_text="我说错什么了").count() == 0
    assert banzhu.errors == [] and aqiang.errors == [] and xiaomei.errors == []


async def test_contact_support_on_b_is_claimed_and_answered_at_the_desk_on_a(chromium, pair):
    a, b = pair.nodes
    kefu = await on(chromium, a, "kefu", DESKTOP)
    await kefu.click("#switch-desk")
    await kefu.wait_for_selector("main.desk nav h2:has-text('(0)')")  # nobody waiting yet

    customer = await on(chromium, b, "xiaomei", PHONE)
    await customer.click("#contact-support")
    await customer.wait_for_selector("#support-status")
    await say(customer, "我想改一下收货地址，麻烦转人工")
    # Without an assistant the message itself queues the customer (the 转人工 button, drawn while the
    # case was with the assistant, is then taken away: clicking it raced that redraw); an assistant
    # that answered instead leaves the button, and the customer presses it.
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    queued = customer.locator("#support-status[data-state=queued]")
    try:
        await queued.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        await customer.click("#handoff")
        await queued.wait_for(timeout=LIVE)

    waiting = kefu.locator("#desk-queue .case", has_text="小美")
    await waiting.wait_for(timeout=LIVE)  # the desk on A follows the queue live
    await waiting.click()  # claims
    await kefu.wait_for_selector("#desk-mine .case:has-text('小美')", timeout=LIVE)
    await kefu.wait_for_selector("#messages .message:has-text('收货地址')")
    await customer.wait_for_selector("#support-status[data-state=assigned]:has-text('客服小林')", timeout=LIVE)
    await kefu.type("#composer", "您好")
    await customer.wait_for_selector("#typing:has-text('客服小林 正在输入')", timeout=LIVE)
    await say(kefu, "您好，地址我来帮您改，请发一下新地址")
    await theirs(customer, "地址我来帮您改").wait_for(timeout=LIVE)
    await say(customer, "上海市浦东新区 xx 路 1 号")
    await theirs(kefu, "浦东新区").wait_for(timeout=LIVE)

    await kefu.click("#resolve")
    await customer.wait_for_selector(".rating .stars button[data-score='5']", timeout=LIVE)
    await customer.click(".rating .stars button[data-score='5']")
    await customer.wait_for_selector(".rated", timeout=LIVE)
    assert kefu.errors == [] and customer.errors == []
