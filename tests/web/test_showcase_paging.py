"""The 晒单墙 pages by itself (real Chromium, a 390 px phone): a group with more 晒单 than one page (12) shows the first
page, and scrolling near its end loads the next (IntersectionObserver); without an observer, and for keyboards, 加载更多
still does it."""
from __future__ import annotations

import pytest

from tests.web.browser import PASSWORD, log_in, open_group

GROUP = "好物分享群"
PHONE = {"width": 390, "height": 844}
PAGE = 12
AUTHORS = ("xiaomei", "aqiang", "lily")


@pytest.fixture
async def many_showcases(web):
    """15 晒单 on the wall: the demo's one and 14 more, by three shoppers."""
    for n in range(14):
        resp = await web.post("/api/auth/login", json={"username": AUTHORS[n % 3], "password": PASSWORD})
        headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}
        groups = (await (await web.get("/api/me/groups", headers=headers)).json())["groups"]
        group = next(g for g in groups if g["name"] == GROUP)
        resp = await web.post(f"/api/groups/{group['id']}/threads", headers=headers,
                              json={"title": f"第{n + 1}件晒单", "text": f"卫衣第{n + 1}次穿，很暖和", "tag": "showcase",
                                    "product_id": "SC-HOODIE-01"})
        assert resp.status == 200, await resp.text()
    return 15


async def open_wall(page):
    await open_group(page, GROUP)
    await page.click("#open-threads")
    await page.wait_for_selector("#thread-list")
    await page.click("#open-showcase")
    await page.locator("#showcase-grid .tile").nth(PAGE - 1).wait_for(timeout=10000)
    await page.wait_for_timeout(500)  # time for the observer to answer, were the end in sight already


async def test_scrolling_near_the_end_of_the_wall_loads_the_next_page(browser, site, many_showcases):
    page = await log_in(browser, site, "aqiang", **PHONE)
    await open_wall(page)
    tiles = page.locator("#showcase-grid .tile")
    assert await tiles.count() == PAGE  # the end isn't near yet: one page
    assert await page.locator("#showcase-more").is_visible()
    await page.locator(".showcase-pane").evaluate("p => p.scrollTo(0, p.scrollHeight)")
    await tiles.nth(many_showcases - 1).wait_for(timeout=10000)
    assert await tiles.count() == many_showcases  # each once
    assert len(set(await tiles.evaluate_all("ts => ts.map((t) => t.dataset.thread)"))) == many_showcases
    await page.locator("#showcase-more").wait_for(state="hidden")  # the end: nothing more to load
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == []


async def test_without_an_observer_the_button_loads_the_next_page_from_the_keyboard(browser, site, many_showcases):
    page = await log_in(browser, site, "aqiang", **PHONE)
    await page.add_init_script("delete window.IntersectionObserver")
    await page.reload()
    await page.wait_for_selector("#group-list .group")
    await open_wall(page)
    tiles = page.locator("#showcase-grid .tile")
    await page.locator(".showcase-pane").evaluate("p => p.scrollTo(0, p.scrollHeight)")
    await page.wait_for_timeout(500)
    assert await tiles.count() == PAGE  # nothing loads by itself
    await page.focus("#showcase-more")
    await page.keyboard.press("Enter")
    await tiles.nth(many_showcases - 1).wait_for(timeout=10000)
    assert await tiles.count() == many_showcases
    assert page.errors == []
