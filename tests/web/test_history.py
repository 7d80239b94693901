"""A conversation with a long history in real Chromium: the list is windowed (the page never holds more
than WINDOW messages), scrolling up brings back everything down to the first message, and the jump
button returns to the newest."""
from __future__ import annotations

from datetime import timedelta

from server.storage.base import NewMessage
from tests.web.browser import log_in, open_group, two_in_group

WINDOW = 120  # web/static/chat.js


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
