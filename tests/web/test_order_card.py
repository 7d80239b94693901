"""联系客服 in the browser: a shopper shows support one of her orders from a picker of her own orders, at phone
width; the card carries the shop's data for that order, and the assistant is told which order it is."""
from __future__ import annotations

import pytest

from tests.conftest import app_for, make_config
from tests.web.browser import log_in


@pytest.fixture
async def rasa(aiohttp_server):
    from tests.server.support_helpers import StandInRasa, serve
    stand_in = StandInRasa()
    stand_in.script = lambda text: [{"text": f"小智收到：{text}"}]
    return await serve(aiohttp_server, stand_in)


async def test_a_shopper_sends_one_of_her_orders_to_support(browser, rasa, aiohttp_client, tmp_path):
    config = make_config(tmp_path / "support", seed_demo=True, bot=True, bot_url=rasa.url, bot_secret="s3cret",
                         support_hours="00:00-24:00", bot_probe_seconds=0.2)
    client = await aiohttp_client(app_for(config))
    customer = await log_in(browser, str(client.make_url("/")), "xiaomei", width=390, height=844)
    await customer.click("#contact-support")
    await customer.wait_for_selector("#support-status[data-state=bot]")
    assert await customer.locator("#share-product").count() == 0  # no catalogue picker in support
    await customer.click("#share-order")
    picker = customer.locator("#product-picker")
    await picker.locator("button[data-order='SC20261115002']").wait_for()
    assert await picker.locator("button[data-order='SC20261118005']").count() == 0  # lily's order: not offered
    await picker.locator("button[data-order='SC20261115002']").click()
    card = customer.locator("#messages .order-card[data-order='SC20261115002']")
    await card.wait_for(timeout=5000)
    assert "降噪蓝牙耳机" in await card.inner_text() and "已签收" in await card.inner_text()
    lines = await card.locator("span", has_text="已签收").evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }")
    assert lines == 1  # one line at phone width: 已签收, not 已签/收
    await customer.wait_for_selector("#messages .message:has-text('小智收到')", timeout=5000)
    assert any("SC20261115002" in r["message"] for r in rasa.asked)
    # a reload in the middle of it opens the same support conversation again, not the home list
    await customer.reload()
    await customer.wait_for_selector("#messages .order-card[data-order='SC20261115002']", timeout=5000)
    await customer.wait_for_selector("#support-status[data-state=bot]")
    assert "#c/" in customer.url
    await customer.click("header .lang")  # the title follows the language, like the rest of the screen
    await customer.wait_for_selector("#chat-header .title:has-text('Customer service')")
    await customer.click("header .lang")
    await customer.wait_for_selector("#chat-header .title:has-text('联系客服')")
    await customer.click("#chat-header .back")
    await customer.wait_for_selector("#group-list")
    assert "#c/" not in customer.url
    assert customer.errors == []
