"""After-sales with photos at the desk, in real Chromium (issue 15): a customer sends a damage photo in 联系客服,
the request filed with it shows the photo at the desk's 售后 tab (a thumbnail signed for the agent, opening in
the lightbox), and a damaged-item request without one says so in words."""
from __future__ import annotations

from server.actions import shop
from tests.web.browser import log_in, say
from tests.web.test_pictures import as_file, choose, picture


async def test_the_agent_sees_the_damage_photo_of_an_after_sales_request(browser, site, services):
    customer = await log_in(browser, site, "xiaomei")
    await customer.click("#contact-support")
    await customer.wait_for_selector("#composer")
    await say(customer, "耳机收到就坏了")
    await choose(customer, as_file("broken.jpg", picture((120, 120, 120), (1000, 750), "JPEG"), "image/jpeg"))
    await customer.press("#composer", "Enter")
    await customer.wait_for_selector("#messages .message.mine .pictures .pic.loaded", timeout=5000)

    # what the assistant files once she confirms: the request with the picture she sent (checked as hers, here)
    me = await services.storage.users.get_by_username(username="xiaomei")
    case = await services.storage.support.for_customer(customer_id=me.id)
    sent = [m for m in await services.storage.messages.history(conversation_id=case.conversation_id, limit=20)
            if m.type == "image"]
    photo_id = sent[-1].card["images"][0]["upload_id"]
    request, _ = await shop.check_create_aftersale(services, customer_id=me.id, conversation_id=case.conversation_id,
                                                   kind="damaged", order_id="SC20261115002", sku="SC-EARBUDS-02",
                                                   description="充电盒裂了", photo_ids=[photo_id])
    without, _ = await shop.check_create_aftersale(services, customer_id=me.id, conversation_id=case.conversation_id,
                                                   kind="damaged", order_id="SC20261101001",
                                                   description="袖口开线", photo_ids=[])

    kefu = await log_in(browser, site, "kefu")
    await kefu.click("#switch-desk")
    await kefu.click(".desk-tabs [data-tab=aftersales]")
    item = kefu.locator(f"#aftersale-list .record[data-id='{request.id}']")
    await item.wait_for()
    text = await item.inner_text()
    assert "破损售后" in text and "充电盒裂了" in text and "顾客照片" in text
    thumb = item.locator(f".aftersale-photos .pic[data-upload='{photo_id}']")
    await thumb.locator("img").wait_for()
    await kefu.wait_for_selector(f"#aftersale-list .record[data-id='{request.id}'] .pic.loaded", timeout=5000)
    await thumb.click()
    await kefu.wait_for_selector("#lightbox[data-index='0'] .lightbox-picture.loaded", timeout=5000)
    assert await kefu.evaluate("document.querySelector('#lightbox .lightbox-picture').naturalWidth") == 1000
    await kefu.keyboard.press("Escape")
    await kefu.locator("#lightbox").wait_for(state="detached")

    other = kefu.locator(f"#aftersale-list .record[data-id='{without.id}']")
    assert "顾客没有提供照片" in await other.inner_text() and await other.locator(".pic").count() == 0
    assert kefu.errors == [] and customer.errors == []
