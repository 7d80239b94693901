"""Desktop notifications in real Chromium: turned on from the profile, shown only while the page is in the
background, for private and support messages, mentions and replies and (for agents) a customer starting to
wait; never for ordinary group chatter; clicking one opens the conversation. The browser's Notification is
replaced by a recorder (a headless browser shows no system notifications to look at), and `document.hidden`
is driven by the test; everything else is the real client against the real server."""
from __future__ import annotations

from tests.web.browser import log_in, open_group, say

RECORDER = """
window.__alerts = [];
window.__hidden = false;
Object.defineProperty(document, "hidden", { get: () => window.__hidden, configurable: true });
class RecordedNotification {
  static permission = localStorage.getItem("test.permission") || "default";
  static async requestPermission() {
    localStorage.setItem("test.permission", "granted");
    return (RecordedNotification.permission = "granted");
  }
  constructor(title, options) { this.title = title; this.body = options.body; this.tag = options.tag; window.__alerts.push(this); }
  close() {}
}
window.Notification = RecordedNotification;
"""


async def with_recorder(browser, site, username, *, allowed=False):
    page = await log_in(browser, site, username)
    await page.add_init_script(RECORDER)
    if allowed:
        await page.evaluate("localStorage.setItem('test.permission', 'granted')")
    await page.reload()
    await page.wait_for_selector("#group-list .group")
    return page


async def alerts(page):
    return await page.evaluate("window.__alerts.map((a) => ({ title: a.title, body: a.body }))")


async def test_a_shopper_turns_them_on_and_gets_mentions_and_private_messages_in_the_background(browser, site):
    xiaomei = await with_recorder(browser, site, "xiaomei")
    await xiaomei.click("#open-profile")
    await xiaomei.wait_for_selector("#desktop-alerts-state:has-text('未开启')")
    await xiaomei.click("#desktop-alerts")
    await xiaomei.wait_for_selector("#desktop-alerts-state:has-text('已开启')")
    assert await xiaomei.locator("#desktop-alerts").is_hidden()

    aqiang = await log_in(browser, site, "aqiang")
    await open_group(aqiang, "好物分享群")
    await open_group(xiaomei, "穿搭交流 Outfit")
    await xiaomei.evaluate("window.__hidden = true")
    await say(aqiang, "大家周末好")  # group chatter: a badge, no pop-up
    await xiaomei.locator("#group-list .group:has-text('好物分享群') .badge").wait_for(timeout=5000)
    await say(aqiang, "@xiaomei 你的耳机到了吗")
    await xiaomei.wait_for_function("() => window.__alerts.length === 1", timeout=5000)
    [mention] = await alerts(xiaomei)
    assert mention["title"] == "阿强 提到了你" and "你的耳机到了吗" in mention["body"]

    await xiaomei.evaluate("window.__hidden = false")  # looking at the page: a toast is enough
    await say(aqiang, "@xiaomei 在吗")
    await xiaomei.wait_for_selector(".toast:has-text('在吗')", timeout=5000)
    assert len(await alerts(xiaomei)) == 1

    await xiaomei.evaluate("window.__hidden = true")
    await xiaomei.evaluate("window.__alerts[0].onclick()")  # clicking it opens the conversation at the message
    await xiaomei.wait_for_selector("#messages .message.flash:has-text('你的耳机到了吗')", timeout=5000)

    await aqiang.locator("#messages .message", has_text="这款蓝牙耳机音质很好").locator("button.author").click()
    await aqiang.click("#user-card button.dm")
    await aqiang.wait_for_selector("#private-list .group.active:has-text('小美')")
    await say(aqiang, "私聊问一下耳机的事")
    await xiaomei.wait_for_function("() => window.__alerts.length === 2", timeout=5000)
    assert (await alerts(xiaomei))[1] == {"title": "阿强", "body": "私聊问一下耳机的事"}
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_an_agent_hears_of_a_waiting_customer_and_their_messages_in_the_background(browser, site):
    kefu = await with_recorder(browser, site, "kefu", allowed=True)
    await kefu.click("#switch-desk")
    await kefu.evaluate("window.__hidden = true")
    customer = await log_in(browser, site, "xiaomei", width=390, height=844)
    await customer.click("#contact-support")
    await say(customer, "我想改一下收货地址")
    await customer.wait_for_selector("#support-status[data-state=queued]", timeout=5000)
    await kefu.wait_for_function("() => window.__alerts.length === 1", timeout=5000)
    [waiting] = await alerts(kefu)
    assert waiting["title"] == "有顾客在排队等待人工客服" and waiting["body"].startswith("小美")
    await kefu.evaluate("window.__alerts[0].onclick()")  # opens the case at the desk, claimed
    await kefu.wait_for_selector("#messages .message:has-text('收货地址')", timeout=5000)
    await customer.wait_for_selector("#support-status[data-state=assigned]", timeout=5000)
    await say(customer, "新地址是上海市徐汇区")
    await kefu.wait_for_function("() => window.__alerts.length === 2", timeout=5000)
    assert (await alerts(kefu))[1] == {"title": "小美", "body": "新地址是上海市徐汇区"}
    assert kefu.errors == [] and customer.errors == []
