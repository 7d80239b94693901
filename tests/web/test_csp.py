"""The web client runs under the strict Content-Security-Policy (server/app.py): no screen needs an inline
style or script, another origin, or anything the policy refuses, websockets included."""
from __future__ import annotations

from server.app import CSP
from tests.web.browser import dashboard, log_in, open_group, say


async def violations(page) -> list[str]:
    return await page.evaluate("window.__csp")


async def test_the_main_screens_run_under_the_content_security_policy(browser, site, web):
    resp = await web.get("/")
    assert resp.headers["Content-Security-Policy"] == CSP
    xiaomei = await log_in(browser, site, "xiaomei")
    await open_group(xiaomei, "好物分享群")
    assert await xiaomei.locator("#messages .message .avatar").count() > 0  # coloured through the CSSOM
    await say(xiaomei, "CSP 下也能发消息 😊")
    await xiaomei.wait_for_selector("#messages .message.mine:has-text('CSP 下也能发消息')")
    # the message arrives live (Socket.IO's websocket, allowed by connect-src 'self') on another screen
    aqiang = await log_in(browser, site, "aqiang")
    await open_group(aqiang, "好物分享群")
    await say(xiaomei, "阿强看得到吗")
    await aqiang.wait_for_selector("#messages .message:has-text('阿强看得到吗')", timeout=5000)
    assert await aqiang.evaluate("window.io && true")

    await xiaomei.click("#open-threads")
    await xiaomei.wait_for_selector("#thread-list")
    await xiaomei.click("#discover")
    await xiaomei.wait_for_selector("#discover-list[aria-busy=false]")
    await xiaomei.fill("#search", "耳机")
    await xiaomei.press("#search", "Enter")
    await xiaomei.locator("#search-results .hit").first.wait_for()
    await xiaomei.click("#open-profile")
    await xiaomei.wait_for_selector(".profile-form")
    await xiaomei.click("#contact-support")
    await xiaomei.wait_for_selector("#composer")
    await say(xiaomei, "请问退货地址是哪里")
    await xiaomei.wait_for_selector("#messages .message.mine:has-text('退货地址')")

    banzhu = await dashboard(browser, site)
    await banzhu.wait_for_selector(".mod-tabs")
    for page in (xiaomei, aqiang, banzhu):
        assert await violations(page) == []
        assert page.errors == []
