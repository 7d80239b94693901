"""A conversation with a long history in real Chromium: the list is windowed (the page never holds more
than WINDOW messages), scrolling up brings back everything down to the first message, and the jump
button returns to the newest. Opening one: the pane is the new conversation's at once (what is sent
while its history loads goes there), drafts are kept per conversation, a failed load says so."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from server.storage.base import NewMessage
from tests.web.browser import PASSWORD, loaded, log_in, open_group, two_in_group

WINDOW = 120  # web/static/chat/list.js


async def seed_history(services, group_name, count):
    groups = await services.storage.groups.discover(query=group_name, limit=1, offset=0)
    group = groups[0]
    author = await services.storage.users.get_by_username(username="lily")
    start = services.clock.now() - timedelta(days=2)
    for i in range(1, count + 1):
        await services.storage.messages.append(NewMessage(
            conversation_id=group.conversation_id, author_id=author.id, type="text", text=f"历史消息第{i}条",
            created_at=start + timedelta(seconds=i)))
    return group


async def rendered(page):
    return await page.locator("#messages .message").count()


async def test_a_thousand_messages_stay_windowed_and_all_reachable(browser, site, services):
    await seed_history(services, "穿搭交流", 1000)
    page = await log_in(browser, site, "xiaomei", width=390, height=844)
    await open_group(page, "穿搭交流 Outfit")
    await page.wait_for_selector("#messages .message:has-text('历史消息第1000条')")
    assert await rendered(page) <= WINDOW
    seen_first = False
    for _ in range(200):  # scroll to the top, again and again, as a reader going back in time
        await page.evaluate("document.getElementById('scroller').scrollTop = 0")
        await page.wait_for_timeout(30)
        assert await rendered(page) <= WINDOW
        if await page.locator("#messages .message[data-seq='1']").count():
            seen_first = True
            break
    assert seen_first, "the first message was never reached"
    assert await page.locator("#messages .message .text:text-is('历史消息第1条')").count() == 1
    seqs = await page.eval_on_selector_all("#messages .message", "els => els.map(e => Number(e.dataset.seq))")
    assert seqs == sorted(seqs) and seqs[0] == 1 and seqs == list(range(1, len(seqs) + 1))  # no gaps, no repeats
    assert await page.locator("#messages .message:has-text('历史消息第1000条')").count() == 0  # dropped far below
    await page.click("#jump-latest")
    await page.wait_for_selector("#messages .message:has-text('历史消息第1000条')")
    assert await rendered(page) <= WINDOW
    assert page.errors == []


async def test_new_messages_while_reading_old_ones_wait_behind_the_jump_button(browser, site, services):
    await seed_history(services, "穿搭交流", 300)
    reader, writer = await two_in_group(browser, site, "穿搭交流 Outfit", "xiaomei", "aqiang")
    for _ in range(20):
        await reader.evaluate("document.getElementById('scroller').scrollTop = 0")
        await reader.wait_for_timeout(30)
    top = await reader.evaluate("document.getElementById('scroller').scrollTop")
    await writer.fill("#composer", "有人在看旧消息吗")
    await writer.press("#composer", "Enter")
    await reader.wait_for_selector("#jump-latest", state="visible")
    await reader.wait_for_timeout(300)
    assert abs(await reader.evaluate("document.getElementById('scroller').scrollTop") - top) < 5  # not yanked down
    await reader.click("#jump-latest")
    await reader.wait_for_selector("#messages .message:has-text('有人在看旧消息吗')")
    assert reader.errors == []


async def test_what_is_sent_while_a_conversation_loads_goes_there_and_drafts_stay_per_conversation(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群", "xiaomei", "aqiang")
    await open_group(aqiang, "穿搭交流 Outfit")
    await aqiang.fill("#composer", "风衣还有卡其色吗")  # not sent: a draft
    released = asyncio.Event()

    async def slow_history(route):
        response = await route.fetch()
        await released.wait()
        await route.fulfill(response=response)

    await aqiang.route("**/api/conversations/*/messages?limit=50", slow_history)
    await aqiang.click("#group-list .group:has-text('好物分享群')")
    # the pane is already 好物分享群's, loading; nothing of 穿搭交流 is left to be mistaken for it
    await aqiang.wait_for_selector("#chat-header .title:text-is('好物分享群')")
    assert await aqiang.get_attribute("#scroller", "aria-busy") == "true"
    assert await aqiang.locator("#messages .message").count() == 0
    assert await aqiang.input_value("#composer") == ""
    await aqiang.fill("#composer", "打开的时候就发了")
    await aqiang.press("#composer", "Enter")
    await xiaomei.locator("#messages .message", has_text="打开的时候就发了").wait_for(timeout=5000)
    released.set()
    await loaded(aqiang)
    await aqiang.locator("#messages .message.mine", has_text="打开的时候就发了").wait_for(timeout=5000)
    assert await aqiang.locator("#messages .message", has_text="请问耳机有白色的吗").count() == 1  # the history too
    await aqiang.unroute("**/api/conversations/*/messages?limit=50")

    await open_group(aqiang, "穿搭交流 Outfit")
    assert await aqiang.input_value("#composer") == "风衣还有卡其色吗"  # the draft, back where it was written
    assert await aqiang.locator("#messages .message", has_text="打开的时候就发了").count() == 0
    await aqiang.reload()
    await aqiang.wait_for_selector("#group-list .group")
    await open_group(aqiang, "穿搭交流 Outfit")
    assert await aqiang.input_value("#composer") == "风衣还有卡其色吗"  # and after a reload
    await aqiang.press("#composer", "Enter")
    await aqiang.locator("#messages .message.mine", has_text="风衣还有卡其色吗").wait_for(timeout=5000)
    await open_group(aqiang, "好物分享群")
    await open_group(aqiang, "穿搭交流 Outfit")
    assert await aqiang.input_value("#composer") == ""  # sent: no draft any more
    await aqiang.fill("#composer", "还没想好怎么说")
    await aqiang.click("#logout")  # a shared computer: logging out leaves no draft behind for the next person
    await aqiang.fill("input[name=username]", "aqiang")
    await aqiang.fill("input[name=password]", PASSWORD)
    await aqiang.click("button[type=submit]")
    await aqiang.wait_for_selector("#group-list .group")
    await open_group(aqiang, "穿搭交流 Outfit")
    assert await aqiang.input_value("#composer") == ""
    assert aqiang.errors == [] and xiaomei.errors == []


async def test_a_history_that_fails_to_load_says_so(browser, site):
    page = await log_in(browser, site, "xiaomei")

    async def broken(route):
        await route.fulfill(status=503, content_type="application/json",
                            body=json.dumps({"error": {"code": "unavailable", "message": "down"}}))

    await page.route("**/api/conversations/*/messages?limit=50", broken)
    await page.click("#group-list .group:has-text('好物分享群')")
    alert = page.locator("#messages .empty[role=alert]")
    await alert.wait_for(timeout=5000)
    assert await page.get_attribute("#scroller", "aria-busy") == "false"
    assert (await alert.inner_text()).strip()
    await page.unroute("**/api/conversations/*/messages?limit=50")
    await open_group(page, "好物分享群")  # and opening it again works
    await page.wait_for_selector("#messages .message:has-text('请问耳机有白色的吗')")
    assert page.errors == []
